"""Periodic work of the journal (thin: each calls one service).

Beat schedule (settings): ``journal-checkpoint`` every 10 minutes; ``journal-integrate`` every minute.
"""

from celery import shared_task

from . import services


@shared_task(name="journal.integrate")
def journal_integrate_task() -> int:
    return services.journal_integrate()


@shared_task(name="journal.checkpoint")
def journal_checkpoint_task() -> int:
    return services.journal_checkpoint(only_if_grown=True).pk
