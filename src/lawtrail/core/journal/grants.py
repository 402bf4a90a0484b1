"""PostgreSQL rights for production: the application's role may only append to the journal.

Two roles: the **owner** owns the tables and runs ``lawtrail migrate``; the **application**
role (``DATABASE_URL`` of the servers and workers) gets ordinary rights on every table,
except on the journal's:

- ``journal_entry``: SELECT, INSERT, and UPDATE of the one column ``seq`` — the sequencer
  numbers each entry once; a trigger refuses any other change (a ``seq`` already set, or
  any other column), for every role, so even the column right cannot rewrite an entry;
- ``journal_node``, ``journal_checkpoint``: SELECT, INSERT;
- ``journal_treestate``: SELECT, INSERT, UPDATE (the sequencer's counter; derived, checked
  by ``lawtrail verify``);
- no DELETE, no TRUNCATE on any of them.

``lawtrail grants --role ROLE`` prints the statements; ``--apply`` runs them (connected as
the owner). Run it again after each ``lawtrail migrate`` (new tables need their rights).
"""

from __future__ import annotations

from django.db import connection

from .models import Checkpoint, Entry, Node, TreeState

APPEND_ONLY_FUNCTION = "journal_entry_append_only"

#: the entry's columns that never change once inserted (``seq`` changes once: NULL → number)
_FROZEN = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "subject_type",
    "subject_id",
    "before_digest",
    "after_digest",
    "note",
    "leaf_hash",
    "mac",
)


def grants_sql(role: str, schema: str = "public") -> list[str]:
    """The statements, in order, for the application's role ``role``."""
    qn = connection.ops.quote_name
    r, s = qn(role), qn(schema)
    entry, node, checkpoint, state = (qn(m._meta.db_table) for m in (Entry, Node, Checkpoint, TreeState))
    journal = f"{entry}, {node}, {checkpoint}, {state}"
    old = ", ".join(f"OLD.{qn(c)}" for c in _FROZEN)
    new = ", ".join(f"NEW.{qn(c)}" for c in _FROZEN)
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"REVOKE ALL ON {journal} FROM {r}",
        f"GRANT SELECT, INSERT ON {entry}, {node}, {checkpoint} TO {r}",
        f"GRANT UPDATE ({qn('seq')}) ON {entry} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE ON {state} TO {r}",
        (
            f"CREATE OR REPLACE FUNCTION {s}.{APPEND_ONLY_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"  IF OLD.seq IS NOT NULL OR ({old}) IS DISTINCT FROM ({new}) THEN\n"
            "    RAISE EXCEPTION 'journal_entry is append-only: only a NULL seq may be set'\n"
            "      USING ERRCODE = 'insufficient_privilege';\n"
            "  END IF;\n"
            "  RETURN NEW;\n"
            "END $$"
        ),
        f"DROP TRIGGER IF EXISTS {APPEND_ONLY_FUNCTION} ON {entry}",
        (
            f"CREATE TRIGGER {APPEND_ONLY_FUNCTION} BEFORE UPDATE ON {entry} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.{APPEND_ONLY_FUNCTION}()"
        ),
    ]


def grants_apply(role: str, schema: str = "public") -> None:
    """Run ``grants_sql`` on the default connection (which must be the owner's)."""
    with connection.cursor() as cursor:
        for statement in grants_sql(role, schema):
            cursor.execute(statement)
