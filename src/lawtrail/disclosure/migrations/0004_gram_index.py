# Issue 11: keywords of one or two characters get an index of their own. SQLite: an FTS5 table of
# each published record's characters and pairs of characters (search_index.py; created here and
# after every migrate). PostgreSQL: a GIN index of each published record's unigrams and bigrams, so a keyword
# of one or two characters (罚, 劣, 药房) is looked up instead of walking the date index
# (pg_trgm has no trigram to look up for it). search.choose picks it, or the walk, per query.

from django.db import migrations

from lawtrail.disclosure import search_index

PG_UP = [
    # every character and every pair of characters of the text, without white space, distinct
    """CREATE OR REPLACE FUNCTION disclosure_grams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT substr(t, i, 1) AS g FROM generate_series(1, char_length(t)) AS i
        UNION ALL
        SELECT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i
      ) s WHERE g !~ '\\s'
    $$""",
    "CREATE INDEX IF NOT EXISTS disclosure_search_grams ON disclosure_record "
    "USING gin (disclosure_grams(search_text)) WHERE status = 'published'",
    "ANALYZE disclosure_record",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS disclosure_search_grams",
    "DROP FUNCTION IF EXISTS disclosure_grams(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
        elif statements is PG_UP:
            search_index.ensure(schema_editor.connection)

    return run


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0003_original_encrypted")]

    operations = [migrations.RunPython(_run(PG_UP), _run(PG_DOWN))]
