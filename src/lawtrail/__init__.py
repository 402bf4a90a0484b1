"""LawTrail 行政执法综合管理监督平台."""

from .celery import app as celery_app

__all__ = ["celery_app"]
