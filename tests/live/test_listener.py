"""``lawtrail mqtt_listen`` against the real Mosquitto on this machine (127.0.0.1:1883): the
simulator's telemetry (paho-mqtt, the topic layout of lawtrail.live.topics) becomes the device's
live state and reaches the live view. Each test uses its own topic prefix, so the shared broker's
other traffic never reaches it."""

from __future__ import annotations

import threading
import uuid

import pytest

from lawtrail.live import listener as lst
from lawtrail.live.listener import Listener, broker_answers, handle
from lawtrail.live.models import DeviceState
from lawtrail.live.sim import TelemetryClient
from tests.live.conftest import make_drone

pytestmark = pytest.mark.django_db

MQTT = "mqtt://127.0.0.1:1883"


@pytest.fixture
def prefix():
    return f"test-live-{uuid.uuid4().hex[:10]}"


@pytest.mark.parametrize(
    ("topic_tail", "payload", "expected"),
    [
        ("devices/DJI-M30-001/telemetry", b'{"lat": 38.04, "lon": 114.51, "battery": 80}', "telemetry"),
        ("devices/DJI-M30-001/status", b"online", "status"),
        ("devices/DJI-M30-001/status", b"maybe", "bad"),
        ("devices/DJI-M30-001/telemetry", b'{"battery": 180}', "bad"),
        ("devices/NOBODY/telemetry", b'{"battery": 80}', "unknown"),
        ("devices/DJI-M30-001/video", b"", "ignored"),
    ],
)
def test_handle(cast, prefix, topic_tail, payload, expected):
    make_drone(cast)
    assert handle(prefix, f"{prefix}/{cast.agency_a.credit_code}/{topic_tail}", payload) == expected


def test_a_device_cannot_report_under_another_agency(cast, prefix):
    make_drone(cast)
    topic = f"{prefix}/{cast.agency_b.credit_code}/devices/DJI-M30-001/telemetry"
    assert handle(prefix, topic, b'{"battery": 10}') == "unknown"
    assert not DeviceState.objects.exists()


def test_the_broker_check():
    assert broker_answers(MQTT)
    assert not broker_answers("mqtt://127.0.0.1:9")
    assert not broker_answers("")


def run_listener(prefix: str, *, until: int, send) -> Listener:
    """The listener in this thread (it writes through this test's database connection) until
    ``until`` telemetry messages were recorded; ``send`` runs in another thread once it listens."""
    stop = threading.Event()
    done = {"telemetry": 0}

    def handled(what):
        if what == "telemetry":
            done["telemetry"] += 1
            if done["telemetry"] >= until:
                stop.set()

    listener = Listener(mqtt_url=MQTT, prefix=prefix, client_id=f"{prefix}-listener", on_handled=handled)
    ready = threading.Event()
    sender = threading.Thread(target=lambda: (ready.wait(10), send()), daemon=True)
    sender.start()
    timer = threading.Timer(30, stop.set)
    timer.start()
    try:
        listener.run(stop, ready=ready)
    finally:
        timer.cancel()
    sender.join(10)
    return listener


def test_simulator_telemetry_reaches_the_live_view(cast, prefix, client):
    drone = make_drone(cast)
    sim = TelemetryClient(
        mqtt_url=MQTT, prefix=prefix, agency=cast.agency_a.credit_code, serial="DJI-M30-001"
    )

    def send():
        sim.connect()
        sim.send(lat=38.0431, lon=114.5152, battery=77, recording=True, alt=118.0)
        sim.send(lat=38.0433, lon=114.5155, battery=76, recording=True, alt=119.5)
        sim.client.disconnect()
        sim.client.loop_stop()

    listener = run_listener(prefix, until=2, send=send)
    assert listener.counts.get("telemetry") == 2, listener.counts
    state = DeviceState.objects.get(device=drone.device)
    assert (float(state.latitude), float(state.longitude), state.battery, state.recording, state.altitude) == (
        38.0433, 114.5155, 76, True, 119.5)  # fmt: skip
    assert state.online and state.reported_at is not None

    client.force_login(cast.alice)
    html = client.get("/backoffice/live/devices").content.decode()
    assert 'data-serial="DJI-M30-001"' in html and 'data-lat="38.043300"' in html
    assert "76%" in html and "录像中" in html and "长安区建筑工地巡查" in html


def test_offline_from_the_will(cast, prefix, client):
    make_drone(cast)
    code = cast.agency_a.credit_code
    assert (
        lst.handle(prefix, f"{prefix}/{code}/devices/DJI-M30-001/telemetry", b'{"battery": 50}')
        == "telemetry"
    )
    client.force_login(cast.alice)
    assert 'data-serial="DJI-M30-001"' in client.get("/backoffice/live/devices").content.decode()
    assert lst.handle(prefix, f"{prefix}/{code}/devices/DJI-M30-001/status", b"offline") == "status"
    html = client.get("/backoffice/live/devices").content.decode()
    assert 'data-serial="DJI-M30-001"' not in html and "离线" in html


def test_the_listener_runs_beside_the_server_when_the_broker_answers(settings):
    from lawtrail.ops.companions import COMPANIONS

    companion = COMPANIONS["mqtt_listen"]
    assert companion.argv == ("mqtt_listen",)
    settings.LAWTRAIL_MQTT_URL = MQTT
    assert companion.wanted()
    settings.LAWTRAIL_MQTT_URL = ""  # switched off
    assert not companion.wanted()


def test_the_command_listens_until_told_to_stop():
    """``lawtrail mqtt_listen`` as the job runner starts it: connects, subscribes, stops on SIGTERM."""
    import os
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "lawtrail.cli", "mqtt_listen", "--mqtt", MQTT, "--prefix", "test-live-cmd"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "LAWTRAIL_LOG_LEVEL": "INFO"},
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(ln.decode(errors="replace") for ln in proc.stdout))
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any("listening to" in ln for ln in lines):
            assert proc.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0, "".join(lines)
    finally:
        if proc.poll() is None:
            proc.kill()
        reader.join(5)
    assert any("遥测监听" in ln for ln in lines)
