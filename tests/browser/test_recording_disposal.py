"""Disposal of an evidence file in a real browser (G118-9): the officer asks on the file page of an
archived case whose retention period has ended (1366 px); a 分管领导 approves on a phone (390 px);
the page then says the content is no longer kept and offers no download."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from lawtrail.cases.models import Case, State
from lawtrail.recording import services
from lawtrail.recording.models import CustodyEvent, Disposal
from lawtrail.registry.models import RoleGrant
from tests.browser.conftest import log_in
from tests.cast import build_cast
from tests.core.vault.conftest import local_vault  # noqa: F401 — the vault in a temporary directory
from tests.factories import StaffFactory, UserFactory, make_id_number
from tests.recording.conftest import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_asks_a_leader_approves_the_file_is_disposed(live_server, page, local_vault, tmp_path):  # noqa: F811
    shots = Path(os.environ.get("LAWTRAIL_SHOTS", tmp_path))
    cast = build_cast()
    a = cast.agency_a
    leader = UserFactory(username="paula", display_name="宝拉")
    StaffFactory(agency=a, user=leader, name="宝拉", id_number=make_id_number(8200, a.division.code))
    RoleGrant.objects.create(user=leader, role="approver_2", agency=a)
    case = Case.objects.create(
        agency=a,
        domain=cast.market,
        region=cast.changan,
        title="某商店销售无标签食品案",
        handler=cast.alice,
        lead_on=timezone.localdate(),
        state=State.INVESTIGATING,
    )
    case.officers.set([cast.alice])
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(jpeg(when="2019:03:01 09:30:00"))
    f = services.evidence_file_add(actor=cast.alice, case=case, path=photo, name="现场照片.jpg")
    Case.objects.filter(pk=case.pk).update(state=State.ARCHIVED, archived_on=dt.date(2019, 6, 3))

    page.set_default_timeout(60_000)  # the shared machine is slow under load
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "alice", f"/backoffice/recording/files/{f.pk}/")
    page.click("#disposal-request summary")
    page.fill("#disposal-request textarea[name=reason]", "保存期限届满，未作为定案依据")
    page.click("#disposal-request-submit")
    page.wait_for_selector('#disposals tr[data-status="requested"]')
    assert page.locator("#disposal-decide").count() == 0  # the officer cannot decide
    assert page.locator("#disposal-request").count() == 0  # one open request at a time
    assert "待批准" in page.locator("#disposals").inner_text()
    page.screenshot(path=str(shots / "disposal-request-1366.png"), full_page=True)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "paula", f"/backoffice/recording/files/{f.pk}/")
    page.fill("#disposal-decide textarea[name=note]", "同意处置")
    page.click("#disposal-approve")
    page.wait_for_selector('#disposals tr[data-status="approved"]')
    assert "该文件已按规定处置" in page.locator("#file-view").inner_text()
    assert page.locator("#file-download").count() == 0
    assert page.locator('#custody tr[data-kind="disposed"]').count() == 1
    page.screenshot(path=str(shots / "disposal-approved-390.png"), full_page=True)
    assert Disposal.objects.get(file=f).status == "approved"
    assert CustodyEvent.objects.filter(file=f, kind="disposed", actor=leader).exists()
