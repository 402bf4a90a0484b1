"""deploy/nginx/lawtrail-rtmp.conf, rendered: what nginx is told (the running nginx is tested in
tests/browser/test_live.py)."""

from __future__ import annotations

import io
import subprocess

from django.core.management import call_command

from lawtrail.live.nginx import callback_token, nginx_binary, standalone_conf


def test_the_rendered_configuration_authorises_publishes_through_lawtrail(settings):
    out = io.StringIO()
    call_command("live_nginx", "--app-url", "http://127.0.0.1:8001", "--listen", "1935", stdout=out)
    conf = out.getvalue()
    token = callback_token()
    assert len(token) == 32
    assert f"on_publish http://127.0.0.1:8001/live/rtmp/{token}/publish;" in conf
    assert f"on_publish_done http://127.0.0.1:8001/live/rtmp/{token}/publish_done;" in conf
    assert f"on_record_done http://127.0.0.1:8001/live/rtmp/{token}/record_done;" in conf
    assert f"hls_path {settings.LAWTRAIL_LIVE_HLS_DIR};" in conf and "record all;" in conf
    assert "deny play all;" in conf
    assert "${" not in conf


def test_the_token_follows_the_setting(settings):
    settings.LAWTRAIL_LIVE_RTMP_TOKEN = "t0k3n"
    assert callback_token() == "t0k3n"


def test_nginx_accepts_the_standalone_configuration(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        standalone_conf(
            tmp_path,
            app_url="http://127.0.0.1:8365",
            rtmp_port=19354,
            http_port=8369,
            hls_dir=tmp_path / "hls",
            record_dir=tmp_path / "rec",
        )  # fmt: skip
    )
    result = subprocess.run(
        [nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
