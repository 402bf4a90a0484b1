"""The telemetry listener (``lawtrail mqtt_listen``): subscribes to the devices' topics
(lawtrail.live.topics) on the broker and records each message as the device's live state.

paho-mqtt's network thread only queues the messages; this process's main thread writes them
(one database connection, closed when stale), so a slow database never stalls the broker
connection. Reconnects are paho's (``reconnect_delay_set``). The session is clean and the
client id unique per process: telemetry is superseded every few seconds and the status is
retained, so nothing is lost that matters, no broker keeps queues for listeners that are gone,
and two servers on one broker never take each other's connection.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import close_old_connections

from . import services
from .topics import BadTelemetry, mqtt_endpoint, parse_telemetry, parse_topic, subscriptions

log = logging.getLogger("lawtrail.live")


def broker_answers(url: str | None = None, timeout: float = 1.0) -> bool:
    """Whether an MQTT broker listens at ``url`` (the companion's check)."""
    url = settings.LAWTRAIL_MQTT_URL if url is None else url
    if not url:
        return False
    try:
        host, port = mqtt_endpoint(url)
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def handle(prefix: str, topic_name: str, payload: bytes) -> str:
    """One message: what became of it (``telemetry``, ``status``, ``unknown``, ``bad``, ``ignored``)."""
    address = parse_topic(prefix, topic_name)
    if address is None:
        return "ignored"
    if address.kind == "status":
        text = payload.decode("utf-8", "replace").strip().lower()
        if text not in ("online", "offline"):
            return "bad"
        done = services.status_record(
            agency_code=address.agency, serial=address.serial, online=text == "online"
        )
        return "status" if done else "unknown"
    try:
        telemetry = parse_telemetry(payload)
    except BadTelemetry as exc:
        log.info("bad telemetry from %s/%s: %s", address.agency, address.serial, exc)
        return "bad"
    done = services.telemetry_record(agency_code=address.agency, serial=address.serial, telemetry=telemetry)
    return "telemetry" if done else "unknown"


class Listener:
    """``Listener(...).run(stop)`` until ``stop`` is set; ``counts`` of what was handled."""

    def __init__(
        self,
        *,
        mqtt_url: str | None = None,
        prefix: str | None = None,
        client_id: str = "",
        on_handled: Callable[[str], None] | None = None,
    ) -> None:
        self.host, self.port = mqtt_endpoint(mqtt_url or settings.LAWTRAIL_MQTT_URL)
        self.prefix = prefix or settings.LAWTRAIL_MQTT_PREFIX
        self.messages: queue.Queue[tuple[str, bytes]] = queue.Queue(maxsize=10_000)
        self.connected = threading.Event()
        self.counts: dict[str, int] = {}
        self.on_handled = on_handled
        client_id = client_id or f"lawtrail-listener-{socket.gethostname()[:20]}-{os.getpid()}"
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda *a, **k: self.connected.clear()
        self.client.on_message = self._on_message

    def _on_connect(self, client, userdata, flags, reason_code, properties=None) -> None:
        if reason_code.is_failure:
            log.error("MQTT broker refused the listener: %s", reason_code)
            return
        client.subscribe([(t, 1) for t in subscriptions(self.prefix)])
        self.connected.set()
        log.info("listening to %s on %s:%s", subscriptions(self.prefix), self.host, self.port)

    def _on_message(self, client, userdata, message) -> None:
        try:
            self.messages.put_nowait((message.topic, bytes(message.payload)))
        except queue.Full:  # the database is far behind: positions are superseded anyway
            log.warning("telemetry queue full: message dropped")

    def run(self, stop: threading.Event, *, ready: threading.Event | None = None) -> None:
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        try:
            if ready is not None:
                self.connected.wait(10)
                ready.set()
            last_close = time.monotonic()
            while not stop.is_set():
                try:
                    topic_name, payload = self.messages.get(timeout=0.5)
                except queue.Empty:
                    topic_name = None
                if topic_name is not None:
                    try:
                        what = handle(self.prefix, topic_name, payload)
                    except Exception:  # one bad message must not stop the listener
                        log.exception("telemetry on %s not recorded", topic_name)
                        what = "error"
                    self.counts[what] = self.counts.get(what, 0) + 1
                    if self.on_handled is not None:
                        self.on_handled(what)
                if time.monotonic() - last_close > 30:
                    close_old_connections()
                    last_close = time.monotonic()
        finally:
            self.client.disconnect()
            self.client.loop_stop()
