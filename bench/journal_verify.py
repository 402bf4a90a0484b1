"""Benchmark: ``journal_verify`` over N entries (default 1,000,000) vs ``sha256sum`` of the same bytes.

    .venv/bin/python bench/journal_verify.py [--n 1000000]

Django is set up here against DATABASE_URL (default: a scratch PostgreSQL database
``lawtrail_bench``, created and migrated if missing). The journal tables of that
database are emptied first. Entries are bulk-loaded with COPY (PostgreSQL) in two
halves, each integrated by the real sequencer and checkpointed; every entry journals
one of 1,000 real ``registry.Domain`` rows, so the subject check does real work.
The baseline is ``sha256sum`` over a file holding the canonical bytes of every leaf.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lawtrail_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")

SUBJECTS = 1000


def setup_django() -> None:
    """Create the PostgreSQL database if missing, set Django up, migrate."""
    import dj_database_url

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" in cfg["ENGINE"]:
        import psycopg

        admin = psycopg.connect(
            host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
            password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True,
        )  # fmt: skip
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
        admin.close()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def reset_journal() -> None:
    from django.db import connection

    from lawtrail.core.journal.models import Checkpoint, Entry, Node, TreeState

    tables = [m._meta.db_table for m in (Entry, Node, TreeState, Checkpoint)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def bench_subjects() -> list:
    from lawtrail.registry.models import Domain

    existing = {d.code: d for d in Domain.objects.filter(code__startswith="bv-")}
    missing = [
        Domain(code=f"bv-{i}", name=f"基准领域{i}", sort=0)
        for i in range(SUBJECTS)
        if f"bv-{i}" not in existing
    ]
    Domain.objects.bulk_create(missing)
    return list(Domain.objects.filter(code__startswith="bv-").order_by("id"))


def load_entries(start: int, count: int, subjects: list, dump=None) -> None:
    """Insert ``count`` unsequenced entries (COPY on PostgreSQL), each a real leaf of a real subject."""
    import datetime as dt

    from django.db import connection, transaction

    from lawtrail.core.journal import merkle
    from lawtrail.core.journal.models import Entry
    from lawtrail.core.journal.services import canonical_digest, journal_snapshot, leaf_data

    digests = [(str(s.pk), canonical_digest(journal_snapshot(s))) for s in subjects]
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cols = "at, actor_label, action, subject_type, subject_id, before_digest, after_digest, note, leaf_hash"

    def rows():
        for i in range(start, start + count):
            sid, after = digests[i % len(digests)]
            at = base + dt.timedelta(microseconds=i * 1000)
            data = leaf_data(
                at, None, "system", "bench:domain:touch", "registry.domain", sid, after, after, ""
            )
            if dump is not None:
                dump.write(data)
            yield (
                at,
                "system",
                "bench:domain:touch",
                "registry.domain",
                sid,
                after,
                after,
                "",
                merkle.leaf_hash(data).hex(),
            )

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY {Entry._meta.db_table} ({cols}) FROM STDIN") as copy:
                    for row in rows():
                        copy.write_row(row)
        else:
            Entry.objects.bulk_create(
                (Entry(**dict(zip(cols.split(", "), row, strict=True))) for row in rows()), batch_size=5000
            )


def prepare(n: int, dump_path: Path | None = None) -> dict:
    """An integrated log of n entries, checkpoints at n//2 and n; returns load/integrate times.

    ``dump_path`` receives the canonical bytes of every leaf (the sha256sum baseline)."""
    from django.db import connection

    from lawtrail.core.journal.services import journal_checkpoint, journal_integrate

    reset_journal()
    subjects = bench_subjects()
    figures = {"load_s": 0.0, "integrate_s": 0.0, "subjects": len(subjects)}
    dump = open(dump_path, "wb") if dump_path else None
    try:
        for start, count in ((0, n // 2), (n // 2, n - n // 2)):
            t = time.perf_counter()
            load_entries(start, count, subjects, dump)
            figures["load_s"] += time.perf_counter() - t
            t = time.perf_counter()
            journal_integrate(batch_size=50_000)
            figures["integrate_s"] += time.perf_counter() - t
            journal_checkpoint()
    finally:
        if dump:
            dump.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE journal_entry")
            cursor.execute("VACUUM ANALYZE journal_node")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from lawtrail.core.journal.services import journal_verify

    n = args.n
    with tempfile.TemporaryDirectory() as tmp:
        dump_path = Path(tmp) / "leaves.bin"
        figures = prepare(n, dump_path)
        t = time.perf_counter()
        report = journal_verify(integrate=False)
        verify_t = time.perf_counter() - t
        size = dump_path.stat().st_size
        t = time.perf_counter()
        subprocess.run(["sha256sum", str(dump_path)], check=True, capture_output=True)
        sha_t = time.perf_counter() - t

    load_t, integrate_t = figures["load_s"], figures["integrate_s"]
    print(f"database: {connection.vendor}; entries: {n:,}; subjects: {figures['subjects']:,}")
    print(f"bulk load (COPY/bulk_create):{load_t:8.2f} s")
    print(f"integrate (sequencer):       {integrate_t:8.2f} s  ({n / integrate_t:,.0f} entries/s)")
    print(
        f"journal_verify:              {verify_t:8.2f} s  ({n / verify_t:,.0f} entries/s; "
        f"{report.entries:,} entries, {report.nodes:,} nodes, {report.checkpoints} checkpoints, "
        f"{report.subjects:,} subjects; ok={report.ok})"
    )
    print(f"baseline sha256sum ({size / 1e6:.0f} MB):  {sha_t:8.2f} s")
    print(f"ratio verify / sha256sum:    {verify_t / sha_t:8.1f}x   (target: verify <= 30 s at 1,000,000)")
    if not report.ok:
        print("\n".join(report.problems[:20]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
