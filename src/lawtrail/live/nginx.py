"""nginx with the RTMP module: the configuration LawTrail asks it to run, and a runner.

``deploy/nginx/lawtrail-rtmp.conf`` is the one template (the ``rtmp {}`` block for the main
context of nginx.conf). ``rtmp_conf()`` fills it in; ``standalone_conf()`` wraps it in a whole
nginx.conf (module, pid, logs, temp paths in one directory, and an HTTP server for the HLS
directory) for a machine without a system nginx set up — the tests, the benchmarks and
``lawtrail live_nginx --run`` use it. ``NginxRtmp`` starts and stops such an nginx.
"""

from __future__ import annotations

import errno
import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from django.conf import settings
from django.utils.crypto import salted_hmac

from lawtrail.config import BASE_DIR

TEMPLATE = BASE_DIR / "deploy" / "nginx" / "lawtrail-rtmp.conf"
RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")


def callback_token() -> str:
    """The secret path segment of nginx's callbacks: only the nginx configured by LawTrail
    knows it (LAWTRAIL_LIVE_RTMP_TOKEN, else derived from the secret key)."""
    return settings.LAWTRAIL_LIVE_RTMP_TOKEN or salted_hmac("lawtrail.live.rtmp", "callback").hexdigest()[:32]


def callback_url(base: str) -> str:
    """``base`` is where nginx reaches LawTrail, e.g. http://127.0.0.1:8000."""
    return f"{base.rstrip('/')}/live/rtmp/{callback_token()}"


def rtmp_conf(
    *,
    app_url: str,
    rtmp_listen: str,
    hls_dir: Path,
    record_dir: Path,
    fragment: str = "1s",
    playlist: str = "6s",
) -> str:
    return Template(TEMPLATE.read_text()).substitute(
        RTMP_LISTEN=rtmp_listen,
        CALLBACK_URL=callback_url(app_url),
        HLS_DIR=str(hls_dir),
        RECORD_DIR=str(record_dir),
        HLS_FRAGMENT=fragment,
        HLS_PLAYLIST=playlist,
    )


def standalone_conf(
    work: Path,
    *,
    app_url: str,
    rtmp_port: int,
    http_port: int,
    hls_dir: Path,
    record_dir: Path,
    fragment: str = "1s",
    playlist: str = "6s",
) -> str:
    rtmp = rtmp_conf(
        app_url=app_url,
        rtmp_listen=f"127.0.0.1:{rtmp_port}",
        hls_dir=hls_dir,
        record_dir=record_dir,
        fragment=fragment,
        playlist=playlist,
    )
    user = getpass.getuser()
    return f"""# written by lawtrail.live.nginx.standalone_conf — do not edit
load_module {RTMP_MODULE};
{"user " + user + ";" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log info;
events {{ worker_connections 1024; }}

{rtmp}

http {{
    access_log off;
    client_body_temp_path {work}/tmp-body;
    proxy_temp_path {work}/tmp-proxy;
    fastcgi_temp_path {work}/tmp-fastcgi;
    uwsgi_temp_path {work}/tmp-uwsgi;
    scgi_temp_path {work}/tmp-scgi;
    types {{
        application/vnd.apple.mpegurl m3u8;
        video/mp2t ts;
    }}
    server {{
        listen 127.0.0.1:{http_port};
        location /hls/ {{
            alias {hls_dir}/;
            add_header Cache-Control no-cache;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found or not RTMP_MODULE.exists():
        raise FileNotFoundError(
            "nginx 或其 RTMP 模块未安装：请运行 make live-tools（Debian nginx + libnginx-mod-rtmp）。"
        )
    return found


def _wait_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ChildProcessError(f"nginx exited ({process.returncode}) before listening on {port}")
        with socket.socket() as s:
            s.settimeout(0.3)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nginx did not listen on {port} within {timeout} s")


@dataclass
class NginxRtmp:
    """An nginx with the RTMP module in ``work``: ``with NginxRtmp(...) as ngx: ...``."""

    work: Path
    app_url: str
    rtmp_port: int
    http_port: int
    fragment: str = "1s"
    playlist: str = "6s"
    hls_dir: Path | None = None  # default: <work>/hls
    record_dir: Path | None = None  # default: <work>/rec
    process: subprocess.Popen | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.work = Path(self.work)
        self.hls_dir = Path(self.hls_dir) if self.hls_dir else self.work / "hls"
        self.record_dir = Path(self.record_dir) if self.record_dir else self.work / "rec"

    @property
    def rtmp_url(self) -> str:
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live"

    @property
    def hls_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/hls"

    def start(self, timeout: float = 10.0) -> NginxRtmp:
        binary = nginx_binary()
        for d in (self.work, self.hls_dir, self.record_dir):
            d.mkdir(parents=True, exist_ok=True)
        conf = self.work / "nginx.conf"
        conf.write_text(
            standalone_conf(
                self.work,
                app_url=self.app_url,
                rtmp_port=self.rtmp_port,
                http_port=self.http_port,
                hls_dir=self.hls_dir,
                record_dir=self.record_dir,
                fragment=self.fragment,
                playlist=self.playlist,
            )
        )
        pid_file = self.work / "nginx.pid"  # written once nginx holds its ports
        pid_file.unlink(missing_ok=True)
        logged = len(self.error_log())  # what this start logs follows
        self.process = subprocess.Popen(
            [binary, "-p", str(self.work), "-c", str(conf), "-e", str(self.work / "nginx-error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + timeout
            while not pid_file.exists():  # not the ports alone: another program may answer on them
                if self.process.poll() is not None:
                    raise ChildProcessError(f"nginx exited ({self.process.returncode})")
                if time.monotonic() > deadline:
                    raise TimeoutError
                time.sleep(0.05)
            _wait_port(self.rtmp_port, timeout, self.process)
            _wait_port(self.http_port, timeout, self.process)
        except (TimeoutError, ChildProcessError):
            self.stop()
            log = self.error_log()[logged:]
            if "Address already in use" in log:  # another program took a port first
                raise OSError(errno.EADDRINUSE, f"nginx could not bind its ports: {log[-1000:]}") from None
            raise TimeoutError(f"nginx did not start: {log[-2000:]}") from None
        return self

    def error_log(self) -> str:
        path = self.work / "nginx-error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # QUIT: graceful — publishers are closed, so recordings are finalised (on_record_done)
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> NginxRtmp:
        return self if self.process is not None else self.start()  # started already: used as is

    def __exit__(self, *exc) -> None:
        self.stop()
