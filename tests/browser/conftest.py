"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against live_server.

Playwright's sync API runs an event loop in the test thread, so Django's async-safety
guard must be relaxed for the ORM calls these tests make to set up data.
"""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",  # as the users' browsers are; the pages must not depend on it (dates: core.widgets)
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, live_server, username: str, next_path: str, password: str | None = None) -> None:
    """Log in through the login page; an account that needs a second factor gets a TOTP
    device (created here, as if enrolled before) and types its current code."""
    from django.contrib.auth import get_user_model
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lawtrail.core.accounts import twofactor
    from tests.factories import TEST_PASSWORD

    user = get_user_model().objects.get(username=username)
    device = None
    if twofactor.required_for(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
    page.goto(live_server.url + next_path)
    assert "/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or TEST_PASSWORD)
    page.click("button[type=submit]")
    if device is not None:
        page.wait_for_url("**/account/2fa/**")
        page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        page.click("button[type=submit]")
    page.wait_for_url(live_server.url + next_path)


def pick(scope, name: str, text: str) -> None:
    """Choose ``text`` in the searchable people picker (tom-select) of ``select[name=name]``:
    type part of the name and take the option offered."""
    control = scope.locator(f"select[name={name}] + .ts-wrapper")
    control.locator(".ts-control").click()
    control.locator("input").first.fill(text)
    option = control.locator(".ts-dropdown .option", has_text=text).first
    option.click()
    # a multi-select keeps its dropdown open: close it so it covers nothing
    control.locator("input").first.press("Escape")


def full_page_shot(page, path) -> None:
    """A full-page screenshot that leaves the page as it was. Chromium takes it by stretching the
    viewport to the page's height; when a text field has the focus meanwhile, the scroll position
    it had is put back only at the next press, after Playwright has scrolled the next target into
    view: a tap on 登记 after a screenshot of the filled lead form at 390 px moved the page 48 px
    between press and release, and the release landed on the check box below (issue 9). So the
    field gives up the focus for the screenshot and gets it back without scrolling."""
    had_focus = page.evaluate(
        "() => { const e = document.activeElement;"
        " if (!e || e === document.body) return false;"
        " window.__ltShotFocus = e; e.blur(); return true; }"
    )
    page.screenshot(path=str(path), full_page=True)
    if had_focus:
        page.evaluate(
            "() => { const e = window.__ltShotFocus; delete window.__ltShotFocus;"
            " if (e && e.isConnected) e.focus({ preventScroll: true }); }"
        )
