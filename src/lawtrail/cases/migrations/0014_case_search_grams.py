# Issue 9: a case-list keyword of one or two characters (商贸, 罚) has no trigram, so the trigram
# indexes of 0013 cannot answer it and PostgreSQL scanned every case's texts. Here each text is
# also indexed as the set of its single characters and character pairs (the CJK unigram + bigram
# tokens of docs/architecture's search note), in a GIN index over an IMMUTABLE function of the
# columns; ``grams(...) @> ARRAY[q]`` is then exactly ``LIKE '%q%'`` for a q of 1–2 characters.
# PostgreSQL keeps the index up to date by itself; SQLite keeps its scan (nothing to migrate).

from django.db import migrations

GRAMS = """
CREATE OR REPLACE FUNCTION lawtrail_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT substr(t, i, 1) AS g FROM generate_series(1, length(t)) AS i
        UNION ALL
        SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i
    ) AS grams
$$
"""
# one array for the four searched columns of a case; chr(31) (unit separator) keeps a pair from
# spanning two columns as a searchable pair (the selector strips control characters from q)
CASE_GRAMS = """
CREATE OR REPLACE FUNCTION lawtrail_case_grams(number text, title text, facts text, decision_number text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lawtrail_grams(
        coalesce(number, '') || chr(31) || coalesce(title, '') || chr(31) || coalesce(facts, '')
        || chr(31) || coalesce(decision_number, '')
    )
$$
"""
PG_UP = [
    GRAMS,
    CASE_GRAMS,
    "CREATE INDEX IF NOT EXISTS case_text_grams ON cases_case "
    "USING gin (lawtrail_case_grams(number, title, facts, decision_number))",
    "CREATE INDEX IF NOT EXISTS party_name_grams ON cases_party USING gin (lawtrail_grams(name))",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS party_name_grams",
    "DROP INDEX IF EXISTS case_text_grams",
    "DROP FUNCTION IF EXISTS lawtrail_case_grams(text, text, text, text)",
    "DROP FUNCTION IF EXISTS lawtrail_grams(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_case_search_trgm")]

    operations = [migrations.RunPython(_run(PG_UP), _run(PG_DOWN))]
