"""/healthz and /readyz against the real database, cache, storage, broker and journal key."""

import pytest


def test_healthz_answers_without_touching_anything(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.content == b"ok\n"
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]


def _checks(r) -> dict:
    return {name.split("(")[0]: state for name, state in r.json().items()}


@pytest.mark.django_db(transaction=True)
def test_readyz_passes_with_every_service_up(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = client.get("/readyz?format=json")
    assert r.status_code == 200, r.content
    checks = _checks(r)
    assert set(checks) == {"Database", "Cache", "Storage", "Broker", "JournalSigner", "FieldKeys"}
    assert set(checks.values()) == {"OK"}


@pytest.mark.django_db(transaction=True)
def test_readyz_checks_the_real_redis_broker(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    from lawtrail.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        assert client.get("/readyz?format=json").status_code == 200
        settings.CELERY_BROKER_URL = app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
        app.pool.force_close_all()
        r = client.get("/readyz?format=json")
        assert r.status_code == 503
        assert "消息队列不可用" in _checks(r)["Broker"]
        assert _checks(r)["Database"] == "OK"
    finally:
        app.conf.broker_url = None
        app.pool.force_close_all()


@pytest.mark.django_db(transaction=True)
def test_readyz_fails_when_the_journal_key_is_unusable(client, settings, tmp_path):
    from lawtrail.core.journal.signing import _load

    settings.MEDIA_ROOT = tmp_path
    settings.LAWTRAIL_JOURNAL_KEY = "bm90IGEgc2VlZA=="  # base64, but not a 32-byte seed
    _load.cache_clear()
    try:
        r = client.get("/readyz", HTTP_ACCEPT="application/json")
        assert r.status_code == 503
        assert "日志签名密钥不可用" in _checks(r)["JournalSigner"]
    finally:
        _load.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_readyz_fails_when_storage_is_not_writable(client, settings, tmp_path):
    blocked = tmp_path / "media"
    blocked.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = blocked
    r = client.get("/readyz?format=json")
    assert r.status_code == 503
    assert _checks(r)["Storage"] != "OK"


@pytest.mark.django_db(transaction=True)
def test_readyz_fails_on_an_instance_whose_field_keys_do_not_read_the_database(
    client, settings, tmp_path, monkeypatch
):
    """Two instances each with a var/field-keys of its own (the deployment check's failure of
    stop 16: every log-in answered 500): the second one is not ready, and says why."""
    import base64

    from lawtrail.core import fieldcrypt
    from tests.factories import StaffFactory

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.delenv("LAWTRAIL_FIELD_KEYS", raising=False)
    settings.VAR_DIR = tmp_path / "first"
    fieldcrypt.reset_keyring()
    try:
        StaffFactory()  # an encrypted 公民身份号码 under the first instance's key k1
        assert _checks(client.get("/readyz?format=json"))["FieldKeys"] == "OK"
        settings.VAR_DIR = tmp_path / "second"  # a key file of its own, also called k1
        fieldcrypt.reset_keyring()
        r = client.get("/readyz?format=json")
        assert r.status_code == 503
        assert "个人信息加密密钥与库中数据不符" in _checks(r)["FieldKeys"]
        assert "registry.staff.id_number" in _checks(r)["FieldKeys"]
        monkeypatch.setenv("LAWTRAIL_FIELD_KEYS", "k7:sm4:" + base64.b64encode(b"\x01" * 16).decode())
        monkeypatch.setenv("LAWTRAIL_FIELD_LOOKUP_KEY", base64.b64encode(b"\x02" * 32).decode())
        fieldcrypt.reset_keyring()
        r = client.get("/readyz?format=json")  # a key ring without the stored key's id
        assert r.status_code == 503 and "k1" in _checks(r)["FieldKeys"]
        assert _checks(r)["Database"] == "OK"
    finally:
        fieldcrypt.reset_keyring()
