"""The periodic-job runner of the embedded default (``lawtrail jobs``).

Production runs the schedule (``lawtrail/ops/schedule.py``) with Celery beat and a worker.
Without a broker there is no beat, so this runner — one process, started by ``lawtrail
serve`` beside the web server — runs the same tasks on the same intervals, in process:

- each job runs when its interval has passed since its last run (first run at start-up);
- a failing run is retried with the task's own policy (``max_retries``, ``retry_backoff``:
  the same numbers the Celery worker applies), and after the last retry counts as failed
  and waits for its next turn;
- every attempt is stored as a django-celery-results ``TaskResult`` (SUCCESS, RETRY with
  the traceback, FAILURE), exactly where the worker's results go, so the admin
  (任务结果) and the metrics (``lawtrail_job_*``) show both runners the same way; a
  failure is also logged with its traceback;
- the schedule is copied into django-celery-beat's ``PeriodicTask`` rows (the admin's
  周期任务 list) with the last run time and count; a job switched off there is skipped;
- the apps' companion processes (``lawtrail.ops.companions``: e.g. the MQTT telemetry
  listener when the broker answers) are started beside it, restarted if they exit, and
  stopped with it.
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from celery import states
from django.db import close_old_connections, connection
from django.db.models import F
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry
from django_celery_results.models import TaskResult

from lawtrail.celery import app
from lawtrail.ops.companions import Supervisor
from lawtrail.ops.schedule import SCHEDULE, Every

log = logging.getLogger("lawtrail.jobs")


def job_task(task_name: str):
    """The Celery task object of a scheduled job (its module imported by autodiscovery)."""
    app.loader.import_default_modules()
    try:
        return app.tasks[task_name]
    except KeyError:
        raise LookupError(
            f"scheduled task {task_name!r} is not registered (is its tasks.py in an app?)"
        ) from None


def backoff(task, attempt: int) -> float:
    """Seconds before retry number ``attempt`` (1-based): Celery's exponential backoff, no jitter."""
    base = task.retry_backoff
    if base is True:
        base = 1
    if not base:
        return float(task.default_retry_delay or 0)
    return float(min(int(base) * 2 ** (attempt - 1), task.retry_backoff_max or 600))


@dataclass
class JobState:
    name: str
    job: Every
    next_at: float = 0.0  # monotonic time of the next attempt; 0 = at start-up
    retries: int = 0  # retries already made for the current run
    runs: int = 0
    failures: int = field(default=0)


class Runner:
    """Runs due jobs on each ``tick(now)``; ``run_forever`` ticks until SIGTERM/SIGINT."""

    def __init__(
        self,
        schedule: dict[str, Every] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.schedule = dict(SCHEDULE if schedule is None else schedule)
        self.clock = clock
        self.sleep = sleep
        self.worker = f"lawtrail-jobs@{socket.gethostname()}"
        self.jobs = {name: JobState(name, job) for name, job in self.schedule.items()}
        self.stopping = False
        for job in self.schedule.values():
            job_task(job.task)  # fail at start-up on a schedule line naming no task

    # ------------------------------------------------------------------ schedule in the admin

    def sync_schedule(self) -> None:
        """Copy the schedule into django-celery-beat's tables (what beat itself does at start)."""
        for name, entry in self.schedule.items():
            ModelEntry.from_entry(name, app=app, task=entry.task, schedule=float(entry.seconds))

    def _enabled(self, name: str) -> bool:
        row = PeriodicTask.objects.filter(name=name).values_list("enabled", flat=True).first()
        return row is None or row

    def _mark_run(self, name: str) -> None:
        PeriodicTask.objects.filter(name=name).update(
            last_run_at=timezone.now(), total_run_count=F("total_run_count") + 1
        )

    # ------------------------------------------------------------------ running

    def _store(self, state: JobState, task, status: str, result, tb: str | None) -> None:
        TaskResult.objects.store_result(
            "application/json",
            "utf-8",
            str(uuid.uuid4()),
            json.dumps(result, default=str, ensure_ascii=False),
            status,
            traceback=tb,
            periodic_task_name=state.name,
            task_name=task.name,
            task_args="[]",
            task_kwargs="{}",
            worker=self.worker,
        )

    @staticmethod
    def _fresh_connection() -> None:
        """Drop a broken or expired database connection between jobs, as Django does between
        requests (not inside a transaction: a test's, or a caller's)."""
        if not connection.in_atomic_block:
            close_old_connections()

    def run_job(self, state: JobState, now: float) -> str:
        """One attempt of one job; returns its status (SUCCESS, RETRY or FAILURE)."""
        task = job_task(state.job.task)
        self._fresh_connection()
        started = time.perf_counter()
        try:
            result = task.run()
        except Exception as exc:
            tb = traceback.format_exc()
            self._fresh_connection()
            if state.retries < (task.max_retries or 0):
                state.retries += 1
                delay = backoff(task, state.retries)
                state.next_at = now + delay
                status = states.RETRY
                log.warning(
                    "job %s failed (%s); retry %d/%d in %.0f s",
                    state.name, exc, state.retries, task.max_retries, delay, exc_info=True,
                )  # fmt: skip
            else:
                state.retries = 0
                state.failures += 1
                state.next_at = now + state.job.seconds
                status = states.FAILURE
                log.error("job %s failed after its retries: %s", state.name, exc, exc_info=True)
            self._store(state, task, status, {"exc_type": type(exc).__name__, "exc_message": str(exc)}, tb)
            return status
        state.retries = 0
        state.runs += 1
        state.next_at = now + state.job.seconds
        self._store(state, task, states.SUCCESS, result, None)
        self._mark_run(state.name)
        log.info("job %s done in %.3f s: %s", state.name, time.perf_counter() - started, result)
        self._fresh_connection()
        return states.SUCCESS

    def tick(self, now: float | None = None) -> dict[str, str]:
        """Run every job that is due at ``now``; returns {job: status} for those that ran."""
        now = self.clock() if now is None else now
        ran: dict[str, str] = {}
        for state in self.jobs.values():
            if self.stopping or state.next_at > now:
                continue
            if not self._enabled(state.name):
                state.next_at = now + state.job.seconds
                continue
            ran[state.name] = self.run_job(state, now)
        return ran

    def next_due(self) -> float:
        return min(s.next_at for s in self.jobs.values()) if self.jobs else self.clock() + 60

    def stop(self, *_args) -> None:
        self.stopping = True

    def run_forever(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.sync_schedule()
        companions = Supervisor()  # processes apps run beside the server (lawtrail.ops.companions)
        log.info(
            "job runner started: %s",
            ", ".join(f"{n} every {j.seconds:g} s" for n, j in self.schedule.items()),
        )
        while not self.stopping:
            companions.check()
            self.tick()
            # wake at the next due job, but at least once a second to notice a stop
            self.sleep(max(0.05, min(1.0, self.next_due() - self.clock())))
        companions.stop()
        log.info("job runner stopped")
