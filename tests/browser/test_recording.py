"""Evidence files in a real browser: the officer chooses two photos on the case page, each is
sent with its own progress bar, and the page shows both thumbnails; the file page shows the
photo, its hashes and the officer's own view in the chain of custody (查阅留痕)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lawtrail.cases.models import Case, State
from lawtrail.recording.models import CustodyEvent, EvidenceFile
from tests.browser.conftest import log_in
from tests.cast import build_cast
from tests.core.vault.conftest import local_vault  # noqa: F401 — the vault in a temporary directory
from tests.recording.conftest import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_uploads_two_photos_and_sees_their_thumbnails(live_server, page, local_vault, tmp_path):  # noqa: F811
    cast = build_cast()
    case = Case.objects.create(
        agency=cast.agency_a,
        domain=cast.market,
        region=cast.changan,
        title="某商店销售无标签食品案",
        handler=cast.alice,
        lead_on=timezone.localdate(),
        state=State.INVESTIGATING,
    )
    case.officers.set([cast.alice])
    photos = []
    for n, color in enumerate(((200, 40, 40), (40, 160, 60))):
        p = tmp_path / f"现场照片{n + 1}.jpg"
        p.write_bytes(jpeg(color, when=f"2026:09:0{n + 1} 09:30:00"))
        photos.append(str(p))

    page.set_default_timeout(60_000)  # the shared machine is slow under load
    log_in(page, live_server, "alice", f"/backoffice/cases/{case.pk}/")
    panel = page.locator("#evidence-files")
    assert panel.is_visible()
    page.locator("#evidence-upload-files").set_input_files(photos)
    page.fill("#evidence-upload-form input[name=place]", "长安区某商店门口")
    page.click("#evidence-upload-submit")
    thumbs = page.locator("#evidence-file-list img.rec-thumb")
    expect(thumbs).to_have_count(2, timeout=60_000)
    # thumbnails load after the list is drawn: wait until both have decoded
    page.wait_for_function(
        "() => [...document.querySelectorAll('#evidence-file-list img.rec-thumb')]"
        ".every(i => i.complete && i.naturalWidth > 0)",
        timeout=60_000,
    )
    files = list(EvidenceFile.objects.filter(case=case).order_by("id"))
    assert [f.name for f in files] == ["现场照片1.jpg", "现场照片2.jpg"]
    assert all(f.thumb_id and f.place == "长安区某商店门口" and f.captured_at_source == "exif" for f in files)
    page.screenshot(path=str(tmp_path / "case-files-1024.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#evidence-file-list a").first.click()
    page.wait_for_selector("#file-sha256")
    assert page.locator("#file-sha256").inner_text() == files[0].blob.sha256
    # the full image arrives after the page: wait for it to decode rather than read it once
    page.wait_for_function(
        "() => { const i = document.querySelector('#file-view img'); return i && i.complete && i.naturalWidth > 0; }",
        timeout=60_000,
    )
    assert page.locator('#custody tr[data-kind="viewed"]').count() == 1
    assert CustodyEvent.objects.filter(file=files[0], actor=cast.alice, kind="viewed").count() == 1
    page.screenshot(path=str(tmp_path / "file-390.png"), full_page=True)
