"""``lawtrail live_nginx``: nginx's RTMP configuration for live video, or a standalone nginx."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lawtrail.config import var_dir
from lawtrail.live.nginx import NginxRtmp, rtmp_conf


class Command(BaseCommand):
    help = (
        "输出 nginx RTMP 模块的配置（设备推流、推流鉴权回调、HLS 与录像），"
        "或用 --run 在本机运行一个独立的 nginx（演示、开发）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--app-url", default="http://127.0.0.1:8000", help="nginx 访问 LawTrail 的地址")
        parser.add_argument("--listen", default="1935", help="RTMP 监听（端口或 地址:端口）")
        parser.add_argument("--run", action="store_true", help="运行一个独立的 nginx，直到按 Ctrl-C")
        parser.add_argument("--rtmp-port", type=int, default=1935)
        parser.add_argument("--http-port", type=int, default=8088, help="--run 时提供 HLS 的 HTTP 端口")

    def handle(self, *args, **o):
        hls, rec = settings.LAWTRAIL_LIVE_HLS_DIR, settings.LAWTRAIL_LIVE_RECORD_DIR
        if not o["run"]:
            self.stdout.write(
                rtmp_conf(app_url=o["app_url"], rtmp_listen=o["listen"], hls_dir=hls, record_dir=rec)
            )
            return
        ngx = NginxRtmp(
            var_dir() / "live" / "nginx",
            app_url=o["app_url"],
            rtmp_port=o["rtmp_port"],
            http_port=o["http_port"],
            hls_dir=hls,
            record_dir=rec,
        )
        try:
            ngx.start()
        except (FileNotFoundError, TimeoutError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"nginx-rtmp 已启动：推流 {ngx.rtmp_url}/<设备序列号>?key=<推流密钥>，按 Ctrl-C 停止。"
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *a: stop.set())
        signal.signal(signal.SIGINT, lambda *a: stop.set())
        try:
            while not stop.wait(1):
                if ngx.process is None or ngx.process.poll() is not None:
                    raise CommandError(f"nginx 已退出：{ngx.error_log()[-1000:]}")
        finally:
            ngx.stop()
