"""Periodic work of notifications (thin): hand what is unsent to the channels."""

from lawtrail.celery import periodic_job

from . import services


@periodic_job("notifications.send")
def notifications_send_task() -> int:
    return services.send_pending()
