"""The device simulator (``lawtrail device-sim``): a drone or body camera in the demo, the tests
and the benchmarks.

Video: ffmpeg's test pattern and a sine tone (or a prepared file, copied without re-encoding)
pushed over RTMP to ``<rtmp>/<serial>?key=<stream key>`` — what a DJI drone or a body-camera
dock does. One key frame a second, so HLS fragments can be one second long.

Telemetry: an MQTT client (paho-mqtt) publishing position, battery and the recording flag on the
topic layout of ``lawtrail.live.topics`` every ``interval`` seconds, with ``status`` online
(retained) and an MQTT will of ``offline``.

With ``clock=True`` the wall-clock time is burnt into the picture as 24 black or white 16×16
blocks along the top (milliseconds modulo 2^24, least significant bit on the left), so a
viewer can read when the frame was made: the glass-to-glass benchmark reads it in the page.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import threading
import time
from dataclasses import dataclass

import paho.mqtt.client as mqtt

from .topics import mqtt_endpoint, topic

CLOCK_BITS = 24
CLOCK_BLOCK = 16


def clock_filter() -> str:
    """A filtergraph stamping each frame with the wall-clock time it was made at (see module doc)."""
    lum = f"255*mod(floor(mod(floor(T*1000),{2**CLOCK_BITS})/pow(2,floor(X/{CLOCK_BLOCK}))),2)"  # bit X/16 of ms
    return (
        # frame times become the wall clock (µs) as each frame is generated …
        "settb=1/1000000,setpts=RTCTIME,split[a][b];"
        f"[b]crop={CLOCK_BITS * CLOCK_BLOCK}:{CLOCK_BLOCK}:0:0,geq=lum='{lum}':cb=128:cr=128[strip];"
        # … and back to zero-based for the encoder once the strip is drawn
        "[a][strip]overlay=0:0,setpts=PTS-STARTPTS"
    )


def ffmpeg_command(
    *,
    url: str,
    seconds: float,
    size: str = "640x360",
    rate: int = 25,
    clock: bool = False,
    source: str = "",
    loglevel: str = "error",
) -> list[str]:
    """The ffmpeg command line that publishes ``seconds`` of video to ``url`` (RTMP)."""
    cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", loglevel]
    if source:  # a prepared clip, looped and copied: the cost of a publisher, not of an encoder
        return [
            *cmd,
            "-re",
            "-stream_loop",
            "-1",
            "-i",
            source,
            "-t",
            f"{seconds:g}",
            "-c",
            "copy",
            "-f",
            "flv",
            url,
        ]
    cmd += [
        "-re",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
    ]  # fmt: skip
    if clock:
        cmd += ["-filter_complex", f"[0:v]{clock_filter()}[v]", "-map", "[v]", "-map", "1:a"]
    cmd += [
        "-t", f"{seconds:g}",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-g", str(rate), "-keyint_min", str(rate), "-sc_threshold", "0", "-b:v", "800k",
        "-c:a", "aac", "-b:a", "64k",
        "-f", "flv", url,
    ]  # fmt: skip
    return cmd


def prepare_clip(path: str, *, seconds: float = 10, size: str = "640x360", rate: int = 25) -> str:
    """Encode a test clip once (FLV, H.264 + AAC, a key frame a second) for copying publishers."""
    cmd = ffmpeg_command(url=path, seconds=seconds, size=size, rate=rate)
    cmd.remove("-re")
    subprocess.run(["ffmpeg", "-y", *cmd[1:]], check=True)
    return path


@dataclass
class Track:
    """A simulated position: a slow circle around a centre (a patrol), battery draining."""

    lat: float = 38.0428  # 石家庄
    lon: float = 114.5149
    radius: float = 0.002  # degrees
    battery: float = 95.0

    def at(self, t: float) -> tuple[float, float, int]:
        angle = t / 60 * 2 * math.pi
        battery = max(0.0, self.battery - t / 60)
        return (
            round(self.lat + self.radius * math.sin(angle), 6),
            round(self.lon + self.radius * math.cos(angle), 6),
            round(battery),
        )


class TelemetryClient:
    """The simulator's MQTT side: ``connect()``, ``send(...)``, ``close()``."""

    def __init__(self, *, mqtt_url: str, prefix: str, agency: str, serial: str) -> None:
        self.host, self.port = mqtt_endpoint(mqtt_url)
        self.prefix, self.agency, self.serial = prefix, agency, serial
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=f"lawtrail-sim-{serial}-{time.monotonic_ns()}"
        )
        self.client.will_set(self.topic("status"), "offline", qos=1, retain=True)
        self.connected = threading.Event()
        self.client.on_connect = lambda *a, **k: self.connected.set()

    def topic(self, kind: str) -> str:
        return topic(self.prefix, self.agency, self.serial, kind)

    def connect(self, timeout: float = 5.0) -> None:
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        if not self.connected.wait(timeout):
            raise TimeoutError(f"MQTT broker {self.host}:{self.port} did not answer")
        self.client.publish(self.topic("status"), "online", qos=1, retain=True).wait_for_publish(timeout)

    def send(
        self, *, lat: float, lon: float, battery: int, recording: bool, alt: float | None = None
    ) -> None:
        data = {
            "ts": dt.datetime.now(dt.UTC).isoformat(),
            "lat": lat,
            "lon": lon,
            "battery": battery,
            "recording": recording,
        }
        if alt is not None:
            data["alt"] = alt
        self.client.publish(self.topic("telemetry"), json.dumps(data), qos=1).wait_for_publish(5)

    def close(self) -> None:
        self.client.publish(self.topic("status"), "offline", qos=1, retain=True).wait_for_publish(5)
        self.client.disconnect()
        self.client.loop_stop()


