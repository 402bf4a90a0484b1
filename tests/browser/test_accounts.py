"""Second factor in a real browser (issue 13): a unit administrator enrols an authenticator
app on first login (QR code and typed key), keeps the recovery codes, then logs in again
with password and code. Also: the lockout message, at phone width."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp

from tests.cast import build_cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret_text: str, at: dt.datetime) -> str:
    key = base64.b32decode(secret_text.replace(" ", "") + "=" * (-len(secret_text.replace(" ", "")) % 8))
    with time_machine.travel(at, tick=False):
        return f"{totp(key):06d}"


def test_unit_admin_enrols_then_logs_in_with_a_code(live_server, browser, settings):
    settings.LAWTRAIL_DEMO_2FA_EXEMPT = False
    build_cast()
    for width in (1366, 390):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
        page = context.new_page()
        page.set_default_timeout(10_000)
        if width == 1366:
            page.goto(live_server.url + "/backoffice/registry/staff/")
            page.fill("input[name=username]", "grace")
            page.fill("input[name=password]", TEST_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/account/2fa/setup/**")
            assert page.locator("#otp-qr svg").count() == 1
            page.screenshot(path="/tmp/lawtrail-2fa-setup.png", full_page=True)
            secret = page.locator("#otp-secret").inner_text()
            page.fill("input[name=token]", code_for(secret, timezone.now()))
            page.click("button[type=submit]")
            assert page.locator("#recovery-codes li").count() == 10
            page.click("#continue")
            page.wait_for_url("**/backoffice/registry/staff/")
            page.click("header form button[type=submit]")  # 退出
        # a later login: password, then the code
        page.goto(live_server.url + "/backoffice/registry/staff/")
        page.fill("input[name=username]", "grace")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/account/2fa/?**")
        page.screenshot(path=f"/tmp/lawtrail-2fa-verify-{width}.png", full_page=True)
        later = timezone.now() + dt.timedelta(seconds=31 if width == 1366 else 62)
        page.fill("input[name=token]", code_for(secret, later))
        with time_machine.travel(later, tick=True):
            page.click("button[type=submit]")
            page.wait_for_url("**/backoffice/registry/staff/")
        assert "工作人员" in page.content()
        context.close()


def test_lockout_is_explained_on_the_login_page(live_server, page, settings):
    build_cast()
    page.set_viewport_size({"width": 390, "height": 800})
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(live_server.url + "/login/")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", "wrong-password")
        page.click("button[type=submit]")
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    assert "暂停登录" in page.locator("#locked").inner_text()
    page.screenshot(path="/tmp/lawtrail-lockout-390.png", full_page=True)
