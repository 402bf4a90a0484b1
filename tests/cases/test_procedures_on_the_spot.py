"""简易程序 (APL-51/52/68/71): an on-the-spot penalty from the street to the filed copy."""

import datetime as dt
from decimal import Decimal

import pytest

from lawtrail.cases import services as svc
from lawtrail.cases.models import Case, CaseEvent, Procedure, State
from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.services import journal_verify
from tests.cases.procedure_kit import journaled, org_code, person_id, refused, refused_step, set_profile, step


def spot(world, **over):
    c = world.cast
    kw = dict(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        party_kind="person",
        party_name="王某",
        party_id_number=person_id(),
        officer_ids=[world.andy.pk],
        kinds=["fine"],
        amount="50",
        act_date=dt.date(2026, 9, 1),
        facts="在长安区某路占道经营。",
        violation_ids=[world.violation.pk],
        form_serial="冀市监简0001",
    )
    kw.update(over)
    return svc.case_on_the_spot(**kw)


def test_on_the_spot_collected_from_street_to_filing(world):
    """APL-51/52/68/71: decided and served on the spot, cash handed over 2 WD + 2 WD, filed, closed."""
    c = world.cast
    case = spot(world, collected=True, receipt_number="财政票据No.000123")
    assert case.procedure == Procedure.ON_THE_SPOT and case.state == State.SERVED
    assert case.number == "冀市监简0001" and case.fine_amount == Decimal(50) and case.paid_amount == 50
    assert set(case.officers.values_list("username", flat=True)) == {"alice", "andy"}
    due = {d.kind: d.due_on for d in case.deadlines.filter(active=True)}
    # Tue 1 Sep 2026 → agency by Thu 3 Sep (2 WD) → bank by Mon 7 Sep (2 WD)
    assert due == {"cash_to_agency": dt.date(2026, 9, 3), "cash_to_bank": dt.date(2026, 9, 7)}
    assert journaled(case, "on_the_spot")
    assert Entry.objects.filter(action="cases:case:on_the_spot", subject_id=str(case.pk)).exists()

    refused_step("CASE_HANDOVER_ORDER", c.alice, case, "cash_handover", to="bank")
    refused_step("CASE_HANDOVER_STAGE", c.alice, case, "cash_handover", to="treasury")
    step(c.alice, case, "cash_handover", on=dt.date(2026, 9, 2), to="agency", handed_on="2026-09-02")
    refused_step("CASE_HANDOVER_DONE", c.alice, case, "cash_handover", to="agency")
    assert case.deadlines.get(kind="cash_to_bank", active=True).due_on == dt.date(2026, 9, 4)
    step(c.alice, case, "cash_handover", on=dt.date(2026, 9, 2), to="bank", handed_on="2026-09-02")
    assert not case.deadlines.filter(active=True).exists()
    assert journaled(case, "cash_handover")

    case = step(c.alice, case, "execution_complete")
    assert case.state == State.EXECUTED
    refused_step("CASE_ON_THE_SPOT_NOT_FILED", c.carol, case, "close")
    case = step(c.alice, case, "on_the_spot_file", note="报送法制科备案")
    assert case.filed_copy_on == dt.date(2026, 9, 1) and journaled(case, "on_the_spot_file")
    refused_step("CASE_ON_THE_SPOT_FILED", c.alice, case, "on_the_spot_file")
    case = step(c.carol, case, "close")
    case = step(c.alice, case, "archive")
    assert case.state == State.ARCHIVED
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == [
        "on_the_spot",
        "cash_handover",
        "cash_handover",
        "execution_complete",
        "on_the_spot_file",
        "close",
        "archive",
    ]
    assert journal_verify().ok


def test_on_the_spot_not_collected_pays_within_15_days(world):
    """APL-67: a fine not collected on the spot is paid within 15 days of the hand-over."""
    c = world.cast
    case = spot(world, amount="200")
    assert case.deadlines.get(kind="payment", active=True).due_on == dt.date(2026, 9, 16)
    refused_step("CASE_NOT_COLLECTED", c.alice, case, "cash_handover", to="agency")
    step(c.alice, case, "payment_record", on=dt.date(2026, 9, 10), amount="200", paid_on="2026-09-10")
    assert step(c.alice, case, "execution_complete").state == State.EXECUTED


