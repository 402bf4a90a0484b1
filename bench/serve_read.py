"""Benchmark: the read API under the production server, 8 concurrent clients (``make bench-serve``).

    .venv/bin/python bench/serve_read.py [--n 100000] [--rounds 5] [--seconds 8]
                                         [--workers 3] [--threads 4] [--server gunicorn|granian]

Django against DATABASE_URL (default: scratch PostgreSQL ``lawtrail_prod_bench``, created,
migrated and filled on first use with the demo city and ``--n`` bulk-loaded cases — the
fixture of ``cases_pages.py``, see ``_cases_setup.py``). The server is the one `make run`
and production use — ``lawtrail serve`` (gunicorn, gthread, ``--workers`` × ``--threads``,
DEBUG off, ``LAWTRAIL_DB_CONN_MAX_AGE=60``, access log on) — on 127.0.0.1:8120 (or
``LAWTRAIL_BENCH_PORT``).

Clients: 8, in 4 processes × 2 threads (so the client's GIL is not the bottleneck), each a
keep-alive HTTP connection with the demo officer's API token, as nginx keeps its upstream
connections. Subjects: case detail (random cases the officer may see), case list (first
page, four filters), 待办. Baseline: ``/api/v1/calendar/years`` (a trivial authenticated
endpoint), in the same run. Rounds are interleaved — each round runs every endpoint for
``--seconds``, in a rotated order — and the figures are the median over rounds with their
spread (min–max); the ratio to the baseline is taken per round, then its median.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lawtrail_prod_bench")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PORT = int(os.environ.get("LAWTRAIL_BENCH_PORT", "8120"))  # another port: LAWTRAIL_BENCH_PORT
CLIENTS, PROCS = 8, 4


def _client_proc(args) -> tuple[int, list[float], int]:
    paths, token, seconds, seed = args
    lat: list[float] = []
    errors = 0
    lock = threading.Lock()
    start = time.perf_counter()

    def client(k: int) -> None:
        nonlocal errors
        rng = random.Random(seed * 10 + k)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        while time.perf_counter() - start < seconds:
            t = time.perf_counter()
            try:
                conn.request("GET", rng.choice(paths), headers=headers)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            took = time.perf_counter() - t
            with lock:
                lat.append(took)
                errors += not ok
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS // PROCS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return len(lat), lat, errors


def load(pool, paths: list[str], token: str, seconds: float) -> dict:
    t = time.perf_counter()
    parts = pool.map(_client_proc, [(paths, token, seconds, random.randrange(10**6)) for _ in range(PROCS)])
    wall = time.perf_counter() - t
    lat = sorted(x for _n, part, _e in parts for x in part)
    errors = sum(e for _n, _l, e in parts)
    return {
        "rps": len(lat) / wall,
        "p95": lat[int(0.95 * (len(lat) - 1))] * 1000,
        "p50": lat[len(lat) // 2] * 1000,
        "n": len(lat),
        "errors": errors,
    }


def start_server(args, env: dict) -> subprocess.Popen:
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"serve_read-{PORT}.log", "w")
    if args.server == "gunicorn":
        argv = [str(ROOT / ".venv/bin/lawtrail"), "serve", f"127.0.0.1:{PORT}", "--no-jobs",
                "--workers", str(args.workers), "--threads", str(args.threads)]  # fmt: skip
    else:  # granian, for comparison (not a dependency: `uv pip install granian` first)
        argv = [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(PORT),
                "--workers", str(args.workers), "--blocking-threads", str(args.threads), "--no-ws",
                "lawtrail.wsgi:application"]  # fmt: skip
    return subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="bench cases to load")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=8, help="per endpoint per round")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from _cases_setup import bench_cases, demo_city, setup

    setup()
    demo_city()
    total = bench_cases(args.n)
    from lawtrail.cases.selectors import cases_in_scope
    from lawtrail.core.accounts.services import token_issue
    from lawtrail.core.models import User

    officer = User.objects.get(username="officer")
    token = token_issue(user=officer, name="bench")[1]  # an API token (only its digest is stored)
    ids = list(cases_in_scope(officer).order_by("?").values_list("pk", flat=True)[:500])
    endpoints = {
        "baseline /api/v1/calendar/years": ["/api/v1/calendar/years"],
        "case detail": [f"/api/v1/cases/{pk}" for pk in ids],
        "case list (first page, filtered)": [
            "/api/v1/cases/?state=investigating&domain=market",
            "/api/v1/cases/?overdue=true",
            "/api/v1/cases/?state=served",
            "/api/v1/cases/",
        ],
        "待办 /api/v1/cases/todo": ["/api/v1/cases/todo"],
    }
    names = list(endpoints)
    env = {
        **os.environ,
        "LAWTRAIL_DEBUG": "0",
        "LAWTRAIL_DB_CONN_MAX_AGE": "60",
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "lawtrail.settings",
    }
    server = start_server(args, env)
    try:
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.25)
        print(
            f"{total:,} bench cases; {args.server} {args.workers} workers × {args.threads} threads on 127.0.0.1:{PORT}; "
            f"{CLIENTS} clients; {args.rounds} interleaved rounds × {args.seconds:g} s per endpoint\n",
            flush=True,
        )
        per: dict[str, list[dict]] = {n: [] for n in names}
        with mp.get_context("spawn").Pool(PROCS) as pool:
            for paths in endpoints.values():  # warm-up: every worker thread's connection, caches
                load(pool, paths, token, 2)
            for r in range(args.rounds):
                order = names[r % len(names) :] + names[: r % len(names)]
                for name in order:
                    per[name].append(load(pool, endpoints[name], token, args.seconds))
                print(
                    f"round {r + 1}: "
                    + ", ".join(f"{n.split()[0]} {per[n][-1]['rps']:.0f}/s" for n in names),
                    flush=True,
                )
        base = names[0]
        print(
            f"\n{'endpoint':<34} {'req/s median':>12} {'spread':>13} {'p95 ms':>8} {'p95 spread':>13} "
            f"{'× base req/s':>12} {'ratio spread':>13} {'errors':>6}"
        )
        out = {}
        for name in names:
            rps = [x["rps"] for x in per[name]]
            p95 = [x["p95"] for x in per[name]]
            ratio = [x["rps"] / b["rps"] for x, b in zip(per[name], per[base], strict=True)]
            errors = sum(x["errors"] for x in per[name])
            out[name] = {
                "rps_median": statistics.median(rps), "rps_min": min(rps), "rps_max": max(rps),
                "p95_median": statistics.median(p95), "p95_min": min(p95), "p95_max": max(p95),
                "ratio_median": statistics.median(ratio), "ratio_min": min(ratio), "ratio_max": max(ratio),
                "errors": errors, "requests": sum(x["n"] for x in per[name]),
            }  # fmt: skip
            o = out[name]
            print(
                f"{name:<34} {o['rps_median']:>12.1f} {o['rps_min']:>6.0f}–{o['rps_max']:<6.0f} {o['p95_median']:>8.1f} "
                f"{o['p95_min']:>6.1f}–{o['p95_max']:<6.1f} {o['ratio_median']:>11.2f}× {o['ratio_min']:>6.2f}–{o['ratio_max']:<6.2f} {errors:>6}"
            )
        if args.json:
            Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False))
        return 1 if any(o["errors"] for o in out.values()) else 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
