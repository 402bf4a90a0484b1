"""Background work of the case flow (thin: each calls one function of ``outbox``).

``cases.outbox_deliver`` is queued after each step's commit; ``cases.outbox_sweep`` runs
periodically (beat; ``lawtrail outbox_sweep`` in the embedded default)."""

from celery import shared_task

from . import ledger, outbox


@shared_task(name="cases.outbox_deliver")
def outbox_deliver_task(ids: list[int]) -> int:
    return outbox.deliver(ids)


@shared_task(name="cases.outbox_sweep")
def outbox_sweep_task() -> int:
    return outbox.sweep()


@shared_task(name="cases.ledger_export")
def ledger_export_task(job_id: str, user_id: int, query: str) -> None:
    """案件台账 export (``ledger.run``): progress and the file go to the cache."""
    ledger.run(job_id, user_id, query)
