"""Periodic work of the back office (thin): 期限临近 / 已超期 notifications.

Scheduled in ``lawtrail/ops/schedule.py`` (``notify-deadlines``)."""

from lawtrail.celery import periodic_job

from . import notify


@periodic_job("web.notify_deadlines")
def notify_deadlines_task() -> int:
    return notify.notify_deadlines()
