"""Search indexes over the public text of published records, per database (docs/PERFORMANCE.md):

- SQLite: an FTS5 table with the trigram tokenizer (external content: the record table), kept by
  triggers for published rows only, and its vocabulary (``fts5vocab``) for selectivity estimates;
- PostgreSQL: a trigram GIN index (``pg_trgm``) on the published rows.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE disclosure_fts USING fts5(search_text, content='disclosure_record', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE disclosure_fts_vocab USING fts5vocab(disclosure_fts, 'row')",
    "CREATE TRIGGER disclosure_fts_ai AFTER INSERT ON disclosure_record WHEN new.status = 'published' BEGIN "
    "INSERT INTO disclosure_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER disclosure_fts_ad AFTER DELETE ON disclosure_record WHEN old.status = 'published' BEGIN "
    "INSERT INTO disclosure_fts(disclosure_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER disclosure_fts_au_old AFTER UPDATE ON disclosure_record WHEN old.status = 'published' BEGIN "
    "INSERT INTO disclosure_fts(disclosure_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER disclosure_fts_au_new AFTER UPDATE ON disclosure_record WHEN new.status = 'published' BEGIN "
    "INSERT INTO disclosure_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO disclosure_fts(rowid, search_text) SELECT id, search_text FROM disclosure_record "
    "WHERE status = 'published'",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS disclosure_fts_ai",
    "DROP TRIGGER IF EXISTS disclosure_fts_ad",
    "DROP TRIGGER IF EXISTS disclosure_fts_au_old",
    "DROP TRIGGER IF EXISTS disclosure_fts_au_new",
    "DROP TABLE IF EXISTS disclosure_fts_vocab",
    "DROP TABLE IF EXISTS disclosure_fts",
]
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS disclosure_search_trgm ON disclosure_record "
    "USING gin (search_text gin_trgm_ops) WHERE status = 'published'",
]
PG_DOWN = ["DROP INDEX IF EXISTS disclosure_search_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
