"""/metrics: request latency by route, the journal's size and checkpoint age, the token."""

import re

import pytest

from lawtrail.core.journal.services import journal_append, journal_checkpoint, journal_snapshot


@pytest.mark.django_db
def test_metrics_expose_routes_and_the_journal(client, cast, settings):
    settings.LAWTRAIL_METRICS_TOKEN = ""
    agency = cast.agency_a
    journal_append(actor=None, action="test:ops:touch", subject=agency, before=journal_snapshot(agency))
    journal_checkpoint()
    client.get("/healthz")
    client.get("/api/v1/calendar/years")
    text = client.get("/metrics").content.decode()
    assert re.search(
        r'django_http_requests_latency_seconds_by_view_method_bucket\{le="[^"]+",method="GET",view="healthz"\}',
        text,
    )
    entries = float(re.search(r"^lawtrail_journal_entries (\S+)$", text, re.M).group(1))
    assert entries > 0
    assert float(re.search(r"^lawtrail_journal_tree_size (\S+)$", text, re.M).group(1)) == entries
    assert float(re.search(r"^lawtrail_journal_unsequenced (\S+)$", text, re.M).group(1)) == 0
    assert 0 <= float(re.search(r"^lawtrail_journal_checkpoint_age_seconds (\S+)$", text, re.M).group(1)) < 60
    assert re.search(r"^lawtrail_outbox_lag_seconds 0\.0$", text, re.M)  # nothing waiting
    assert re.search(r"^lawtrail_outbox_pending 0\.0$", text, re.M)
    assert "lawtrail_celery_queue_depth" not in text  # no broker in the embedded default: nothing invented
    assert not re.search(r"^lawtrail_metrics_collector_errors\{", text, re.M)


@pytest.mark.django_db
def test_queue_depth_is_read_from_the_real_redis_broker(client, settings):
    import redis

    settings.LAWTRAIL_METRICS_TOKEN = ""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
    r = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    r.delete("celery")
    r.rpush("celery", "a", "b", "c")
    try:
        text = client.get("/metrics").content.decode()
        assert 'lawtrail_celery_queue_depth{queue="celery"} 3.0' in text
    finally:
        r.delete("celery")


@pytest.mark.django_db
def test_metrics_token_when_configured(client, settings):
    settings.LAWTRAIL_METRICS_TOKEN = "s3cret-scraper"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scraper").status_code == 200
