"""The case list's searched texts as a table kept by triggers (issue 14): ``CaseText`` holds one
row per case — its number, title, facts and decision number, and its agency — rewritten by the
triggers on the cases only when one of those columns changes, in the writing statement's
transaction, whatever wrote it. PostgreSQL's keyword indexes (the trigram GINs of 0013 and the
gram GIN of 0014) move from the cases to this table: before, every step's UPDATE of a case — a
new state, so a new row version — added the case's texts to all five GIN indexes again and
computed their grams (the step's most expensive statement; with long facts, hundreds of entries).
The rows that exist are copied here."""

from django.db import migrations, models

COLUMNS = "number, title, facts, decision_number"
TEXTS = ("number", "title", "facts", "decision_number")
FILL = (
    f"INSERT INTO cases_casetext (case_id, agency_id, {COLUMNS}) "
    f"SELECT id, agency_id, {COLUMNS} FROM cases_case"
)
_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ("id", "agency_id", *TEXTS))
_INSERT = (
    f"INSERT INTO cases_casetext (case_id, agency_id, {COLUMNS}) "
    "VALUES (NEW.id, NEW.agency_id, NEW.number, NEW.title, NEW.facts, NEW.decision_number);"
)
_OF = f"UPDATE OF id, agency_id, {COLUMNS}"

SQLITE_UP = [
    f"CREATE TRIGGER cases_text_ai AFTER INSERT ON cases_case BEGIN {_INSERT} END",
    f"CREATE TRIGGER cases_text_au AFTER {_OF} ON cases_case WHEN {_CHANGED} BEGIN "
    f"DELETE FROM cases_casetext WHERE case_id = OLD.id; {_INSERT} END",
    "CREATE TRIGGER cases_text_ad AFTER DELETE ON cases_case BEGIN "
    "DELETE FROM cases_casetext WHERE case_id = OLD.id; END",
    FILL,
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS cases_text_{x}" for x in ("ai", "au", "ad")]

#: PostgreSQL's keyword indexes of the cases (0013, 0014), now on the copy
_TRGM = [("title", "case_title_trgm"), ("number", "case_number_trgm"), ("facts", "case_facts_trgm")]
_TRGM.append(("decision_number", "case_decision_number_trgm"))
_GRAMS = f"gin (lawtrail_case_grams({COLUMNS}))"

PG_UP = [
    "CREATE FUNCTION cases_text_on_case() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN DELETE FROM cases_casetext WHERE case_id = OLD.id; END IF; "
    f"IF TG_OP <> 'DELETE' THEN {_INSERT} END IF; RETURN NULL; END $$",
    "CREATE TRIGGER cases_text_on_insert_delete AFTER INSERT OR DELETE ON cases_case "
    "FOR EACH ROW EXECUTE FUNCTION cases_text_on_case()",
    # fired only when a step's UPDATE names a searched column (a step writes only the columns it
    # changed) and one of them did change
    f"CREATE TRIGGER cases_text_on_update AFTER {_OF} ON cases_case FOR EACH ROW "
    f"WHEN ({_CHANGED.replace(' IS NOT ', ' IS DISTINCT FROM ')}) EXECUTE FUNCTION cases_text_on_case()",
    FILL,
    *[f"DROP INDEX IF EXISTS {name}" for _, name in _TRGM],
    "DROP INDEX IF EXISTS case_text_grams",
    *[
        f"CREATE INDEX casetext_{col}_trgm ON cases_casetext USING gin ({col} gin_trgm_ops)"
        for col, _ in _TRGM
    ],
    f"CREATE INDEX casetext_grams ON cases_casetext USING {_GRAMS}",
]
PG_DOWN = [
    *[
        f"CREATE INDEX IF NOT EXISTS {name} ON cases_case USING gin ({col} gin_trgm_ops)"
        for col, name in _TRGM
    ],
    f"CREATE INDEX IF NOT EXISTS case_text_grams ON cases_case USING {_GRAMS}",
    "DROP TRIGGER IF EXISTS cases_text_on_update ON cases_case",
    "DROP TRIGGER IF EXISTS cases_text_on_insert_delete ON cases_case",
    "DROP FUNCTION IF EXISTS cases_text_on_case()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_officers_revision_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseText",
            fields=[
                ("case_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("agency_id", models.BigIntegerField()),
                ("number", models.TextField()),
                ("title", models.TextField()),
                ("facts", models.TextField()),
                ("decision_number", models.TextField()),
            ],
            options={
                "verbose_name": "案件检索文本",
                "verbose_name_plural": "案件检索文本",
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        ),
    ]