@dataclass
class Simulation:
    serial: str
    agency: str  # the agency's 统一社会信用代码 (the topic's second level)
    key: str = ""  # the device's stream key; empty: telemetry only
    rtmp: str = "rtmp://127.0.0.1:1935/live"
    mqtt_url: str = "mqtt://127.0.0.1:1883"
    prefix: str = "lawtrail"
    seconds: float = 30
    interval: float = 1.0
    clock: bool = False
    source: str = ""
    track: Track | None = None

    @property
    def publish_url(self) -> str:
        return f"{self.rtmp.rstrip('/')}/{self.serial}?key={self.key}"

    def start_video(self) -> subprocess.Popen:
        return subprocess.Popen(
            ffmpeg_command(url=self.publish_url, seconds=self.seconds, clock=self.clock, source=self.source),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def run(self, *, telemetry: bool = True, video: bool = True, say=print) -> int:
        """Publish for ``seconds``; returns ffmpeg's exit status (0 without video)."""
        track = self.track or Track()
        client = None
        if telemetry and self.mqtt_url:
            client = TelemetryClient(
                mqtt_url=self.mqtt_url, prefix=self.prefix, agency=self.agency, serial=self.serial
            )
            client.connect()
            say(f"遥测：{client.topic('telemetry')}")
        proc = self.start_video() if video and self.key else None
        if proc is not None:
            say(f"推流：{self.rtmp.rstrip('/')}/{self.serial}")
        started = time.monotonic()
        try:
            while True:
                t = time.monotonic() - started
                running = proc.poll() is None if proc is not None else t < self.seconds
                if client is not None:
                    lat, lon, battery = track.at(t)
                    client.send(
                        lat=lat, lon=lon, battery=battery, recording=bool(running and proc is not None)
                    )
                if not running:
                    break
                time.sleep(self.interval)
        finally:
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(10)
            if client is not None:
                client.close()
        if proc is None:
            return 0
        if proc.returncode:
            err = (proc.stderr.read() if proc.stderr else b"").decode(errors="replace").strip()
            say(f"推流失败（ffmpeg 退出码 {proc.returncode}）：{err[-500:]}")
        return proc.returncode
