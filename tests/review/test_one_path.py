"""One legal-review path (issue 9): 提请法制审核 asks the 情形 in its own form; a review passes
only through the review page (the case page offers no one-box 通过)."""

from __future__ import annotations

import pytest

from lawtrail.cases.models import State
from lawtrail.review.models import ReviewFlag
from lawtrail.review.services import requirement_of

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def test_review_submit_asks_the_situation_in_the_same_form(walk, client):
    case = walk.ready(walk.proposed())  # no 目录清单 here: the catalogue does not require review
    assert case.state == State.READY and not requirement_of(case).required
    client.force_login(walk.c.alice)
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert 'name="flag_kind"' in page and 'id="review-flag"' not in page  # one form, not two
    # without a 情形 the refusal says so and nothing is recorded
    r = client.post(f"/backoffice/cases/{case.pk}/act/review_submit/", {}, **HX)
    assert r.status_code in (400, 409) and not ReviewFlag.objects.filter(case=case).exists()
    r = client.post(
        f"/backoffice/cases/{case.pk}/act/review_submit/",
        {"flag_kind": "complex", "flag_reason": "涉及多个法律关系"},
        **HX,
    )
    assert r.status_code == 200, r.content.decode()[:2000]
    case.refresh_from_db()
    assert case.state == State.REVIEWING and ReviewFlag.objects.filter(case=case, kind="complex").exists()
    # the reviewer is not offered 法制审核通过 on the case page: the review page with its checklist is the way
    client.force_login(walk.c.dave)
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert 'id="act-review_pass"' not in page and 'id="act-review_send_back"' not in page
