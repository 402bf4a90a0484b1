"""Compulsory measures (ACL-17..28, ACL-43) and 先行登记保存 (APL-56) in a case."""

import datetime as dt

import pytest
import time_machine

from lawtrail.cases.models import Measure
from lawtrail.core.journal.models import Entry
from tests.cases.procedure_kit import filed_case, journaled, recorded, refused_step, set_profile, step

TZ = "+08:00"


def take_kw(world, **over):
    kw = dict(
        started_at=f"2026-09-01T10:30{TZ}",
        officer_ids=[world.andy.pk],
        onsite_record="现场笔录：扣押过期食品20箱。",
        party_present=True,
        party_signed=True,
    )
    kw.update(over)
    return kw


def requested(world, case, kind="seize"):
    step(world.cast.alice, case, "measure_request", kind=kind, items="过期食品20箱", reason="涉嫌违法物品")
    return case.measures.latest("id")


@pytest.fixture
def approved(world):
    case = filed_case(world)
    m = requested(world, case)
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    return case, m


def test_measure_prior_approval_take_extend_release(world):
    c = world.cast
    case = filed_case(world)
    refused_step("MEASURE_ITEMS_REQUIRED", c.alice, case, "measure_request", kind="seize", reason="x")
    refused_step(
        "MEASURE_KIND_INVALID", c.alice, case, "measure_request", kind="detain", items="x", reason="x"
    )
    m = requested(world, case)
    assert m.status == Measure.Status.REQUESTED and journaled(case, "measure_request")
    refused_step("MEASURE_STATE_CONFLICT", c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    refused_step("MEASURE_APPROVAL_REQUIRED", c.alice, case, "measure_take", kind="seize", **take_kw(world))
    refused_step("PERMISSION_DENIED", c.alice, case, "measure_approve", measure_id=m.pk)
    refused_step("CASE_LEADER_REQUIRED", c.carol, case, "measure_approve", measure_id=m.pk)
    refused_step("MEASURE_UNKNOWN", world.quentin, case, "measure_approve", measure_id=999)
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    m.refresh_from_db()
    assert (
        m.status == Measure.Status.APPROVED
        and m.approver == world.quentin
        and journaled(case, "measure_approve")
    )

    refused_step(
        "MEASURE_TAKEN_BEFORE_APPROVAL",
        c.alice,
        case,
        "measure_take",
        measure_id=m.pk,
        **take_kw(world, started_at=f"2026-09-01T09:00{TZ}"),
    )
    recorded(c.alice, case)
    step(c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    m.refresh_from_db()
    # 1 Sep + 30 days = 1 Oct, National Day: rolled forward to the first working day (WD-3)
    assert m.status == Measure.Status.TAKEN and m.officer_count == 2
    assert m.period_end == dt.date(2026, 10, 8)
    assert case.deadlines.get(kind=f"measure:{m.pk}", active=True).due_on == dt.date(2026, 10, 8)
    assert journaled(case, "measure_take")
    assert Entry.objects.filter(action="cases:measure:take", subject_id=str(m.pk)).exists()

    # ACL-25: one extension, ≤30 days, by the head, reasons notified
    ext = dict(measure_id=m.pk, days=30, reasons="案情复杂，需进一步核查来源", reasons_notified=True)
    refused_step("PERMISSION_DENIED", c.alice, case, "measure_extend", **ext)
    refused_step("CASE_LEADER_REQUIRED", c.carol, case, "measure_extend", **ext)
    refused_step("MEASURE_EXTENSION_OVER_30", world.quentin, case, "measure_extend", **{**ext, "days": 31})
    refused_step(
        "MEASURE_EXTENSION_NOTICE_REQUIRED",
        world.quentin,
        case,
        "measure_extend",
        **{**ext, "reasons_notified": False},
    )
    step(world.quentin, case, "measure_extend", **ext)
    m.refresh_from_db()
    assert m.extended_days == 30 and m.period_end == dt.date(2026, 11, 2)  # 31 Oct is a Saturday
    refused_step("MEASURE_EXTENSION_ALREADY_USED", world.quentin, case, "measure_extend", **ext)

    # ACL-25: testing time is not counted, and the party is told
    test = dict(measure_id=m.pk, start="2026-09-10", end="2026-09-14", notified=True)
    refused_step(
        "MEASURE_TESTING_NOT_NOTIFIED", c.alice, case, "measure_testing", **{**test, "notified": False}
    )
    step(c.alice, case, "measure_testing", **test)
    m.refresh_from_db()
    assert m.period_end == dt.date(2026, 11, 5)  # +5 days
    refused_step(
        "MEASURE_TESTING_PERIOD_OVERLAP",
        c.alice,
        case,
        "measure_testing",
        **{**test, "start": "2026-09-14", "end": "2026-09-15"},
    )

    refused_step("REASON_REQUIRED", c.alice, case, "measure_release", measure_id=m.pk)
    step(c.alice, case, "measure_release", measure_id=m.pk, reason="经检测合格，予以解除")
    m.refresh_from_db()
    assert m.status == Measure.Status.RELEASED and m.released_on == dt.date(2026, 9, 1)
    assert not case.deadlines.filter(active=True, kind__startswith="measure").exists()
    assert journaled(case, "measure_release")
    refused_step("MEASURE_STATE_CONFLICT", c.alice, case, "measure_release", measure_id=m.pk, reason="x")


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"officer_ids": []}, "MEASURE_OFFICERS_LT_2"),
        ({"onsite_record": ""}, "MEASURE_ONSITE_RECORD_REQUIRED"),
        ({"party_signed": False}, "MEASURE_PARTY_SIGNATURE_REQUIRED"),
        ({"party_present": False, "party_signed": False}, "MEASURE_WITNESS_REQUIRED"),
        ({"started_at": "yesterday"}, "CASE_DATETIME_INVALID"),
    ],
)
def test_ACL_17_18_measure_checklist(world, approved, over, code):
    case, m = approved
    refused_step(code, world.cast.alice, case, "measure_take", measure_id=m.pk, **take_kw(world, **over))
    m.refresh_from_db()
    assert m.status == Measure.Status.APPROVED


