"""Legal review in a real browser: the reviewer finds the case in the review queue, reads the
materials beside the G118-13 checklist, answers every point, gives 同意 with a written opinion,
and the case is ready for the decision (APL-58)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lawtrail.cases.models import Case, Evidence, State
from lawtrail.review import rules
from lawtrail.review.models import Review, ReviewAssignment, ReviewRequirement
from lawtrail.review.services import requirement_of
from tests.cast import build_cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_passes_a_review(live_server, page):
    cast = build_cast()
    today = timezone.localdate()
    case = Case.objects.create(
        agency=cast.agency_a,
        domain=cast.market,
        region=cast.changan,
        title="某超市销售过期食品案",
        handler=cast.alice,
        lead_on=today,
        state=State.REVIEWING,
        proposed_outcome="penalty",
        proposed_kinds=["fine"],
        proposed_amount=20000,
    )
    case.officers.set([cast.alice])
    ReviewRequirement.objects.create(
        case=case,
        required=True,
        reasons=[
            {
                "criterion": None,
                "category": "amount",
                "title": "较大数额罚款",
                "reason": "罚没金额达到10000元",
            }
        ],
    )
    ev = Evidence.objects.create(
        case=case, kind="record", title="现场检查笔录", collected_on=today, collected_by=cast.alice
    )
    review = Review.objects.create(
        case=case,
        round=1,
        submitted_by=cast.alice,
        submitted_at=timezone.now(),
        submitted_on=today,
        reviewer=cast.dave,
        due_on=today + dt.timedelta(days=7),
        reasons=requirement_of(case).reasons,
        materials=[{"key": "proposal", "label": "拟作出的处理决定", "required": True, "present": True}],
        snapshot={
            "outcome": "penalty",
            "kinds": ["fine"],
            "amount": "20000",
            "evidence": [
                {
                    "id": ev.pk,
                    "kind": "勘验笔录、现场笔录",
                    "title": "现场检查笔录",
                    "collected_on": today.isoformat(),
                }
            ],
            "report": "经调查，事实清楚。",
        },
    )
    ReviewAssignment.objects.create(review=review, reviewer=cast.dave, how="round_robin", at=timezone.now())

    page.goto(live_server.url + "/backoffice/review/")
    page.fill("input[name=username]", "dave")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/backoffice/review/")
    page.get_by_role("link", name=str(case)).click()
    page.wait_for_url(f"**/backoffice/review/{review.pk}/")
    assert "现场检查笔录" in page.content() and "经调查，事实清楚。" in page.content()

    form = page.locator("[data-testid=opinion-form]")
    # first try 同意 without answering the points: refused in Chinese, nothing changes
    form.locator("input[name=opinion][value=agree]").check()
    form.locator("textarea[name=text]").fill("同意。")
    form.get_by_role("button", name="提交审核意见").click()
    page.wait_for_load_state()
    assert page.locator("[role=alert]").get_attribute("data-code") == "REVIEW_CHECKLIST_INCOMPLETE"

    form = page.locator("[data-testid=opinion-form]")
    for key in rules.POINT_KEYS:
        form.locator(f"input[name=ok_{key}][value='1']").check()
    form.locator("input[name=opinion][value=agree]").check()
    form.locator("textarea[name=text]").fill("经审核，事实清楚，证据确凿，适用依据正确，裁量适当，同意。")
    form.get_by_role("button", name="提交审核意见").click()
    page.wait_for_url(f"**/backoffice/review/{review.pk}/")
    assert page.locator("[data-testid=review-status]").inner_text() == "同意"
    case.refresh_from_db()
    assert case.state == State.READY and requirement_of(case).passed
