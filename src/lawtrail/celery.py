"""Celery app. In the embedded default tasks run eagerly (no broker needed)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")

app = Celery("lawtrail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
