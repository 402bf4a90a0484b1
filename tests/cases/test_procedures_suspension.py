"""中止/恢复/终止: with reasons, decided by a 负责人 (approver_2 or approver_3); while suspended
the decision limit does not run (APL-60: the suspension is stored as an excluded period)."""

import datetime as dt

import pytest

from lawtrail.cases.models import CasePeriod, State
from tests.cases.procedure_kit import filed_case, journaled, new_case, refused_step, step

D = dt.date


def test_suspension_stops_the_decision_clock_until_resumed(world):
    c = world.cast
    case = filed_case(world)
    refused_step("PERMISSION_DENIED", c.alice, case, "suspend", reason="x")
    refused_step("CASE_LEADER_REQUIRED", c.carol, case, "suspend", reason="当事人下落不明")
    refused_step("REASON_REQUIRED", world.paula, case, "suspend")
    case = step(world.paula, case, "suspend", on=D(2026, 9, 10), reason="当事人下落不明")
    assert case.state == State.SUSPENDED and case.resume_state == State.INVESTIGATING
    p = CasePeriod.objects.get(case=case)
    assert (p.kind, p.start, p.end) == ("中止", D(2026, 9, 10), None)
    d = case.deadlines.get(kind="decision", active=True)
    assert d.due_on is None and "中止" in d.pending_reason
    assert journaled(case, "suspend")
    refused_step("CASE_STATE_CONFLICT", c.alice, case, "exclusion_start", kind="鉴定", start="2026-09-11")
    refused_step("CASE_LEADER_REQUIRED", c.carol, case, "resume", reason="已找到当事人")
    case = step(world.quentin, case, "resume", on=D(2026, 9, 20), reason="已找到当事人")
    assert case.state == State.INVESTIGATING
    p.refresh_from_db()
    assert p.end == D(2026, 9, 19)
    assert case.deadlines.get(kind="decision", active=True).due_on == D(2026, 12, 10)  # +10 days
    assert journaled(case, "resume")


def test_resumed_the_same_day_excludes_nothing(world):
    case = filed_case(world)
    step(world.paula, case, "suspend", on=D(2026, 9, 10), reason="x")
    step(world.paula, case, "resume", on=D(2026, 9, 10), reason="y")
    assert not CasePeriod.objects.filter(case=case).exists()
    assert case.deadlines.get(kind="decision", active=True).due_on == D(2026, 11, 30)


def test_suspension_of_a_lead_has_no_clock_to_stop(world):
    case = new_case(world)
    case = step(world.paula, case, "suspend", reason="线索核查暂停")
    assert case.state == State.SUSPENDED and not CasePeriod.objects.filter(case=case).exists()
    assert step(world.paula, case, "resume", reason="继续").state == State.LEAD


def test_suspension_cannot_overlap_a_running_excluded_period(world):
    case = filed_case(world)
    step(world.cast.alice, case, "exclusion_start", on=D(2026, 9, 5), kind="检测", start="2026-09-05")
    refused_step("CASE_EXCLUDED_PERIOD_OVERLAP", world.paula, case, "suspend", on=D(2026, 9, 6), reason="x")
    step(world.cast.alice, case, "exclusion_end", on=D(2026, 9, 6), end="2026-09-05")
    step(world.paula, case, "suspend", on=D(2026, 9, 6), reason="x")
    assert CasePeriod.objects.filter(case=case).count() == 2


def test_suspension_after_the_limit_expired_revives_nothing(world):
    case = filed_case(world)
    step(world.paula, case, "suspend", on=D(2026, 12, 1), reason="x")
    assert not CasePeriod.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("who", "code"), [("carol", "CASE_LEADER_REQUIRED"), ("paula", None), ("quentin", None)]
)
def test_termination_by_a_leader_with_reasons(world, who, code):
    case = filed_case(world)
    actor = getattr(world, who, None) or getattr(world.cast, who)
    if code:
        refused_step(code, actor, case, "terminate", reason="当事人已注销")
    else:
        refused_step("REASON_REQUIRED", actor, case, "terminate")
        case = step(actor, case, "terminate", reason="当事人已注销")
        assert case.state == State.TERMINATED and journaled(case, "terminate")
