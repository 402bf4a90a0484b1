"""``lawtrail mqtt_listen``: the telemetry listener (run beside the server by ``lawtrail jobs``)."""

from __future__ import annotations

import os
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from lawtrail.live.listener import Listener


class Command(BaseCommand):
    help = "订阅设备的 MQTT 遥测主题（位置、电量、录像状态、在线状态），更新设备实时状态，直到收到停止信号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--mqtt", default=settings.LAWTRAIL_MQTT_URL, help="MQTT 地址，如 mqtt://127.0.0.1:1883"
        )
        parser.add_argument("--prefix", default=settings.LAWTRAIL_MQTT_PREFIX, help="MQTT 主题前缀")
        parser.add_argument("--client-id", default="", help="MQTT 客户端标识（默认：主机名和进程号）")

    def handle(self, *args, **o):
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *a: stop.set())
        signal.signal(signal.SIGINT, lambda *a: stop.set())
        # started by the job runner: leave with it, even if it was killed without stopping us
        parent = os.getppid()

        def watch_parent():
            while not stop.wait(2):
                if os.getppid() != parent:
                    stop.set()

        threading.Thread(target=watch_parent, daemon=True).start()
        listener = Listener(mqtt_url=o["mqtt"], prefix=o["prefix"], client_id=o["client_id"])
        self.stdout.write(f"遥测监听：{o['mqtt']} 主题前缀 {o['prefix']}")
        listener.run(stop)
