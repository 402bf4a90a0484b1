"""``lawtrail serve``: the one way to serve LawTrail — gunicorn, for ``make run`` and production.

    lawtrail serve [ADDR:PORT] [--workers N] [--threads N] [--jobs | --no-jobs]

gunicorn with the ``gthread`` worker: ``LAWTRAIL_WEB_WORKERS`` processes (default: cores + 1,
at most 8) × ``LAWTRAIL_WEB_THREADS`` threads (default 4) — a bounded number of requests
in flight, and of database connections (one per thread with ``LAWTRAIL_DB_CONN_MAX_AGE``).
Static files are served by WhiteNoise inside the app (hashed names, gzip), so the embedded
default needs nothing else; nginx in front adds TLS and buffering (deploy/nginx).

Periodic jobs: without a broker (CELERY_BROKER_URL unset, the embedded default) the
server starts ``lawtrail jobs`` beside itself and stops it on exit; with a broker, Celery
beat and a worker run them (deploy/systemd) and ``--jobs`` is off by default.

Metrics: each worker process writes its counters to ``PROMETHEUS_MULTIPROC_DIR`` (default
``var/prometheus/<port>``, emptied at start), so ``/metrics`` adds up all workers.

This module is imported before Django is set up (the environment must be in place first).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from gunicorn.app.base import BaseApplication
from gunicorn.util import import_app

from lawtrail.config import env_bool, env_int, env_str, var_dir


def default_workers() -> int:
    return min((os.cpu_count() or 1) + 1, 8)


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="lawtrail serve", description="以 gunicorn 提供页面与接口服务")
    p.add_argument("bind", nargs="?", default=env_str("LAWTRAIL_BIND", "127.0.0.1:8000"), help="地址:端口")
    p.add_argument("--workers", type=int, default=env_int("LAWTRAIL_WEB_WORKERS", default_workers()))
    p.add_argument("--threads", type=int, default=env_int("LAWTRAIL_WEB_THREADS", 4))
    p.add_argument("--timeout", type=int, default=env_int("LAWTRAIL_WEB_TIMEOUT", 60))
    jobs = p.add_mutually_exclusive_group()
    jobs.add_argument("--jobs", dest="jobs", action="store_true", default=None, help="同时运行周期任务")
    jobs.add_argument("--no-jobs", dest="jobs", action="store_false", help="不运行周期任务")
    args = p.parse_args(argv)
    if args.jobs is None:
        args.jobs = env_bool("LAWTRAIL_JOBS", not env_str("CELERY_BROKER_URL", ""))
    if not 1 <= args.workers <= 64 or not 1 <= args.threads <= 64:
        p.error("workers 与 threads 须在 1–64 之间")
    return args


def prometheus_dir(bind: str) -> Path:
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    path = (
        Path(configured)
        if configured
        else var_dir() / "prometheus" / bind.replace(":", "_").replace("/", "_")
    )
    shutil.rmtree(path, ignore_errors=True)  # counters of a previous run are not ours
    path.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


def gunicorn_options(args: argparse.Namespace) -> dict:
    def child_exit(server, worker):
        # prometheus_client's multiprocess.mark_process_dead: drop the dead worker's live gauges.
        # Not imported here: prometheus_client picks its value store when first imported, and
        # the master must not pick it before every worker has PROMETHEUS_MULTIPROC_DIR.
        for path in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob(f"gauge_live*_{worker.pid}.db"):
            path.unlink(missing_ok=True)

    return {
        "bind": args.bind,
        "worker_class": "gthread",
        "workers": args.workers,
        "threads": args.threads,
        "timeout": args.timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        # recycle a worker now and then (jittered, so not all at once): bounds slow leaks
        "max_requests": 5000,
        "max_requests_jitter": 500,
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        # trust X-Forwarded-* only from the local nginx
        "forwarded_allow_ips": env_str("LAWTRAIL_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        "accesslog": None,  # the app logs each request (JSON, with its request id): lawtrail.ops.logs
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": f"lawtrail-{args.bind}",
        "control_socket_disable": True,  # gunicorn 24+: one per host by default; instances would collide
        "child_exit": child_exit,
    }


def serve(argv: list[str]) -> int:
    args = parse(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")
    prometheus_dir(args.bind)
    jobs: subprocess.Popen | None = None
    if args.jobs:
        jobs = subprocess.Popen([sys.executable, "-m", "lawtrail.cli", "jobs"])

    class Server(BaseApplication):
        def load_config(self):
            for key, value in gunicorn_options(args).items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self):  # in each worker, after the fork, with the environment in place
            return import_app("lawtrail.wsgi:application")

    print(
        f"LawTrail: http://{args.bind}/  (gunicorn {args.workers} × {args.threads} 线程"
        + ("，周期任务随服务运行" if jobs else "")
        + ")",
        flush=True,
    )
    try:
        Server().run()
    finally:
        if jobs is not None and jobs.poll() is None:
            jobs.send_signal(signal.SIGTERM)
            try:
                jobs.wait(timeout=15)
            except subprocess.TimeoutExpired:
                jobs.kill()
    return 0
