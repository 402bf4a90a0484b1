"""待办's own cases as a table kept by triggers (issue 14): ``TodoCase`` holds one row per
(person, open case they handle as handler or co-officer, in a state whose next step is theirs),
with the case's agency and ``next_due``. The triggers on the cases and on their officers rewrite
a case's rows in the writing statement's transaction, whatever wrote it (a step, intake, an
``update()``, a bulk load), so the table never lags the cases; the rows that exist are filled
here. ``WORKING`` is ``cases.selectors._WORKING`` as of this migration (a test holds them equal:
a state added to the flow needs a migration that re-creates the triggers).

PostgreSQL: a change of the officers takes the case's row lock (``FOR NO KEY UPDATE``, which a
step holds already) before rewriting its rows, so two transactions changing one case's officers
cannot each rewrite them from a snapshot missing the other's change.
"""

from django.db import migrations, models

WORKING = (
    "lead",
    "investigating",
    "investigated",
    "proposed",
    "notified",
    "hearing",
    "ready",
    "decided",
    "served",
    "executed",
    "suspended",
)
_IN = "(" + ", ".join(f"'{s}'" for s in WORKING) + ")"


def _sync(case_id: str) -> str:
    """Rewrite the rows of case ``case_id`` (an SQL expression) from the case and its officers."""
    return (
        f"DELETE FROM cases_todocase WHERE case_id = {case_id}; "
        "INSERT INTO cases_todocase (user_id, case_id, agency_id, next_due) "
        f"SELECT c.handler_id, c.id, c.agency_id, c.next_due FROM cases_case c "
        f"WHERE c.id = {case_id} AND c.state IN {_IN} "
        "UNION SELECT o.user_id, c.id, c.agency_id, c.next_due "
        "FROM cases_case_officers o JOIN cases_case c ON c.id = o.case_id "
        f"WHERE o.case_id = {case_id} AND c.state IN {_IN};"
    )


FILL = (
    "INSERT INTO cases_todocase (user_id, case_id, agency_id, next_due) "
    f"SELECT c.handler_id, c.id, c.agency_id, c.next_due FROM cases_case c WHERE c.state IN {_IN} "
    "UNION SELECT o.user_id, c.id, c.agency_id, c.next_due "
    f"FROM cases_case_officers o JOIN cases_case c ON c.id = o.case_id WHERE c.state IN {_IN}"
)

SQLITE_UP = [
    f"CREATE TRIGGER cases_todo_case_ai AFTER INSERT ON cases_case BEGIN {_sync('NEW.id')} END",
    "CREATE TRIGGER cases_todo_case_au AFTER UPDATE OF id, state, handler_id, agency_id, next_due "
    f"ON cases_case BEGIN DELETE FROM cases_todocase WHERE case_id = OLD.id; {_sync('NEW.id')} END",
    "CREATE TRIGGER cases_todo_case_ad AFTER DELETE ON cases_case BEGIN "
    "DELETE FROM cases_todocase WHERE case_id = OLD.id; END",
    f"CREATE TRIGGER cases_todo_officer_ai AFTER INSERT ON cases_case_officers BEGIN {_sync('NEW.case_id')} END",
    f"CREATE TRIGGER cases_todo_officer_ad AFTER DELETE ON cases_case_officers BEGIN {_sync('OLD.case_id')} END",
    "CREATE TRIGGER cases_todo_officer_au AFTER UPDATE ON cases_case_officers BEGIN "
    f"{_sync('OLD.case_id')} {_sync('NEW.case_id')} END",
    FILL,
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "cases_todo_case_ai",
        "cases_todo_case_au",
        "cases_todo_case_ad",
        "cases_todo_officer_ai",
        "cases_todo_officer_ad",
        "cases_todo_officer_au",
    )
]

PG_UP = [
    "CREATE FUNCTION cases_todo_sync(cid bigint) RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
    f"{_sync('cid')} END $$",
    # a step that leaves the case's rows as they are (a working state to another, the same people,
    # agency and deadline) costs the trigger two comparisons; a new deadline is one UPDATE
    "CREATE FUNCTION cases_todo_on_case() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'DELETE' THEN DELETE FROM cases_todocase WHERE case_id = OLD.id; RETURN NULL; END IF; "
    "IF TG_OP = 'UPDATE' AND OLD.id = NEW.id AND OLD.handler_id = NEW.handler_id "
    f"AND (OLD.state IN {_IN}) = (NEW.state IN {_IN}) THEN "
    "IF OLD.next_due IS DISTINCT FROM NEW.next_due OR OLD.agency_id <> NEW.agency_id THEN "
    "UPDATE cases_todocase SET next_due = NEW.next_due, agency_id = NEW.agency_id WHERE case_id = NEW.id; "
    "END IF; RETURN NULL; END IF; "
    "IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN DELETE FROM cases_todocase WHERE case_id = OLD.id; END IF; "
    "PERFORM cases_todo_sync(NEW.id); RETURN NULL; END $$",
    "CREATE FUNCTION cases_todo_on_officer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN "
    "PERFORM 1 FROM cases_case WHERE id = OLD.case_id FOR NO KEY UPDATE; PERFORM cases_todo_sync(OLD.case_id); "
    "END IF; "
    "IF TG_OP <> 'DELETE' THEN "
    "PERFORM 1 FROM cases_case WHERE id = NEW.case_id FOR NO KEY UPDATE; PERFORM cases_todo_sync(NEW.case_id); "
    "END IF; RETURN NULL; END $$",
    "CREATE TRIGGER cases_todo_on_case AFTER INSERT OR DELETE OR UPDATE OF id, state, handler_id, agency_id, "
    "next_due ON cases_case FOR EACH ROW EXECUTE FUNCTION cases_todo_on_case()",
    "CREATE TRIGGER cases_todo_on_officer AFTER INSERT OR DELETE OR UPDATE ON cases_case_officers "
    "FOR EACH ROW EXECUTE FUNCTION cases_todo_on_officer()",
    FILL,
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS cases_todo_on_officer ON cases_case_officers",
    "DROP TRIGGER IF EXISTS cases_todo_on_case ON cases_case",
    "DROP FUNCTION IF EXISTS cases_todo_on_officer()",
    "DROP FUNCTION IF EXISTS cases_todo_on_case()",
    "DROP FUNCTION IF EXISTS cases_todo_sync(bigint)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_read_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="TodoCase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("user_id", models.BigIntegerField()),
                ("case_id", models.BigIntegerField()),
                ("agency_id", models.BigIntegerField()),
                ("next_due", models.DateField(null=True)),
            ],
            options={
                "verbose_name": "待办案件",
                "verbose_name_plural": "待办案件",
                "indexes": [
                    models.Index(
                        fields=["user_id", "next_due", "-case_id"],
                        include=("agency_id",),
                        name="todo_case_soonest",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("case_id", "user_id"), name="todo_case_unique")
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        ),
    ]
