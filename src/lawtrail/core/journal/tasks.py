"""Periodic work of the journal (thin: each calls one service).

Scheduled in ``lawtrail/ops/schedule.py``: ``journal-integrate`` every minute,
``journal-checkpoint`` every 10 minutes; retried on failure (``periodic_job``).
"""

from lawtrail.celery import periodic_job

from . import services


@periodic_job("journal.integrate")
def journal_integrate_task() -> int:
    return services.journal_integrate()


@periodic_job("journal.checkpoint")
def journal_checkpoint_task() -> int:
    return services.journal_checkpoint(only_if_grown=True).pk
