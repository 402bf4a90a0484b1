"""Second factor (issue 13): mandatory for system admins, unit admins and supervisors,
available to all, enforced on the admin and the API token endpoint; recovery codes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lawtrail.core.accounts.models import AuthEvent
from lawtrail.core.journal.models import Entry
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username):
    return client.post("/login/", {"username": username, "password": TEST_PASSWORD, "next": "/backoffice/"})


def code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("name", ["grace", "erin", "admin"])
def test_required_roles_must_enrol_before_anything_else(cast, name):
    client = Client()
    login(client, name)
    r = client.get("/backoffice/registry/staff/")
    assert r.status_code == 302 and r["Location"].startswith("/account/2fa/setup/")
    assert client.get("/api/v1/registry/staff/").json()["code"] == "OTP_REQUIRED"


def test_an_officer_may_work_without_but_may_enrol(cast):
    client = Client()
    login(client, "alice")
    assert client.get("/backoffice/cases/").status_code == 200
    assert client.get("/account/2fa/setup/").status_code == 200


def test_enrol_then_log_in_with_a_code_or_a_recovery_code(cast):
    t0 = timezone.now()

    def at(seconds):
        return time_machine.travel(t0 + dt.timedelta(seconds=seconds), tick=False)

    client = Client()
    with at(0):
        login(client, "grace")
        page = client.get("/account/2fa/setup/?next=/backoffice/registry/staff/").content.decode()
        assert "<svg" in page
        device = TOTPDevice.objects.get(user=cast.grace, confirmed=False)
        assert client.post("/account/2fa/setup/", {"token": "000000"}).status_code == 200
        assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    with at(5):  # a failure throttles the next try (1 s, doubling)
        device.refresh_from_db()
        r = client.post("/account/2fa/setup/", {"token": code(device), "next": "/backoffice/registry/staff/"})
        codes = re.findall(r"<li>([a-z0-9]{8})</li>", r.content.decode())
        assert len(codes) == 10
        assert client.get("/backoffice/registry/staff/").status_code == 200
    assert AuthEvent.objects.filter(kind="otp_enrolled", user=cast.grace).exists()
    assert Entry.objects.filter(action="accounts:totp:confirm").exists()

    # next login: password, then the code
    with at(100):
        client.post("/logout/")
        login(client, "grace")
        r = client.get("/backoffice/registry/staff/")
        assert r["Location"].startswith("/account/2fa/?")
        assert client.post("/account/2fa/", {"token": "123456"}).status_code == 200
    with at(110):
        device.refresh_from_db()
        r = client.post("/account/2fa/", {"token": code(device), "next": "/backoffice/registry/staff/"})
        assert r.status_code == 302 and client.get("/backoffice/registry/staff/").status_code == 200

    # a recovery code works once
    for n, expected in enumerate((302, 200)):
        with at(200 + 10 * n):
            c = Client()
            login(c, "grace")
            assert c.post("/account/2fa/", {"token": codes[0]}).status_code == expected
    assert AuthEvent.objects.filter(kind="recovery_used", user=cast.grace).count() == 1
    assert Entry.objects.filter(action="accounts:recovery:use").count() == 1


def test_the_admin_site_needs_the_second_factor(cast, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.invalid", TEST_PASSWORD)
    client = Client()
    login(client, superuser.username)
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/account/2fa/setup/")


def test_the_token_endpoint_asks_for_the_code(cast):
    device = TOTPDevice.objects.create(user=cast.grace, name="t", confirmed=True)
    r = Client().post("/api/v1/auth/token", {"username": "grace", "password": TEST_PASSWORD})
    assert r.status_code == 403 and r.json()["code"] == "OTP_REQUIRED"
    r = Client().post("/api/v1/auth/token", {"username": "grace", "password": TEST_PASSWORD, "otp": "000000"})
    assert r.json()["code"] == "OTP_INVALID"
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        device.refresh_from_db()
        r = Client().post(
            "/api/v1/auth/token", {"username": "grace", "password": TEST_PASSWORD, "otp": code(device)}
        )
    assert r.status_code == 200
    r = Client().post("/api/v1/auth/token", {"username": "erin", "password": TEST_PASSWORD})
    assert r.json()["code"] == "OTP_ENROLMENT_REQUIRED"


def test_demo_accounts_are_exempt_only_with_the_embedded_demo_switch_and_say_so(cast, settings):
    settings.LAWTRAIL_DEMO_2FA_EXEMPT = True
    client = Client()
    login(client, "admin")  # "admin" is one of the printed demo accounts
    r = client.get("/backoffice/")
    assert r.status_code == 200 and 'id="demo-2fa-banner"' in r.content.decode()
    login(Client(), "grace")  # not a demo account name: no exemption
    settings.LAWTRAIL_DEMO_2FA_EXEMPT = False
    assert client.get("/backoffice/").status_code == 302
