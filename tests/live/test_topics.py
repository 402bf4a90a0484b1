"""The MQTT topic layout and the telemetry message, checked (table-driven)."""

from __future__ import annotations

import datetime as dt

import pytest

from lawtrail.live.topics import Address, BadTelemetry, mqtt_endpoint, parse_telemetry, parse_topic, topic

PREFIX = "lawtrail"
CODE = "11130102MB0000001X"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (f"lawtrail/{CODE}/devices/DJI-1/telemetry", Address(CODE, "DJI-1", "telemetry")),
        (f"lawtrail/{CODE}/devices/cam_7/status", Address(CODE, "cam_7", "status")),
        (f"lawtrail/{CODE}/devices/DJI-1/video", None),  # not a kind of the layout
        (f"other/{CODE}/devices/DJI-1/telemetry", None),  # another prefix
        (f"lawtrail/{CODE}/cameras/DJI-1/telemetry", None),
        (f"lawtrail/{CODE}/devices/../telemetry", None),  # a serial must be a plain name
        (f"lawtrail/{CODE}/devices/DJI-1/telemetry/extra", None),
        ("lawtrail//devices/DJI-1/telemetry", None),
    ],
)
def test_topic_layout(name, expected):
    assert parse_topic(PREFIX, name) == expected


def test_topic_round_trip_with_a_nested_prefix():
    name = topic("city/lawtrail", CODE, "BC-9", "telemetry")
    assert name == f"city/lawtrail/{CODE}/devices/BC-9/telemetry"
    assert parse_topic("city/lawtrail", name) == Address(CODE, "BC-9", "telemetry")
    assert parse_topic("lawtrail", name) is None


@pytest.mark.parametrize(
    ("payload", "field", "value"),
    [
        (b'{"lat": 38.04, "lon": 114.51, "battery": 87, "recording": true}', "battery", 87),
        (b'{"lat": 38.04, "lon": 114.51}', "latitude", 38.04),
        (b'{"battery": 12.6}', "battery", 13),
        (b'{"recording": false}', "recording", False),
        (b'{"ts": 1800000000}', "at", dt.datetime.fromtimestamp(1800000000, tz=dt.UTC)),
        (b'{"ts": "2026-12-06T15:00:00+08:00", "alt": 120.5}', "altitude", 120.5),
    ],
)
def test_telemetry_accepted(payload, field, value):
    assert getattr(parse_telemetry(payload), field) == value


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[1, 2]",
        b'{"lat": 91, "lon": 114}',  # off the globe
        b'{"lat": 38.0}',  # a latitude without its longitude
        b'{"battery": 101}',
        b'{"battery": true}',
        b'{"recording": "yes"}',
        b'{"ts": "2026-12-06T15:00:00"}',  # no time zone
        b'{"ts": "yesterday"}',
        b'{"lat": NaN, "lon": 1}',
        b"\xff\xfe",
    ],
)
def test_telemetry_refused(payload):
    with pytest.raises(BadTelemetry):
        parse_telemetry(payload)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mqtt://127.0.0.1:1883", ("127.0.0.1", 1883)),
        ("mqtt://broker", ("broker", 1883)),
        ("mqtt://h:1884/", ("h", 1884)),
    ],
)
def test_mqtt_endpoint(url, expected):
    assert mqtt_endpoint(url) == expected


def test_mqtt_endpoint_refuses_other_schemes():
    with pytest.raises(ValueError):
        mqtt_endpoint("http://127.0.0.1:1883")
