"""The periodic jobs: one schedule for Celery beat (production) and ``lawtrail jobs``
(the embedded default, started by ``lawtrail serve`` beside the web server).

Adding a periodic job is one line here: a name, the Celery task name, the interval in
seconds. The task itself is a ``@periodic_job`` (lawtrail/ops/jobs.py) in the app's
``tasks.py``: thin, load by id, call a service; retried on failure with backoff.

This module is read by settings.py, so it imports nothing from Django.
"""

from __future__ import annotations

from typing import NamedTuple


class Every(NamedTuple):
    task: str
    seconds: float


SCHEDULE: dict[str, Every] = {
    "journal-integrate": Every("journal.integrate", 60),  # sequence new journal entries into the tree
    "journal-checkpoint": Every("journal.checkpoint", 600),  # sign a checkpoint when the log has grown
    "cases-outbox-sweep": Every("cases.outbox_sweep", 60),  # outbox deliveries missed after commit, retries
    "celery.backend_cleanup": Every("celery.backend_cleanup", 24 * 3600),  # job results older than 7 days
}


def beat_schedule() -> dict[str, dict]:
    """``CELERY_BEAT_SCHEDULE`` from ``SCHEDULE`` (django-celery-beat copies it into the database)."""
    return {name: {"task": job.task, "schedule": float(job.seconds)} for name, job in SCHEDULE.items()}
