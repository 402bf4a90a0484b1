"""Case handling in a real browser (at tablet width): an officer registers a lead, adds a party
and submits it for filing; the approver finds it in 待办 and approves it, and the case gets its
number; a refused action shows its Chinese message inline without reloading the page.

Nothing is frozen: the live server runs on today's date, so the data is dated relative to
today (the lead's act date a few days back). A decision deadline that runs into a year whose
working-day calendar is not entered shows "期限待计算" (WD-1), which is asserted when it happens.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from lawtrail.cases import services as svc
from lawtrail.cases.models import Case, CaseEvent, State
from lawtrail.core.calendar.services import calendar_year_seed
from lawtrail.core.errors import ApplicationError
from lawtrail.registry.models import LegalBasis, PowerItem, RoleGrant, Violation
from tests.browser.conftest import full_page_shot, pick
from tests.cast import build_cast
from tests.factories import (
    TEST_PASSWORD,
    CredentialFactory,
    StaffFactory,
    UserFactory,
    make_credit_code,
    make_id_number,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}


def build_world():
    """The cast plus andy (second officer of A with a credential) and a violation with its basis,
    as ``tests/cases/conftest.py``'s ``world`` (without freezing time); the filing chain of A is
    one level (承办机构负责人)."""
    cast = build_cast()
    today = timezone.localdate()
    for year in {today.year, (today - dt.timedelta(days=30)).year}:
        try:
            calendar_year_seed(actor=None, year=year)
        except ApplicationError:  # a year the package has no data for: deadlines show 期限待计算
            pass
    a = cast.agency_a
    andy = UserFactory(username="andy", display_name="安迪")
    staff = StaffFactory(agency=a, user=andy, name="安迪", id_number=make_id_number(8101, a.division.code))
    CredentialFactory(
        staff=staff,
        number="1301022024AND1",
        domain=cast.market,
        region=a.division,
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2029, 12, 31),
    )
    RoleGrant.objects.create(user=andy, role="officer", agency=a)
    power = PowerItem.objects.create(
        code="T-CF-1",
        name="对未取得食品生产经营许可从事食品生产经营活动的行政处罚",
        kind="penalty",
        domain=cast.market,
    )
    violation = Violation.objects.create(
        power=power, code="T-WF-1", name="未取得食品生产经营许可从事食品生产经营活动", penalty_types="罚款"
    )
    LegalBasis.objects.create(
        violation=violation,
        role="penalty",
        law="《中华人民共和国食品安全法》",
        article="第一百二十二条第一款",
    )
    svc.approval_chain_set(actor=cast.grace, agency=a, action="filing", levels=["approver_1"])
    return cast, andy, violation


def log_in(page, live_server, username: str, next_path: str) -> None:
    page.goto(live_server.url + next_path)
    assert "/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + next_path)


@pytest.fixture
def tablet(browser):
    context = browser.new_context(locale="zh-CN", viewport=TABLET)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_officer_registers_a_lead_and_approver_files_it(live_server, tablet, browser):
    cast, andy, violation = build_world()
    page = tablet
    today = timezone.localdate()
    act_date = today - dt.timedelta(days=6)

    log_in(page, live_server, "alice", "/backoffice/cases/new/")
    form = page.locator("#create-form")
    form.locator("input[name=title]").fill("某餐饮店未取得食品经营许可从事食品经营案")
    pick(form, "officer_ids", "安迪")
    pick(form, "violation_ids", "食品生产经营许可")  # searched by a word of its name
    form.locator("input[name=act_date]").fill(act_date.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/backoffice/cases/\d+/$"))
    case = Case.objects.get(title="某餐饮店未取得食品经营许可从事食品经营案")
    assert page.locator("#case-state").inner_text() == "线索登记"
    assert (
        "线索已登记" in page.content() and "第一百二十二条第一款" in page.locator("#violations").inner_text()
    )

    # a refused action: no party yet. The message appears inline and the page is not reloaded.
    page.evaluate("window.notReloaded = true")
    events = CaseEvent.objects.filter(case=case).count()
    page.locator("#act-filing_submit > summary").click()
    page.locator("#act-filing_submit button[type=submit]").click()
    alert = page.locator("#act-filing_submit [role=alert]")
    alert.wait_for()
    assert (
        "请先登记当事人" in alert.inner_text() and alert.get_attribute("data-code") == "CASE_PARTY_REQUIRED"
    )
    assert (
        "CASE_PARTY_REQUIRED" not in alert.inner_text()
    )  # the code is for support staff, in a closed detail
    assert page.evaluate("window.notReloaded") is True
    assert Case.objects.get(pk=case.pk).state == State.LEAD
    assert CaseEvent.objects.filter(case=case).count() == events

    # the refusal links to where it is fixed: the party form opens with the cursor in it.
    # A bad credit code is refused inline too; a good one adds the party in place
    alert.get_by_role("link", name="登记当事人").click()
    assert page.locator("#add-party").get_attribute("open") is not None
    party = page.locator("#party-form")
    party.locator("input[name=name]").fill("石家庄市长安区某餐饮店")
    party.locator("input[name=credit_code]").fill("91130102MA0000000X")
    party.locator("button[type=submit]").click()
    page.locator("#party-form [role=alert]").wait_for()
    assert page.locator("#party-form [role=alert]").get_attribute("data-code") == "CREDIT_CODE_INVALID"
    page.locator("#party-form input[name=credit_code]").fill(make_credit_code(123456, "130102"))
    page.locator("#party-form button[type=submit]").click()
    page.locator("#flash").wait_for()
    assert "石家庄市长安区某餐饮店" in page.locator("#parties").inner_text()
    assert page.evaluate("window.notReloaded") is True

    page.locator("#act-filing_submit > summary").click()
    page.locator("#act-filing_submit button[type=submit]").click()
    page.locator("#case-state[data-state=filing]").wait_for()
    assert page.locator("#case-state").inner_text() == "立案审批中"
    assert "提请立案" in page.locator("#timeline").inner_text()

    approver = browser.new_context(locale="zh-CN", viewport=TABLET).new_page()
    try:
        log_in(approver, live_server, "carol", "/backoffice/cases/todo/")
        row = approver.locator(f"#todo tr[data-case='{case.pk}']")
        assert "审批立案" in row.inner_text()
        row.get_by_role("link", name="某餐饮店未取得食品经营许可从事食品经营案").click()
        approver.wait_for_url(f"**/backoffice/cases/{case.pk}/")
        approver.locator("#act-approve > summary").click()
        approver.locator("#act-approve textarea[name=reasons]").fill("同意立案调查")
        approver.locator("#act-approve button[type=submit]").click()
        approver.locator("#case-state[data-state=investigating]").wait_for()
        case.refresh_from_db()
        assert case.number == f"长市监立〔{today.year}〕1号"
        assert approver.locator("#case-number").inner_text() == case.number
        history = approver.locator("#approvals").inner_text()
        assert "卡罗尔" in history and "承办机构负责人" in history and "同意立案调查" in history
        deadline = case.deadlines.get(kind="decision", active=True)
        cell = approver.locator("#deadlines tr[data-kind=decision]").inner_text()
        if deadline.due_on is None:  # 90 days reach a year without working-day data (WD-1)
            assert "期限待计算" in cell and deadline.pending_reason in cell
        else:
            assert deadline.due_on.isoformat() in cell
        # the home page shows the approver's 待办 (now empty of this case)
        approver.goto(live_server.url + "/backoffice/")
        approver.locator("#todo-summary").wait_for()
        assert approver.locator("#todo-count").inner_text() == "0"
    finally:
        approver.context.close()


def test_lost_access_shows_the_error_page_in_place(live_server, tablet):
    """A 403/404 answer to an htmx form replaces the page body with the middleware's error page."""
    cast, andy, violation = build_world()
    case = svc.case_create(
        actor=cast.alice,
        agency=cast.agency_a,
        domain=cast.market,
        region=cast.changan,
        title="某便利店销售过期食品案",
        officer_ids=[andy.pk],
        act_date=timezone.localdate() - dt.timedelta(days=3),
    )
    log_in(tablet, live_server, "alice", f"/backoffice/cases/{case.pk}/")
    RoleGrant.objects.filter(user=cast.alice).delete()  # alice leaves the agency while the page is open
    tablet.locator("#act-filing_submit > summary").click()
    tablet.locator("#act-filing_submit button[type=submit]").click()
    tablet.get_by_text("操作未能完成").wait_for()
    assert "案件不存在或您无权查看" in tablet.locator("main").inner_text()
    assert "CASE_NOT_FOUND" in tablet.locator("main").inner_text()
    assert Case.objects.get(pk=case.pk).state == State.LEAD


