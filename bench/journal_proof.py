"""Benchmark: inclusion (and consistency) proof at N entries (default 1,000,000) vs one
indexed primary-key lookup.

    .venv/bin/python bench/journal_proof.py [--n 1000000] [--samples 1000]

Django is set up against DATABASE_URL (default: scratch PostgreSQL ``lawtrail_bench``).
Reuses the log left by bench/journal_verify.py when it holds exactly N integrated
entries, otherwise builds one the same way. Each proof is the full selector behind
``GET /api/v1/journal/proofs/inclusion`` (entry row, checkpoint lookup, O(log n) stored
hashes, hashing); a sample of the proofs is checked with the RFC 9162 verifier.
The baseline is ``Entry.objects.filter(pk=…).first()``: one indexed lookup through the ORM.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from journal_verify import prepare, setup_django


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from lawtrail.core.journal import merkle
    from lawtrail.core.journal.models import Entry
    from lawtrail.core.journal.selectors import consistency_proof, inclusion_proof, tree_size

    n = args.n
    if tree_size() != n or Entry.objects.filter(seq__isnull=True).exists():
        print(f"building a log of {n:,} entries …", flush=True)
        prepare(n)
    rng = random.Random(6962)
    seqs = [rng.randrange(n) for _ in range(args.samples)]
    ids = list(Entry.objects.filter(seq__in=seqs).values_list("id", flat=True))
    for s in seqs[:20]:  # warm up
        inclusion_proof(seq=s, size=n)

    def median_ms(fn, items) -> float:
        times = []
        for item in items:
            t = time.perf_counter()
            fn(item)
            times.append(time.perf_counter() - t)
        return statistics.median(times) * 1000

    base_ms = median_ms(lambda pk: Entry.objects.filter(pk=pk).first(), ids)
    incl_ms = median_ms(lambda s: inclusion_proof(seq=s, size=n), seqs)
    cons_ms = median_ms(lambda s: consistency_proof(first=max(1, s), second=n), seqs[:200])

    for s in seqs[:50]:
        p = inclusion_proof(seq=s, size=n)
        ok = merkle.verify_inclusion(
            bytes.fromhex(p["leaf_hash"]),
            s,
            n,
            [bytes.fromhex(x) for x in p["proof"]],
            bytes.fromhex(p["root_hash"]),
        )
        if not ok:
            print(f"proof for #{s} does not verify")
            return 1

    print(f"database: {connection.vendor}; tree size: {n:,}; samples: {len(seqs):,}")
    print(f"baseline pk lookup median:     {base_ms:7.3f} ms")
    print(f"inclusion proof median:        {incl_ms:7.3f} ms  (target <= 5 ms)")
    print(f"consistency proof median:      {cons_ms:7.3f} ms")
    print(f"ratio inclusion / pk lookup:   {incl_ms / base_ms:7.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
