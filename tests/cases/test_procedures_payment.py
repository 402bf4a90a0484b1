"""Payment after the decision: deferral and instalments (APL-66/67, APL-72), surcharge paused
during 复议/诉讼 (APL-73), and the enforcement decision (ACL-35–38, ACL-43, ACL-45/46)."""

import datetime as dt
from decimal import Decimal

import pytest

from lawtrail.cases import guards
from lawtrail.cases.models import Case, CaseEvent
from tests.cases.procedure_kit import journaled, refused_step, step
from tests.cases.test_procedures_on_the_spot import spot

D = dt.date


@pytest.fixture
def served(world):
    """A 200-yuan fine served on Tue 1 Sep 2026: due Wed 16 Sep (APL-67)."""
    case = spot(world, amount="200")
    assert guards.payment_due_of(case) == D(2026, 9, 16)
    return case


def owed(case, on):
    return guards.owed(Case.objects.get(pk=case.pk), on)


def test_APL_66_instalments_approved_by_a_leader(world, served):
    c = world.cast
    case = served
    plan = [{"due_on": "2026-10-15", "amount": "100"}, {"due_on": "2026-11-16", "amount": "100"}]
    ok = dict(applied_on="2026-09-01", instalments=plan, reason="当事人经济困难，书面申请分期")
    refused_step("PERMISSION_DENIED", c.alice, case, "payment_defer", **ok)
    refused_step("CASE_LEADER_REQUIRED", c.carol, case, "payment_defer", **ok)
    refused_step("REASON_REQUIRED", world.paula, case, "payment_defer", **{**ok, "reason": ""})
    refused_step(
        "CASE_DEFERRAL_MODE", world.paula, case, "payment_defer", **{**ok, "deferred_to": "2026-12-01"}
    )
    refused_step(
        "CASE_INSTALMENTS_INVALID",
        world.paula,
        case,
        "payment_defer",
        **{
            **ok,
            "instalments": [
                {"due_on": "2026-10-15", "amount": "100"},
                {"due_on": "2026-11-16", "amount": "99"},
            ],
        },
    )
    refused_step(
        "CASE_INSTALMENTS_INVALID",
        world.paula,
        case,
        "payment_defer",
        **{**ok, "instalments": [{"due_on": "x"}]},
    )
    refused_step(
        "CASE_DEFERRAL_LATE",
        world.paula,
        case,
        "payment_defer",
        on=D(2026, 9, 17),
        **{**ok, "applied_on": "2026-09-17"},
    )
    case = step(world.paula, case, "payment_defer", **ok)
    assert case.payment_deferred_to == D(2026, 11, 16) and case.instalments == [
        ["2026-10-15", "100"],
        ["2026-11-16", "100"],
    ]
    due = {d.kind: d.due_on for d in case.deadlines.filter(active=True)}
    assert due == {
        "payment": D(2026, 11, 16),
        "instalment:1": D(2026, 10, 15),
        "instalment:2": D(2026, 11, 16),
    }
    assert journaled(case, "payment_defer")
    refused_step("CASE_DEFERRAL_ALREADY", world.paula, case, "payment_defer", **ok)
    # APL-72: the surcharge starts only after the end of the deferral
    assert owed(case, D(2026, 11, 16)) == (Decimal(200), Decimal(0))
    assert owed(case, D(2026, 11, 20)) == (Decimal(200), Decimal("24.00"))
    # ACL-35: no demand before the (deferred) due date
    refused_step(
        "CASE_DEMAND_PREMATURE", c.alice, case, "demand_serve", on=D(2026, 11, 16), served_on="2026-11-16"
    )
    step(c.alice, case, "demand_serve", on=D(2026, 11, 17), served_on="2026-11-17")
    # APL-72: the court clock starts from the end of the deferral
    refused_step(
        "CASE_DEFERRAL_RUNNING",
        c.alice,
        case,
        "court_apply",
        on=D(2026, 12, 20),
        applied_on="2026-12-20",
        period_expired_on="2026-10-31",
    )


@pytest.mark.parametrize(
    ("deferred_to", "code"),
    [("2026-09-16", "CASE_DEFERRAL_DATE_INVALID"), ("2026-09-17", None), ("2026-12-31", None)],
)
def test_APL_66_deferral_date_after_the_original_due(world, served, deferred_to, code):
    kw = dict(deferred_to=deferred_to, reason="经济困难")
    if code:
        refused_step(code, world.quentin, served, "payment_defer", **kw)
    else:
        case = step(world.quentin, served, "payment_defer", **kw)
        assert case.deadlines.get(kind="payment", active=True).due_on == D.fromisoformat(deferred_to)


