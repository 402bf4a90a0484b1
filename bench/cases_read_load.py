"""Benchmark: read-API throughput with 8 concurrent clients against a real server.

    .venv/bin/python bench/cases_read_load.py [--n 100000] [--requests 800] [--seconds 60]

Django is set up against DATABASE_URL (default: scratch PostgreSQL ``lawtrail_cbench``)
with the demo city and ``--n`` bulk-loaded bench cases (see ``_cases_setup.py``; the same
fixture as ``cases_pages.py``). The script then starts a server on 127.0.0.1 — this file
in ``--serve`` mode: the stdlib ``wsgiref`` server handing each connection to a pool of 8
threads, Django's WSGI application, DEBUG off, persistent database connections
(``LAWTRAIL_DB_CONN_MAX_AGE=60``) — and drives it with 8 client threads, each request a new
HTTP connection with token authentication (the demo officer's DRF token). Per endpoint: at
most ``--requests`` requests or ``--seconds`` seconds. The baseline is the same load on a
trivial endpoint, ``/api/v1/calendar/years``, in the same run. The server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CLIENTS = 8


def serve(port: int) -> None:
    os.environ.setdefault("LAWTRAIL_DB_CONN_MAX_AGE", "60")
    import django
    from _cases_setup import ROOT  # noqa: F401 - sets the environment and sys.path

    django.setup()
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass

    class PoolServer(WSGIServer):
        request_queue_size = 64

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.pool = ThreadPoolExecutor(CLIENTS)

        def process_request(self, request, client_address):
            self.pool.submit(self._work, request, client_address)

        def _work(self, request, client_address):
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    httpd = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=PoolServer, handler_class=Quiet
    )
    httpd.serve_forever()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, token: str) -> tuple[int, float]:
    t = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Token {token}", "Accept": "application/json"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - t


def load(
    port: int, token: str, paths: list[str], requests: int, seconds: float
) -> tuple[float, list[float], int]:
    """8 clients, each looping over ``paths``; returns (requests/s, latencies, errors)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    per_client = requests // CLIENTS

    def client(k: int) -> None:
        nonlocal errors
        rng = random.Random(k)
        for _ in range(per_client):
            if time.perf_counter() > deadline:
                return
            status, took = get(port, rng.choice(paths), token)
            with lock:
                latencies.append(took)
                errors += status != 200

    t = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return len(latencies) / (time.perf_counter() - t), latencies, errors


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="bench cases to load")
    parser.add_argument("--requests", type=int, default=800, help="requests per endpoint (all clients)")
    parser.add_argument("--seconds", type=float, default=60, help="time limit per endpoint")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    from _cases_setup import bench_cases, demo_city, ms, p95, setup

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
        "baseline: /api/v1/calendar/years": ["/api/v1/calendar/years"],
        "case list (filtered, first page)": [
            "/api/v1/cases/?state=investigating&domain=market",
            "/api/v1/cases/?overdue=true",
            "/api/v1/cases/?state=served",
            "/api/v1/cases/",
        ],
        "case detail": [f"/api/v1/cases/{pk}" for pk in ids],
        "待办 (/api/v1/cases/todo)": ["/api/v1/cases/todo"],
    }
    port = free_port()
    env = {**os.environ, "LAWTRAIL_DEBUG": "0", "LAWTRAIL_DB_CONN_MAX_AGE": "60"}
    server = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve", str(port)], env=env)
    try:
        for _ in range(100):
            try:
                get(port, "/api/v1/calendar/years", token)
                break
            except OSError:
                time.sleep(0.2)
        print(f"{total:,} bench cases; server pid {server.pid} on 127.0.0.1:{port}; {CLIENTS} clients\n")
        for paths in endpoints.values():  # warm up every thread's connection and the caches
            load(port, token, paths, CLIENTS * 4, 30)
        results = {}
        for name, paths in endpoints.items():
            results[name] = load(port, token, paths, args.requests, args.seconds)
        base_rps = results[next(iter(endpoints))][0]
        base_p95 = p95(results[next(iter(endpoints))][1])
        print(
            f"{'endpoint':<36} {'requests':>8} {'req/s':>8} {'p95':>10} {'median':>10} {'errors':>6} {'req/s vs base':>14} {'p95 vs base':>12}"
        )
        for name, (rps, lat, errors) in results.items():
            s = sorted(lat)
            print(
                f"{name:<36} {len(s):>8} {rps:>8.1f} {ms(p95(s)):>10} {ms(s[len(s) // 2]):>10} {errors:>6} "
                f"{rps / base_rps:>13.2f}× {p95(s) / base_p95:>11.1f}×"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
