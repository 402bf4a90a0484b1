"""Readiness checks of our own, beside django-health-check's database, cache and storage checks."""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from lawtrail.celery import app
from lawtrail.core import fieldcrypt
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
        try:
            ok = journal_key().ready()
        except Exception as exc:
            raise ServiceUnavailable(f"日志签名密钥不可用：{type(exc).__name__}") from exc
        if not ok:
            raise ServiceUnavailable("日志签名密钥签名验证失败")


@dataclasses.dataclass
class FieldKeys(HealthCheck):
    """The personal-data keys in force decrypt what is stored (every instance of a deployment
    must share ``LAWTRAIL_FIELD_KEYS``; one with keys of its own is not ready)."""

    def run(self) -> None:
        error = fieldcrypt.probe()
        if error:
            raise ServiceUnavailable(f"个人信息加密密钥与库中数据不符：{error}")
