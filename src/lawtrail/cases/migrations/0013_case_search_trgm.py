# Issue 9: the case list's search (case number, title, facts, decision number, party names) on
# PostgreSQL uses trigram GIN indexes (pg_trgm; LIKE '%…%' of 3+ characters). SQLite keeps the
# plain scan within the user's agencies (no index: nothing to migrate).

from django.db import migrations

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS case_title_trgm ON cases_case USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS case_number_trgm ON cases_case USING gin (number gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS case_facts_trgm ON cases_case USING gin (facts gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS case_decision_number_trgm ON cases_case USING gin (decision_number gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS party_name_trgm ON cases_party USING gin (name gin_trgm_ops)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS case_title_trgm",
    "DROP INDEX IF EXISTS case_number_trgm",
    "DROP INDEX IF EXISTS case_facts_trgm",
    "DROP INDEX IF EXISTS case_decision_number_trgm",
    "DROP INDEX IF EXISTS party_name_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_chinese_verbose_names")]

    operations = [migrations.RunPython(_run(PG_UP), _run(PG_DOWN))]
