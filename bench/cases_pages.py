"""Benchmark: the 待办 page and the case list (API first page, filtered) with 100,000 cases.

    .venv/bin/python bench/cases_pages.py [--n 100000] [--requests 200]

Django is set up against DATABASE_URL (default: scratch PostgreSQL ``lawtrail_cbench``,
created and migrated if missing); the demo city's registry and ``--n`` bench cases are
bulk-loaded once (see ``_cases_setup.py``). Requests go through the Django test client
in-process (every middleware, session login, DRF), interleaved in rounds so machine
noise hits them alike; the server time of each is timed and its queries counted. The
baseline is a bare Django view returning a constant, behind the same middleware and
login, measured in the same run. Each page asserts a bound on its queries.
"""

from __future__ import annotations

import argparse
import sys
import time
import types

from _cases_setup import TODAY, bench_cases, demo_city, ms, p95, setup

# (name, user, url, query bound). The bounds hold whatever the number of cases.
PAGES = [
    ("baseline: bare view", "officer", "/bench/const", 3),
    ("待办 page (officer)", "officer", "/backoffice/cases/todo/", 16),
    ("待办 API (officer)", "officer", "/api/v1/cases/todo", 12),
    ("待办 API (approver1)", "approver1", "/api/v1/cases/todo", 12),
    (
        "case list API state+domain (officer)",
        "officer",
        "/api/v1/cases/?state=investigating&domain=market",
        8,
    ),
    ("case list API overdue (officer)", "officer", "/api/v1/cases/?overdue=true", 8),
    (
        "case list API state+domain (city supervisor)",
        "supervisor",
        "/api/v1/cases/?state=served&domain=market",
        8,
    ),
    ("case list API overdue (city supervisor)", "supervisor", "/api/v1/cases/?overdue=true", 8),
    (
        "case list page state+domain (officer)",
        "officer",
        "/backoffice/cases/?state=investigating&domain=market",
        20,
    ),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="bench cases to load")
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    args = parser.parse_args()
    setup()
    demo_city()
    total = bench_cases(args.n)
    import datetime as dt

    import time_machine
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import path

    import lawtrail.urls
    from lawtrail.cases.models import Case
    from lawtrail.core.models import User

    urls = types.ModuleType("bench_case_urls")
    urls.urlpatterns = [path("bench/const", lambda request: HttpResponse("ok")), *lawtrail.urls.urlpatterns]
    sys.modules["bench_case_urls"] = urls
    clients = {}
    for username in {u for _n, u, _p, _b in PAGES}:
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    samples: dict[str, list[float]] = {name: [] for name, *_ in PAGES}
    queries: dict[str, int] = {}
    rows: dict[str, int] = {}
    now = dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    print(
        f"{total:,} cases in the database ({Case.objects.count():,} in all); {args.requests} requests per page"
    )
    with override_settings(ROOT_URLCONF="bench_case_urls"), time_machine.travel(now, tick=True):
        for name, user, url, bound in PAGES:  # warm up and check each page once, counting its queries
            for _ in range(5):
                clients[user].get(url)
            with CaptureQueriesContext(connection) as ctx:
                response = clients[user].get(url)
            assert response.status_code == 200, (name, response.status_code, response.content[:300])
            queries[name] = len(ctx.captured_queries)
            assert queries[name] <= bound, f"{name}: {queries[name]} queries > {bound}"
            if url.startswith("/api/"):
                body = response.json()
                rows[name] = len(body["results"]) if isinstance(body, dict) else len(body)
        for _round in range(args.requests):
            for name, user, url, _bound in PAGES:
                t = time.perf_counter()
                response = clients[user].get(url)
                samples[name].append(time.perf_counter() - t)
                assert response.status_code == 200
    base = p95(samples[PAGES[0][0]])
    print(f"\n{'page':<48} {'p95':>10} {'median':>10} {'queries':>8} {'rows':>5} {'ratio p95':>10}")
    worst = 0.0
    for name, *_ in PAGES:
        s = sorted(samples[name])
        print(
            f"{name:<48} {ms(p95(s)):>10} {ms(s[len(s) // 2]):>10} {queries[name]:>8} "
            f"{rows.get(name, ''):>5} {p95(s) / base:>9.1f}×"
        )
        if not name.startswith("baseline"):
            worst = max(worst, p95(s))
    print(f"\nworst p95 {ms(worst)} (target ≤ 50 ms): {'OK' if worst <= 0.050 else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
