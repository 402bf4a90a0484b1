"""Pages and API of legal review; the figures against a hand-counted fixture."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from lawtrail.cases.models import Case, CaseEvent
from lawtrail.registry.models import RoleGrant
from lawtrail.review import rules
from lawtrail.review import services as svc
from lawtrail.review.models import Review
from lawtrail.review.selectors import figures_for
from tests.cast import api_client_for
from tests.factories import StaffFactory, UserFactory, make_id_number

ALL_OK = {k: {"ok": True} for k in rules.POINT_KEYS}
V = "/api/v1/review/"


def _case(cast, agency, n):
    return Case.objects.create(
        agency=agency,
        domain=cast.market,
        region=agency.division,
        title=f"案{n}",
        handler=cast.alice,
        lead_on=dt.date(2026, 3, 1),
    )


@pytest.fixture
def counted(cast):
    """Agency A, 2026: 4 cases routed to review (1..4), reviews:
    case 1 — round 1 存在问题 (裁量不当), 3 days; round 2 同意, 2 days
    case 2 — 同意, 5 days
    case 3 — 存在问题 (事实不清证据不足 + 程序违法), 4 days
    case 4 — not reviewed.  Agency B: one 同意 review (outside A's scope).
    Hand count for A: reviews 4, cases reviewed 3, coverage 3/4 = 75 %, correction 2/4 = 50 %,
    average (3+2+5+4)/4 = 3.5 days; reviewers 1 (dave) ÷ officers 1 (alice) = 100 %."""
    a, b = cast.agency_a, cast.agency_b
    cases = [_case(cast, a, n) for n in range(1, 5)]
    for c in cases:
        CaseEvent.objects.create(case=c, action="review_route", at=timezone.now(), on=dt.date(2026, 3, 2))
    day = dt.date(2026, 3, 2)

    def rev(case, rnd, status, days, cats=()):
        Review.objects.create(
            case=case,
            round=rnd,
            status=status,
            submitted_by=cast.alice,
            submitted_at=timezone.now(),
            submitted_on=day,
            decided_on=day + dt.timedelta(days=days),
            categories=list(cats),
        )

    rev(cases[0], 1, "findings", 3, ["discretion"])
    rev(cases[0], 2, "agreed", 2)
    rev(cases[1], 1, "agreed", 5)
    rev(cases[2], 1, "findings", 4, ["facts_evidence", "procedure"])
    Review.objects.create(
        case=cases[3],
        round=1,
        status="open",
        submitted_by=cast.alice,
        submitted_at=timezone.now(),
        submitted_on=day,
    )
    rev(_case(cast, b, 9), 1, "agreed", 1)
    return cases


def test_G118_11_figures_against_hand_count(cast, counted):
    f = figures_for(
        cast.grace, agency_id=cast.agency_a.pk, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31)
    )
    assert (f["reviews"], f["cases_reviewed"], f["cases_required"]) == (4, 3, 4)
    assert f["coverage"] == Decimal("75.00") and f["correction_rate"] == Decimal("50.00")
    assert f["findings_by_category"] == {
        **{k: 0 for k in rules.FINDING_KEYS},
        "discretion": 1,
        "facts_evidence": 1,
        "procedure": 1,
    }
    assert f["average_days"] == Decimal("3.5")
    assert (f["reviewers"], f["officers"], f["reviewer_ratio"], f["reviewer_ratio_met"]) == (
        1,
        1,
        Decimal("100.00"),
        True,
    )
    # the city supervisor sees both agencies: 5 reviews, 2 with findings
    city = figures_for(
        cast.frank, division_code="130100", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31)
    )
    assert (
        city["reviews"] == 5 and city["correction_rate"] == Decimal("40.00") and len(city["per_agency"]) == 2
    )
    # a period that excludes March counts nothing
    empty = figures_for(
        cast.grace, agency_id=cast.agency_a.pk, date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 12, 31)
    )
    assert empty["reviews"] == 0 and empty["correction_rate"] is None


def test_figures_scope_api_and_csv(cast, counted):
    q = f"agency={cast.agency_a.pk}&date_from=2026-01-01&date_to=2026-12-31"
    r = api_client_for(cast.erin).get(f"{V}figures?{q}")
    assert r.status_code == 200 and r.json()["correction_rate"] == "50.00"
    assert api_client_for(cast.bob).get(f"{V}figures?{q}").status_code == 404
    assert (
        api_client_for(cast.grace)
        .get(f"{V}figures?agency={cast.agency_a.pk}&date_from=2026-05-01&date_to=2026-01-01")
        .json()["code"]
        == "REVIEW_PERIOD_INVALID"
    )
    csv = api_client_for(cast.grace).get(f"{V}figures.csv?{q}").content.decode("utf-8-sig")
    assert "纠错率(%),50.00" in csv and "问题类别：裁量不当,1" in csv


def test_figures_page_with_chart(client, cast, counted):
    client.force_login(cast.frank)
    r = client.get("/backoffice/review/figures/?division=130100&date_from=2026-01-01&date_to=2026-12-31")
    body = r.content.decode()
    assert r.status_code == 200 and "echarts.min.js" in body and "40.00%" in body and "裁量不当" in body
    r = client.get("/backoffice/review/figures.csv?division=130100&date_from=2026-01-01&date_to=2026-12-31")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")


def test_queue_overdue_flag_and_pages(client, cast, counted, frozen_today):
    open_round = Review.objects.get(status="open")
    open_round.reviewer = cast.dave
    open_round.due_on = dt.date(2026, 8, 31)  # frozen today: 2026-09-01
    open_round.save()
    rows = api_client_for(cast.dave).get(V + "queue").json()
    assert [r["review"]["id"] for r in rows] == [open_round.pk] and rows[0]["overdue"]
    assert api_client_for(cast.alice).get(V + "queue").json() == []
    client.force_login(cast.dave)
    body = client.get("/backoffice/review/").content.decode()
    assert "已超期" in body and open_round.case.title in body
    body = client.get(f"/backoffice/review/{open_round.pk}/").content.decode()
    assert 'data-testid="opinion-form"' in body and "是否涉嫌犯罪需要移送司法机关" in body
    client.force_login(cast.bob)
    assert client.get(f"/backoffice/review/{open_round.pk}/").status_code == 404


def test_public_list_page_and_api(client, cast):
    svc.criterion_create(
        actor=cast.admin,
        division_code="130100",
        category="amount",
        title="较大数额罚款",
        amount_person="10000",
        amount_organisation="100000",
    )
    svc.criterion_create(
        actor=cast.grace, agency_id=cast.agency_a.pk, category="hearing", title="经听证的案件"
    )
    r = api_client_for(None).get(f"{V}public/agencies/{cast.agency_a.pk}/criteria")
    assert r.status_code == 200 and [c["title"] for c in r.json()["criteria"]] == [
        "较大数额罚款",
        "经听证的案件",
    ]
    r = api_client_for(None).get(f"{V}public/agencies/{cast.agency_b.pk}/criteria")
    assert [c["title"] for c in r.json()["criteria"]] == ["较大数额罚款"]
    body = client.get(f"/backoffice/review/public/{cast.agency_a.pk}/").content.decode()
    assert "较大数额罚款" in body and "10000.00" in body


def test_criteria_page_for_admins(client, cast):
    crit = svc.criterion_create(actor=cast.admin, division_code="130100", category="all", title="全部吊销类")
    client.force_login(cast.grace)
    url = f"/backoffice/review/criteria/{cast.agency_a.pk}/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"what": "create", "category": "amount", "title": "x"})
    assert "REVIEW_THRESHOLD_REQUIRED" in r.content.decode()
    r = client.post(url, {"what": "create", "category": "amount", "title": "大额", "amount_person": "5000"})
    assert r.status_code == 302
    r = client.post(url, {"what": "opt_out", "criterion_id": crit.pk, "reason": "本局不适用"})
    assert r.status_code == 302 and "本局不适用" in client.get(url).content.decode()
    client.force_login(cast.alice)
    assert client.get(url).status_code == 404


def test_opinion_through_the_api_and_history(cast, world, walk):  # noqa: ARG001
    svc.criterion_create(actor=cast.grace, agency_id=cast.agency_a.pk, category="all", title="全部")
    case = walk.ready(walk.proposed())
    r = api_client_for(cast.alice).post(f"{V}cases/{case.pk}/submit", {}, format="json")
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    bad = api_client_for(cast.dave).post(
        f"{V}{rid}/opinion", {"opinion": "agree", "checklist": {}, "text": "同意"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "REVIEW_CHECKLIST_INCOMPLETE"
    r = api_client_for(cast.dave).post(
        f"{V}{rid}/opinion", {"opinion": "agree", "checklist": ALL_OK, "text": "同意"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "agreed"
    hist = api_client_for(cast.erin).get(f"{V}cases/{case.pk}/history").json()
    assert [h["round"] for h in hist] == [1] and hist[0]["assignments"][0]["how"] == "round_robin"


def test_flag_page_posts(client, cast, world, walk):  # noqa: ARG001
    case = walk.proposed()
    client.force_login(cast.alice)
    r = client.post(
        f"/backoffice/review/cases/{case.pk}/flag/", {"kind": "complex", "reason": "涉及多个法律关系"}
    )
    assert r.status_code == 302 and case.review_flags.count() == 1


def test_reviewer_role_needed_for_queue_nav(client, cast):
    u = UserFactory(username="zoe")
    StaffFactory(agency=cast.agency_a, user=u, name="zoe", id_number=make_id_number(9555, "130102"))
    RoleGrant.objects.create(user=u, role="officer", agency=cast.agency_a)
    client.force_login(u)
    assert "法制审核</a>" not in client.get("/backoffice/review/figures/").content.decode()
