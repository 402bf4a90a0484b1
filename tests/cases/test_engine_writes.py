"""What one step writes (issue 14: transitions): only the case's columns it changed, every journal
entry of the step in one INSERT, the case's row alone locked, the lock's SQL compiled once."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lawtrail.cases import engine
from lawtrail.cases.models import Case
from lawtrail.core.journal.services import journal_snapshot
from tests.cases.procedure_kit import journaled, new_case, step

pytestmark = pytest.mark.django_db


def _sql(captured, prefix: str) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(prefix)]


def test_a_step_updates_only_the_columns_it_changed_and_journals_in_one_insert(world):
    case = new_case(world)
    with CaptureQueriesContext(connection) as captured:
        step(world.cast.alice, case, "filing_submit")
    updates = [s for s in _sql(captured, "UPDATE") if "cases_case" in s.split("SET")[0]]
    assert updates, "the step changed the case's state"
    state_update = next(s for s in updates if '"state"' in s.split("WHERE")[0])
    assert '"title"' not in state_update and '"facts"' not in state_update  # not all sixty columns
    assert len(_sql(captured, "INSERT INTO JOURNAL")) == 1  # the case's, the event's, the approval's …
    case.refresh_from_db()
    assert case.state == "filing"
    assert journaled(case, "filing_submit")


def test_a_column_written_by_other_means_during_the_step_is_not_written_back(world):
    case = new_case(world)
    with transaction.atomic():
        locked = engine.lock(case.pk)
        loaded = journal_snapshot(locked)
        Case.objects.filter(pk=case.pk).update(title="另一处写入的标题")  # e.g. a bulk UPDATE of the step
        locked.facts = "经查，当事人销售不合格产品。"
        engine.save_changed(locked, loaded)
    case.refresh_from_db()
    assert case.facts == "经查，当事人销售不合格产品。"
    assert case.title == "另一处写入的标题"


def test_the_lock_reads_the_case_with_its_agency_and_locks_only_the_case_row(world):
    case = new_case(world)
    for _ in range(2):  # the first call compiles; the second reuses the SQL
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            locked = engine.lock(case.pk)
            assert locked.agency.division.path and locked.domain.code and locked.region.path
            assert locked.blocked is False
        (sql,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
        if connection.features.has_select_for_update_of:
            assert sql.rstrip().endswith('FOR UPDATE OF "cases_case"')
