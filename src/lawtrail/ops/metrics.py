"""``/metrics``: Prometheus text for scraping.

- request latency and counts by route and method, responses by status, exceptions —
  django-prometheus's middleware (``django_http_requests_latency_seconds_by_view_method``
  and friends), summed over all gunicorn workers (multiprocess mode, see ops/server.py);
- read from the database and broker at scrape time (true for every process and instance):
  journal size, entries not yet sequenced, last checkpoint's age and tree size; the case
  outbox's lag (oldest undelivered entry), pending and retrying deliveries; Celery queue
  depth (Redis broker); per periodic job: age of its last success, failed and retried
  attempts in the last 24 hours.

Further gauges are added to ``COLLECTORS``.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
from collections.abc import Callable, Iterable

import prometheus_client
import redis
from django.conf import settings
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_celery_results.models import TaskResult
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric

from lawtrail.cases import outbox
from lawtrail.cases.models import Delivery
from lawtrail.celery import app
from lawtrail.core.journal.models import Checkpoint, Entry, TreeState
from lawtrail.ops.schedule import SCHEDULE


def journal_metrics() -> Iterable[Metric]:
    # both cheap at any size: the tree's own counter and a partial index of the few waiting rows
    state = TreeState.objects.filter(pk=1).values_list("size", flat=True).first() or 0
    waiting = Entry.objects.filter(seq__isnull=True).count()
    g = GaugeMetricFamily("lawtrail_journal_entries", "Journal entries committed (sequenced + waiting)")
    g.add_metric([], state + waiting)
    yield g
    g = GaugeMetricFamily("lawtrail_journal_tree_size", "Journal entries sequenced into the Merkle tree")
    g.add_metric([], state)
    yield g
    g = GaugeMetricFamily(
        "lawtrail_journal_unsequenced", "Committed journal entries waiting for the sequencer"
    )
    g.add_metric([], waiting)
    yield g
    last = Checkpoint.objects.order_by("-id").values("created_at", "size").first()
    if last:
        g = GaugeMetricFamily(
            "lawtrail_journal_checkpoint_age_seconds", "Seconds since the last signed checkpoint"
        )
        g.add_metric([], (timezone.now() - last["created_at"]).total_seconds())
        yield g
        g = GaugeMetricFamily("lawtrail_journal_checkpoint_size", "Tree size covered by the last checkpoint")
        g.add_metric([], last["size"])
        yield g


def outbox_metrics() -> Iterable[Metric]:
    """The case outbox (issue 7): what waits for delivery, how long, and what keeps failing."""
    pending = Delivery.objects.filter(done_at__isnull=True)
    g = GaugeMetricFamily(
        "lawtrail_outbox_lag_seconds", "Age of the oldest undelivered outbox entry (0 when none)"
    )
    g.add_metric([], outbox.lag_seconds())
    yield g
    g = GaugeMetricFamily("lawtrail_outbox_pending", "Outbox deliveries not yet consumed")
    g.add_metric([], pending.count())
    yield g
    g = GaugeMetricFamily(
        "lawtrail_outbox_retrying", "Undelivered outbox entries that have failed at least once"
    )
    g.add_metric([], pending.filter(attempts__gt=0).count())
    yield g


def job_metrics() -> Iterable[Metric]:
    since = timezone.now() - dt.timedelta(hours=24)
    rows = {
        r["periodic_task_name"]: r
        for r in TaskResult.objects.filter(Q(periodic_task_name__in=list(SCHEDULE)) | Q(date_done__gte=since))
        .exclude(periodic_task_name=None)
        .values("periodic_task_name")
        .annotate(
            last_ok=Max("date_done", filter=Q(status="SUCCESS")),
            failed=Count("id", filter=Q(status="FAILURE", date_done__gte=since)),
            retried=Count("id", filter=Q(status="RETRY", date_done__gte=since)),
        )
    }
    age = GaugeMetricFamily(
        "lawtrail_job_last_success_age_seconds", "Seconds since the job last succeeded", labels=["job"]
    )
    failed = GaugeMetricFamily(
        "lawtrail_job_failures_24h", "Failed runs (after retries) in the last 24 h", labels=["job"]
    )
    retried = GaugeMetricFamily(
        "lawtrail_job_retries_24h", "Retried attempts in the last 24 h", labels=["job"]
    )
    now = timezone.now()
    for name in sorted(set(SCHEDULE) | set(rows)):
        row = rows.get(name, {})
        if row.get("last_ok"):
            age.add_metric([name], (now - row["last_ok"]).total_seconds())
        failed.add_metric([name], row.get("failed", 0))
        retried.add_metric([name], row.get("retried", 0))
    yield from (age, failed, retried)


def queue_metrics() -> Iterable[Metric]:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return  # no broker (embedded default: nothing is queued) or one we cannot count cheaply
    queue = app.conf.task_default_queue
    client = redis.Redis.from_url(url, socket_timeout=2)
    try:
        depth = client.llen(queue)
    finally:
        client.close()
    g = GaugeMetricFamily(
        "lawtrail_celery_queue_depth", "Tasks waiting in the Celery queue", labels=["queue"]
    )
    g.add_metric([queue], depth)
    yield g


COLLECTORS: list[Callable[[], Iterable[Metric]]] = [
    journal_metrics,
    outbox_metrics,
    job_metrics,
    queue_metrics,
]


class _Collected:
    """Adapts the collector functions for a one-off registry (errors become a metric, not a 500)."""

    def collect(self) -> Iterable[Metric]:
        errors = GaugeMetricFamily(
            "lawtrail_metrics_collector_errors", "Collectors that failed in this scrape", labels=["collector"]
        )
        for fn in COLLECTORS:
            try:
                yield from list(fn())
            except Exception:
                errors.add_metric([fn.__name__], 1)
        yield errors


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.LAWTRAIL_METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), token.encode()):
            return HttpResponse("需要监控令牌。\n", status=401, content_type="text/plain; charset=utf-8")
    registry = prometheus_client.CollectorRegistry()
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        multiprocess.MultiProcessCollector(registry)
        base = prometheus_client.generate_latest(registry)
    else:
        base = prometheus_client.generate_latest(prometheus_client.REGISTRY)
    own = prometheus_client.CollectorRegistry()
    own.register(_Collected())
    return HttpResponse(
        base + prometheus_client.generate_latest(own), content_type=prometheus_client.CONTENT_TYPE_LATEST
    )
