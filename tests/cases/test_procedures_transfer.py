"""移送 and 协查: transfer to another agency or a judicial organ (with its receipt), and
requests for assistance that the other agency sees and answers without seeing the case."""

import datetime as dt

from lawtrail.cases import selectors
from lawtrail.cases import services as svc
from lawtrail.cases.models import Assistance, Outcome, State, Transfer
from tests.cases.procedure_kit import filed_case, journaled, new_case, refused, refused_step, step

D = dt.date


def test_transfer_to_another_agency_is_seen_there(world):
    c = world.cast
    case = new_case(world)
    refused_step("CASE_TRANSFER_TARGET_REQUIRED", c.carol, case, "transfer", reason="属桥西区管辖")
    refused_step("CASE_AGENCY_INVALID", c.carol, case, "transfer", reason="x", to_agency_id=c.agency_a.pk)
    case = step(c.carol, case, "transfer", reason="属桥西区管辖", to_agency_id=c.agency_b.pk)
    assert case.state == State.TRANSFERRED
    t = Transfer.objects.get(case=case)
    assert t.to_agency == c.agency_b and not t.judicial and journaled(case, "transfer")
    assert list(selectors.transfers_received_for(c.bob)) == [t]
    assert list(selectors.transfers_received_for(c.alice)) == []
    refused_step("CASE_TRANSFER_NOT_JUDICIAL", c.alice, case, "transfer_receipt", receipt_number="1")


def test_transfer_by_name_resolves_the_agency(world):
    c = world.cast
    case = step(c.carol, new_case(world), "transfer", reason="x", to="石家庄市桥西区市场监督管理局")
    assert Transfer.objects.get(case=case).to_agency == c.agency_b
    case2 = step(c.carol, new_case(world), "transfer", reason="x", to="某县农业农村局")
    assert Transfer.objects.get(case=case2).to_organ == "某县农业农村局"


def test_transfer_to_a_judicial_organ_with_receipt(world):
    c = world.cast
    case = filed_case(world)
    refused_step("CASE_TRANSFER_TARGET_REQUIRED", c.carol, case, "transfer", reason="涉嫌犯罪", judicial=True)
    case = step(
        c.carol,
        case,
        "transfer",
        reason="涉嫌生产销售伪劣产品罪",
        judicial=True,
        to_organ="石家庄市公安局长安分局",
    )
    assert case.state == State.TRANSFERRED and case.outcome == Outcome.TRANSFERRED
    refused_step("CASE_TRANSFER_RECEIPT_NUMBER", c.alice, case, "transfer_receipt")
    refused_step(
        "CASE_DATE_BEFORE_PREDECESSOR",
        c.alice,
        case,
        "transfer_receipt",
        receipt_on="2026-08-31",
        receipt_number="回执1",
    )
    case = step(
        c.alice,
        case,
        "transfer_receipt",
        on=D(2026, 9, 3),
        receipt_on="2026-09-03",
        receipt_number="长公（刑）受字〔2026〕88号",
    )
    t = Transfer.objects.get(case=case)
    assert t.receipt_on == D(2026, 9, 3) and journaled(case, "transfer_receipt")
    refused_step("CASE_TRANSFER_RECEIPT_DONE", c.alice, case, "transfer_receipt", receipt_number="x")


def test_assistance_requested_and_answered_by_the_other_agency(world):
    c = world.cast
    case = filed_case(world)
    refused_step("CASE_AGENCY_INVALID", c.alice, case, "assistance_request", to_agency_id=999, request="x")
    refused_step(
        "CASE_ASSISTANCE_REQUEST_EMPTY", c.alice, case, "assistance_request", to_agency_id=c.agency_b.pk
    )
    step(
        c.alice,
        case,
        "assistance_request",
        to_agency_id=c.agency_b.pk,
        request="请协助核查当事人在桥西区的仓库",
    )
    a = Assistance.objects.get(case=case)
    assert journaled(case, "assistance_request")
    # B sees the request, not the case
    assert list(selectors.assistance_for(c.bob)) == [a]
    assert list(selectors.assistance_for(c.alice)) == []
    refused("CASE_NOT_FOUND", selectors.case_get_for, actor=c.bob, case_id=case.pk)
    # only B answers; A's officer and another case's id are refused
    refused_step(
        "CASE_ASSISTANCE_NOT_FOUND", c.alice, case, "assistance_reply", assistance_id=a.pk, reply="x"
    )
    refused_step("CASE_ASSISTANCE_NOT_FOUND", c.bob, case, "assistance_reply", assistance_id=999, reply="x")
    refused_step("CASE_ASSISTANCE_REPLY_EMPTY", c.bob, case, "assistance_reply", assistance_id=a.pk)
    step(c.bob, case, "assistance_reply", assistance_id=a.pk, reply="经核查，该仓库存放涉案产品300箱。")
    a.refresh_from_db()
    assert a.replied_by == c.bob and a.replied_on == D(2026, 9, 1) and journaled(case, "assistance_reply")
    refused_step(
        "CASE_ASSISTANCE_REPLIED", c.bob, case, "assistance_reply", assistance_id=a.pk, reply="再答复"
    )
    # B still cannot act on the case itself
    refused_step("CASE_NOT_FOUND", c.bob, case, "evidence_add", kind="document", title="x")


def test_assistance_reply_while_the_case_waits_for_an_approval(world):
    c = world.cast
    case = new_case(world)
    step(c.alice, case, "assistance_request", to_agency_id=c.agency_b.pk, request="核查")
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="filing", levels=["approver_1"])
    step(c.alice, case, "filing_submit")
    a = Assistance.objects.get(case=case)
    step(c.bob, case, "assistance_reply", assistance_id=a.pk, reply="无异常")
