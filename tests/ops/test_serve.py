"""`lawtrail serve` as `make run` starts it: gunicorn (2 workers), DEBUG off, WhiteNoise with
hashed compressed files, offline API docs, readiness, metrics summed over the workers, one
JSON access line per request with its id, and the periodic jobs running beside the server.

A real server on a free port over a fresh SQLite database made by `lawtrail setup --no-demo`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.ports import start_on_free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
LAWTRAIL = [sys.executable, "-m", "lawtrail.cli"]


def _env(var: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "CELERY_", "REDIS_URL", "LAWTRAIL_"))
    }
    env.update(
        LAWTRAIL_VAR_DIR=str(var), PYTHONPATH=str(ROOT / "src"), DJANGO_SETTINGS_MODULE="lawtrail.settings"
    )
    env["LAWTRAIL_JOURNAL_CHECKPOINT_SECONDS"] = "2"  # so a test sees the periodic checkpoint
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def _until(what, timeout: float = 60.0):
    """Poll a real process's effect (bounded); returns the first truthy value."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = what()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what.__doc__ or what}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    env = _env(var)
    setup = subprocess.run(
        [*LAWTRAIL, "setup", "--no-demo"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    log = open(var / "serve.log", "w+")

    def start(port):
        """gunicorn on ``port``; PortTaken (another free port is tried) if it could not bind it."""
        log.flush()
        since = (var / "serve.log").stat().st_size
        proc = subprocess.Popen(
            [*LAWTRAIL, "serve", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

        def up():
            try:
                return _get(f"http://127.0.0.1:{port}/healthz")[0] == 200
            except OSError:
                return False

        try:
            wait_for_port(
                port, timeout=60, proc=proc, ready=up, log=var / "serve.log", since=since,
                listening=f"Listening at: http://127.0.0.1:{port}",
            )  # fmt: skip
        except BaseException:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            raise
        return port, proc

    proc = None
    try:
        port, proc = start_on_free_port(start)
        yield {"base": f"http://127.0.0.1:{port}", "var": var, "proc": proc, "log": var / "serve.log"}
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_setup_generated_the_secret_key_that_the_server_uses(server):
    key_file = server["var"] / "secret-key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY, s.DEBUG)"],
        env=_env(server["var"]), cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.stdout.split() == [key_file.read_text().strip(), "False"]


def test_debug_is_off_errors_are_chinese_pages(server):
    status, headers, body = _get(server["base"] + urllib.parse.quote("/没有这个页面/"))
    assert status == 404
    html = body.decode()
    assert "页面不存在" in html and "返回首页" in html
    assert "Using the URLconf" not in html  # Django's DEBUG page would list the URL patterns


def test_static_files_are_hashed_compressed_and_cached_forever(server):
    html = _get(server["base"] + "/")[2].decode()
    path = re.search(r"/static/vendor/htmx/htmx\.min\.[0-9a-f]{12}\.js", html).group(0)
    status, headers, body = _get(server["base"] + path, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_api_docs_work_without_network(server):
    status, _h, body = _get(server["base"] + "/api/docs/")
    assert status == 200
    html = body.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []  # nothing from a CDN
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any("swagger-ui-bundle" in a for a in assets)
    for asset in assets:
        assert _get(server["base"] + asset)[0] == 200, asset


def test_ready_and_metrics_sum_over_the_workers(server):
    status, _h, body = _get(server["base"] + "/readyz?format=json")
    assert status == 200, body
    for _ in range(20):
        assert _get(server["base"] + "/api/v1/calendar/years")[0] in (200, 401, 403)
    text = _get(server["base"] + "/metrics")[2].decode()
    counts = re.findall(
        r'django_http_requests_latency_seconds_by_view_method_count\{method="GET",view="([^"]+)"\} (\S+)',
        text,
    )
    years = sum(float(n) for view, n in counts if "calendar" in view)
    assert years == 20  # both workers' requests, added up
    assert "lawtrail_journal_entries" in text and "lawtrail_journal_checkpoint_age_seconds" in text


def test_each_request_gets_an_id_and_one_json_access_line(server):
    status, headers, _ = _get(server["base"] + "/", **{"X-Request-ID": "trace-8086"})
    assert headers["X-Request-ID"] == "trace-8086"

    def logged():
        for line in server["log"].read_text().splitlines():
            if line.startswith("{") and '"trace-8086"' in line:
                return json.loads(line)

    entry = _until(logged, 10)
    assert entry["request_id"] == "trace-8086" and entry["status"] == 200 and entry["view"] == "web:portal"
    assert entry["duration_ms"] >= 0


def test_the_periodic_jobs_run_beside_the_server(server):
    db = server["var"] / "lawtrail.sqlite3"

    def ran():
        with sqlite3.connect(db) as conn:
            rows = conn.execute(
                "SELECT periodic_task_name FROM django_celery_results_taskresult WHERE status = 'SUCCESS'"
            ).fetchall()
        return {r[0] for r in rows} >= {"journal-integrate", "journal-checkpoint"}

    _until(ran, 60)


def test_checkpoints_are_signed_periodically_beside_the_server(server):
    """Issue 13: in the embedded default, the log grown after setup is signed (and witnessed)
    by the job runner — no one has to run `lawtrail checkpoint` — and verify is clean."""
    db = server["var"] / "lawtrail.sqlite3"

    def signed_size():
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT coalesce(max(size), 0) FROM journal_checkpoint").fetchone()[0]

    def entries():
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM journal_entry").fetchone()[0]

    before = entries()
    body = urllib.parse.urlencode({"username": "nobody", "password": "wrong-password-1"}).encode()
    request = urllib.request.Request(f"{server['base']}/api/v1/auth/token", data=body, method="POST")
    try:
        urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as e:
        assert e.code in (400, 401, 403)
    grown = entries()  # the failed login is journaled: the log grew after setup's checkpoint
    assert grown > before
    _until(lambda: signed_size() >= grown, 60)
    witness = (server["var"] / "journal-witness.jsonl").read_text().splitlines()
    assert json.loads(witness[-1])["size"] >= grown
    done = subprocess.run(
        [*LAWTRAIL, "verify"], env=_env(server["var"]), cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_sigterm_stops_the_server_and_its_job_runner(server):
    proc = server["proc"]
    children = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert len(children) >= 4  # master, 2 workers, job runner
    proc.send_signal(signal.SIGTERM)  # to the master only, as systemd's stop would
    proc.wait(timeout=60)

    def gone():
        return not subprocess.run(
            ["pgrep", "-g", str(proc.pid)], capture_output=True, text=True
        ).stdout.split()

    _until(gone, 30)
