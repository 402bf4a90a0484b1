"""Background work of the vault (thin: load by id, call a service).

``vault.sm3_fill`` computes the SM3 of one blob stored without it (a resumable upload answers on
its SHA-256); ``vault.sm3_sweep`` (scheduled in ``lawtrail/ops/schedule.py``) fills those a killed
process left pending."""

from celery import shared_task

from lawtrail.celery import periodic_job

from . import services


@shared_task(name="vault.sm3_fill", autoretry_for=(OSError,), max_retries=3, retry_backoff=30)
def sm3_fill_task(blob_id: int) -> None:
    services.vault_sm3_fill(blob_id=blob_id)


@periodic_job("vault.sm3_sweep")
def sm3_sweep_task() -> int:
    return services.vault_sm3_sweep()
