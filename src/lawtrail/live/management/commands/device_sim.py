"""``lawtrail device-sim``: a simulated drone or body camera (see lawtrail.live.sim)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lawtrail.live.sim import Simulation, Track
from lawtrail.live.topics import SERIAL_RE


class Command(BaseCommand):
    help = "模拟一台无人机或执法记录仪：RTMP 推流（ffmpeg 测试画面）并经 MQTT 上报位置、电量和录像状态。"

    def add_arguments(self, parser):
        parser.add_argument("serial", help="设备序列号")
        parser.add_argument("--key", default="", help="设备的推流密钥（不填则只上报遥测）")
        parser.add_argument("--agency", required=True, help="执法主体统一社会信用代码（MQTT 主题的第二级）")
        parser.add_argument("--rtmp", default=settings.LAWTRAIL_LIVE_RTMP_URL, help="RTMP 推流地址")
        parser.add_argument(
            "--mqtt", default=settings.LAWTRAIL_MQTT_URL, help="MQTT 地址，如 mqtt://127.0.0.1:1883"
        )
        parser.add_argument("--prefix", default=settings.LAWTRAIL_MQTT_PREFIX, help="MQTT 主题前缀")
        parser.add_argument("--seconds", type=float, default=60, help="推流时长（秒）")
        parser.add_argument("--interval", type=float, default=1.0, help="遥测上报间隔（秒）")
        parser.add_argument("--lat", type=float, default=38.0428)
        parser.add_argument("--lon", type=float, default=114.5149)
        parser.add_argument("--clock", action="store_true", help="在画面顶部写入时钟编码（测延迟用）")
        parser.add_argument("--source", default="", help="推送已编码的文件（循环、不重新编码）")
        parser.add_argument("--no-telemetry", action="store_true")
        parser.add_argument("--no-video", action="store_true")

    def handle(self, *args, **o):
        serial = o["serial"]
        if not SERIAL_RE.match(serial):
            raise CommandError("设备序列号只能由字母、数字、“-”和“_”组成。")
        agency = o["agency"]
        sim = Simulation(
            serial=serial,
            agency=agency,
            key=o["key"],
            rtmp=o["rtmp"],
            mqtt_url="" if o["no_telemetry"] else o["mqtt"],
            prefix=o["prefix"],
            seconds=o["seconds"],
            interval=o["interval"],
            clock=o["clock"],
            source=o["source"],
            track=Track(lat=o["lat"], lon=o["lon"]),
        )
        code = sim.run(video=not o["no_video"], say=self.stdout.write)
        if code:
            raise CommandError(f"推流被拒绝或中断（ffmpeg 退出码 {code}）。")
