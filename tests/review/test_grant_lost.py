"""A reviewer who loses her grant in the middle of a review (issue 9): her 待办 and queue no
longer list the round, the review page says why in Chinese (403 REVIEW_GRANT_LOST when she no
longer sees the case; a notice without the opinion form when she still does) — never a 500 —
and an opinion posted after the loss is refused with nothing recorded."""

from __future__ import annotations

import pytest

from lawtrail.cases.models import State
from lawtrail.core.permissions import Role
from lawtrail.registry.models import RoleGrant
from lawtrail.review import rules
from lawtrail.review.models import Review

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
LOST = "您已不再担任本机关的法制审核人员"


def _submitted(walk, client) -> Review:
    case = walk.ready(walk.proposed())
    client.force_login(walk.c.alice)
    r = client.post(
        f"/backoffice/cases/{case.pk}/act/review_submit/",
        {"flag_kind": "complex", "flag_reason": "涉及多个法律关系"},
        **HX,
    )
    assert r.status_code == 200
    case.refresh_from_db()
    assert case.state == State.REVIEWING
    review = Review.objects.get(case=case)
    if review.reviewer_id is None:
        review.reviewer = walk.c.dave
        review.save(update_fields=["reviewer"])
    assert review.reviewer_id == walk.c.dave.pk
    return review


def _opinion(client, review):
    data = {"what": "opinion", "opinion": "agree", "text": "同意"}
    data.update({f"ok_{k}": "1" for k in rules.POINT_KEYS})
    return client.post(f"/backoffice/review/{review.pk}/", data)


def test_reviewer_without_any_grant_left(walk, client):
    review = _submitted(walk, client)
    dave = walk.c.dave
    client.force_login(dave)
    assert client.get(f"/backoffice/review/{review.pk}/").status_code == 200
    assert "法制审核" in client.get("/backoffice/cases/todo/summary/").content.decode()
    RoleGrant.objects.filter(user=dave).delete()
    r = client.get(f"/backoffice/review/{review.pk}/")
    assert r.status_code == 403 and LOST in r.content.decode() and "REVIEW_GRANT_LOST" in r.content.decode()
    r = _opinion(client, review)
    assert r.status_code == 403 and LOST in r.content.decode()
    r = client.get("/backoffice/cases/todo/")  # no case of hers to see: the 待办 page says so
    assert r.status_code == 403 and "您没有查看案件的权限" in r.content.decode()
    assert client.get("/backoffice/").status_code == 200  # the home stays usable, its 待办 box empty
    assert "法制审核" not in client.get("/backoffice/cases/todo/summary/").content.decode()
    review.refresh_from_db()
    assert review.status == "open" and review.decided_on is None  # nothing recorded


def test_reviewer_who_stays_an_officer(walk, client):
    review = _submitted(walk, client)
    dave = walk.c.dave
    RoleGrant.objects.filter(user=dave, role=Role.REVIEWER).update(role=Role.OFFICER)
    client.force_login(dave)
    todo = client.get("/backoffice/cases/todo/")
    assert todo.status_code == 200 and f"/backoffice/review/{review.pk}/" not in todo.content.decode()
    queue = client.get("/backoffice/review/")
    assert queue.status_code in (200, 403)
    assert f"/backoffice/review/{review.pk}/" not in queue.content.decode()
    page = client.get(f"/backoffice/review/{review.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and LOST in body and 'data-testid="opinion-form"' not in body
    r = _opinion(client, review)
    assert r.status_code == 403 and LOST in r.content.decode() and "REVIEW_GRANT_LOST" in r.content.decode()
    review.refresh_from_db()
    assert review.status == "open" and review.decided_on is None
