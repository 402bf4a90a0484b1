"""A new officer's case from lead to archive by clicking only (issue 9), at 1366 px and again at
390 px: the officer registers a lead with a second officer and a party and submits it for filing;
the two leaders of the filing chain approve it from their 待办; the officer records evidence, ends
the investigation and proposes a fine (the benchmark beside the amount); the proposal is approved;
the notice is served, the party waives the statement, the case goes to legal review, which the
reviewer passes through the checklist; the decision is approved by the three leaders, served and
paid; a leader closes the case and the officer archives it.

Each person has a session of their own (the officer logs in through the login page; the others'
sessions come from the test client's login) and reaches the case through the pages: 待办, the
review queue, the links. Nothing is frozen: the live server runs on today's date.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lawtrail.cases import services as svc
from lawtrail.cases.models import Case, State
from lawtrail.core.notifications.models import Notification
from lawtrail.registry.models import Benchmark, BenchmarkTier, RoleGrant
from lawtrail.review import rules as review_rules
from tests.browser.conftest import full_page_shot, pick
from tests.browser.test_cases import build_world
from tests.factories import TEST_PASSWORD, StaffFactory, UserFactory, make_credit_code, make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "journey"
TITLE = "某餐饮店未取得食品经营许可从事食品经营案"


def people():
    """The cast (alice: the new officer; carol: 承办机构负责人; dave: reviewer) plus andy, and the
    leaders paula (分管领导) and quentin (主要负责人); the violation's fine range and benchmark; the
    approval chains of agency A: filing 2 levels, proposal 1, decision 3."""
    cast, andy, violation = build_world()
    a = cast.agency_a
    leaders = {}
    for n, (username, name, role) in enumerate(
        (("paula", "宝拉", "approver_2"), ("quentin", "昆廷", "approver_3"))
    ):
        user = UserFactory(username=username, display_name=name)
        StaffFactory(agency=a, user=user, name=name, id_number=make_id_number(8200 + n, a.division.code))
        RoleGrant.objects.create(user=user, role=role, agency=a)
        leaders[username] = user
    violation.fine_min, violation.fine_max = 50000, 100000
    violation.save(update_fields=["fine_min", "fine_max"])
    bm = Benchmark.objects.create(
        violation=violation, issuer="河北省市场监督管理局", effective_from=dt.date(2025, 1, 1)
    )
    for tier, lo, hi in (("lenient", 50000, 65000), ("normal", 65000, 85000), ("severe", 85000, 100000)):
        BenchmarkTier.objects.create(benchmark=bm, tier=tier, fine_min=lo, fine_max=hi)
    svc.approval_chain_set(actor=cast.grace, agency=a, action="filing", levels=["approver_1", "approver_2"])
    svc.approval_chain_set(actor=cast.grace, agency=a, action="proposal", levels=["approver_1"])
    svc.approval_chain_set(
        actor=cast.grace, agency=a, action="decision", levels=["approver_1", "approver_2", "approver_3"]
    )
    return cast, andy, violation, leaders


class Person:
    """One person's browser session at the test's width, with the steps they click."""

    def __init__(self, browser, live_server, username: str, width: int, *, log_in: bool = False) -> None:
        self.name = username
        self.width = width
        self.base = live_server.url
        self.context = browser.new_context(
            locale="zh-CN", viewport={"width": width, "height": 900 if width > 400 else 844}
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.page.on("dialog", lambda d: d.accept())  # 结案/归档 ask for confirmation: yes
        self.shots = 0
        if log_in:  # through the login page, as a person would
            self.page.goto(self.base + "/backoffice/")
            self.page.fill("input[name=username]", username)
            self.page.fill("input[name=password]", TEST_PASSWORD)
            self.page.click("button[type=submit]")
            self.page.wait_for_url("**/backoffice/")
        else:
            from lawtrail.core.models import User

            client = Client()
            client.force_login(User.objects.get(username=username))
            self.context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "domain": urlparse(self.base).hostname,
                        "path": "/",
                    }
                ]
            )
            self.page.goto(self.base + "/backoffice/")

    def shot(self, what: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        full_page_shot(self.page, SHOTS / f"{self.width}-{self.name}-{self.shots:02d}-{what}.png")

    def nav(self, label: str) -> None:
        """Click an entry of the navigation (opening the phone's menu first)."""
        menu = self.page.locator(".lt-menu-btn")
        if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
            menu.click()
        self.page.locator("#lt-nav").get_by_role("link", name=label, exact=False).first.click()
        self.page.wait_for_load_state()

    def open_from_todo(self, case: Case) -> None:
        self.nav("待办")
        self.page.locator(f"#todo tr[data-case='{case.pk}']").get_by_role("link").first.click()
        self.page.wait_for_url(f"**/backoffice/cases/{case.pk}/")

    def no_sideways_scroll(self) -> None:
        if self.width <= 390:
            wide = self.page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390, (self.name, self.page.url, wide)

    def put(self, form, name: str, value) -> None:
        """Fill one field of ``form`` as a person would: type, choose, tick."""
        field = form.locator(f"[name={name}]")
        first = field.first
        kind = first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind.startswith("select"):
            if first.get_attribute("data-picker") is not None:
                pick(form, name, value)
                return
            values = first.evaluate("e => Array.from(e.options).map(o => o.value)")
            first.select_option(value=str(value)) if str(value) in values else first.select_option(
                label=value
            )
        elif kind in ("input:checkbox", "input:radio"):
            if field.count() > 1:
                form.locator(f"[name={name}][value='{value}']").check()
            elif value:
                first.check()
            else:
                first.uncheck()
        else:
            first.fill(str(value))

    def act(self, action: str, state: str | None = None, **fields) -> None:
        """Open the action (the primary one, or under 更多操作), fill it, confirm; wait for the state."""
        page = self.page
        box = page.locator(f"details#act-{action}")
        if box.count() == 0:
            self.shot(f"missing-{action}")
        assert box.count() == 1, f"{self.name}: {action} not offered on {page.url}"
        more = page.locator("details#more-actions")
        if more.count() and more.locator(f"#act-{action}").count() and more.get_attribute("open") is None:
            more.locator("> summary").click()
        if box.get_attribute("open") is None:
            box.locator("> summary").click()
        form = box.locator("form")
        for name, value in fields.items():
            self.put(form, name, value)
        page.evaluate("document.getElementById('case-body').dataset.old = '1'")
        form.locator("button[type=submit]").last.click()
        try:  # the page answers: the case's body is swapped in anew, or the form shows a refusal
            page.locator("#case-body:not([data-old]), details.act [role=alert]").first.wait_for()
        except Exception:
            self.shot(f"no-answer-{action}")
            raise
        if state:
            try:
                page.locator(f"#case-state[data-state={state}]").wait_for(timeout=5_000)
            except Exception:
                self.shot(f"failed-{action}")
                alert = page.locator("[role=alert]")
                raise AssertionError(
                    f"{self.name} {action}: {alert.first.inner_text() if alert.count() else 'no state change'}"
                ) from None
        self.no_sideways_scroll()

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_new_officer_takes_a_case_from_lead_to_archive_by_clicking(live_server, browser, width):
    cast, andy, violation, leaders = people()
    today = timezone.localdate()
    alice = Person(browser, live_server, "alice", width, log_in=True)
    crowd = [alice]
    try:
        # ------------------------------------------------------------ the lead
        alice.nav("案件")
        alice.page.get_by_role("link", name="登记线索").first.click()
        form = alice.page.locator("#create-form")
        form.locator("input[name=title]").fill(TITLE)
        pick(form, "officer_ids", "安迪")
        alice.put(form, "violation_ids", violation.name)
        form.locator("input[name=act_date]").fill((today - dt.timedelta(days=5)).isoformat())
        form.locator("textarea[name=facts]").fill("当事人未取得食品经营许可，在长安区某街道经营餐饮。")
        alice.shot("lead-form")
        form.locator("button[type=submit]").click()
        alice.page.wait_for_url(re.compile(r"/backoffice/cases/\d+/$"))  # not /cases/new/ itself
        case = Case.objects.get(title=TITLE)
        assert "安迪" in alice.page.locator("#case-officers").inner_text()
        alice.no_sideways_scroll()

        page = alice.page
        page.locator("#add-party > summary").click()
        party = page.locator("#party-form")
        alice.put(party, "kind", "organisation")
        party.locator("input[name=name]").fill("石家庄市长安区某餐饮店")
        party.locator("input[name=credit_code]").fill(make_credit_code(123456, "130102"))
        party.locator("input[name=legal_representative]").fill("王某")
        party.locator("input[name=address]").fill("石家庄市长安区中山东路1号")
        party.locator("button[type=submit]").click()
        page.locator("#flash").wait_for()
        assert "石家庄市长安区某餐饮店" in page.locator("#parties").inner_text()
        alice.shot("lead")
        alice.act("filing_submit", State.FILING)

        # ------------------------------------------------------------ filing: two levels
        for username, level_name in (("carol", "carol"), ("paula", "paula")):
            leader = Person(browser, live_server, username, width)
            crowd.append(leader)
            leader.open_from_todo(case)
            target = State.FILING if username == "carol" else State.INVESTIGATING
            leader.act("approve", target, reasons="同意立案调查。")
            leader.shot(f"filing-{level_name}")
        case.refresh_from_db()
        assert case.number and case.state == State.INVESTIGATING
        # the new officer was told (站内消息), and opens the case from there
        page.reload()
        assert page.locator("#unread-count").count() == 1
        alice.nav("消息")
        page.locator("#notifications button.lt-note-title", has_text="调查取证").first.click()
        page.wait_for_url(f"**/backoffice/cases/{case.pk}/")

        # ------------------------------------------------------------ investigation
        alice.act(
            "evidence_add",
            State.INVESTIGATING,
            evidence_kind="record",
            title="现场检查笔录",
            collected_on=today.isoformat(),
            cross_examined=True,
        )
        alice.act("investigation_end", State.INVESTIGATED, report="经调查，当事人未取得许可经营属实。")
        box = page.locator("details#act-proposal_submit")
        alice.act(
            "proposal_submit", State.PROPOSING, outcome="penalty", kinds="fine", amount="70000", tier="normal"
        )
        alice.shot("proposed")
        carol = Person(browser, live_server, "carol", width)
        crowd.append(carol)
        carol.open_from_todo(case)
        carol.act("approve", State.PROPOSED, reasons="同意。")

        # ------------------------------------------------------------ notice, statement, review
        page.reload()
        alice.act("notice_serve", State.NOTIFIED, served_on=today.isoformat())
        alice.act("statement_record", State.NOTIFIED, waived=True, text="当事人明确放弃陈述、申辩和听证。")
        alice.act("statement_close", State.READY)
        alice.act(
            "review_submit",
            State.REVIEWING,
            flag_kind=_first_option(page, "review_submit", "flag_kind"),
            flag_reason="拟罚款数额较大。",
        )
        dave = Person(browser, live_server, "dave", width)
        crowd.append(dave)
        dave.nav("法制审核")
        dave.page.get_by_role("link", name=re.compile(re.escape(case.number))).first.click()
        opinion = dave.page.locator("[data-testid=opinion-form]")
        for key in review_rules.POINT_KEYS:
            opinion.locator(f"input[name=ok_{key}][value='1']").check()
        opinion.locator("input[name=opinion][value=agree]").check()
        opinion.locator("textarea[name=text]").fill(
            "经审核，事实清楚，证据确凿，适用依据正确，裁量适当，同意。"
        )
        dave.shot("checklist")
        opinion.get_by_role("button", name="提交审核意见").click()
        dave.page.locator("[data-testid=review-status]").wait_for()
        assert dave.page.locator("[data-testid=review-status]").inner_text() == "同意"
        dave.no_sideways_scroll()
        case.refresh_from_db()
        assert case.state == State.READY

        # ------------------------------------------------------------ decision: three levels
        page.reload()
        alice.act("decision_submit", State.DECIDING)
        for username in ("carol", "paula", "quentin"):
            leader = next((p for p in crowd if p.name == username), None) or Person(
                browser, live_server, username, width
            )
            if leader not in crowd:
                crowd.append(leader)
            leader.open_from_todo(case)
            leader.act(
                "approve", State.DECIDED if username == "quentin" else State.DECIDING, reasons="同意。"
            )
        leader.shot("decided")

        # ------------------------------------------------------------ service, payment, closing, archive
        page.reload()
        alice.act("decision_serve", State.SERVED, served_on=today.isoformat(), method="direct")
        alice.act("payment_record", None, amount="70000", paid_on=today.isoformat())
        case.refresh_from_db()
        if case.state == State.SERVED:
            alice.act("execution_complete", State.EXECUTED)
        carol.page.goto(live_server.url + f"/backoffice/cases/{case.pk}/")
        carol.act("close", State.CLOSED)
        page.reload()
        alice.act("archive", State.ARCHIVED)
        alice.shot("archived")
        case.refresh_from_db()
        assert case.state == State.ARCHIVED and case.archive_number
        assert Notification.objects.filter(user=cast.alice).exists()
        assert box is not None
    finally:
        for p in crowd:
            p.close()


def _first_option(page, action: str, name: str) -> str:
    """The first non-empty choice of a select of an action's form (the 情形 of 提请法制审核)."""
    return page.locator(f"details#act-{action} select[name={name}]").evaluate(
        "e => Array.from(e.options).map(o => o.value).filter(Boolean)[0] || ''"
    )
