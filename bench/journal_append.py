"""Benchmark: ``journal_append`` in its own transaction vs a bare single-row insert.

    .venv/bin/python bench/journal_append.py [--n 3000]

Django is set up against DATABASE_URL (default: scratch PostgreSQL ``lawtrail_bench``).
Three loops, interleaved in rounds so that machine noise hits them alike, each one
transaction (BEGIN … COMMIT) per iteration:

- baseline: ``INSERT`` of one row into a bare table (bigserial id + three columns);
- journal:  ``journal_append`` of a write to a real ``registry.Domain`` row;
- write + journal vs write: the bare insert plus ``journal_append`` in the same
  transaction, i.e. what journaling adds to a business write.

Then the sequencer integrates everything appended (its cost is paid once per entry, off
the request path), reported as entries/s.
"""

from __future__ import annotations

import argparse
import sys
import time

from journal_verify import reset_journal, setup_django


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction

    from lawtrail.core.journal.models import Entry
    from lawtrail.core.journal.services import journal_append, journal_integrate
    from lawtrail.registry.models import Domain

    reset_journal()
    serial = "bigserial" if connection.vendor == "postgresql" else "integer"
    stamp = "timestamptz" if connection.vendor == "postgresql" else "text"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_insert")
        cursor.execute(
            f"CREATE TABLE bench_bare_insert (id {serial} PRIMARY KEY, at {stamp} NOT NULL, "
            "label varchar(150) NOT NULL, payload varchar(64) NOT NULL)"
        )
    domain, _ = Domain.objects.get_or_create(code="bench-append", defaults={"name": "基准追加"})
    from django.utils import timezone

    def bare() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_bare_insert (at, label, payload) VALUES (%s, %s, %s)",
                [timezone.now(), "system", "0" * 64],
            )

    def journal() -> None:
        with transaction.atomic():
            journal_append(actor=None, action="bench:domain:touch", subject=domain)

    def bare_and_journal() -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO bench_bare_insert (at, label, payload) VALUES (%s, %s, %s)",
                    [timezone.now(), "system", "0" * 64],
                )
            journal_append(actor=None, action="bench:domain:touch", subject=domain)

    loops = {"bare": bare, "journal": journal, "both": bare_and_journal}
    spent = dict.fromkeys(loops, 0.0)
    per_round = max(1, args.n // args.rounds)
    for fn in loops.values():  # warm up connections, caches, plans
        for _ in range(50):
            fn()
    for _ in range(args.rounds):
        for name, fn in loops.items():
            t = time.perf_counter()
            for _ in range(per_round):
                fn()
            spent[name] += time.perf_counter() - t
    count = per_round * args.rounds
    pending = Entry.objects.filter(seq__isnull=True).count()
    t = time.perf_counter()
    journal_integrate()
    integrate_t = time.perf_counter() - t

    rate = {name: count / s for name, s in spent.items()}
    print(f"database: {connection.vendor}; {count:,} transactions per loop, {args.rounds} interleaved rounds")
    print(f"baseline bare insert:          {rate['bare']:9,.0f} tx/s  ({1e6 / rate['bare']:7.1f} µs each)")
    print(
        f"journal_append:                {rate['journal']:9,.0f} tx/s  ({1e6 / rate['journal']:7.1f} µs each)"
    )
    print(f"insert + journal_append:       {rate['both']:9,.0f} tx/s  ({1e6 / rate['both']:7.1f} µs each)")
    print(f"ratio append / bare insert:    {spent['journal'] / spent['bare']:9.2f}x  (target <= 2x)")
    print(f"ratio (insert+append) / insert:{spent['both'] / spent['bare']:9.2f}x")
    print(
        f"sequencer: {pending:,} entries integrated in {integrate_t:.2f} s ({pending / integrate_t:,.0f} entries/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