@pytest.mark.parametrize(
    "width,locale", [(1366, "zh-CN"), (390, "zh-CN"), (1366, "en-US")], ids=["1366", "390", "1366-en"]
)
def test_lead_form_violation_picker_and_dates(live_server, browser, width, locale, tmp_path):
    """登记线索 as the officer does it, keyboard only for the 违法行为: typing a word of the name
    offers the matching violations (and says so when none match), Enter takes the one offered.
    Dates read and are typed as 年-月-日 whatever the browser's language — an English Chromium
    too — and a day typed as 2026/9/1 is written back as 2026-09-01; a calendar button sits beside
    each. Nothing runs off a phone's screen, and 登记 registers the lead at every width."""
    cast, andy, violation = build_world()
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)  # the machine is shared: a page may take seconds under load
    try:
        log_in(page, live_server, "alice", "/backoffice/cases/new/")
        form = page.locator("#create-form")
        today = timezone.localdate()
        lead_on = form.locator("input[name=lead_on]")
        assert lead_on.input_value() == today.isoformat()  # 年-月-日, never mm/dd/yyyy
        assert lead_on.get_attribute("placeholder").startswith("年-月-日")
        form.locator("input[name=title]").fill("某餐饮店未取得食品经营许可从事食品经营案")
        pick(form, "officer_ids", "安迪")
        # the 违法行为 picker, by keyboard: Tab into it, type a word, Enter
        control = form.locator("select[name=violation_ids] + .ts-wrapper")
        search = control.locator("input").first
        search.focus()
        search.type("无此行为")
        assert control.locator(".no-results").inner_text() == "没有符合条件的违法行为"
        search.fill("")
        search.type("食品经营")
        option = control.locator(".ts-dropdown .option", has_text="未取得食品生产经营许可")
        option.wait_for()
        if control.locator(".ts-dropdown .option.active").count() == 0:
            search.press("ArrowDown")  # the arrow keys move through what is offered
        search.press("Enter")
        assert "未取得食品生产经营许可" in control.locator(".ts-control .item").first.inner_text()
        search.press("Escape")
        # a date typed another usual way is written back as 年-月-日
        act = form.locator("input[name=act_date]")
        act.fill("")
        act.type(f"{today.year}/{today.month}/{today.day}")
        act.press("Tab")
        assert act.input_value() == today.isoformat()
        act.fill((today - dt.timedelta(days=6)).isoformat())
        button = form.locator("input[name=act_date] ~ .lt-cal-btn")
        assert button.is_visible() and button.get_attribute("aria-label").endswith("从日历中选择")
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shots = Path(os.environ.get("LAWTRAIL_SCREENSHOTS") or tmp_path)
        full_page_shot(page, shots / f"lead-form-{width}-{locale}.png")
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"/backoffice/cases/\d+/$"), timeout=90_000)
        case = Case.objects.get(title="某餐饮店未取得食品经营许可从事食品经营案")
        assert list(case.violations.values_list("violation_id", flat=True)) == [violation.pk]
        assert case.act_date == today - dt.timedelta(days=6)
    finally:
        context.close()
