"""The public portal in Chromium, as a member of the public on a phone (390 px) and a desk (1366 px):
search, filter, open a record (masked text), scan-verify a credential via its QR URL; axe-core finds no
serious or critical accessibility violation on the portal's pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import segno
from django.core.cache import cache
from django.utils import timezone

from lawtrail.disclosure import credentials, masking
from lawtrail.disclosure.models import Record, Status
from lawtrail.disclosure.services import search_text_of
from lawtrail.registry import services as registry_services
from tests.cast import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
FACTS = "经查，当事人于2026年8月20日在石家庄市长安区建设北大街88号经营，经理李四（公民身份号码130102198001011234，联系电话13912345678）驾驶冀A·12345号车辆运送食品。"


def _record(cast, n: int, party: str, violation: str, decided: dt.date, domain=None) -> Record:
    original = {
        "party": party,
        "violation": violation,
        "facts": FACTS,
        "basis": "《中华人民共和国食品安全法》第一百二十二条第一款",
        "penalty": "罚款人民币50,000.00元",
    }
    r = Record(
        agency=cast.agency_a,
        domain=domain or cast.market,
        division=cast.agency_a.division,
        division_path=cast.agency_a.division.path,
        kind="penalty",
        status=Status.PUBLISHED,
        decision_number=f"长市监处罚〔2026〕{n}号",
        party_kind="organisation",
        party_name=party,
        credit_code="91130102MA0ABCDE1X",
        decided_on=decided,
        published_on=decided,
        published_at=timezone.now(),
        original=original,
        content={k: masking.mask_text(v) for k, v in original.items()},
    )
    r.search_text = search_text_of(r)
    r.save()
    return r


def axe_serious(page) -> list:
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => [v.id, v.impact, v.nodes.length])"
    )
    return [v for v in result if v[1] in ("serious", "critical")]


@pytest.fixture
def portal(browser):
    def open_(width: int):
        context = browser.new_context(
            locale="zh-CN", viewport={"width": width, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        return context, page

    return open_


def test_search_filter_open_a_masked_record(live_server, portal):
    cache.clear()
    cast = build_cast()
    shop = _record(
        cast, 11, "石家庄好味道餐饮有限公司", "未取得食品经营许可从事食品经营活动", dt.date(2026, 8, 3)
    )
    _record(cast, 12, "石家庄某某超市有限公司", "销售超过保质期的食品", dt.date(2026, 7, 2))
    _record(cast, 13, "石家庄某某药房", "销售劣药", dt.date(2026, 6, 5))
    for width in (390, 1366):
        context, page = portal(width)
        page.goto(live_server.url + "/")
        page.fill("#q", "罚")  # one character
        page.click("button[type=submit]")
        page.wait_for_selector("#count")
        assert "共 3 条" in page.inner_text("#count")
        assert not axe_serious(page)
        page.fill("#q", "好味道")
        page.select_option("#agency", str(cast.agency_a.pk))
        page.fill("#from", "2026-08-01")
        page.click("#search-btn")
        page.wait_for_selector("#count")
        assert "共 1 条" in page.inner_text("#count")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"disclosure-search-{width}.png"), full_page=True)
        page.click(f"li[data-record='{shop.pk}'] h2 a")
        page.wait_for_url(f"**/disclosure/{shop.pk}/")
        facts = page.inner_text("#facts")
        assert "130102********1234" in facts and "130102198001011234" not in facts
        assert "13912345678" not in facts and "冀A·12345" not in facts and "建设北大街88号" not in facts
        assert "石家庄好味道餐饮有限公司" in page.inner_text("#party")
        assert not axe_serious(page)
        page.screenshot(path=str(SHOTS / f"disclosure-record-{width}.png"), full_page=True)
        # keyboard: the search field and button are reachable by Tab
        page.goto(live_server.url + "/disclosure/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") in ("A", "INPUT")
        context.close()


def test_scan_verify_a_credential_via_its_qr_url(live_server, portal):
    cache.clear()
    cast = build_cast()
    cred = registry_services.credential_issue(
        actor=None,
        staff=cast.staff["carol"],
        number="13010220240099",
        domain=cast.market,
        region=cast.agency_a.division,
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2049, 12, 31),
    )
    from django.test import Client

    from lawtrail.core.models import User

    grace = User.objects.get(username="grace")
    staff = Client()
    staff.force_login(grace)
    card = staff.get(f"/backoffice/disclosure/credentials/{cred.pk}/card/").content.decode()
    url = card.split('id="verify-url">')[1].split("<")[0]
    # what the phone's camera reads is that URL: the card's QR code encodes exactly it
    assert segno.make(url, error="m").svg_inline(scale=4, title="执法证查验二维码") in card
    assert url.startswith("http://testserver/disclosure/credential/")
    path = url.removeprefix("http://testserver")
    for width in (390, 1366):
        context, page = portal(width)
        page.goto(live_server.url + path)
        assert page.get_attribute("#verdict", "data-verdict") == "valid"
        assert cast.agency_a.name in page.inner_text("#credential")
        assert not axe_serious(page)
        page.screenshot(path=str(SHOTS / f"disclosure-credential-{width}.png"), full_page=True)
        page.goto(live_server.url + path[:-3] + "xx/")
        assert page.get_attribute("#verdict", "data-verdict") == "not_genuine"
        context.close()
    assert credentials.url_for(cred) == path


def test_prior_pages_are_accessible(live_server, portal):
    cache.clear()
    cast = build_cast()
    context, page = portal(390)
    for path in (
        "/disclosure/bodies/",
        f"/disclosure/bodies/{cast.agency_a.pk}/",
        "/disclosure/powers/",
        "/disclosure/stats/",
        "/disclosure/verify/",
    ):
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1
        assert not axe_serious(page), path
    context.close()
