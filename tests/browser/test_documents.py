"""Legal documents in a real browser, as the officer: the case page's 法律文书 list with a decided
case's 行政处罚决定书; the officer words the 裁量说明, previews the decision (a PDF, no number),
issues a corrected version with its reason, downloads the sealed PDF and the editable Word copy,
and opens the document's verification page — at 1366 and 390 px (no sideways scroll on the
phone), with screenshots. Printing the case page hides the navigation and the forms."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest
from django.db import connection
from docx import Document as WordDocument

from lawtrail.documents.models import Document
from tests.browser.conftest import log_in
from tests.browser.test_every_page import AXE, AXE_RUN
from tests.core.vault.conftest import local_vault  # noqa: F401 — the vault in a temporary directory
from tests.documents.conftest import RARE_NAME, decided_case, frozen_today, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


#: Boxes printed with nothing in them: a visible element with a border, a background or a shadow
#: whose content (text, image, canvas) was all hidden by the print stylesheet.
EMPTY_BOXES = """() => [...document.querySelectorAll("main *")].filter((el) => {
  const s = getComputedStyle(el);
  if (s.display === "none" || s.visibility === "hidden") return false;
  const r = el.getBoundingClientRect();
  if (r.width < 24 || r.height < 12) return false;
  const bg = s.backgroundColor;
  const boxed = parseFloat(s.borderTopWidth) > 0 || parseFloat(s.borderBottomWidth) > 0 || s.boxShadow !== "none"
    || (bg !== "rgba(0, 0, 0, 0)" && bg !== "rgb(255, 255, 255)");
  return boxed && !el.innerText.trim() && !el.querySelector("img,svg,canvas,video,iframe,hr");
}).map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + [...el.classList].join("."))"""


def _pdf_opened(page, click):
    """The PDF response a click opens in Chromium's viewer (in this tab or a new one)."""
    with page.context.expect_event(
        "response", lambda r: r.headers.get("content-type", "").startswith("application/pdf")
    ) as info:
        click()
    response = info.value
    assert response.status == 200
    return response


