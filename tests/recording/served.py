"""A real LawTrail server for the upload tests: a fresh var/ (SQLite migrated, local vault) with
the test cast and one case built in it by a separate process, then
`lawtrail serve` on a free port (``tests.ports``) — started, killed with SIGKILL and started again
by the tests on the same port, as the uploads' addresses name it (``ensure_running`` brings it
back for the tests after a kill)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.ports import PortTaken, free_port, release, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
LAWTRAIL = [sys.executable, "-m", "lawtrail.cli"]

WORLD = """
import json
from lawtrail.config import ensure_secret_key_file, var_dir
ensure_secret_key_file(var_dir())
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("journal_keygen")
from tests.cast import build_cast
from lawtrail.cases import services as svc
from lawtrail.core.accounts.services import token_issue
from lawtrail.registry.models import Violation, PowerItem
c = build_cast()
power = PowerItem.objects.create(code="T-CF-1", name="行政处罚事项", kind="penalty", domain=c.market)
v = Violation.objects.create(power=power, code="T-WF-1", name="违法行为", penalty_types="罚款")
case = svc.case_create(actor=c.alice, agency=c.agency_a, domain=c.market, region=c.changan,
    title="某公司违法案", officer_ids=[], violation_ids=[v.pk])
_t, key = token_issue(user=c.alice, name="dock")
_t2, key_b = token_issue(user=c.bob, name="dock")
print(json.dumps({"token": key, "token_bob": key_b, "case": case.pk}))
"""


def env_for(var: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "CELERY_", "REDIS_URL", "LAWTRAIL_"))
    }
    env.update(
        LAWTRAIL_VAR_DIR=str(var),
        PYTHONPATH=f"{ROOT / 'src'}:{ROOT}",
        DJANGO_SETTINGS_MODULE="lawtrail.settings",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


class Served:
    def __init__(self, var: Path) -> None:
        self.var = var
        self.env = env_for(var)
        self.port = free_port()
        self.started = False
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = open(var / "serve.log", "a")  # noqa: SIM115 — closed in stop()

    def prepare(self) -> dict:
        made = subprocess.run(
            [sys.executable, "-c", WORLD], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert made.returncode == 0, made.stderr[-3000:]
        return json.loads(made.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        """Serve on ``self.port``; the first start moves to another free port if someone took it
        (a restart keeps its port: the uploads' addresses name it, and this process holds it)."""
        for _attempt in range(5):
            try:
                self._start_once()
            except PortTaken:
                if self.started:
                    raise
                release(self.port)
                self.port = free_port()
                self.base = f"http://127.0.0.1:{self.port}"
            else:
                self.started = True
                return
        raise AssertionError(f"no port could be served: {(self.var / 'serve.log').read_text()[-2000:]}")

    def _start_once(self) -> None:
        self.log.flush()
        since = (self.var / "serve.log").stat().st_size
        self.proc = subprocess.Popen(
            [*LAWTRAIL, "serve", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4"],
            env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=5) as r:
                    return r.status == 200
            except (OSError, urllib.error.URLError):
                return False

        try:
            wait_for_port(
                self.port, timeout=90, proc=self.proc, ready=healthy, log=self.var / "serve.log", since=since,
                listening=f"Listening at: http://127.0.0.1:{self.port}",
            )  # fmt: skip
        except PortTaken:
            self.proc = None  # it exited
            raise
        except (TimeoutError, RuntimeError) as exc:
            raise AssertionError(f"the server did not come up: {exc}") from None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure_running(self) -> None:
        """Start the server again if a test killed it (or it died)."""
        if not self.running():
            if self.proc is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
                self.proc = None
            self.start()

    def kill9(self) -> None:
        """SIGKILL to the server's whole process group (gunicorn master and worker): no cleanup."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc = None
        self.log.close()
        release(self.port)

    def shell(self, code: str) -> str:
        run = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n" + code],
            env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
        return run.stdout
