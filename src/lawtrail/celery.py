"""Celery app and the decorator for periodic jobs.

Production: a Celery worker and beat (django-celery-beat's database scheduler) on the Redis
broker of CELERY_BROKER_URL. Embedded default (no broker): tasks sent from a request run
eagerly, and the periodic jobs of ``lawtrail/ops/schedule.py`` are run by ``lawtrail jobs``,
which ``lawtrail serve`` starts beside the web server.
"""

import os

from celery import Celery, shared_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")

app = Celery("lawtrail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# One retry policy for every periodic job, honoured by the Celery worker (autoretry) and by
# the embedded runner (lawtrail.ops.jobs reads the same attributes): 3 retries after 10, 20
# and 40 seconds, then the run counts as failed and the job waits for its next turn.
JOB_RETRY = {"autoretry_for": (Exception,), "max_retries": 3, "retry_backoff": 10, "retry_backoff_max": 300}


def periodic_job(name: str, **options):
    """``@periodic_job("app.job")`` declares a task that the schedule may run periodically."""
    return shared_task(name=name, **{**JOB_RETRY, "retry_jitter": False, **options})
