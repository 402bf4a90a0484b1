"""Companion processes of the embedded default (lawtrail.ops.companions): started when wanted,
restarted after they exit (with a pause), stopped with the runner."""

from __future__ import annotations

import signal

from lawtrail.ops.companions import Companion, Supervisor

SLEEPER = ("shell", "-c", "import time; time.sleep(120)")


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_not_wanted_not_started_and_asked_again_later():
    asked = []
    clock = Clock()
    sup = Supervisor({"x": Companion("x", SLEEPER, lambda: asked.append(1) or False)}, clock=clock)
    sup.check()
    sup.check()
    assert len(asked) == 1 and sup.running["x"].process is None
    clock.now += 31
    sup.check()
    assert len(asked) == 2


def test_started_restarted_after_exit_and_stopped():
    clock = Clock()
    sup = Supervisor({"x": Companion("x", SLEEPER, lambda: True)}, clock=clock)
    try:
        sup.check()
        first = sup.running["x"].process
        assert first is not None and first.poll() is None
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        sup.check()  # noticed: a pause before the restart
        assert sup.running["x"].process is None
        clock.now += 1.5
        sup.check()
        second = sup.running["x"].process
        assert second is not None and second.pid != first.pid and sup.running["x"].starts == 2
    finally:
        sup.stop()
    assert second.poll() is not None and sup.running["x"].process is None
