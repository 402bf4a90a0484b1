"""Production rights (PostgreSQL): the application's role may append to the journal and
sequence it, and PostgreSQL itself refuses it any UPDATE, DELETE or TRUNCATE of history.

Everything here (the role, the GRANTs, the trigger) is created inside the test's
transaction and rolled back with it.
"""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from lawtrail.core.journal.grants import grants_apply, grants_sql
from lawtrail.core.journal.models import Checkpoint, Entry
from lawtrail.core.journal.services import journal_checkpoint, journal_integrate, journal_verify

SQLITE = connection.vendor == "sqlite"
pytestmark = [
    pytest.mark.skipif(SQLITE, reason="issue 13: database roles and GRANTs are PostgreSQL's"),
    pytest.mark.django_db,
]
ROLE = "lawtrail_journal_app_test"


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def refused(statement, params=()):
    """True when PostgreSQL refuses the statement (rolled back to a savepoint)."""
    try:
        with transaction.atomic():
            sql(statement, params)
    except DatabaseError as exc:
        return "permission denied" in str(exc) or "append-only" in str(exc)
    return False


@pytest.fixture
def app_role(make_domain):
    make_domain("a")
    make_domain("b")
    journal_checkpoint()
    sql(f"CREATE ROLE {ROLE} NOLOGIN")
    grants_apply(ROLE)
    sql(f"SET ROLE {ROLE}")
    yield ROLE
    sql("RESET ROLE")


def test_the_app_role_cannot_rewrite_or_delete_the_journal(app_role):
    first = Entry.objects.order_by("seq").first()
    assert refused("UPDATE journal_entry SET action = 'x' WHERE id = %s", [first.pk])
    assert refused("UPDATE journal_entry SET seq = 99 WHERE id = %s", [first.pk])
    assert refused("DELETE FROM journal_entry WHERE id = %s", [first.pk])
    assert refused("TRUNCATE journal_entry")
    assert refused("UPDATE journal_checkpoint SET root_hash = 'x'")
    assert refused("DELETE FROM journal_checkpoint")
    assert refused("DELETE FROM journal_node")
    assert refused("UPDATE journal_node SET hash = '\\x00'")
    assert refused("DELETE FROM journal_treestate")


def test_the_app_role_still_writes_journals_sequences_and_signs(app_role, make_domain):
    make_domain("c")  # a journaled write: INSERT into journal_entry
    assert journal_integrate() == 1  # the sequencer: UPDATE of seq from NULL, nodes inserted
    cp = journal_checkpoint()
    assert cp.size == 3 and Checkpoint.objects.count() == 2
    assert journal_verify().ok


def test_the_trigger_holds_even_for_the_column_right(app_role):
    """UPDATE (seq) is granted, but a seq already set, or any other column, cannot change."""
    entry = Entry.objects.order_by("seq").first()
    assert refused("UPDATE journal_entry SET note = note WHERE id = %s", [entry.pk])  # not even a no-op
    assert refused("UPDATE journal_entry SET seq = %s WHERE id = %s", [entry.seq + 100, entry.pk])


def test_the_command_prints_the_statements(capsys):
    call_command("journal_grants", "--role", "app")
    out = capsys.readouterr().out
    for statement in grants_sql("app"):
        assert statement + ";" in out
    assert (
        'REVOKE ALL ON "journal_entry", "journal_node", "journal_checkpoint", "journal_treestate" FROM "app"'
        in out
    )
