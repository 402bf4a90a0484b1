"""A penalty case from lead to archive through the service layer, each refusal on the way."""

import datetime as dt

import pytest

from lawtrail.cases import services as svc
from lawtrail.cases.models import Case, CaseEvent, State
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.services import journal_verify
from tests.factories import make_credit_code


def refused(code, fn, **kw):
    with pytest.raises(ApplicationError) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message
    return exc.value


def step(actor, case, action, **data):
    return svc.case_transition(actor=actor, case_id=case.pk, action=action, data=data)


def test_penalty_case_from_lead_to_archive(world):
    c = world.cast
    alice, carol, grace = c.alice, c.carol, c.grace
    svc.approval_chain_set(actor=grace, agency=c.agency_a, action="filing", levels=["approver_1"])
    svc.approval_chain_set(
        actor=grace, agency=c.agency_a, action="decision", levels=["approver_1", "approver_3"]
    )

    case = svc.case_create(
        actor=alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某餐饮店未取得食品经营许可从事食品经营案",
        officer_ids=[world.andy.pk],
        act_date=dt.date(2026, 8, 20),
        discovered_on=dt.date(2026, 8, 28),
        violation_ids=[world.violation.pk],
    )
    assert case.state == State.LEAD
    refused("CASE_PARTY_REQUIRED", step, actor=alice, case=case, action="filing_submit")
    refused(
        "CREDIT_CODE_INVALID",
        svc.party_add,
        actor=alice,
        case=case,
        kind="organisation",
        name="某餐饮店",
        credit_code="91130102MA0000000X",
    )
    svc.party_add(
        actor=alice,
        case=case,
        kind="organisation",
        name="石家庄市长安区某餐饮店",
        credit_code=make_credit_code(123456, "130102"),
        legal_representative="张某",
        address="石家庄市长安区中山东路1号",  # APL-59: the decision names the party's address
    )
    refused(
        "CASE_NOT_FOUND", step, actor=c.bob, case=case, action="filing_submit"
    )  # another agency: out of scope
    case = step(alice, case, "filing_submit")
    assert case.state == State.FILING
    refused("CASE_STATE_CONFLICT", step, actor=carol, case=case, action="decline", reason="x")
    refused(
        "APPROVAL_NOT_YOUR_LEVEL", svc.approval_act, actor=world.quentin, case_id=case.pk, decision="approve"
    )
    case = svc.approval_act(actor=carol, case_id=case.pk, decision="approve")
    assert case.state == State.INVESTIGATING
    assert case.number == "长市监立〔2026〕1号" and case.filed_on == dt.date(2026, 9, 1)
    assert case.deadlines.get(kind="decision", active=True).due_on == dt.date(2026, 11, 30)

    refused(
        "CASE_EVIDENCE_REQUIRED", step, actor=alice, case=case, action="investigation_end", report="调查终结"
    )
    step(alice, case, "evidence_add", kind="record", title="现场检查笔录", collected_on="2026-09-01")
    refused(
        "CASE_EVIDENCE_UNKNOWN", step, actor=alice, case=case, action="evidence_examine", evidence_ids=[999]
    )
    step(
        alice,
        case,
        "evidence_examine",
        evidence_ids=[case.evidence.get().pk],
        record="当事人对现场检查笔录无异议。",
    )
    refused("CASE_REPORT_REQUIRED", step, actor=alice, case=case, action="investigation_end")
    case = step(alice, case, "investigation_end", report="经调查，当事人未取得食品经营许可从事食品经营活动。")

    refused(
        "CASE_FINE_OUTSIDE_TIER",
        step,
        actor=alice,
        case=case,
        action="proposal_submit",
        outcome="penalty",
        kinds=["fine"],
        amount="90000",
        tier="normal",
    )
    case = step(
        alice, case, "proposal_submit", outcome="penalty", kinds=["fine"], amount="70000", tier="normal"
    )
    case = svc.approval_act(actor=carol, case_id=case.pk, decision="approve")
    assert case.state == State.PROPOSED

    case = step(alice, case, "notice_serve", served_on="2026-09-01")
    assert case.state == State.NOTIFIED and not case.hearing_offered  # 70,000 < 100,000 for an organisation
    refused("CASE_STATEMENT_PERIOD_RUNNING", step, actor=alice, case=case, action="statement_close")
    case = step(alice, case, "statement_record", waived=True)
    case = step(alice, case, "statement_close")
    assert case.state == State.READY

    refused(
        "CASE_PENALTY_INCREASED_AFTER_DEFENCE",
        step,
        actor=alice,
        case=case,
        action="decision_submit",
        amount="80000",
    )
    refused("CASE_AMOUNT_INVALID", step, actor=alice, case=case, action="decision_submit", amount="八万")
    case = step(alice, case, "decision_submit")
    assert case.state == State.DECIDING
    case = svc.approval_act(actor=carol, case_id=case.pk, decision="approve")
    refused(
        "APPROVAL_STALE",
        svc.approval_act,
        actor=world.quentin,
        case_id=case.pk,
        decision="approve",
        expected_level=0,
    )
    case = svc.approval_act(actor=world.quentin, case_id=case.pk, decision="approve", expected_level=1)
    assert case.state == State.DECIDED and case.fine_amount == 70000

    refused(
        "CASE_E_SERVICE_CONSENT_REQUIRED",
        step,
        actor=alice,
        case=case,
        action="decision_serve",
        served_on="2026-09-01",
        method="electronic",
    )
    case = step(alice, case, "decision_serve", served_on="2026-09-01", method="direct")
    assert case.deadlines.get(kind="payment", active=True).due_on == dt.date(2026, 9, 16)
    refused("CASE_FINE_UNPAID", step, actor=alice, case=case, action="execution_complete")
    refused("CASE_PAYMENT_EXCEEDS", step, actor=alice, case=case, action="payment_record", amount="80000")
    step(alice, case, "payment_record", amount="70000", paid_on="2026-09-01")
    case = step(alice, case, "execution_complete")
    refused("PERMISSION_DENIED", step, actor=alice, case=case, action="close")
    case = step(carol, case, "close")
    case = step(alice, case, "archive")
    assert case.state == State.ARCHIVED
    refused("CASE_STATE_CONFLICT", step, actor=alice, case=case, action="archive")

    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions[0] == "register" and actions[-1] == "archive"
    assert Entry.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).count() >= 15
    assert journal_verify().ok
    assert Case.objects.get(pk=case.pk).state == State.ARCHIVED
