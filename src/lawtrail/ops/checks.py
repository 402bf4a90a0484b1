"""Readiness checks of our own, beside django-health-check's database, cache and storage checks."""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from lawtrail.celery import app
from lawtrail.core.journal.signing import journal_key


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (skipped in the embedded default: no broker)."""

    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=3), repr=False)

    def run(self) -> None:
        if not settings.CELERY_BROKER_URL:
            return
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as exc:  # kombu raises the transport's own errors
            raise ServiceUnavailable(f"消息队列不可用：{type(exc).__name__}") from exc


@dataclasses.dataclass
class JournalSigner(HealthCheck):
    """The journal's checkpoint key loads and its signature verifies (a readiness probe signs
    a fixed probe text, never a checkpoint)."""

    def run(self) -> None:
        probe = "lawtrail readiness probe\n"
        try:
            key = journal_key()
            ok = key.verify(probe, key.sign(probe))
        except Exception as exc:
            raise ServiceUnavailable(f"日志签名密钥不可用：{type(exc).__name__}") from exc
        if not ok:
            raise ServiceUnavailable("日志签名密钥签名验证失败")
