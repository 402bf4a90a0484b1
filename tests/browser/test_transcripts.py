"""笔录 in a real browser, on a tablet and a phone: the officer makes an inquiry record from the
case page, the two officers and the party each sign on the page's <canvas> pad (drawn with the
pointer), and the record is complete — its PDF downloadable, each signature image shown.
Screenshots at 1366 and 390 px."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lawtrail.recording.models import Transcript
from tests.browser.conftest import log_in
from tests.browser.test_every_page import AXE, AXE_RUN
from tests.cases.procedure_kit import filed_case
from tests.core.vault.conftest import local_vault  # noqa: F401 — the vault in a temporary directory
from tests.documents.conftest import frozen_today, world  # noqa: F401 — shared fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _draw(page, pad, seed: int) -> None:
    box = pad.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.6
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 12):
        page.mouse.move(x0 + k * box["width"] * 0.07, y0 - ((k * seed) % 5) * box["height"] * 0.08, steps=2)
    page.mouse.up()


def test_officers_and_party_sign_an_inquiry_record_on_the_page(
    live_server,
    page,
    world,  # noqa: F811
    local_vault,  # noqa: F811
    tmp_path,
):
    shots = Path(os.environ.get("LAWTRAIL_SCREENSHOTS") or tmp_path)
    case = filed_case(world)
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "alice", f"/backoffice/cases/{case.pk}/")
    page.click("#transcript-make summary")
    page.select_option("#tr-kind", "inquiry")
    page.fill("#tr-start", "2026-09-01T09:00")
    page.fill("#tr-end", "2026-09-01T09:40")
    page.fill("#tr-place", "长安区市场监管局询问室")
    page.select_option("#tr-o2", str(world.andy.pk))
    page.fill("#tr-subject", "王小明")
    page.fill("#tr-detail", "联系电话13800000000")
    page.check("#tr-shown")
    page.fill("#tr-content", "问：店内食品从哪里进货？\n答：从批发市场进的货，没有票据。")
    page.locator("#transcript-form").screenshot(path=str(shots / "transcript-form-1366.png"))
    page.click("#transcript-submit")
    page.wait_for_selector("#transcript-heading")
    t = Transcript.objects.get()
    assert page.locator("canvas.sig-pad").count() == 3
    page.evaluate(AXE.read_text())
    assert page.evaluate(AXE_RUN) == []  # no serious or critical accessibility violation

    # a blank pad is not sent
    page.locator('form.sig-form[data-role="party"] .sig-submit').click()
    assert not t.signatures.exists()

    page.set_viewport_size({"width": 390, "height": 844})
    for n in range(3):
        form = page.locator("form.sig-form").first
        form.scroll_into_view_if_needed()
        _draw(page, form.locator("canvas.sig-pad"), n + 2)
        if n == 2:
            form.screenshot(path=str(shots / "transcript-pad-390.png"))
        form.locator(".sig-submit").click()
        page.wait_for_selector("#transcript-heading")
    expect(page.locator("#transcript-status")).to_have_attribute("data-status", "signed")
    t.refresh_from_db()
    assert t.status == Transcript.Status.SIGNED and t.pdf_id
    assert sorted(t.signatures.values_list("role", flat=True)) == ["officer", "officer", "party"]
    imgs = page.locator("#transcript-signatures img")
    expect(imgs).to_have_count(3)
    for i in range(3):
        imgs.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=imgs.nth(i).element_handle()
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(shots / "transcript-signed-390.png"), full_page=True)
    page.evaluate(AXE.read_text())
    assert page.evaluate(AXE_RUN) == []
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(shots / "transcript-signed-1366.png"), full_page=True)