def test_APL_73_surcharge_paused_during_review_and_litigation(world, served):
    c = world.cast
    case = served
    refused_step("CASE_REMEDY_NONE", c.alice, case, "remedy_end", end="2026-09-01")
    refused_step("CASE_REMEDY_KIND", c.alice, case, "remedy_start", kind="信访", start="2026-09-01")
    refused_step("CASE_DATE_INVALID", c.alice, case, "remedy_start", kind="复议", start="2026-08-31")
    step(
        c.alice,
        case,
        "remedy_start",
        on=D(2026, 9, 20),
        kind="复议",
        start="2026-09-20",
        reason="当事人申请行政复议",
    )
    assert journaled(case, "remedy_start")
    refused_step(
        "CASE_SURCHARGE_PAUSE_OVERLAP",
        c.alice,
        case,
        "remedy_start",
        on=D(2026, 9, 25),
        kind="诉讼",
        start="2026-09-25",
    )
    refused_step(
        "CASE_SURCHARGE_PAUSE_INVERTED", c.alice, case, "remedy_end", on=D(2026, 10, 1), end="2026-09-19"
    )
    step(c.alice, case, "remedy_end", on=D(2026, 10, 1), end="2026-09-29")
    assert journaled(case, "remedy_end")
    # 17 Sep – 16 Oct is 30 days overdue, 10 of them paused: 20 × 3 % × 200 = 120
    assert owed(case, D(2026, 10, 16)) == (Decimal(200), Decimal("120.00"))
    # capped at the fine (APL-72)
    assert owed(case, D(2026, 12, 31))[1] == Decimal("200.00")


def demanded(world, case):
    step(
        world.cast.alice,
        case,
        "demand_serve",
        on=D(2026, 9, 20),
        served_on="2026-09-20",
        perform_by="2026-09-30",
    )
    return Case.objects.get(pk=case.pk)


ENFORCE = dict(mode="surcharge", scheduled_at="2026-10-19T10:00+08:00", reason="经催告仍不履行")


def test_enforcement_decided_after_demand_and_30_days_of_surcharge(world, served):
    c = world.cast
    refused_step(
        "ENFORCEMENT_DEMAND_REQUIRED",
        world.paula,
        served,
        "enforcement_decide",
        on=D(2026, 10, 19),
        **ENFORCE,
    )
    case = demanded(world, served)
    assert case.demand_perform_by == D(2026, 9, 30)
    refused_step("CASE_LEADER_REQUIRED", c.carol, case, "enforcement_decide", on=D(2026, 10, 19), **ENFORCE)
    refused_step(
        "ENFORCEMENT_DEMAND_PERIOD_RUNNING",
        world.paula,
        case,
        "enforcement_decide",
        on=D(2026, 9, 30),
        **ENFORCE,
    )
    refused_step(
        "ENFORCEMENT_MODE_INVALID",
        world.paula,
        case,
        "enforcement_decide",
        on=D(2026, 10, 19),
        **{**ENFORCE, "mode": "x"},
    )
    refused_step(
        "ENFORCEMENT_AT_NIGHT",
        world.paula,
        case,
        "enforcement_decide",
        on=D(2026, 10, 19),
        **{**ENFORCE, "scheduled_at": "2026-10-19T23:00+08:00"},
    )
    refused_step(
        "ENFORCEMENT_ON_HOLIDAY",
        world.paula,
        case,
        "enforcement_decide",
        on=D(2026, 10, 19),
        **{**ENFORCE, "scheduled_at": "2026-10-24T10:00+08:00"},
    )
    case = step(world.paula, case, "enforcement_decide", on=D(2026, 10, 19), **ENFORCE)
    assert case.enforcement_decided_on == D(2026, 10, 19) and journaled(case, "enforcement_decide")
    ev = CaseEvent.objects.get(case=case, action="enforcement_decide")
    assert ev.data["surcharge"] == "198.00"  # 33 days × 3 % × 200


@pytest.mark.parametrize(
    ("decided", "code"), [(D(2026, 10, 16), "ENFORCEMENT_SURCHARGE_UNDER_30_DAYS"), (D(2026, 10, 17), None)]
)
def test_ACL_45_46_surcharge_must_have_run_over_30_days(world, served, decided, code):
    case = demanded(world, served)
    kw = dict(ENFORCE, decided_on=decided.isoformat(), scheduled_at="2026-10-19T10:00+08:00")
    if code:
        refused_step(code, world.paula, case, "enforcement_decide", on=decided, **kw)
    else:
        step(world.paula, case, "enforcement_decide", on=decided, **kw)


def test_ACL_45_46_paused_days_do_not_count_toward_the_30(world, served):
    case = demanded(world, served)
    step(world.cast.alice, case, "remedy_start", on=D(2026, 9, 21), kind="诉讼", start="2026-09-21")
    step(world.cast.alice, case, "remedy_end", on=D(2026, 9, 22), end="2026-09-22")
    kw = dict(ENFORCE, decided_on="2026-10-17")
    refused_step(
        "ENFORCEMENT_SURCHARGE_UNDER_30_DAYS",
        world.paula,
        case,
        "enforcement_decide",
        on=D(2026, 10, 17),
        **kw,
    )


def test_enforcement_not_needed_once_paid(world, served):
    case = demanded(world, served)
    step(world.cast.alice, case, "payment_record", on=D(2026, 10, 1), amount="200", paid_on="2026-10-01")
    refused_step("CASE_NOTHING_OWED", world.paula, case, "enforcement_decide", on=D(2026, 10, 19), **ENFORCE)


def test_typed_input_is_stored_as_json(world, served):
    """The API may pass dates and amounts as Python values, nested in the instalment plan."""
    plan = [
        {"due_on": D(2026, 10, 15), "amount": Decimal(100)},
        {"due_on": D(2026, 11, 16), "amount": Decimal(100)},
    ]
    case = step(
        world.paula, served, "payment_defer", applied_on=D(2026, 9, 1), instalments=plan, reason="困难"
    )
    ev = CaseEvent.objects.get(case=case, action="payment_defer")
    assert ev.data["instalments"][1] == {"due_on": "2026-11-16", "amount": "100"}
