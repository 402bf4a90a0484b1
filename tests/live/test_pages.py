"""The live page and its HLS files: officers of the agency and its leaders watch; others do not;
another agency's devices are not shown and their streams are not served."""

from __future__ import annotations

import pytest

from lawtrail.live import services
from tests.live.conftest import make_drone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("alice", 200),
        ("carol", 200),
        ("admin", 200),
        ("bob", 200),
        ("dave", 403),
        ("erin", 403),
        ("grace", 403),
    ],
)
def test_who_may_open_the_live_page(cast, client, who, status):
    client.force_login(cast.users[who])
    r = client.get("/backoffice/live/")
    assert r.status_code == status
    if status == 403:
        assert "LIVE_NOT_ALLOWED" in r.content.decode()


def test_anonymous_goes_to_login(client):
    r = client.get("/backoffice/live/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_the_list_and_the_stream_stay_in_the_agency(cast, client, live_dirs):
    drone = make_drone(cast)
    services.publish_authorise(serial=drone.device.serial, key=drone.key, client_id="3")
    hls = live_dirs[0] / drone.device.serial
    hls.mkdir()
    (hls / "index.m3u8").write_text("#EXTM3U\n#EXT-X-TARGETDURATION:1\n0.ts\n")
    (hls / "0.ts").write_bytes(b"G" * 188)

    client.force_login(cast.alice)
    page = client.get("/backoffice/live/")
    html = page.content.decode()
    assert 'data-streaming="1"' in html and "观看" in html
    assert "blob:" in page["Content-Security-Policy"]  # hls.js plays from a MediaSource
    r = client.get(f"/backoffice/live/hls/{drone.device.serial}/index.m3u8")
    assert r.status_code == 200 and r["Content-Type"] == "application/vnd.apple.mpegurl"
    assert b"".join(r.streaming_content).startswith(b"#EXTM3U")
    assert client.get(f"/backoffice/live/hls/{drone.device.serial}/0.ts")["Content-Type"] == "video/mp2t"
    for name in ("../index.m3u8", "nginx.conf", "1.ts"):
        assert client.get(f"/backoffice/live/hls/{drone.device.serial}/{name}").status_code == 404
    # 查阅留痕: watching the live stream is recorded once per person and session, and shown
    from lawtrail.core.journal.models import Entry
    from lawtrail.live.models import LiveView

    client.get(f"/backoffice/live/hls/{drone.device.serial}/index.m3u8")  # the player asks again
    view = LiveView.objects.get()
    assert view.user == cast.alice and view.session.device == drone.device
    assert (
        Entry.objects.filter(action="live:session:view", subject_id=str(view.pk), actor=cast.alice).count()
        == 1
    )
    row = client.get("/backoffice/live/").content.decode().split('class="wrap live-viewers"', 1)[1]
    assert str(cast.alice) in row.split("</td>", 1)[0]

    client.force_login(cast.bob)  # an officer of B
    assert 'data-serial="DJI-M30-001"' not in client.get("/backoffice/live/devices").content.decode()
    r = client.get(f"/backoffice/live/hls/{drone.device.serial}/index.m3u8")
    assert r.status_code == 404


def test_behind_nginx_the_files_go_by_x_accel(cast, client, settings):
    settings.LAWTRAIL_LIVE_HLS_ACCEL = "/_live_hls/"
    drone = make_drone(cast)
    client.force_login(cast.carol)
    r = client.get(f"/backoffice/live/hls/{drone.device.serial}/index.m3u8")
    assert r["X-Accel-Redirect"] == "/_live_hls/DJI-M30-001/index.m3u8"


def test_the_demo_devices(cast):
    """The demo's drone and body camera (lawtrail.demo.live), here for the cast's agency A."""
    import io

    from lawtrail.demo.live import load_demo_live
    from lawtrail.recording.services import device_stream_key_matches
    from tests.live.conftest import make_case

    case = make_case(cast)
    out = io.StringIO()
    devices = load_demo_live(officer="alice", admin="grace", agency_name=cast.agency_a.name, stdout=out)
    assert [d.serial for d, _ in devices] == ["DJI-M30T-0001", "BWC-0001"]
    drone, key = devices[0]
    assert drone.holder == cast.alice and drone.case == case and drone.review_status == "passed"
    assert device_stream_key_matches(drone, key) and f"--key {key}" in out.getvalue()
    session = services.publish_authorise(serial=drone.serial, key=key)
    assert session.case == case


def test_a_session_nginx_forgot_is_not_shown_as_streaming(cast, client, live_dirs):
    import datetime as dt
    import os

    from lawtrail.live.models import LiveSession

    drone = make_drone(cast)
    services.publish_authorise(serial=drone.device.serial, key=drone.key, client_id="3")
    LiveSession.objects.update(started_at=timezone_now() - dt.timedelta(minutes=5))
    client.force_login(cast.alice)
    assert 'data-streaming="1"' not in client.get("/backoffice/live/devices").content.decode()
    playlist = live_dirs[0] / drone.device.serial / "index.m3u8"
    playlist.parent.mkdir()
    playlist.write_text("#EXTM3U\n")  # nginx still writing it
    assert 'data-streaming="1"' in client.get("/backoffice/live/devices").content.decode()
    old = playlist.stat().st_mtime - 120
    os.utime(playlist, (old, old))
    assert 'data-streaming="1"' not in client.get("/backoffice/live/devices").content.decode()


def timezone_now():
    from django.utils import timezone

    return timezone.now()
