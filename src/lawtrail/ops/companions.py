"""Long-running processes that run beside the server in the embedded default.

An app registers one in its ``AppConfig.ready()``: a name, the ``lawtrail`` command to run,
and a check whether it should run here now (e.g. whether its broker answers). The job runner
(``lawtrail jobs``, which ``lawtrail serve`` starts) starts each companion whose check passes,
restarts one that exits (after a pause that doubles up to a minute) and stops them on exit.
Production runs each as its own systemd unit (deploy/systemd/) instead.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("lawtrail.jobs")


@dataclass(frozen=True)
class Companion:
    name: str
    argv: tuple[str, ...]  # arguments of `lawtrail`, e.g. ("mqtt_listen",)
    wanted: Callable[[], bool]


COMPANIONS: dict[str, Companion] = {}


def register(*, name: str, argv: tuple[str, ...], wanted: Callable[[], bool]) -> None:
    COMPANIONS[name] = Companion(name, tuple(argv), wanted)


@dataclass
class Running:
    companion: Companion
    process: subprocess.Popen | None = None
    restart_at: float = 0.0
    pause: float = 1.0
    starts: int = field(default=0)


class Supervisor:
    """Starts, watches and stops the companions; ``check(now)`` is called on every tick."""

    def __init__(self, companions: dict[str, Companion] | None = None, *, clock=time.monotonic) -> None:
        self.clock = clock
        self.running = {n: Running(c) for n, c in (COMPANIONS if companions is None else companions).items()}

    def _start(self, r: Running) -> None:
        r.process = subprocess.Popen([sys.executable, "-m", "lawtrail.cli", *r.companion.argv])
        r.starts += 1
        log.info("companion %s started (pid %s)", r.companion.name, r.process.pid)

    def check(self, now: float | None = None) -> None:
        now = self.clock() if now is None else now
        for r in self.running.values():
            if r.process is not None and r.process.poll() is None:
                continue
            if r.process is not None:  # it exited: try again after a pause
                log.warning("companion %s exited with %s", r.companion.name, r.process.returncode)
                r.process = None
                r.restart_at = now + r.pause
                r.pause = min(60.0, r.pause * 2)
            if now < r.restart_at:
                continue
            try:
                wanted = r.companion.wanted()
            except Exception:
                log.exception("companion %s: its check failed", r.companion.name)
                wanted = False
            if wanted:
                self._start(r)
            else:
                r.restart_at = now + 30  # look again later (the broker may come up)

    def stop(self) -> None:
        for r in self.running.values():
            p = r.process
            if p is not None and p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            r.process = None
