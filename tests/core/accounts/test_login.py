"""Logging in (issue 13): lockout on every way in, the auth-event record, idle timeout,
passwords, API tokens."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from lawtrail.core.accounts import services
from lawtrail.core.accounts.models import ApiToken, AuthEvent
from lawtrail.core.errors import ValidationFailed
from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.services import journal_verify
from lawtrail.registry import services as reg
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def page_login(client, username, password, **extra):
    return client.post(
        "/login/", {"username": username, "password": password, "next": "/backoffice/"}, **extra
    )


# ------------------------------------------------------------------ lockout


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(cast, settings):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert page_login(client, "alice", "wrong-password").status_code == 200
    locked = page_login(client, "alice", "wrong-password")
    assert locked.status_code == 429
    right = page_login(
        Client(REMOTE_ADDR="10.0.0.2"), "alice", TEST_PASSWORD
    )  # another address, same account
    assert right.status_code == 429 and "暂停登录" in right.content.decode()
    assert AuthEvent.objects.filter(kind="lockout", username="alice").exists()
    assert not AuthEvent.objects.filter(kind="login", username="alice").exists()


def test_one_address_trying_many_accounts_is_locked(cast, settings):
    client = Client(REMOTE_ADDR="10.0.0.9")
    names = ["alice", "bob", "carol", "dave", "erin", "frank"]
    for name in names[: settings.AXES_FAILURE_LIMIT]:
        page_login(client, name, "wrong-password")
    assert page_login(client, "grace", TEST_PASSWORD).status_code == 429
    assert page_login(Client(REMOTE_ADDR="10.0.0.10"), "grace", TEST_PASSWORD).status_code == 302


def test_the_api_token_endpoint_locks_out_too(cast, settings):
    client = Client(REMOTE_ADDR="10.0.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = client.post("/api/v1/auth/token", {"username": "bob", "password": "nope-nope-1"})
        assert r.status_code == 403 and r.json()["code"] == "LOGIN_FAILED"
    r = client.post("/api/v1/auth/token", {"username": "bob", "password": "nope-nope-1"})
    assert r.status_code == 429 and r.json()["code"] == "LOGIN_LOCKED"
    r = Client(REMOTE_ADDR="10.0.1.2").post(
        "/api/v1/auth/token", {"username": "bob", "password": TEST_PASSWORD}
    )
    assert r.status_code == 429 and r.json()["code"] == "LOGIN_LOCKED"
    assert not ApiToken.objects.exists()


def test_the_admin_has_no_login_of_its_own(cast):
    r = Client().get("/admin/login/?next=/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    r = Client().get("/admin/")
    assert r.status_code == 302 and "login" in r["Location"]


def test_lockout_ends_after_the_cool_off(cast, settings):
    client = Client(REMOTE_ADDR="10.0.2.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login(client, "carol", "wrong-password")
    assert page_login(client, "carol", TEST_PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)):
        assert page_login(Client(REMOTE_ADDR="10.0.2.1"), "carol", TEST_PASSWORD).status_code == 302


# ------------------------------------------------------------------ the record


def test_login_logout_and_failure_are_journaled_with_address_and_outcome(cast):
    client = Client(REMOTE_ADDR="192.0.2.7")
    page_login(client, "alice", "wrong-password")
    assert page_login(client, "alice", TEST_PASSWORD).status_code == 302
    client.post("/logout/")
    events = list(AuthEvent.objects.filter(username="alice").order_by("id"))
    assert [(e.kind, e.success, e.ip_address) for e in events] == [
        ("login_failed", False, "192.0.2.7"),
        ("login", True, "192.0.2.7"),
        ("logout", True, "192.0.2.7"),
    ]
    assert events[1].agency_id == cast.agency_a.pk and events[1].channel == "page"
    for e in events:
        assert Entry.objects.filter(action=f"accounts:auth:{e.kind}", subject_id=str(e.pk)).exists()


def test_an_auth_event_edited_in_sql_is_named_by_verify(cast):
    from django.db import connection

    page_login(Client(REMOTE_ADDR="192.0.2.8"), "alice", "wrong-password")
    event = AuthEvent.objects.get(username="alice")
    with connection.cursor() as cur:
        cur.execute("UPDATE accounts_authevent SET ip_address = '10.9.9.9' WHERE id = %s", [event.pk])
    assert f"accounts.authevent id={event.pk} 与日志条目" in " ".join(journal_verify().problems)


# ------------------------------------------------------------------ idle timeout


def test_a_session_ends_after_the_idle_period(cast, settings):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert page_login(client, "alice", TEST_PASSWORD).status_code == 302
    with time_machine.travel(
        start + dt.timedelta(minutes=settings.LAWTRAIL_SESSION_IDLE_MINUTES - 1), tick=False
    ):
        assert client.get("/backoffice/").status_code == 200  # activity restarts the clock
    later = start + dt.timedelta(minutes=2 * settings.LAWTRAIL_SESSION_IDLE_MINUTES - 2)
    with time_machine.travel(later, tick=False):
        assert client.get("/backoffice/").status_code == 200
    with time_machine.travel(
        later + dt.timedelta(minutes=settings.LAWTRAIL_SESSION_IDLE_MINUTES + 1), tick=False
    ):
        r = client.get("/backoffice/")
        assert r.status_code == 302 and "expired=1" in r["Location"]
        api = client.get("/api/v1/cases/", HTTP_ACCEPT="application/json")
        assert api.status_code == 403
    assert AuthEvent.objects.filter(kind="session_expired", username="alice").count() == 1


# ------------------------------------------------------------------ passwords


@pytest.mark.parametrize(
    "password, ok",
    [
        ("1", False),
        ("abcdefghij", False),  # one class
        ("abcdefgh12", False),  # two classes
        ("Abcdefg12", False),  # nine characters
        ("Abcdefgh12", True),  # ten, three classes
        ("abcdefg-12", True),
        ("执法平台abcde12", True),  # other characters count as a class
    ],
)
def test_password_rules_3_of_4_classes_and_10_characters(password, ok):
    if ok:
        services.validate_new_password(password)
    else:
        with pytest.raises(ValidationFailed) as err:
            services.validate_new_password(password)
        assert err.value.code == "PASSWORD_TOO_WEAK"


def test_creating_an_account_refuses_a_weak_password(cast):
    staff = cast.staff["carol"]
    staff.user = None
    staff.save()
    with pytest.raises(ValidationFailed) as err:
        reg.staff_user_link(actor=cast.grace, staff=staff, username="carol2", password="1")
    assert err.value.code == "PASSWORD_TOO_WEAK"
    user = reg.staff_user_link(actor=cast.grace, staff=staff, username="carol2", password="Changan-2026")
    assert user.must_change_password  # handed out by an administrator: changed at first login


def test_first_login_must_change_the_password_then_tokens_are_revoked(cast):
    alice = cast.alice
    _, key = services.token_issue(user=alice)
    alice.must_change_password = True
    alice.save()
    client = Client()
    page_login(client, "alice", TEST_PASSWORD)
    r = client.get("/backoffice/cases/")
    assert r.status_code == 302 and r["Location"].startswith("/account/password/")
    assert client.get("/api/v1/cases/").json()["code"] == "PASSWORD_CHANGE_REQUIRED"
    weak = client.post(
        "/account/password/",
        {"old_password": TEST_PASSWORD, "new_password": "short", "new_password2": "short"},
    )
    assert weak.status_code == 400 and "密码不符合要求" in weak.content.decode()
    r = client.post(
        "/account/password/?next=/backoffice/cases/",
        {"old_password": TEST_PASSWORD, "new_password": "Xin-mima-2026", "new_password2": "Xin-mima-2026"},
    )
    assert r.status_code == 302 and r["Location"] == "/backoffice/cases/"
    assert client.get("/backoffice/cases/").status_code == 200  # session kept
    alice.refresh_from_db()
    assert alice.check_password("Xin-mima-2026") and not alice.must_change_password
    assert Client().get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 403
    assert ApiToken.objects.get(user=alice).revoked_reason == "password_changed"


def test_an_expired_password_must_be_changed(cast, settings):
    alice = cast.alice
    alice.password_changed_at = timezone.now() - dt.timedelta(
        days=settings.LAWTRAIL_PASSWORD_MAX_AGE_DAYS + 1
    )
    alice.save()
    client = Client()
    page_login(client, "alice", TEST_PASSWORD)
    assert client.get("/backoffice/").status_code == 302
    settings.LAWTRAIL_PASSWORD_MAX_AGE_DAYS = 0  # expiry off
    assert client.get("/backoffice/").status_code == 200


# ------------------------------------------------------------------ API tokens


def test_tokens_expire_and_can_be_revoked(cast, settings):
    client = Client()
    r = client.post("/api/v1/auth/token", {"username": "alice", "password": TEST_PASSWORD})
    assert r.status_code == 200
    key = r.json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert Client().get("/api/v1/cases/", **auth).status_code == 200
    assert ApiToken.objects.get().digest != key  # only the hash is stored
    with time_machine.travel(
        timezone.now() + dt.timedelta(hours=settings.LAWTRAIL_API_TOKEN_TTL_HOURS, minutes=1)
    ):
        assert Client().get("/api/v1/cases/", **auth).status_code == 403
    assert Client().delete("/api/v1/auth/token", **auth).status_code == 204
    assert Client().get("/api/v1/cases/", **auth).status_code == 403
    kinds = list(AuthEvent.objects.filter(username="alice").values_list("kind", flat=True).order_by("id"))
    assert kinds == ["token_issued", "token_revoked"]
    assert Entry.objects.filter(action="accounts:token:issue").count() == 1
