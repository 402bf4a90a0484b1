"""G118-8 as an officer lives it, in a real browser: the approved 扣押 is taken (实施强制措施) without
its audio-video recording and refused in Chinese, citing the article; the refusal links to the
upload form with the step chosen; the officer uploads the body-camera clip for that step, comes
back to the step and it is taken, the recording linked to it.

The browser, the live server and the upload need a running clock, so the browser part runs with
time ticking (``time_machine.travel(..., tick=True)``), not in the frozen world of tests/cases. The
day is the last working day before today (cookies and the calendar stay near the real date); the
case is built at 09:00 of that day with the clock stopped, and the officer works from 10:00 with it
running — so 扣押 is taken in daytime on a working day (ACL-43) after its approval (ACL-18), whenever
the test runs. Screenshots at 390 and 1366 px in var/screenshots/recording-gate/.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import chinese_calendar
import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from lawtrail.cases import services as svc
from lawtrail.cases.models import CaseEvent, Measure
from lawtrail.recording.models import CustodyEvent, EvidenceFile
from lawtrail.registry.models import RoleGrant
from tests.browser.conftest import log_in, pick
from tests.browser.test_cases import build_world
from tests.cases.procedure_kit import SAMPLE_RECORDING, org_code
from tests.core.vault.conftest import local_vault  # noqa: F401 — the vault in a temporary directory
from tests.factories import StaffFactory, UserFactory, make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "recording-gate"
BEIJING = dt.timezone(dt.timedelta(hours=8))


def last_working_day() -> dt.date:
    day = dt.datetime.now(BEIJING).date() - dt.timedelta(days=1)
    while True:
        try:
            if chinese_calendar.is_workday(day):
                return day
        except NotImplementedError:  # a year the package has no data for: Monday to Friday
            if day.weekday() < 5:
                return day
        day -= dt.timedelta(days=1)


def approved_seizure():
    """A case of A filed a few days ago, with a 扣押 approved by the 主要负责人 (quentin)."""
    cast, andy, violation = build_world()
    a = cast.agency_a
    quentin = UserFactory(username="quentin", display_name="昆廷")
    StaffFactory(agency=a, user=quentin, name="昆廷", id_number=make_id_number(8201, a.division.code))
    RoleGrant.objects.create(user=quentin, role="approver_3", agency=a)
    today = timezone.localdate()
    case = svc.case_create(
        actor=cast.alice,
        agency=a,
        domain=cast.market,
        region=cast.changan,
        title="某商店销售过期食品案",
        officer_ids=[andy.pk],
        act_date=today - dt.timedelta(days=6),
        discovered_on=today - dt.timedelta(days=2),
        violation_ids=[violation.pk],
    )
    svc.party_add(
        actor=cast.alice,
        case=case,
        kind="organisation",
        name="石家庄某某商贸有限公司",
        credit_code=org_code(),
        address="石家庄市长安区中山东路1号",
    )
    svc.case_transition(actor=cast.alice, case_id=case.pk, action="filing_submit", data={})
    svc.approval_act(actor=cast.carol, case_id=case.pk, decision="approve")
    data = {"kind": "seize", "items": "过期食品20箱", "reason": "涉嫌违法物品"}
    svc.case_transition(actor=cast.alice, case_id=case.pk, action="measure_request", data=data)
    m = case.measures.latest("id")
    svc.case_transition(actor=quentin, case_id=case.pk, action="measure_approve", data={"measure_id": m.pk})
    return cast, andy, case, m


def built_at_nine(day: dt.date):
    """``approved_seizure()`` at 09:00 of ``day``, the clock stopped; in a thread of its own, as the
    outbox's consumers (papers) run an asyncio loop, which Playwright's thread already has."""
    built: dict = {}

    def build() -> None:
        try:
            built["world"] = approved_seizure()
        finally:
            connection.close()

    with time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), BEIJING), tick=False):
        worker = threading.Thread(target=build)
        worker.start()
        worker.join()
    return built["world"]


def fill_take(page, measure, started: str) -> None:
    form = page.locator("#act-measure_take form")
    form.locator("select[name=measure_id]").select_option(str(measure.pk))
    form.locator("input[name=started_at]").fill(started)
    if form.locator("select[name=officer_ids] + .ts-wrapper").count():
        pick(form, "officer_ids", "安迪")
    else:
        form.locator("select[name=officer_ids]").select_option(label="安迪")
    form.locator("textarea[name=onsite_record]").fill("现场笔录：扣押过期食品20箱，当事人在场并签名。")
    form.locator("input[name=party_present]").check()
    form.locator("input[name=party_signed]").check()


def open_take(page) -> None:
    act = page.locator("#act-measure_take")
    more = page.locator("#more-actions")
    if more.count() and not act.is_visible():
        more.locator("> summary").click()
    if act.get_attribute("open") is None:
        act.locator("> summary").click()


def test_seizure_refused_without_recording_until_the_officer_uploads_it(
    live_server,
    browser,
    tmp_path,
    local_vault,  # noqa: F811
):
    day = last_working_day()
    cast, _andy, case, m = built_at_nine(day)
    clip = tmp_path / "扣押现场执法记录仪录像.mp4"
    shutil.copyfile(SAMPLE_RECORDING, clip)
    started = f"{day.isoformat()} 09:30"  # after the approval (09:00), before the officer is back
    SHOTS.mkdir(parents=True, exist_ok=True)
    with time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), BEIJING), tick=True):
        officer_refused_uploads_and_takes(browser, live_server, cast, case, m, clip, started)


def officer_refused_uploads_and_takes(browser, live_server, cast, case, m, clip, started) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(60_000)  # the shared machine is slow under load
    try:
        log_in(page, live_server, "alice", f"/backoffice/cases/{case.pk}/")
        events = CaseEvent.objects.filter(case=case).count()
        open_take(page)
        fill_take(page, m, started)
        page.locator("#act-measure_take button[type=submit]").click()
        alert = page.locator("#act-measure_take [role=alert]")
        alert.wait_for()
        text = alert.inner_text()
        assert alert.get_attribute("data-code") == "RECORDING_AV_REQUIRED"
        assert "“查封扣押财产”应当进行全过程音像记录" in text
        assert "国办发〔2018〕118号）第八项" in text
        assert Measure.objects.get(pk=m.pk).status == Measure.Status.APPROVED
        assert CaseEvent.objects.filter(case=case).count() == events
        fix = alert.get_by_role("link", name="上传本次执法的录音录像")
        expect(fix).to_be_visible()
        alert.scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(SHOTS / "refused-390.png"))
        page.set_viewport_size({"width": 1366, "height": 900})
        alert.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "refused-1366.png"))
        page.set_viewport_size({"width": 390, "height": 844})

        # the link opens the upload form with the refused step chosen
        fix.click()
        upload = page.locator("#evidence-upload")
        expect(upload).to_have_attribute("open", "")
        expect(page.locator("#evidence-upload-step")).to_have_value("measure_take")
        expect(page.locator("#evidence-upload-files")).to_be_in_viewport()
        page.locator("#evidence-upload-files").set_input_files(str(clip))
        page.fill("#evidence-upload-form input[name=place]", "长安区某商店仓库")
        page.screenshot(path=str(SHOTS / "upload-390.png"))
        with page.expect_navigation():  # the page reloads when the file is stored
            page.click("#evidence-upload-submit")
        tile = page.locator('#evidence-file-list li[data-media="video"]')
        expect(tile).to_have_count(1)
        f = EvidenceFile.objects.get(case=case)
        assert (f.step, f.media, f.name) == ("measure_take", "video", clip.name)

        # back to the step: now taken, the recording linked to it
        open_take(page)
        fill_take(page, m, started)
        page.locator("#act-measure_take button[type=submit]").click()
        page.locator("#flash").wait_for()
        assert "已办理" in page.locator("#flash").inner_text()
        assert Measure.objects.get(pk=m.pk).status == Measure.Status.TAKEN
        link = CustodyEvent.objects.get(file=f, kind="linked")
        assert link.data["action"] == "measure_take" and link.actor == cast.alice
        ev = CaseEvent.objects.filter(case=case, action="measure_take").latest("id")
        assert ev.data["recording_ids"] == [f.pk]
        page.set_viewport_size({"width": 1366, "height": 900})
        page.screenshot(path=str(SHOTS / "taken-1366.png"), full_page=True)
    finally:
        context.close()


def test_the_refusal_on_the_steps_own_page_leads_to_the_case_pages_upload(live_server, browser):
    """The step's own page (an address bookmarked or shared, or no JavaScript) has no upload form:
    its refusal links to the case page's, which opens with the refused step chosen."""
    day = last_working_day()
    _cast, _andy, case, m = built_at_nine(day)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), BEIJING), tick=True):
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            log_in(page, live_server, "alice", f"/backoffice/cases/{case.pk}/act/measure_take/")
            fill_take(page, m, f"{day.isoformat()} 09:30")
            page.locator("#act-measure_take button[type=submit]").click()
            alert = page.locator("#act-measure_take [role=alert]")
            alert.wait_for()
            assert alert.get_attribute("data-code") == "RECORDING_AV_REQUIRED"
            fix = alert.get_by_role("link", name="上传本次执法的录音录像")
            expect(fix).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(SHOTS / "refused-own-page-390.png"), full_page=True)
            fix.click()
            page.wait_for_url(f"**/backoffice/cases/{case.pk}/?step=measure_take#evidence-upload")
            expect(page.locator("#evidence-upload")).to_have_attribute("open", "")
            expect(page.locator("#evidence-upload-step")).to_have_value("measure_take")
            expect(page.locator("#evidence-upload-files")).to_be_in_viewport()
            assert Measure.objects.get(pk=m.pk).status == Measure.Status.APPROVED
        finally:
            context.close()
