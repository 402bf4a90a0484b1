"""APL-60: the decision limit — approved extensions and excluded periods, the effective deadline stored."""

import datetime as dt

import pytest

from lawtrail.cases.models import CaseEvent, CasePeriod
from tests.cases.procedure_kit import filed_case, journaled, refused_step, set_profile, step

D = dt.date


def due(case):
    return case.deadlines.get(kind="decision", active=True)


def test_extension_requested_and_approved_by_the_head(world):
    c = world.cast
    case = filed_case(world)
    assert due(case).due_on == D(2026, 11, 30)
    refused_step("REASON_REQUIRED", c.alice, case, "extension_request", days=30)
    step(c.alice, case, "extension_request", days=30, reason="案情复杂，需补充调查")
    assert journaled(case, "extension_request")
    refused_step("CASE_EXTENSION_PENDING", c.alice, case, "extension_request", days=10, reason="x")
    refused_step("PERMISSION_DENIED", c.alice, case, "extension_approve")
    refused_step("CASE_LEADER_REQUIRED", c.carol, case, "extension_approve")
    refused_step("CASE_LEADER_REQUIRED", world.paula, case, "extension_approve")
    case = step(world.quentin, case, "extension_approve", reason="同意延长三十日")
    assert case.extension_requested_days is None
    assert due(case).due_on == D(2026, 12, 30)
    ev = CaseEvent.objects.filter(case=case, action="extension_approve").get()
    assert (
        ev.data["days"] == 30 and ev.data["due_on"] == "2026-12-30" and journaled(case, "extension_approve")
    )
    refused_step("CASE_EXTENSION_NOT_PENDING", world.quentin, case, "extension_approve")
    # the profile allows 30 days in all
    refused_step("CASE_EXTENSION_OVER_LIMIT", c.alice, case, "extension_request", days=1, reason="再延长")


@pytest.mark.parametrize(
    ("days", "limit", "code"),
    [
        (30, 30, None),
        (31, 30, "CASE_EXTENSION_OVER_LIMIT"),
        (0, 30, "CASE_EXTENSION_DAYS_INVALID"),
        (31, 60, None),
    ],
)
def test_APL_60_extension_within_profile_maximum(world, days, limit, code):
    if limit != 30:
        set_profile(world.cast.agency_a, "decision.limit_extension", limit)
    case = filed_case(world)
    if code:
        refused_step(code, world.cast.alice, case, "extension_request", days=days, reason="复杂")
    else:
        step(world.cast.alice, case, "extension_request", days=days, reason="复杂")
        step(world.quentin, case, "extension_approve")
        assert due(case).due_on == D(2026, 11, 30) + dt.timedelta(days=days)


def test_APL_60_no_extension_once_the_deadline_passed(world):
    case = filed_case(world)
    refused_step(
        "CASE_DEADLINE_PASSED",
        world.cast.alice,
        case,
        "extension_request",
        on=D(2026, 12, 1),
        days=10,
        reason="x",
    )
    step(world.cast.alice, case, "extension_request", on=D(2026, 11, 30), days=10, reason="x")
    # approved too late: checked again
    refused_step("CASE_DEADLINE_PASSED", world.quentin, case, "extension_approve", on=D(2026, 12, 1))


def test_extension_rejected(world):
    case = filed_case(world)
    step(world.cast.alice, case, "extension_request", days=10, reason="x")
    refused_step("REASON_REQUIRED", world.quentin, case, "extension_reject")
    case = step(world.quentin, case, "extension_reject", reason="理由不充分")
    assert case.extension_requested_days is None and due(case).due_on == D(2026, 11, 30)
    assert journaled(case, "extension_reject")


def test_excluded_period_stops_the_clock_and_moves_the_deadline(world):
    c = world.cast
    case = filed_case(world)
    refused_step("CASE_EXCLUDED_PERIOD_NONE", c.alice, case, "exclusion_end", end="2026-09-02")
    refused_step(
        "CASE_EXCLUDED_PERIOD_KIND", c.alice, case, "exclusion_start", kind="出差", start="2026-09-05"
    )
    refused_step(
        "CASE_EXCLUDED_PERIOD_BEFORE_FILING",
        c.alice,
        case,
        "exclusion_start",
        kind="鉴定",
        start="2026-09-01",
    )
    on = D(2026, 9, 5)
    refused_step(
        "CASE_EXCLUDED_PERIOD_BACKDATED",
        c.alice,
        case,
        "exclusion_start",
        on=on,
        kind="鉴定",
        start="2026-09-04",
    )
    step(c.alice, case, "exclusion_start", on=on, kind="鉴定", start="2026-09-05", reason="委托产品质量鉴定")
    d = due(case)
    assert d.due_on is None and "鉴定" in d.pending_reason and journaled(case, "exclusion_start")
    refused_step(
        "CASE_EXCLUDED_PERIOD_OVERLAP",
        c.alice,
        case,
        "exclusion_start",
        on=on,
        kind="检测",
        start="2026-09-05",
    )
    refused_step(
        "CASE_EXCLUDED_PERIOD_INVERTED", c.alice, case, "exclusion_end", on=D(2026, 9, 15), end="2026-09-04"
    )
    refused_step(
        "CASE_EXCLUDED_PERIOD_FUTURE_END", c.alice, case, "exclusion_end", on=D(2026, 9, 15), end="2026-09-16"
    )
    step(c.alice, case, "exclusion_end", on=D(2026, 9, 15), end="2026-09-14")
    assert CasePeriod.objects.get(case=case).end == D(2026, 9, 14)
    assert due(case).due_on == D(2026, 12, 10)  # 30 Nov + 10 days (5–14 Sep)
    assert journaled(case, "exclusion_end")
    # a second period, not overlapping, adds its days
    step(c.alice, case, "exclusion_start", on=D(2026, 9, 20), kind="听证", start="2026-09-20")
    step(c.alice, case, "exclusion_end", on=D(2026, 9, 21), end="2026-09-21")
    assert due(case).due_on == D(2026, 12, 14)  # +2 days = 12 Dec (Sat) → Mon 14 Dec (WD-3)
    refused_step(
        "CASE_DEADLINE_PASSED",
        c.alice,
        case,
        "exclusion_start",
        on=D(2026, 12, 15),
        kind="公告",
        start="2026-12-15",
    )


def test_excluded_period_kinds_from_profile(world):
    set_profile(world.cast.agency_a, "decision.limit_excluded_periods", ["检疫"])
    case = filed_case(world)
    refused_step(
        "CASE_EXCLUDED_PERIOD_KIND",
        world.cast.alice,
        case,
        "exclusion_start",
        on=D(2026, 9, 2),
        kind="鉴定",
        start="2026-09-02",
    )
    step(world.cast.alice, case, "exclusion_start", on=D(2026, 9, 2), kind="检疫", start="2026-09-02")


def test_limit_actions_need_a_filed_case(world):
    from tests.cases.procedure_kit import new_case

    case = new_case(world)
    refused_step("CASE_STATE_CONFLICT", world.cast.alice, case, "extension_request", days=10, reason="x")
