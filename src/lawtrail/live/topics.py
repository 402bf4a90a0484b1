"""The MQTT topic layout of field devices (docs/recording.md "Live: telemetry").

    <prefix>/<agency credit code>/devices/<serial>/telemetry   JSON, QoS 0, every few seconds
    <prefix>/<agency credit code>/devices/<serial>/status      "online" / "offline", retained
                                                              (the device's MQTT will: "offline")

The prefix is ``LAWTRAIL_MQTT_PREFIX`` (default ``lawtrail``). A telemetry message:

    {"ts": "2026-12-06T15:00:00+08:00", "lat": 38.0428, "lon": 114.5149, "alt": 120.5,
     "battery": 87, "recording": true}

``ts`` is the device's own time (ISO 8601, or seconds since the epoch); ``alt`` (metres) may be
left out; ``battery`` is a percentage; ``recording`` whether the device is recording now.
This module imports nothing from Django: the simulator and the listener share it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass

SERIAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def topic(prefix: str, agency: str, serial: str, kind: str) -> str:
    return f"{prefix}/{agency}/devices/{serial}/{kind}"


def subscriptions(prefix: str) -> list[str]:
    return [f"{prefix}/+/devices/+/telemetry", f"{prefix}/+/devices/+/status"]


@dataclass(frozen=True)
class Address:
    agency: str
    serial: str
    kind: str  # telemetry | status


def parse_topic(prefix: str, name: str) -> Address | None:
    """The agency, serial and kind of a topic of the layout; None for anything else."""
    parts = name.split("/")
    pre = prefix.split("/")
    if len(parts) != len(pre) + 4 or parts[: len(pre)] != pre:
        return None
    agency, devices, serial, kind = parts[len(pre) :]
    if (
        devices != "devices"
        or kind not in ("telemetry", "status")
        or not SERIAL_RE.match(serial)
        or not agency
    ):
        return None
    return Address(agency, serial, kind)


@dataclass(frozen=True)
class Telemetry:
    at: dt.datetime | None
    latitude: float | None
    longitude: float | None
    altitude: float | None
    battery: int | None
    recording: bool | None


class BadTelemetry(ValueError):
    pass


def _number(data: dict, key: str, lo: float, hi: float) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadTelemetry(key)
    if not lo <= value <= hi:
        raise BadTelemetry(key)
    return float(value)


def parse_telemetry(payload: bytes) -> Telemetry:
    """A telemetry message, checked: positions on the globe, battery 0–100, a boolean flag."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadTelemetry("json") from exc
    if not isinstance(data, dict):
        raise BadTelemetry("json")
    lat = _number(data, "lat", -90, 90)
    lon = _number(data, "lon", -180, 180)
    if (lat is None) != (lon is None):
        raise BadTelemetry("lat/lon")
    battery = _number(data, "battery", 0, 100)
    recording = data.get("recording")
    if recording is not None and not isinstance(recording, bool):
        raise BadTelemetry("recording")
    ts = data.get("ts")
    at = None
    if isinstance(ts, int | float) and not isinstance(ts, bool) and math.isfinite(ts):
        at = dt.datetime.fromtimestamp(ts, tz=dt.UTC)
    elif isinstance(ts, str):
        try:
            at = dt.datetime.fromisoformat(ts)
        except ValueError as exc:
            raise BadTelemetry("ts") from exc
        if at.tzinfo is None:
            raise BadTelemetry("ts")
    elif ts is not None:
        raise BadTelemetry("ts")
    return Telemetry(
        at=at,
        latitude=lat,
        longitude=lon,
        altitude=_number(data, "alt", -500, 20000),
        battery=None if battery is None else round(battery),
        recording=recording,
    )


def mqtt_endpoint(url: str) -> tuple[str, int]:
    """Host and port of ``mqtt://host[:port]`` (the default port 1883)."""
    m = re.match(r"^mqtt://([^:/]+)(?::(\d+))?/?$", url.strip())
    if not m:
        raise ValueError(f"not an mqtt:// URL: {url!r}")
    return m.group(1), int(m.group(2) or 1883)