@pytest.mark.parametrize(
    ("over", "ok"),
    [
        ({"party_signed": False, "refusal_noted": True}, True),
        ({"party_present": False, "party_signed": False, "witness_name": "李某（社区工作人员）"}, True),
    ],
)
def test_ACL_18_refusal_noted_or_witness(world, approved, over, ok):
    case, m = approved
    recorded(world.cast.alice, case)
    step(world.cast.alice, case, "measure_take", measure_id=m.pk, **take_kw(world, **over))
    m.refresh_from_db()
    assert m.status == Measure.Status.TAKEN


def test_ACL_17_18_officer_credentials_checked(world, approved):
    case, m = approved
    world.cast.credentials["alice"].__class__.objects.filter(staff__user=world.andy).update(
        expires_on=dt.date(2026, 8, 31)
    )
    refused_step(
        "CASE_OFFICER_CREDENTIAL_INVALID",
        world.cast.alice,
        case,
        "measure_take",
        measure_id=m.pk,
        **take_kw(world),
    )


@pytest.mark.parametrize(
    ("started_at", "emergency", "weekend_rule", "code"),
    [
        ("2026-09-01T21:59", False, True, None),
        ("2026-09-01T22:00", False, True, "ENFORCEMENT_AT_NIGHT"),
        ("2026-09-02T05:59", False, True, "ENFORCEMENT_AT_NIGHT"),
        ("2026-09-02T06:00", False, True, None),
        ("2026-09-06T10:00", False, True, "ENFORCEMENT_ON_HOLIDAY"),  # Sunday
        ("2026-09-06T10:00", False, False, None),  # Sunday, profile: weekends are not 法定节假日
        ("2026-10-01T10:00", False, False, "ENFORCEMENT_ON_HOLIDAY"),  # National Day
        ("2026-09-20T10:00", False, True, None),  # Sunday 20 Sep 2026 is a make-up working day
        ("2026-10-01T23:00", True, True, None),  # emergency
    ],
)
def test_ACL_43_no_measures_at_night_or_on_holidays(world, started_at, emergency, weekend_rule, code):
    c = world.cast
    case = filed_case(world)
    if not weekend_rule:
        set_profile(c.agency_a, "enforcement.weekend_is_holiday", False)
    if emergency:
        kw = dict(kind="seal", items="仓库一间", reason="证据可能灭失", emergency=True)
    else:
        m = requested(world, case)
        step(world.quentin, case, "measure_approve", measure_id=m.pk)
        kw = dict(measure_id=m.pk)
    kw.update(take_kw(world, started_at=started_at + TZ))
    on = dt.date.fromisoformat(started_at[:10])  # recorded the day it was taken (APL-47)
    if code:
        refused_step(code, c.alice, case, "measure_take", on=on, **kw)
    else:
        recorded(c.alice, case)
        step(c.alice, case, "measure_take", on=on, **kw)
        assert case.measures.filter(status="taken").count() == 1


def test_ACL_43_night_window_from_profile(world):
    c = world.cast
    set_profile(c.agency_a, "enforcement.night_start", "20:00")
    case = filed_case(world)
    m = requested(world, case)
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    refused_step(
        "ENFORCEMENT_AT_NIGHT",
        c.alice,
        case,
        "measure_take",
        measure_id=m.pk,
        **take_kw(world, started_at=f"2026-09-01T20:30{TZ}"),
    )


