"""Live video and telemetry in a real Chromium, against real nginx-rtmp, ffmpeg and Mosquitto.

An RTMP publish with a wrong key is refused by LawTrail (nginx's on_publish → 403); with the
device's key it is written as HLS, listed as streaming on the live page and played there by
hls.js; when it ends its recording is hashed into the vault and appears on the case page. The
simulator's telemetry (MQTT) moves the device's marker on the map and its row in the list.
Screenshots at 1366 and 390 px (LAWTRAIL_SCREENSHOTS=DIR keeps them).

Ports: HTTP 8360–8399, RTMP 19350–19399."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lawtrail.live.models import LiveSession
from lawtrail.live.sim import Simulation, TelemetryClient
from tests.browser.conftest import log_in
from tests.cast import build_cast
from tests.live.conftest import (  # noqa: F401 — fixtures
    app_server,
    live_dirs,
    local_vault,
    make_case,
    make_drone,
    start_nginx,
)
from tests.live.test_listener import MQTT, run_listener

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shots(tmp_path) -> Path:
    d = Path(os.environ.get("LAWTRAIL_SCREENSHOTS") or tmp_path)
    d.mkdir(parents=True, exist_ok=True)
    return d


def test_wrong_key_refused_right_key_plays_in_chromium_and_becomes_evidence(
    app_server,  # noqa: F811
    page,
    live_dirs,  # noqa: F811
    local_vault,  # noqa: F811
    tmp_path,
):
    cast = build_cast()
    drone = make_drone(cast, case=make_case(cast))
    serial = drone.device.serial
    hls_dir, rec_dir = live_dirs
    with start_nginx(
        work=tmp_path / "nginx", app_url=app_server.url, hls_dir=hls_dir, record_dir=rec_dir
    ) as ngx:
        sim = Simulation(serial=serial, agency=cast.agency_a.credit_code, rtmp=ngx.rtmp_url)
        sim.key, sim.seconds = "wrong-key", 3
        refused = sim.start_video()
        assert refused.wait(30) != 0
        assert not LiveSession.objects.exists() and not (hls_dir / serial).exists()
        # the refusal is counted and journaled in its hour's bucket (device × reason)
        from lawtrail.core.journal.models import Entry
        from lawtrail.live.models import LiveView, PublishRefusal

        assert PublishRefusal.objects.get(source=serial, reason="key").count == 1
        assert Entry.objects.filter(action="live:publish:refused", note=f"{serial} key x1").exists()

        # long enough for a slow log-in and player start; it ends by itself (as a flight does)
        sim.key, sim.seconds = drone.key, 45
        publisher = sim.start_video()
        try:
            page.set_default_timeout(60_000)  # the shared machine is slow under load
            page.set_viewport_size({"width": 1366, "height": 900})
            log_in(page, app_server, "alice", "/backoffice/live/")
            row = page.locator(f'#live-device-list tr[data-serial="{serial}"][data-streaming="1"]')
            expect(row).to_be_visible(timeout=30_000)  # htmx polling brings the new stream in
            expect(row).to_contain_text("长安区建筑工地巡查")
            expect(row).to_contain_text("某工地违法施工案")
            row.locator(".live-watch").click()
            page.wait_for_function(
                "() => { const v = document.getElementById('live-player');"
                " return v.readyState >= 2 && v.currentTime > 1 && v.videoWidth === 640; }",
                timeout=60_000,
            )
            assert page.locator("#live-player-error").is_hidden()
            # 查阅留痕: alice's watching is recorded once for the session and journaled
            view = LiveView.objects.get()
            assert view.user.username == "alice" and view.session == LiveSession.objects.get()
            assert Entry.objects.filter(action="live:session:view", subject_id=str(view.pk)).count() == 1
            page.screenshot(path=str(shots(tmp_path) / "live-stream-1366.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.wait_for_timeout(500)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(shots(tmp_path) / "live-stream-390.png"), full_page=True)
        finally:
            publisher.terminate()
            publisher.wait(20)

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            session = LiveSession.objects.get()
            if session.status in ("filed", "kept", "failed"):
                break
            time.sleep(0.5)
    assert session.status == "filed", (session.status, session.note, ngx.error_log()[-1500:])
    file = session.evidence_file
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{app_server.url}/backoffice/cases/{drone.case.pk}/")
    expect(
        page.locator(f'#evidence-files a[href="/backoffice/recording/files/{file.pk}/"]').first
    ).to_be_visible()
    expect(page.locator("#evidence-files")).to_contain_text(file.name[:20])
    page.screenshot(path=str(shots(tmp_path) / "live-case-file-1366.png"), full_page=True)


def test_simulator_telemetry_moves_the_device_on_the_live_page(app_server, page, tmp_path):  # noqa: F811
    cast = build_cast()
    drone = make_drone(cast, case=make_case(cast))
    prefix = f"test-live-{uuid.uuid4().hex[:10]}"
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, app_server, "carol", "/backoffice/live/")  # a leader of the agency
    expect(page.locator("#live-none")).to_be_visible()

    sim = TelemetryClient(
        mqtt_url=MQTT, prefix=prefix, agency=cast.agency_a.credit_code, serial=drone.device.serial
    )

    def send():
        sim.connect()
        for n in range(3):
            sim.send(lat=38.0428 + n * 0.0005, lon=114.5149, battery=90 - n, recording=True)
        sim.client.disconnect()
        sim.client.loop_stop()

    listener = run_listener(prefix, until=3, send=send)
    assert listener.counts.get("telemetry") == 3
    row = page.locator(f'#live-device-list tr[data-serial="{drone.device.serial}"]')
    expect(row).to_contain_text("88%", timeout=20_000)
    expect(row).to_contain_text("录像中")
    expect(page.locator("#live-map")).to_have_attribute("data-markers", "1")
    expect(page.locator(".leaflet-tooltip")).to_contain_text(drone.device.serial)
    page.screenshot(path=str(shots(tmp_path) / "live-map-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(500)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots(tmp_path) / "live-map-390.png"), full_page=True)
