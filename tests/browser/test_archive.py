"""The case file in a real browser: a case taken to 归档 (an issued decision, two photos) shows its
案卷档案包 section on the case page; the officer downloads the ZIP, which verifies offline, and
the download appears in the section's record (查阅留痕). Screenshots at 1366 and 390 px."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from django.db import connection

from lawtrail.archive.models import ArchiveAccess, ArchivePackage
from lawtrail.archive.verify import verify_package
from tests.archive.conftest import archived_case
from tests.browser.conftest import log_in
from tests.browser.test_every_page import AXE, AXE_RUN
from tests.core.vault.conftest import local_vault  # noqa: F401 — the vault in a temporary directory
from tests.documents.conftest import frozen_today, world  # noqa: F401 — shared fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_downloads_the_archive_package_from_the_case_page(
    live_server,
    page,
    world,  # noqa: F811
    local_vault,  # noqa: F811
    tmp_path,
    django_capture_on_commit_callbacks,
):
    shots = Path(os.environ.get("LAWTRAIL_SCREENSHOTS") or tmp_path)
    # built in a thread of its own: sealing a PDF (pyHanko) runs an asyncio loop, which cannot
    # start inside Playwright's (this thread has one running)
    built: dict = {}

    def build() -> None:
        try:
            built["case"] = archived_case(world, tmp_path, django_capture_on_commit_callbacks)
        finally:
            connection.close()

    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    case = built["case"]
    package = ArchivePackage.objects.get(case=case)
    assert package.status == ArchivePackage.Status.SEALED

    page.set_default_timeout(60_000)  # the shared machine is slow under load
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "alice", f"/backoffice/cases/{case.pk}/")
    section = page.locator("#archive")
    section.scroll_into_view_if_needed()
    assert package.archive_number in section.inner_text()
    assert package.blob.sha256 in section.inner_text()
    page.screenshot(path=str(shots / "archive-case-1366.png"), full_page=True)
    section.screenshot(path=str(shots / "archive-section-1366.png"))

    with page.expect_download() as dl:
        page.click("#archive-download")
    saved = tmp_path / "download.zip"
    dl.value.save_as(saved)
    report = verify_package(saved)
    assert report.ok, report.problems
    assert ArchiveAccess.objects.filter(package=package, via="page").count() == 1

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    section = page.locator("#archive")
    section.scroll_into_view_if_needed()
    assert "页面下载" in page.locator("#archive-accesses").inner_text()
    # the section fits the phone's width (long hashes wrap)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    section.screenshot(path=str(shots / "archive-section-390.png"))
    page.evaluate(AXE.read_text())
    assert page.evaluate(AXE_RUN) == []  # no serious or critical accessibility violation