def test_on_the_spot_warning_only(world):
    case = spot(world, kinds=["warning"], amount=None)
    assert case.fine_amount is None and not case.deadlines.exists()
    assert step(world.cast.alice, case, "on_the_spot_file").filed_copy_on is not None
    case = step(world.cast.alice, case, "execution_complete")
    assert step(world.cast.carol, case, "close").state == State.CLOSED


@pytest.mark.parametrize(
    ("party_kind", "amount", "ok"),
    [
        ("person", "199", True),
        ("person", "200", True),
        ("person", "201", False),
        ("organisation", "2999", True),
        ("organisation", "3000", True),
        ("organisation", "3001", False),
    ],
)
def test_APL_51_on_the_spot_fine_limit(world, party_kind, amount, ok):
    party = (
        {"party_id_number": person_id()}
        if party_kind == "person"
        else {"party_credit_code": org_code(), "party_id_number": ""}
    )
    kw = dict(party_kind=party_kind, amount=amount, form_serial=f"S-{party_kind}-{amount}", **party)
    if ok:
        assert spot(world, **kw).fine_amount == Decimal(amount)
    else:
        refused("CASE_ON_THE_SPOT_FINE_OVER_LIMIT", spot, world=world, **kw)
        assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("amount", "hard", "receipt", "code"),
    [
        ("100", False, "No.1", None),
        ("101", False, "No.1", "CASE_COLLECTION_OVER_LIMIT"),
        ("150", True, "No.1", None),
        ("50", False, "", "CASE_COLLECTION_RECEIPT_REQUIRED"),
    ],
)
def test_APL_68_71_on_the_spot_collection(world, amount, hard, receipt, code):
    kw = dict(amount=amount, collected=True, hard_to_collect_later=hard, receipt_number=receipt)
    if code is None:
        assert spot(world, **kw).collected_on_spot
    else:
        refused(code, spot, world=world, **kw)
        assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"kinds": ["fine", "confiscate_gains"]}, "CASE_ON_THE_SPOT_KIND_NOT_ALLOWED"),
        ({"officer_ids": []}, "CASE_OFFICERS_LT_2"),
        ({"credentials_shown": False}, "CASE_CREDENTIALS_NOT_SHOWN"),
        ({"facts": " "}, "CASE_FACTS_REQUIRED"),
        ({"violation_ids": [], "basis": ""}, "CASE_ON_THE_SPOT_BASIS_REQUIRED"),
        ({"form_serial": ""}, "CASE_FORM_SERIAL_REQUIRED"),
        ({"party_signed": False}, "CASE_ON_THE_SPOT_SIGNATURE"),
        ({"party_id_number": "130102199001011234"}, "ID_NUMBER_INVALID"),
        ({"party_id_number": person_id(born=dt.date(2013, 3, 1))}, "CASE_PARTY_UNDER_14"),
        ({"collected": True, "kinds": ["warning"], "amount": None}, "CASE_NOTHING_OWED"),
        ({"act_date": dt.date(2026, 9, 2)}, "CASE_DATE_IN_FUTURE"),
    ],
)
def test_on_the_spot_refusals(world, over, code):
    """APL-30/42/51/52: each refusal names its rule and creates nothing."""
    refused(code, spot, world=world, **over)
    assert not Case.objects.exists() and not Entry.objects.filter(action="cases:case:on_the_spot").exists()


def test_on_the_spot_refused_for_an_officer_of_another_agency_and_without_permission(world):
    c = world.cast
    refused("CASE_OFFICER_NOT_STAFF", spot, world=world, officer_ids=[c.bob.pk])
    refused("PERMISSION_DENIED", spot, world=world, actor=c.carol)


def test_APL_52_form_serial_used_once_per_agency(world):
    spot(world)
    refused("CASE_FORM_SERIAL_USED", spot, world=world)
    assert Case.objects.count() == 1


def test_APL_42_on_the_spot_min_officers_from_profile(world):
    """APL-42 "法律另有规定的除外": one officer only where the profile allows it."""
    refused("CASE_OFFICERS_LT_2", spot, world=world, officer_ids=[])
    set_profile(world.cast.agency_a, "on_the_spot.min_officers", 1)
    assert spot(world, officer_ids=[]).officers.count() == 1


def test_APL_42_on_the_spot_officer_without_valid_credential(world):
    world.cast.credentials["alice"].__class__.objects.filter(staff__user=world.andy).update(
        expires_on=dt.date(2026, 8, 31)
    )
    refused("CASE_OFFICER_CREDENTIAL_INVALID", spot, world=world)
