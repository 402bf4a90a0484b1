"""Background work of the case file (thin: load by id, call a service).

``archive.seal`` seals one package after its manifest committed; ``archive.seal_pending``
(scheduled in ``lawtrail/ops/schedule.py``) seals those whose seal failed or never ran."""

from celery import shared_task

from lawtrail.celery import periodic_job

from . import services


@shared_task(name="archive.seal", autoretry_for=(Exception,), max_retries=3, retry_backoff=30)
def seal_task(package_id: int) -> None:
    services.package_seal(package_id=package_id)


@periodic_job("archive.seal_pending")
def seal_pending_task() -> int:
    return services.seal_pending()