def test_ACL_19_emergency_measure_post_approval_within_24_hours(world):
    c = world.cast
    case = filed_case(world)
    kw = dict(kind="seal", items="生产车间一间", reason="证据可能灭失", emergency=True)
    recorded(c.alice, case)
    step(c.alice, case, "measure_take", **kw, **take_kw(world, started_at=f"2026-09-01T10:00{TZ}"))
    m = case.measures.get()
    assert m.emergency and m.status == Measure.Status.TAKEN and m.approved_at is None
    d = case.deadlines.get(kind=f"measure_approval:{m.pk}", active=True)
    assert d.rule == "ACL-19" and d.due_on == dt.date(2026, 9, 2)
    with time_machine.travel(
        dt.datetime(2026, 9, 2, 10, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        refused_step("MEASURE_POST_APPROVAL_LATE", world.quentin, case, "measure_approve", measure_id=m.pk)
    with time_machine.travel(
        dt.datetime(2026, 9, 2, 9, 59, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        step(world.quentin, case, "measure_approve", measure_id=m.pk, on=dt.date(2026, 9, 2))
    m.refresh_from_db()
    assert (
        m.approved_at is not None
        and not case.deadlines.filter(kind=f"measure_approval:{m.pk}", active=True).exists()
    )
    refused_step("MEASURE_ALREADY_APPROVED", world.quentin, case, "measure_approve", measure_id=m.pk)


def test_ACL_19_emergency_measure_refused_is_released_at_once(world):
    c = world.cast
    case = filed_case(world)
    kw = dict(kind="seize", items="货车一辆", reason="可能转移", emergency=True)
    recorded(c.alice, case)
    step(c.alice, case, "measure_take", **kw, **take_kw(world))
    m = case.measures.get()
    refused_step("REASON_REQUIRED", world.quentin, case, "measure_reject", measure_id=m.pk)
    step(world.quentin, case, "measure_reject", measure_id=m.pk, reason="不符合紧急情形")
    m.refresh_from_db()
    assert (
        m.status == Measure.Status.RELEASED
        and not case.deadlines.filter(active=True).exclude(kind="decision").exists()
    )
    assert journaled(case, "measure_reject")


def test_APL_56_preservation_needs_prior_approval(world):
    c = world.cast
    case = filed_case(world)
    kw = dict(kind="preservation", items="账册3本", reason="证据可能灭失", emergency=True)
    refused_step("MEASURE_EMERGENCY_NOT_ALLOWED", c.alice, case, "measure_take", **kw, **take_kw(world))


def test_measure_request_refused_by_approver(world):
    case = filed_case(world)
    m = requested(world, case)
    step(world.quentin, case, "measure_reject", measure_id=m.pk, reason="证据不足")
    m.refresh_from_db()
    assert m.status == Measure.Status.REJECTED


@pytest.mark.parametrize(
    ("disposed_on", "code"),
    [
        ("2026-09-10", None),  # the 7th working day after Tue 1 Sep
        ("2026-09-11", "CASE_PRESERVATION_DISPOSAL_LATE"),
    ],
)
def test_APL_56_preservation_disposal_within_7_working_days(world, disposed_on, code):
    c = world.cast
    case = filed_case(world)
    m = requested(world, case, kind="preservation")
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    step(c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    assert case.deadlines.get(kind=f"measure:{m.pk}", active=True).due_on == dt.date(2026, 9, 10)
    on = dt.date.fromisoformat(disposed_on)
    kw = dict(measure_id=m.pk, disposed_on=disposed_on, disposal="依法予以扣押")
    if code:
        refused_step(code, c.alice, case, "preservation_dispose", on=on, **kw)
    else:
        refused_step(
            "MEASURE_DISPOSAL_REQUIRED",
            c.alice,
            case,
            "preservation_dispose",
            on=on,
            measure_id=m.pk,
            disposed_on=disposed_on,
        )
        step(c.alice, case, "preservation_dispose", on=on, **kw)
        m.refresh_from_db()
        assert m.status == Measure.Status.DISPOSED and journaled(case, "preservation_dispose")
        assert not case.deadlines.filter(kind=f"measure:{m.pk}", active=True).exists()


def test_freeze_sets_the_3_wd_decision_delivery_deadline(world, approved):
    c = world.cast
    case, _m = approved
    m = requested(world, case, kind="freeze")
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    step(c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    assert case.deadlines.get(kind=f"freeze_notice:{m.pk}", active=True).due_on == dt.date(2026, 9, 4)


def test_ACL_28_case_not_closed_with_a_measure_open(world):
    from tests.cases.test_procedures_on_the_spot import spot

    c = world.cast
    case = spot(world, kinds=["warning"], amount=None)
    step(c.alice, case, "on_the_spot_file")
    m = requested(world, case)
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    recorded(c.alice, case)
    step(c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    case = step(c.alice, case, "execution_complete")
    refused_step("CASE_MEASURES_OPEN", c.carol, case, "close")
    step(c.alice, case, "measure_release", measure_id=m.pk, reason="处罚决定已执行")
    assert step(c.carol, case, "close").state == "closed"


def test_head_sees_measures_extensions_and_recusals_in_todo(world):
    from lawtrail.cases import selectors

    c = world.cast
    case = filed_case(world)
    requested(world, case)
    step(c.alice, case, "extension_request", days=10, reason="复杂")
    step(c.alice, case, "recusal_request", account_id=world.andy.pk, role="officer", reason="利害关系")
    whats = sorted(str(t.what) for t in selectors.todo_for(world.quentin))
    # measures and extensions are approvals found by their current level (listed once each)
    assert whats == ["决定回避", "审批延长办案期限", "审批强制措施：扣押"]
    assert all(t.case.pk == case.pk for t in selectors.todo_for(world.quentin))
    assert selectors.todo_for(world.paula) == []
