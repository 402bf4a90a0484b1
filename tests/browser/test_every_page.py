"""Every page of the demo for every role, in a real Chromium (issue 9): axe-core finds no serious or
critical violation, at 390 px (a phone) no page scrolls sideways, and the Content-Security-Policy
blocks no script of ours (an inline script swapped in by htmx has no nonce).

The pages: for each role of the demo (the public, an officer, the three leaders, the reviewer, the
supervisor, the unit administrator), the pages its navigation offers, plus a case page of every
state (as the officer, whose cases they are; each other role opens the case page of the state it
acts in). A page shared by several roles (工作日历, 账号安全 …) is checked once; the pages that
differ by role (工作台, 待办, 消息, the case pages) for each. Each role has one logged-in session
(the test client's login, its cookie handed to the browser). The home page of each role is also
checked at 1366 px, where the navigation is open.

One test, because loading the demo is the expensive part. Screenshots of every page checked go to
var/screenshots/pages/ when LAWTRAIL_SHOTS=1 (and of every failing page always)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from lawtrail.demo.cases import CaseDemo
from lawtrail.demo.loader import DemoLoader
from tests.web.crawl import read

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "pages"
TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
ROLES = ("officer", "approver1", "approver2", "approver3", "reviewer", "supervisor", "unitadmin")
#: the state whose case page each role other than the officer opens (where it acts)
ACTS_IN = {
    "approver1": "filing",
    "approver2": "deciding",
    "approver3": "proposing",
    "reviewer": "reviewing",
    "supervisor": "served",
    "unitadmin": "investigating",
}
#: pages whose content depends on who looks (checked for every role that is offered them)
PER_ROLE = re.compile(r"^/backoffice/(|cases/|cases/todo/|notifications/|cases/\d+/)$")
SKIP = ("/logout/", "/api/", "/admin/", "export", "download", ".csv", ".xlsx", ".json", "/media/")

#: console errors of the Content-Security-Policy, per page
CSP_ERRORS: dict[int, list[str]] = {}

AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ["violations"]});
  return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""
OVERFLOW = """() => {
  const w = document.documentElement.clientWidth;
  const wide = document.documentElement.scrollWidth;
  if (wide <= w) return null;
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0 && getComputedStyle(el).position !== "fixed") {
      out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "") + " → " + Math.round(r.right));
      if (out.length > 4) break;
    }
  }
  return {scrollWidth: wide, width: w, widest: out};
}"""


def nav_links(client: Client, start: str) -> list[str]:
    """The pages the navigation of ``start`` offers (back office and portal sections)."""
    r = client.get(start)
    assert r.status_code == 200, (start, r.status_code)
    html = r.content.decode()
    m = re.search(r'<nav[^>]*id="lt-nav"[^>]*>(.*?)</nav>', html, re.S)
    _text, links = read(m.group(1) if m else "")
    out = [start]
    for href in links:
        path = urlparse(urljoin(start, href)).path
        if path not in out and not any(s in path for s in SKIP):
            out.append(path)
    return out


def load_demo() -> dict[str, int]:
    """The demo, loaded in a thread of its own: Playwright's sync API runs an event loop in the test's
    thread, and the demo signs its documents with pyHanko (asyncio.run)."""
    out: dict[str, int] = {}
    failed: list[BaseException] = []

    def run() -> None:
        try:
            out.update(_load_demo())
        except BaseException as exc:  # noqa: BLE001 — re-raised in the test's thread
            failed.append(exc)
        finally:
            connection.close()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if failed:
        raise failed[0]
    return out


def _load_demo() -> dict[str, int]:
    with time_machine.travel(NOW, tick=False):
        call_command("calendar_seed", verbosity=0)
        call_command("profiles_seed", verbosity=0)
        DemoLoader(today=TODAY).load()
        CaseDemo(n=25, today=TODAY).load()
    from lawtrail.cases.models import Case

    by_state: dict[str, int] = {}
    for pk, state in Case.objects.order_by("id").values_list("pk", "state"):
        by_state.setdefault(state, pk)
    return by_state


def session_for(browser, live_server, username: str | None, viewport: dict):
    """A browser context logged in as ``username`` (the test client's login: password and second
    factor counted as done, see tests/conftest.py), or anonymous."""
    context = browser.new_context(locale="zh-CN", viewport=viewport, bypass_csp=True)
    client = Client()
    if username:
        from lawtrail.core.models import User

        client.force_login(User.objects.get(username=username))
        host = urlparse(live_server.url).hostname
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "domain": host,
                    "path": "/",
                }
            ]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    CSP_ERRORS[
        id(page)
    ] = []  # scripts the Content-Security-Policy blocked (an inline script without its nonce)
    page.on(
        "console",
        lambda m: (
            CSP_ERRORS[id(page)].append(m.text[:160])
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    return context, page, client


def check(page, url: str, label: str, *, width: int) -> dict:
    """Open ``url`` and return what is wrong with it (empty when nothing)."""
    problems: dict = {}
    CSP_ERRORS[id(page)].clear()
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        return {"status": response.status if response else None}
    # what htmx loads after the page (工作台's 待办 summary: hx-trigger="load", swapped outerHTML) is
    # part of it; waiting for that instead of "networkidle" (always ≥ 500 ms) halves this test
    page.wait_for_function(
        """() => !document.querySelector('[hx-trigger="load"], .htmx-request')"""
        """ && (typeof htmx === "undefined" || !document.querySelector(".htmx-settling, .htmx-swapping"))"""
    )
    if width <= 390:
        wide = page.evaluate(OVERFLOW)
        if wide:
            problems["horizontal_scroll"] = wide
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    found = page.evaluate(AXE_RUN)
    if found:
        problems["axe"] = found
    if CSP_ERRORS.get(id(page)):
        problems["csp"] = list(CSP_ERRORS[id(page)])
    if problems or os.environ.get("LAWTRAIL_SHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{label}-{width}.png"), full_page=True)
    return problems


def test_every_page_for_every_role_passes_axe_and_fits_a_phone(live_server, browser):
    by_state = load_demo()
    assert len(by_state) >= 15, by_state
    base = live_server.url
    problems: dict[str, dict] = {}
    checked: set[str] = set()
    pages = 0
    for username in (None, *ROLES):
        who = username or "public"
        context, page, client = session_for(browser, live_server, username, PHONE)
        try:
            start = "/backoffice/" if username else "/"
            urls = nav_links(client, start)
            if username == "officer":
                urls += [f"/backoffice/cases/{pk}/" for pk in by_state.values()]
                urls += ["/backoffice/cases/new/", "/backoffice/cases/on-the-spot/"]
            elif username in ACTS_IN and ACTS_IN[username] in by_state:
                urls.append(f"/backoffice/cases/{by_state[ACTS_IN[username]]}/")
            if not username:
                urls.append("/login/")
            for path in urls:
                if path in checked and not PER_ROLE.match(path):
                    continue
                checked.add(path)
                pages += 1
                label = who + re.sub(r"[^a-z0-9]+", "-", path).rstrip("-")
                bad = check(page, base + path, label, width=PHONE["width"])
                if bad:
                    problems[f"{who} {path} @390"] = bad
            # the home page with the navigation open (desktop)
            page.set_viewport_size(DESKTOP)
            bad = check(page, base + start, f"{who}-home", width=DESKTOP["width"])
            if bad:
                problems[f"{who} {start} @1366"] = bad
            pages += 1
        finally:
            context.close()
    assert pages > 60, pages
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
