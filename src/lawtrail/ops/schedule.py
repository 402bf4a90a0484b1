"""The periodic jobs: one schedule for Celery beat (production) and ``lawtrail jobs``
(the embedded default, started by ``lawtrail serve`` beside the web server).

Adding a periodic job is one line here: a name, the Celery task name, the interval in
seconds. The task itself is a ``@periodic_job`` (lawtrail/ops/jobs.py) in the app's
``tasks.py``: thin, load by id, call a service; retried on failure with backoff.

This module is read by settings.py, so it imports nothing from Django.
"""

from __future__ import annotations

import os
from typing import NamedTuple


class Every(NamedTuple):
    task: str
    seconds: float


SCHEDULE: dict[str, Every] = {
    "journal-integrate": Every("journal.integrate", 60),  # sequence new journal entries into the tree
    # sign (and witness) a checkpoint when the log has grown; LAWTRAIL_JOURNAL_CHECKPOINT_SECONDS
    # bounds how long an entry waits for a signature (read here: settings import this module)
    "journal-checkpoint": Every(
        "journal.checkpoint", float(os.environ.get("LAWTRAIL_JOURNAL_CHECKPOINT_SECONDS") or 600)
    ),
    "cases-outbox-sweep": Every("cases.outbox_sweep", 60),  # outbox deliveries missed after commit, retries
    # 站内消息: deadlines due within 2 working days or passed (lawtrail.web.notify); unsent ones to the channels
    "notify-deadlines": Every("web.notify_deadlines", 3600),
    "notifications-send": Every("notifications.send", 300),
    "disclosure-export": Every(
        "disclosure.export", 24 * 3600
    ),  # yesterday's published/withdrawn records as 双公示 JSON
    "disclosure-expire": Every(
        "disclosure.expire", 24 * 3600
    ),  # records past their retention period leave public view
    "vault-sm3-sweep": Every("vault.sm3_sweep", 300),  # SM3 of blobs a killed process left pending
    "archive-seal-pending": Every("archive.seal_pending", 600),  # archive packages whose seal did not run
    "celery.backend_cleanup": Every("celery.backend_cleanup", 24 * 3600),  # job results older than 7 days
}


def beat_schedule() -> dict[str, dict]:
    """``CELERY_BEAT_SCHEDULE`` from ``SCHEDULE`` (django-celery-beat copies it into the database)."""
    return {name: {"task": job.task, "schedule": float(job.seconds)} for name, job in SCHEDULE.items()}
