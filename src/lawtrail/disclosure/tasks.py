"""Periodic work of disclosure (thin): the nightly 双公示 export and the end of retention periods.

Scheduled in ``lawtrail/ops/schedule.py`` (``disclosure-export``, ``disclosure-expire``)."""

from lawtrail.celery import periodic_job

from . import export, services


@periodic_job("disclosure.export")
def disclosure_export_task() -> str:
    return export.export_yesterday()


@periodic_job("disclosure.expire")
def disclosure_expire_task() -> int:
    return services.records_expire()
