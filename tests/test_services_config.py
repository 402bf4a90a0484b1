"""The deployment settings talk to the real services they name (no mocks)."""

import os
import subprocess
import sys
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lawtrail.settings", "PYTHONPATH": "src", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_redis_url_gives_a_working_shared_cache():
    key = f"lawtrail-test-{uuid.uuid4().hex}"
    wrote = _run(
        f"from django.core.cache import cache; cache.set({key!r}, '执法', 600)",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert wrote.returncode == 0, wrote.stderr
    # a second process reads what the first wrote: the cache really is Redis, not process memory
    # (the key lives long enough for a loaded machine to start the second process)
    read = _run(
        f"from django.core.cache import cache; print(cache.get({key!r}))",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "执法"


@pytest.mark.parametrize(
    "name,value",
    [("LAWTRAIL_DEBUG", "maybe"), ("LAWTRAIL_DB_CONN_MAX_AGE", "ten")],
)
def test_malformed_environment_fails_loudly(name, value):
    result = _run("", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr
