"""Secure defaults (issue 13): the secret key, one HTTPS switch, CSP with nonces,
Permissions-Policy, no server version, ``check --deploy`` clean in production settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request

import pytest

from lawtrail.core.templates import add_nonces

PRODUCTION_ENV = {
    "LAWTRAIL_DEBUG": "0",
    "LAWTRAIL_SECRET_KEY": "k" * 20 + "Zq8#vR2!mW5$tY7^uI9&oP0*aS3(dF6)gH1-jK4=" + "x" * 10,
    "LAWTRAIL_HTTPS": "1",
    "LAWTRAIL_ALLOWED_HOSTS": "zhifa.example.gov.cn",
    "LAWTRAIL_DEMO_2FA_EXEMPT": "0",
}


def _manage(*args, env=None):
    # the environment of a deployment: none of ours, and not the browser tests' async switch
    full = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LAWTRAIL_") and k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    }
    full.update(env or {})
    full.setdefault(
        "LAWTRAIL_VAR_DIR", os.environ.get("LAWTRAIL_VAR_DIR", "") or os.path.join(os.getcwd(), "var")
    )
    full["DJANGO_SETTINGS_MODULE"] = "lawtrail.settings"
    return subprocess.run(
        [sys.executable, "-m", "django", *args], env=full, capture_output=True, text=True, timeout=120
    )


def test_refuses_to_start_with_the_default_secret_key_when_debug_is_off(tmp_path):
    # a var/ without the key `lawtrail setup` generates (var/secret-key) and no LAWTRAIL_SECRET_KEY
    r = _manage("check", env={"LAWTRAIL_DEBUG": "0", "LAWTRAIL_VAR_DIR": str(tmp_path)})
    assert r.returncode != 0 and "LAWTRAIL_SECRET_KEY" in r.stderr


def test_check_deploy_is_clean_with_the_documented_production_settings():
    r = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.django_db
def test_https_switch_sets_hsts_secure_cookies_and_redirect(settings, client):
    # the switch is read in settings; the values it sets are what Django's middleware uses
    r = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SECURE_PROXY_SSL_HEADER)",
        env=PRODUCTION_ENV,
    )
    assert r.stdout.strip().splitlines()[-1] == "True True True True ('HTTP_X_FORWARDED_PROTO', 'https')", (
        r.stderr
    )


@pytest.mark.django_db
def test_pages_carry_csp_with_a_nonce_on_every_inline_script_and_permissions_policy(client, cast):
    client.force_login(cast.alice)
    r = client.get("/backoffice/cases/new/")
    csp = r["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    scripts = re.findall(r"<script[^>]*>", r.content.decode())
    assert scripts and all(f'nonce="{nonce}"' in s for s in scripts)
    assert "camera=(self)" in r["Permissions-Policy"]
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"


def test_the_nonce_goes_only_into_template_source():
    assert add_nonces('<script src="/a.js"></script><script>x()</script>') == (
        '<script nonce="{{ request.csp_nonce }}" src="/a.js"></script><script nonce="{{ request.csp_nonce }}">x()</script>'
    )
    assert add_nonces('<script nonce="n">') == '<script nonce="n">'
    assert add_nonces("<scripts>") == "<scripts>"


def test_no_server_version_header(live_server):
    with urllib.request.urlopen(live_server.url + "/") as r:
        server = r.headers.get("Server", "")
    assert not re.search(r"\d", server), server