def test_officer_previews_issues_and_downloads_a_decision(
    live_server,
    page,
    world,  # noqa: F811
    local_vault,  # noqa: F811
    tmp_path,
):
    shots = Path(os.environ.get("LAWTRAIL_SCREENSHOTS") or tmp_path)
    built: dict = {}

    def build() -> None:  # sealing runs an asyncio loop: not inside Playwright's thread
        try:
            built["case"] = decided_case(world)
        finally:
            connection.close()

    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    case = built["case"]
    doc = Document.objects.get(case=case, kind="penalty_decision")

    page.set_default_timeout(60_000)  # the shared machine is slow under load
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "alice", f"/backoffice/cases/{case.pk}/")
    section = page.locator("#documents")
    section.scroll_into_view_if_needed()
    row = section.locator("#documents-table tr[data-kind=penalty_decision]")
    assert doc.number in row.inner_text() and "第1版" in row.inner_text()
    page.screenshot(path=str(shots / "documents-case-1366.png"), full_page=True)

    # word the 裁量说明 and preview: a PDF without a number, nothing issued
    section.locator("#document-make > summary").click()
    form = section.locator("form.doc-form[data-kind=penalty_decision]")
    form.locator("textarea[name=text_reasoning]").fill("当事人系初次违法，且积极配合调查。")
    section.screenshot(path=str(shots / "documents-section-1366.png"))
    opened = _pdf_opened(page, lambda: form.locator("button[value=preview]").click())
    assert "preview-penalty_decision.pdf" in opened.headers.get("content-disposition", "")
    assert Document.objects.filter(case=case, kind="penalty_decision").count() == 1
    for p in page.context.pages[1:]:
        p.close()

    # issue the corrected version with its reason: version 2, same number, sealed
    form.locator("input[name=reason]").fill("补充裁量说明")
    form.locator("button[value=issue]").click()
    page.wait_for_load_state()
    assert "已签发" in page.locator("body").inner_text()
    v2 = Document.objects.get(case=case, kind="penalty_decision", version=2)
    assert v2.number == doc.number and v2.reason == "补充裁量说明"
    row = page.locator("#documents-table tr[data-kind=penalty_decision]", has_text="第2版")
    assert "补充裁量说明" in row.inner_text()

    # downloads: the sealed PDF and the editable Word copy (marked as not the legal version)
    href = row.locator("a.doc-pdf").get_attribute("href")
    pdf = page.request.get(live_server.url + href).body()  # the link's bytes, with the officer's session
    assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf  # signed
    _pdf_opened(page, lambda: row.locator("a.doc-pdf").click())
    if page.url.endswith("/pdf/"):
        page.go_back()
    row = page.locator("#documents-table tr[data-kind=penalty_decision]", has_text="第2版")
    with page.expect_download() as dl:
        row.locator("a.doc-docx").click()
    saved = tmp_path / "decision.docx"
    dl.value.save_as(saved)
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(saved.read_bytes())).paragraphs)
    assert doc.number in text and RARE_NAME in text and "70,000.00" in text
    assert "当事人系初次违法，且积极配合调查。" in text and "以加盖电子印章的PDF为准" in text

    # printing: navigation and forms hidden, the list shown, no box left empty by what was hidden
    page.emulate_media(media="print")
    assert not page.locator(".lt-header").is_visible()
    assert not page.locator("#document-make").is_visible()
    assert page.locator("#documents-table").is_visible()
    page.screenshot(path=str(shots / "documents-case-print.png"), full_page=True)
    assert page.evaluate(EMPTY_BOXES) == []
    assert not page.locator("#next-action").is_visible()  # the 下一步 box holds only its form
    assert not page.get_by_role("heading", name="可办理的操作").is_visible()
    page.emulate_media(media="screen")

    # the phone: the list and the forms fit
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    section = page.locator("#documents")
    section.scroll_into_view_if_needed()
    section.locator("#document-make > summary").click()
    _no_sideways_scroll(page)
    # one card per document: its downloads within the phone's width, not behind a sideways scroll
    for link in ("a.doc-pdf", "a.doc-docx"):
        box = section.locator(f"#documents-table tr[data-kind=penalty_decision] {link}").last.bounding_box()
        assert box and box["x"] + box["width"] <= 390, link
    section.screenshot(path=str(shots / "documents-section-390.png"))
    page.evaluate(AXE.read_text())
    assert page.evaluate(AXE_RUN) == []

    # the document's page (its verification page, what the QR code opens) at both widths
    page.goto(live_server.url + f"/verify/documents/{v2.token}")
    assert doc.number in page.locator("#verify-document").inner_text()
    assert "完整，签名有效" in page.locator("#verify-signatures").inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=str(shots / "documents-verify-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(shots / "documents-verify-1366.png"), full_page=True)
    page.evaluate(AXE.read_text())
    assert page.evaluate(AXE_RUN) == []


def test_party_signs_on_the_tablet_and_the_scanned_receipt_is_uploaded(
    live_server,
    page,
    world,  # noqa: F811
    local_vault,  # noqa: F811
    tmp_path,
):
    """The officer hands the tablet to the party, who signs the 送达回证 with a finger; the officer
    then uploads the scan of the decision's paper 送达回证 — on a phone-sized screen."""
    from lawtrail.documents import services, signing
    from lawtrail.documents.models import Service
    from tests.documents.conftest import step

    shots = Path(os.environ.get("LAWTRAIL_SCREENSHOTS") or tmp_path)
    built: dict = {}

    def build() -> None:  # sealing runs an asyncio loop: not inside Playwright's thread
        try:
            case = decided_case(world)
            step(world.cast.alice, case, "decision_serve", served_on="2026-09-01", method="direct")
            built["receipt"] = services.latest(case, "service_receipt")  # issued at the service (outbox)
            built["case"] = case
        finally:
            connection.close()

    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    case, receipt = built["case"], built["receipt"]

    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "alice", f"/backoffice/cases/{case.pk}/")
    # the latest 送达回证 (the decision's; the notice's is version 1)
    page.locator(f"#documents-table a.doc-party-sign[href$='/{receipt.pk}/party-sign/']").click()
    page.wait_for_load_state()
    assert "当事人签名" in page.locator("h1").inner_text()
    page.screenshot(path=str(shots / "documents-party-sign-1366.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _no_sideways_scroll(page)
    form = page.locator("#party-sign-form")
    form.locator("button.sig-submit").click()  # a blank pad is not sent
    assert form.locator(".sig-empty").is_visible()
    assert receipt.signatures.filter(role="party").count() == 0
    form.locator("input[name=name]").fill(RARE_NAME)
    pad = form.locator("canvas.sig-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 20 + i * 25, box["y"] + box["height"] * (0.3 if i % 2 else 0.75), steps=3)
    page.mouse.up()
    assert not form.locator(".sig-empty").is_visible()  # the warning goes with the first stroke
    page.screenshot(path=str(shots / "documents-party-sign-390.png"), full_page=True)
    page.evaluate(AXE.read_text())
    assert page.evaluate(AXE_RUN) == []
    form.locator("button.sig-submit").click()
    page.wait_for_url(f"**/backoffice/cases/{case.pk}/**")
    assert "当事人已签名" in page.locator("body").inner_text()
    party = receipt.signatures.get(role="party")
    assert party.signer == RARE_NAME
    reports: list = []
    pdf = services.current_pdf(receipt)
    checker = threading.Thread(target=lambda: reports.extend(signing.verify(pdf)))  # asyncio: not here
    checker.start()
    checker.join()
    seal, signed = reports
    assert seal.intact and signed.intact and signed.trusted

    # the scan of the decision's paper 送达回证, attached to its service record
    service = Service.objects.get(document__case=case, document__kind="penalty_decision")
    drow = page.locator(f".doc-service[data-service='{service.pk}']")
    drow.scroll_into_view_if_needed()
    drow.locator("details.doc-receipt > summary").click()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n% scanned receipt\n")
    drow.locator("input[type=file]").set_input_files(str(scan))
    drow.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已上传送达回证" in page.locator("body").inner_text()
    service.refresh_from_db()
    assert service.receipt is not None
    drow = page.locator(f".doc-service[data-service='{service.pk}']")
    assert drow.locator("a.doc-receipt-file").is_visible()
    _no_sideways_scroll(page)
    # every card of the list within the phone's width (the table's scroll box hides nothing)
    widths = page.evaluate(
        "[...document.querySelectorAll('#documents-table tr')].map((r) => r.getBoundingClientRect().right)"
    )
    assert widths and max(widths) <= 390, widths
    page.locator("#documents").screenshot(path=str(shots / "documents-section-signed-390.png"))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("#documents").screenshot(path=str(shots / "documents-section-signed-1366.png"))
    page.evaluate(AXE.read_text())
    assert page.evaluate(AXE_RUN) == []


def test_officer_is_told_when_the_decision_s_pdf_failed(
    live_server,
    page,
    world,  # noqa: F811
    local_vault,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """The decision's PDF could not be made (sealing failed in the consumer after the approval:
    its row keeps the error, the attempt and the next try): the case page says so at the top, in
    Chinese, without the technical error — at 1366 and 390 px (no sideways scroll), with
    screenshots."""
    from lawtrail.cases.models import Delivery
    from lawtrail.documents import services

    shots = Path(os.environ.get("LAWTRAIL_SCREENSHOTS") or tmp_path)
    built: dict = {}

    def broken(*a, **kw):
        raise OSError("the signing key is unreadable")

    def build() -> None:
        try:
            built["case"] = decided_case(world)
        finally:
            connection.close()

    monkeypatch.setattr(services, "seal", broken)
    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    monkeypatch.undo()
    case = built["case"]
    d = Delivery.objects.get(event__case=case, consumer="documents.decision_pdf")
    assert d.done_at is None and d.attempts >= 1 and "unreadable" in d.last_error
    page.set_default_timeout(60_000)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        log_in(
            page, live_server, "alice", f"/backoffice/cases/{case.pk}/"
        ) if width == 1366 else page.reload()
        alert = page.locator("#case-failing")
        assert alert.is_visible()
        text = alert.inner_text()
        assert (
            "决定书批准后生成PDF并加盖电子印章" in text
            and f"已尝试{d.attempts}次" in text
            and "下次重试" in text
        )
        assert "unreadable" not in text and "decision_pdf" not in text
        assert "PDF正在制作" in page.locator("#documents").inner_text()
        _no_sideways_scroll(page)
        page.screenshot(path=str(shots / f"case-failing-work-{width}.png"), full_page=False)
