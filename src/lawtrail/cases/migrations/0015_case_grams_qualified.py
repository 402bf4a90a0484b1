# A restore (pg_restore, `lawtrail restore`) runs with an empty search_path: the index of 0014 calls
# lawtrail_case_grams, whose body called lawtrail_grams unqualified, so the restore failed with
# "function lawtrail_grams(text) does not exist". The body now names the function with its schema.

from django.db import migrations


def _case_grams(schema: str, inner: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {schema}.lawtrail_case_grams(number text, title text, facts text, decision_number text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT {inner}(
        coalesce(number, '') || chr(31) || coalesce(title, '') || chr(31) || coalesce(facts, '')
        || chr(31) || coalesce(decision_number, '')
    )
$$
"""


def _run(qualified: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cur:
            cur.execute("SELECT current_schema()")
            schema = cur.fetchone()[0]
        quoted = schema_editor.connection.ops.quote_name(schema)
        inner = f"{quoted}.lawtrail_grams" if qualified else "lawtrail_grams"
        schema_editor.execute(_case_grams(quoted, inner))

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_case_search_grams")]

    operations = [migrations.RunPython(_run(True), _run(False))]
