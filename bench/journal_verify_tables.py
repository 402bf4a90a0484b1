"""Benchmark: the full-row-set pass of ``lawtrail verify`` (issue 13: every row of every
journaled table must be a journal subject) against the pass verify already made — the
latest entry of every subject compared with its row — over the same database.

    LAWTRAIL_VAR_DIR=var .venv/bin/python bench/journal_verify_tables.py [--rounds 5]

Read-only; runs on whatever database the settings point at (the demo after `make run`'s
setup, or DATABASE_URL). Both passes run in interleaved rounds, each in its own read
transaction; median and spread of each, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import transaction

    from lawtrail.core.journal.coverage import verified_models
    from lawtrail.core.journal.verification import VerifyReport, _verify_full_tables, _verify_subjects

    rows = sum(m._base_manager.count() for m in verified_models())
    passes = {
        "subjects (latest entry vs row)": lambda report: _verify_subjects(report, 20_000),
        "full row set (anti-join per table)": _verify_full_tables,
    }
    times: dict[str, list[float]] = {name: [] for name in passes}
    for r in range(args.rounds):
        order = list(passes.items())
        if r % 2:
            order.reverse()
        for name, fn in order:
            report = VerifyReport()
            started = time.perf_counter()
            with transaction.atomic():
                fn(report)
            times[name].append(time.perf_counter() - started)
    print(f"{rows} rows in {len(verified_models())} journaled tables, {args.rounds} rounds")
    for name, values in times.items():
        spread = max(values) - min(values)
        print(f"{name}: median {statistics.median(values):.3f} s, spread {spread:.3f} s")
    base, full = (statistics.median(v) for v in times.values())
    print(f"full row set / subjects: {full / base:.3f}")


if __name__ == "__main__":
    main()
