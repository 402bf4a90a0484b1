"""The procedure gaps an independent statutory test found (issue 8), each at its boundary, through
the services and — where a client meets it — the API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from lawtrail.cases import services as svc
from lawtrail.cases.models import CaseEvent, Measure, State
from lawtrail.cases.selectors import todo_for
from lawtrail.core.errors import ApplicationError
from tests.cases.procedure_kit import filed_case, new_case, person_id, recorded, refused, refused_step, step
from tests.cases.test_measures import requested, take_kw
from tests.cases.test_procedures_on_the_spot import spot
from tests.cases.walk import C, Walk

D = dt.date
TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: D):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=TZ), tick=False)


# ----------------------------------------------------------------------------- dates of acts (APL-47)


def test_a_date_in_the_future_or_before_its_predecessor_is_refused_and_a_late_entry_marked(world):
    c = world.cast
    with at(D(2026, 9, 1)):
        case = spot(world, amount="200")  # served on Tue 1 Sep
    with at(D(2026, 9, 10)):
        refused_step(
            "CASE_DATE_IN_FUTURE", c.alice, case, "payment_record", amount="200", paid_on="2026-09-11"
        )
        refused_step(
            "CASE_DATE_BEFORE_PREDECESSOR",
            c.alice,
            case,
            "payment_record",
            amount="200",
            paid_on="2026-08-31",
        )
        refused_step(  # 9 days ago: beyond the 3-day late-entry window of the profile
            "CASE_DATE_LATE_ENTRY_EXPIRED",
            c.alice,
            case,
            "payment_record",
            amount="200",
            paid_on="2026-09-01",
        )
        step(c.alice, case, "payment_record", amount="200", paid_on="2026-09-08")
    event = CaseEvent.objects.get(case=case, action="payment_record")
    (late,) = event.data["late_entries"]
    assert late == {
        "field": "paid_on",
        "date": "2026-09-08",
        "recorded_on": "2026-09-10",
        "recorded_by": str(c.alice),
    }


def test_a_hearing_is_not_recorded_as_held_before_its_day(world):
    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "evidence_add", evidence_kind="record", title="现场检查笔录", cross_examined=True)
    step(c.alice, case, "investigation_end", report="经查，当事人未取得许可从事食品经营。")
    step(c.alice, case, "proposal_submit", outcome="penalty", kinds=["fine"], amount="100000", tier="severe")
    svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    step(c.alice, case, "notice_serve", served_on="2026-09-01")
    step(c.alice, case, "hearing_request", requested_on="2026-09-01")
    step(c.alice, case, "hearing_schedule", hearing_on="2026-09-15", host_id=c.grace.pk)
    with at(D(2026, 9, 14)):
        refused_step("CASE_HEARING_NOT_YET", c.alice, case, "hearing_hold", record="听证笔录")
    with at(D(2026, 9, 15)):
        step(c.alice, case, "hearing_hold", record="听证笔录：当事人到场陈述。")


def test_an_excluded_period_starting_tomorrow_does_not_pause_today(world):
    c = world.cast
    case = filed_case(world)
    due = case.deadlines.get(kind="decision", active=True).due_on
    refused_step(
        "CASE_DATE_IN_FUTURE",
        c.alice,
        case,
        "exclusion_start",
        exclusion_kind="鉴定",
        start="2026-09-02",
        reason="送检",
    )
    assert case.deadlines.get(kind="decision", active=True).due_on == due


def test_the_review_api_takes_no_date(world, client):
    from lawtrail.review.api import OpinionIn, SubmitIn

    assert "on" not in SubmitIn().fields and "on" not in OpinionIn().fields
    c = world.cast
    case = filed_case(world)
    w = Walk(c.admin)
    w.refused(
        c.alice,
        "post",
        f"/api/v1/review/cases/{case.pk}/submit",
        {"on": "2026-08-01"},
        status=400,
        code="REVIEW_DATE_NOT_ACCEPTED",
    )


# ----------------------------------------------------------------------------- filing time (APL-54/55)


def test_a_lead_has_a_filing_deadline_extended_once_by_a_leader(world):
    c = world.cast
    case = new_case(world)
    d = case.deadlines.get(kind="filing", active=True)
    # 15 WD after Tue 1 Sep: Sun 20 Sep is a make-up working day of 2026
    assert d.due_on == D(2026, 9, 21) and d.rule == "APL-54/55"
    assert any(t.case.pk == case.pk and t.due_on == D(2026, 9, 21) for t in todo_for(c.alice))
    refused_step("CASE_LEADER_REQUIRED", c.carol, case, "filing_extend", reason="线索复杂")
    step(world.paula, case, "filing_extend", reason="需调取外地登记资料")
    from lawtrail.cases import rules
    from lawtrail.core.calendar.selectors import is_working_day

    extended = case.deadlines.get(kind="filing", active=True).due_on
    assert extended == rules.filing_due(lead_on=D(2026, 9, 1), sla_wd=30, is_working=is_working_day)
    assert extended > D(2026, 10, 8)  # 30 WD run past 国庆
    refused_step("CASE_FILING_EXTENSION_USED", world.paula, case, "filing_extend", reason="再延长")
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="filing", levels=["approver_1"])
    step(c.alice, case, "filing_submit")
    svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    assert not case.deadlines.filter(kind="filing", active=True).exists()
    assert case.deadlines.filter(kind="filing", met_on=D(2026, 9, 1)).count() == 1


# ----------------------------------------------------------------------------- registration and on the spot


def test_a_lead_with_a_future_act_date_or_an_end_before_its_start_is_refused(world):
    c = world.cast
    kw = dict(actor=c.alice, agency=c.agency_a, domain=c.market, region=c.changan, title="某案")
    refused("CASE_DATE_IN_FUTURE", svc.case_create, **kw, act_date=D(2026, 9, 2))
    refused(
        "CASE_ACT_END_BEFORE_START",
        svc.case_create,
        **kw,
        act_date=D(2026, 8, 20),
        act_end_date=D(2026, 8, 10),
    )


def test_on_the_spot_minors_and_limitation(world):
    young = person_id(71, born=D(2010, 3, 1))  # 16 on the day
    child = person_id(72, born=D(2013, 3, 1))  # 13

    def on_the_spot(**kw):
        return spot(world, **kw)

    refused("CASE_PARTY_UNDER_14", on_the_spot, party_id_number=child, form_serial="冀市监简0101")
    refused("CASE_MINOR_NOT_MITIGATED", on_the_spot, party_id_number=young, form_serial="冀市监简0102")
    case = on_the_spot(party_id_number=young, form_serial="冀市监简0103", tier="lenient")
    assert case.benchmark_tier == "lenient"
    refused("CASE_LIMITATION_EXPIRED", on_the_spot, act_date=D(2024, 8, 1), form_serial="冀市监简0104")


# ----------------------------------------------------------------------------- deliberation, deviation


def test_only_agency_leaders_count_toward_the_deliberation_quorum(world):
    from lawtrail.cases import rules

    with pytest.raises(ApplicationError) as exc:  # carol is a 承办机构负责人: not an agency leader
        rules.deliberation_quorum_check(attendees={1, 2, 3}, leaders={1, 2}, quorum=3)
    assert exc.value.code == "CASE_DELIBERATION_ATTENDEES"


# ----------------------------------------------------------------------------- ending with measures (ACL-28)


def test_a_case_does_not_end_while_a_measure_holds_property(world):
    c = world.cast
    case = filed_case(world)
    m = requested(world, case)
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    recorded(c.alice, case)
    step(c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    refused_step("CASE_MEASURES_OPEN", world.paula, case, "terminate", reason="违法事实不能成立")
    case = step(world.paula, case, "terminate", reason="违法事实不能成立", release_measures=True)
    m.refresh_from_db()
    assert (
        case.state == State.TERMINATED
        and m.status == Measure.Status.RELEASED
        and "第二十八条" in m.release_reason
    )


def test_an_ended_case_with_property_held_stays_in_todo(world):
    c = world.cast
    case = filed_case(world)
    m = requested(world, case)
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    recorded(c.alice, case)
    step(c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    type(case).objects.filter(pk=case.pk).update(state=State.TERMINATED)  # ended by an older path
    assert any("解除强制措施" in t.what and t.case.pk == case.pk for t in todo_for(c.alice))


# ----------------------------------------------------------------------------- approvals (API)


def test_approval_api_unknown_decision_is_400_and_a_late_second_approver_409(world):
    c = world.cast
    svc.approval_chain_set(
        actor=c.grace, agency=c.agency_a, action="filing", levels=["approver_1", "approver_2"]
    )
    case = new_case(world)
    step(c.alice, case, "filing_submit")
    w = Walk(c.admin)
    w.refused(
        c.carol, "post", f"{C}{case.pk}/approval/bless", {}, status=400, code="APPROVAL_DECISION_UNKNOWN"
    )
    svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    # a second holder of level 0 who approves after carol (no expected_level): stale, not forbidden
    from lawtrail.registry.models import RoleGrant
    from tests.factories import StaffFactory, UserFactory, make_id_number

    carl = UserFactory(username="carl2")
    StaffFactory(
        agency=c.agency_a, user=carl, name="卡尔", id_number=make_id_number(8491, c.agency_a.division.code)
    )
    RoleGrant.objects.create(user=carl, role="approver_1", agency=c.agency_a)
    w.refused(carl, "post", f"{C}{case.pk}/approval/approve", {}, status=409, code="APPROVAL_STALE")


# ----------------------------------------------------------------------------- subjects of a violation


def test_a_party_of_the_wrong_kind_for_the_violation_is_refused(world):
    c = world.cast
    v = world.violation
    v.subject_kinds = ["person"]
    v.save(update_fields=["subject_kinds"])
    case = new_case(world)  # its party is an organisation
    refused_step("CASE_PARTY_NOT_SUBJECT", c.alice, case, "filing_submit")


# ----------------------------------------------------------------------------- benchmark deviation at the decision (G27-12)


def test_a_fine_outside_its_tier_is_decided_only_as_the_proposal_said(world):
    """G27-12: the proposal names the head's approval for a fine above the normal tier; at the
    decision it is checked that the head is the decision's last level — not taken on its word."""
    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "evidence_add", evidence_kind="record", title="现场检查笔录", cross_examined=True)
    step(c.alice, case, "investigation_end", report="经查，当事人未取得许可从事食品经营。")
    step(
        c.alice,
        case,
        "proposal_submit",
        outcome="penalty",
        kinds=["fine"],
        amount="90000",  # the normal tier is 65,000–85,000
        tier="normal",
        deviation_approval="head",
        deviation_reason="违法所得数额较大，一般阶次不足以惩戒。",
    )
    svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    step(c.alice, case, "notice_serve", served_on="2026-09-01")
    step(c.alice, case, "statement_record", waived=True, text="当事人明确放弃陈述申辩。")
    step(c.alice, case, "statement_close")
    # the agency's decision chain ends below its 主要负责人
    svc.approval_chain_set(
        actor=c.grace, agency=c.agency_a, action="decision", levels=["approver_1", "approver_2"]
    )
    Walk(c.admin).act_refused(
        c.alice, case.pk, "decision_submit", 400, "CASE_DEVIATION_NOT_APPROVED", rule="G27-12"
    )
    svc.approval_chain_set(
        actor=c.grace, agency=c.agency_a, action="decision", levels=["approver_1", "approver_2", "approver_3"]
    )
    case = step(c.alice, case, "decision_submit")
    assert case.state == State.DECIDING


# ----------------------------------------------------------------------------- ACL-43 and measures (interpretive key)


@pytest.mark.parametrize(("listed", "code"), [(False, None), (True, "ENFORCEMENT_AT_NIGHT")])
def test_acl43_reaches_preservation_only_where_the_profile_says(world, listed, code):
    """ACL-43 governs enforcement; ``enforcement.acl43_measures`` decides which measures it also
    limits — by default not 先行登记保存, which often cannot wait for the morning (docs/cases.md)."""
    from tests.cases.procedure_kit import set_profile

    c = world.cast
    if listed:
        set_profile(c.agency_a, "enforcement.acl43_measures", ["seal", "seize", "freeze", "preservation"])
    case = filed_case(world)
    m = requested(world, case, kind="preservation")
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    kw = take_kw(world, started_at="2026-09-01T22:30+08:00")
    if code:
        refused_step(code, c.alice, case, "measure_take", on=D(2026, 9, 1), measure_id=m.pk, **kw)
    else:
        recorded(c.alice, case)
        step(c.alice, case, "measure_take", on=D(2026, 9, 1), measure_id=m.pk, **kw)
        m.refresh_from_db()
        assert m.status == Measure.Status.TAKEN
