"""Benchmark: server time of the three hot reads in-process, with an API token (issue 14).

    .venv/bin/python bench/read_server_time.py [--n 100000] [--requests 200]

Django against DATABASE_URL (default: scratch PostgreSQL ``lawtrail_prod_bench``, the database
of ``serve_read.py``, filled the same way on first use — ``_cases_setup.py``). One client, the
Django test client with the demo officer's API token (what ``serve_read.py``'s clients send),
every middleware and DRF, DEBUG off. Requests are interleaved — trivial, detail (another random
case of the officer's each time), list (first page, its four filters in turn), 待办 — so machine
noise hits them alike; each is timed (median, p95) and each endpoint's queries are counted once
and asserted against a bound that holds whatever the number of cases.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lawtrail_prod_bench")

from _cases_setup import bench_cases, demo_city, setup  # noqa: E402

# (name, paths, query bound: token, grants, then the endpoint's own)
ENDPOINTS = [
    ("trivial /api/v1/calendar/years", ["/api/v1/calendar/years"], 2),
    (
        "case detail",
        None,
        8,
    ),  # token, grants, case, parties, officers, deadlines, legal review (+ rows shown)
    (
        "case list (first page, filtered)",
        [
            "/api/v1/cases/?state=investigating&domain=market",
            "/api/v1/cases/?overdue=true",
            "/api/v1/cases/?state=served",
            "/api/v1/cases/",
        ],
        4,  # token, grants, count, page (a domain filter is a subquery of both)
    ),
    ("待办 /api/v1/cases/todo", ["/api/v1/cases/todo"], 8),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="bench cases to load")
    parser.add_argument("--requests", type=int, default=200, help="requests per endpoint")
    args = parser.parse_args()
    setup()
    demo_city()
    total = bench_cases(args.n)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lawtrail.cases.selectors import cases_in_scope
    from lawtrail.core.accounts.services import token_issue
    from lawtrail.core.models import User

    officer = User.objects.get(username="officer")
    token = token_issue(user=officer, name="bench")[1]
    ids = list(cases_in_scope(officer).order_by("?").values_list("pk", flat=True)[:500])
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")
    paths = {name: p or [f"/api/v1/cases/{pk}" for pk in ids] for name, p, _b in ENDPOINTS}
    print(f"{total:,} bench cases; {args.requests} requests per endpoint, interleaved\n", flush=True)
    failed = False
    for name, _p, bound in ENDPOINTS:  # warm up, check and count each once
        for path in paths[name][:5]:
            assert client.get(path).status_code == 200, (name, path)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(paths[name][0]).status_code == 200
        n = len(ctx.captured_queries)
        print(f"{name:<34} {n} queries (bound {bound})")
        failed |= n > bound
    samples: dict[str, list[float]] = {name: [] for name, *_ in ENDPOINTS}
    for i in range(args.requests):
        for name, *_ in ENDPOINTS:
            path = paths[name][i % len(paths[name])]
            t = time.perf_counter()
            response = client.get(path)
            samples[name].append((time.perf_counter() - t) * 1000)
            failed |= response.status_code != 200
    print(f"\n{'endpoint':<34} {'median ms':>10} {'p95 ms':>8} {'× trivial (median)':>19}")
    base = statistics.median(samples[ENDPOINTS[0][0]])
    for name, values in samples.items():
        values.sort()
        med = statistics.median(values)
        p95 = values[int(0.95 * (len(values) - 1))]
        print(f"{name:<34} {med:>10.2f} {p95:>8.2f} {med / base:>18.2f}×")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
