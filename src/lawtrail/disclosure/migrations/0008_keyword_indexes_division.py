# Issue 11: a keyword searched within a division. The division filter ("this division and the ones
# under it": a prefix of ``division_path``) was in no index with the keyword, so each row the
# keyword's GIN found was fetched to test the division — at 10,000,000 records, proving "10,000+"
# for 好味道 in one county of five fetched ~50,000 rows (241 ms p50, 302 ms p95). Both keyword GINs
# now hold, as a first column, the codes of the record's division and of every division above it
# (``disclosure_division_codes``): "within 130102" is the entry 130102, an equality in the same
# index, which the GIN intersects with the keyword's entries before any row is fetched. An index on
# several columns serves a query on any of them: the keyword alone is looked up as before.

from django.db import migrations

CODES = r"""CREATE OR REPLACE FUNCTION disclosure_division_codes(p text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT string_to_array(rtrim(p, '/'), '/')
    $$"""
PG_UP = [
    CODES,
    "DROP INDEX IF EXISTS disclosure_search_trgm",
    "CREATE INDEX disclosure_search_trgm ON disclosure_record USING gin "
    "(disclosure_division_codes(division_path), search_text gin_trgm_ops) WHERE status = 'published'",
    "DROP INDEX IF EXISTS disclosure_search_grams",
    "CREATE INDEX disclosure_search_grams ON disclosure_record USING gin "
    "(disclosure_division_codes(division_path), disclosure_grams(search_text))",
    "ANALYZE disclosure_record",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS disclosure_search_trgm",
    "CREATE INDEX disclosure_search_trgm ON disclosure_record "
    "USING gin (search_text gin_trgm_ops) WHERE status = 'published'",
    "DROP INDEX IF EXISTS disclosure_search_grams",
    "CREATE INDEX disclosure_search_grams ON disclosure_record USING gin (disclosure_grams(search_text))",
    "DROP FUNCTION IF EXISTS disclosure_division_codes(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0007_filter_date_indexes")]

    operations = [migrations.RunPython(_run(PG_UP), _run(PG_DOWN))]
