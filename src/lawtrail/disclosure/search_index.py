"""The SQLite keyword indexes of published records, and keeping them whole (docs/disclosure.md).

Two FTS5 tables hold the public text of the **published** rows only, each kept by four triggers on
the record table: ``disclosure_fts`` (trigram tokenizer, external content: the record table) for
keywords of three characters or more, and ``disclosure_fts_grams`` (contentless) with each record's
distinct characters (column ``u``) and pairs of characters (``b``) as tokens, for keywords of one
or two — the trigram tokenizer finds nothing shorter than three. The grams are made by two SQL
functions that every SQLite connection of the application has (``register_functions``). Triggers belong to their
table: when a migration makes SQLite rebuild ``disclosure_record`` (Django's schema editor copies
the table to a new one and drops the old one for most column changes), the triggers go with it and
the index silently stops following the records. ``ensure`` — run after every ``migrate``
(``post_migrate``) and by the migrations that rebuild the table — recreates whatever is missing
and, when anything was, re-fills the index from the published rows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import psycopg  # the driver of the PostgreSQL backend: a session of its own per index build

FTS = "disclosure_fts"
GRAMS = "disclosure_fts_grams"


def gramable(ch: str) -> bool:
    """A character the gram index keeps: a CJK ideograph, an ASCII letter or digit (what FTS5's
    unicode61 tokenizer keeps whole, folding ASCII case as SQLite's LIKE does)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or (ch.isascii() and ch.isalnum())


def unigrams(text: str | None) -> str:
    return " ".join(dict.fromkeys(ch.lower() for ch in text or "" if gramable(ch)))


def bigrams(text: str | None) -> str:
    t = text or ""
    return " ".join(
        dict.fromkeys(
            t[i : i + 2].lower() for i in range(len(t) - 1) if gramable(t[i]) and gramable(t[i + 1])
        )
    )


def register_functions(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """``connection_created``: the gram functions the triggers call, on every SQLite connection."""
    if connection is None or connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("disclosure_unigrams", 1, unigrams, deterministic=True)
    raw.create_function("disclosure_bigrams", 1, bigrams, deterministic=True)


TABLES = {
    FTS: "CREATE VIRTUAL TABLE disclosure_fts USING fts5(search_text, content='disclosure_record', "
    "content_rowid='id', tokenize='trigram')",
    "disclosure_fts_vocab": "CREATE VIRTUAL TABLE disclosure_fts_vocab USING fts5vocab(disclosure_fts, 'row')",
    GRAMS: "CREATE VIRTUAL TABLE disclosure_fts_grams USING fts5(u, b, content='', "
    "tokenize='unicode61 remove_diacritics 0')",
}
_GRAM_VALUES = "disclosure_unigrams({r}.search_text), disclosure_bigrams({r}.search_text)"
TRIGGERS = {
    "disclosure_fts_ai": "CREATE TRIGGER disclosure_fts_ai AFTER INSERT ON disclosure_record "
    "WHEN new.status = 'published' BEGIN "
    "INSERT INTO disclosure_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "disclosure_fts_ad": "CREATE TRIGGER disclosure_fts_ad AFTER DELETE ON disclosure_record "
    "WHEN old.status = 'published' BEGIN "
    "INSERT INTO disclosure_fts(disclosure_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    # an update that touches neither the status nor the text leaves the index alone
    "disclosure_fts_au_old": "CREATE TRIGGER disclosure_fts_au_old AFTER UPDATE OF status, search_text "
    "ON disclosure_record WHEN old.status = 'published' BEGIN "
    "INSERT INTO disclosure_fts(disclosure_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "disclosure_fts_au_new": "CREATE TRIGGER disclosure_fts_au_new AFTER UPDATE OF status, search_text "
    "ON disclosure_record WHEN new.status = 'published' BEGIN "
    "INSERT INTO disclosure_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "disclosure_fts_grams_ai": "CREATE TRIGGER disclosure_fts_grams_ai AFTER INSERT ON disclosure_record "
    "WHEN new.status = 'published' BEGIN "
    f"INSERT INTO disclosure_fts_grams(rowid, u, b) VALUES (new.id, {_GRAM_VALUES.format(r='new')}); END",
    "disclosure_fts_grams_ad": "CREATE TRIGGER disclosure_fts_grams_ad AFTER DELETE ON disclosure_record "
    "WHEN old.status = 'published' BEGIN "
    "INSERT INTO disclosure_fts_grams(disclosure_fts_grams, rowid, u, b) "
    f"VALUES ('delete', old.id, {_GRAM_VALUES.format(r='old')}); END",
    "disclosure_fts_grams_au_old": "CREATE TRIGGER disclosure_fts_grams_au_old AFTER UPDATE OF status, search_text "
    "ON disclosure_record WHEN old.status = 'published' BEGIN "
    "INSERT INTO disclosure_fts_grams(disclosure_fts_grams, rowid, u, b) "
    f"VALUES ('delete', old.id, {_GRAM_VALUES.format(r='old')}); END",
    "disclosure_fts_grams_au_new": "CREATE TRIGGER disclosure_fts_grams_au_new AFTER UPDATE OF status, search_text "
    "ON disclosure_record WHEN new.status = 'published' BEGIN "
    f"INSERT INTO disclosure_fts_grams(rowid, u, b) VALUES (new.id, {_GRAM_VALUES.format(r='new')}); END",
}
REFILL = [
    "INSERT INTO disclosure_fts(disclosure_fts) VALUES ('delete-all')",
    "INSERT INTO disclosure_fts(rowid, search_text) SELECT id, search_text FROM disclosure_record "
    "WHERE status = 'published'",
    "INSERT INTO disclosure_fts_grams(disclosure_fts_grams) VALUES ('delete-all')",
    f"INSERT INTO disclosure_fts_grams(rowid, u, b) SELECT id, {_GRAM_VALUES.format(r='disclosure_record')} "
    "FROM disclosure_record WHERE status = 'published'",
]


def missing(cursor: Any) -> list[str]:
    """The index's tables and triggers that are not in the database (SQLite)."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
    present = {r[0] for r in cursor.fetchall()}
    return [name for name in (*TABLES, *TRIGGERS) if name not in present]


def ensure(connection: Any, *, refill: bool = False) -> list[str]:
    """Recreate what is missing of the SQLite index (and re-fill it when anything was, or when
    ``refill``). Returns the names recreated. Nothing to do on other databases, or before the
    record table exists."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cur:
        if "disclosure_record" not in connection.introspection.table_names(cur):
            return []
        gone = missing(cur)
        for name in gone:
            if name in TRIGGERS:
                # an old trigger of the same purpose under the same name is already gone: recreate
                cur.execute(TRIGGERS[name])
            else:
                cur.execute(TABLES[name])
        if gone or refill:
            for sql in REFILL:
                cur.execute(sql)
    return gone


def upgrade_triggers(connection: Any) -> None:
    """Replace the triggers with the current definitions (a migration calls this)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        for name in TRIGGERS:
            cur.execute(f"DROP TRIGGER IF EXISTS {name}")
    ensure(connection, refill=True)


#: PostgreSQL: the keyword indexes a bulk load drops and builds again after it
PG_INDEXES = ("disclosure_search_trgm", "disclosure_search_grams")


@contextmanager
def bulk(connection: Any, *, memory: str = "1GB") -> Iterator[dict[str, float]]:
    """Load many records at once without keeping the keyword indexes row by row, then build them
    whole: on SQLite the triggers are dropped (each would call the gram functions in Python for its
    row) and both FTS5 tables are re-filled with one ``INSERT … SELECT`` each (``ensure``); on
    PostgreSQL the two GIN indexes are dropped and built again from the loaded table (one sort
    each instead of a posting-list insert per row) — each in a session of its own, at the same
    time, when the loaded rows are committed (outside a transaction), each with ``memory`` of
    ``maintenance_work_mem`` (a GIN build writes what it gathered each time that fills). The index
    is then what the triggers, or the GIN's own upkeep, would have made row by row
    (tests/disclosure/test_search_bulk.py). Yields a dict that receives the build times (seconds,
    by index). Not for a live portal: searches between the drop and the build miss what is loaded
    (SQLite) or walk (PostgreSQL)."""
    timings: dict[str, float] = {}
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            for name in TRIGGERS:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
        try:
            yield timings
        finally:
            t = time.perf_counter()
            ensure(connection, refill=True)
            timings["fts_refill_s"] = time.perf_counter() - t
        return
    if connection.vendor != "postgresql":
        yield timings
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(PG_INDEXES)]
        )
        ddl = dict(cur.fetchall())
        for name in ddl:
            cur.execute(f"DROP INDEX {name}")
    try:
        yield timings
    finally:
        if connection.in_atomic_block or len(ddl) < 2:
            with connection.cursor() as cur:
                # inside a transaction the deferred foreign-key checks of the loaded rows run first
                # (PostgreSQL builds no index over a table with trigger events pending)
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                _build(cur, ddl, memory, timings)
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            _build_apart(connection, ddl, memory, timings)


def _build(cur: Any, ddl: dict[str, str], memory: str, timings: dict[str, float]) -> None:
    cur.execute("SELECT set_config('maintenance_work_mem', %s, false)", [memory])
    for name, sql in ddl.items():
        t = time.perf_counter()
        cur.execute(sql)
        timings[f"build_{name}_s"] = time.perf_counter() - t
    cur.execute("RESET maintenance_work_mem")


def _build_apart(connection: Any, ddl: dict[str, str], memory: str, timings: dict[str, float]) -> None:
    """Each index built in a new session of its own, all at once (PostgreSQL builds one GIN on one
    core: two builds take the time of the longer one on a machine with two)."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)

    def one(name: str, sql: str) -> None:
        with psycopg.connect(**params, autocommit=True) as raw, raw.cursor() as cur:
            _build(cur, {name: sql}, memory, timings)

    with ThreadPoolExecutor(max_workers=len(ddl)) as pool:
        for f in [pool.submit(one, name, sql) for name, sql in ddl.items()]:
            f.result()
