"""What an approval writes (issue 14: transitions): a submission is one INSERT that reads the
chain in force, a decision one statement for its step and its approval (PostgreSQL; the ORM's
two elsewhere), a number one ``UPDATE … RETURNING`` of its counter — the same rows and journal
entries as the ORM's way, the same locks."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lawtrail.cases import approvals, workflow
from lawtrail.cases import services as svc
from lawtrail.cases.models import Approval, ApprovalStep, CaseNumberCounter
from lawtrail.cases.numbers import case_number_next
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.services import journal_snapshot, journal_verify
from tests.cases.procedure_kit import new_case, step

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def _touching(captured, table: str) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if table in q["sql"].replace('"', "")]


def _journaled(subject, action: str) -> bool:
    return Entry.objects.filter(
        action=action, subject_type=f"cases.{type(subject).__name__.lower()}", subject_id=str(subject.pk)
    ).exists()


@pytest.mark.parametrize("configured", [False, True])
def test_a_submission_copies_the_chain_in_force_in_one_statement(world, configured):
    c = world.cast
    levels = ["approver_1", "approver_3"] if configured else workflow.DEFAULT_CHAINS["filing"]
    if configured:
        svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="filing", levels=levels)
    case = new_case(world)
    with CaptureQueriesContext(connection) as captured:
        step(c.alice, case, "filing_submit")
    chain_reads = _touching(captured, "cases_approvalchain")
    inserts = [s for s in _touching(captured, "INSERT INTO cases_approval ") if "approvalstep" not in s]
    assert len(inserts) == 1
    if POSTGRES:  # the chain is read by the INSERT itself
        assert chain_reads == inserts
    else:  # read apart first
        assert len(chain_reads) == 1 and chain_reads[0].startswith("SELECT")
    approval = Approval.objects.get(case=case)
    assert approval.levels == levels and approval.current_role == levels[0] and approval.level == 0
    assert _journaled(approval, "cases:approval:submit")
    report = journal_verify()  # the journaled state is the row as stored
    assert report.ok, report.problems


def test_a_decision_writes_its_step_and_its_approval_in_one_statement(world):
    c = world.cast
    case = new_case(world)
    step(c.alice, case, "filing_submit")  # the default chain: approver_1, then approver_2
    approval = Approval.objects.get(case=case)
    with CaptureQueriesContext(connection) as captured:
        svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    writes = [
        s
        for s in captured.captured_queries
        if s["sql"].startswith(("INSERT", "UPDATE", "WITH")) and "cases_approval" in s["sql"].replace('"', "")
    ]
    if POSTGRES:
        (write,) = [w["sql"] for w in writes if "cases_approvalstep" in w["sql"]]
        assert 'UPDATE "cases_approval"' in write
        assert not [w for w in writes if w["sql"].startswith('UPDATE "cases_approval"')]
    else:
        assert len(writes) == 2
    approval.refresh_from_db()
    assert (approval.level, approval.status, approval.current_role) == (1, "pending", "approver_2")
    assert approval.assignee_id is None
    (decided,) = ApprovalStep.objects.filter(approval=approval)
    assert (decided.level, decided.decision, decided.actor_id) == (0, "approve", c.carol.pk)
    assert _journaled(decided, "cases:approval_step:record")
    svc.approval_act(actor=world.paula, case_id=case.pk, decision="approve")
    approval.refresh_from_db()
    assert (approval.status, approval.current_role) == ("approved", "")
    report = journal_verify()
    assert report.ok, report.problems


def test_pending_by_id_and_close_pending_answer_as_the_orm(world):
    c = world.cast
    case = new_case(world)
    step(c.alice, case, "filing_submit")
    approval = Approval.objects.get(case=case)
    with transaction.atomic():
        assert approvals.pending(case, approval.pk) == approval
        with pytest.raises(ApplicationError) as refused:
            approvals.pending(case, approval.pk + 1000)
        assert refused.value.code == "APPROVAL_NOT_PENDING"
    for _ in range(2):  # the first call compiles; the second reuses the SQL
        with transaction.atomic():
            approvals.close_pending(case, "filing", actor=c.alice, reasons="测试")
            approvals.close_pending(case, "extension", actor=c.alice, reasons="测试")  # none: nothing
            transaction.set_rollback(True)
    with transaction.atomic():
        approvals.close_pending(case, "filing", actor=c.alice, reasons="不再审批")
    approval.refresh_from_db()
    assert approval.status == "withdrawn"
    assert list(ApprovalStep.objects.filter(approval=approval).values_list("decision", flat=True)) == [
        "close"
    ]
    assert _journaled(approval, "cases:approval:close")


def test_a_number_is_one_statement_locked_until_commit_and_gapless(world):
    agency = world.cast.agency_a
    returning = POSTGRES or sqlite3.sqlite_version_info >= (3, 35)
    with transaction.atomic():
        assert case_number_next(agency=agency, year=2031, kind="test") == 1  # the counter created
        with CaptureQueriesContext(connection) as captured:
            assert case_number_next(agency=agency, year=2031, kind="test") == 2
        statements = _touching(captured, "cases_casenumbercounter")
        assert len(statements) == (1 if returning else 2)
        if returning:
            assert statements[0].startswith("UPDATE") and "RETURNING" in statements[0]
    with transaction.atomic():
        assert case_number_next(agency=agency, year=2031, kind="test") == 3
        transaction.set_rollback(True)  # a rollback gives the number back
    with transaction.atomic():
        assert case_number_next(agency=agency, year=2031, kind="test") == 3
    counter = CaseNumberCounter.objects.get(agency=agency, year=2031, kind="test")
    assert counter.last == 3
    assert journal_snapshot(counter)["last"] == 3
