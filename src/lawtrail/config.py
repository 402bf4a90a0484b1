"""Typed readers for environment variables, used only by settings.py.

They fail loudly on a malformed value instead of silently falling back, so a
deployment with a typo in its environment does not start with the wrong setting.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SECRET_KEY_FILE = "secret-key"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    low = raw.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def var_dir() -> Path:
    """Where the embedded default keeps its database, files and keys (LAWTRAIL_VAR_DIR)."""
    return Path(env_str("LAWTRAIL_VAR_DIR", str(BASE_DIR / "var")))


def read_secret_key_file(directory: Path) -> str:
    """The secret key ``lawtrail setup`` generated into ``var/secret-key``, or "" if none."""
    try:
        return (Path(directory) / SECRET_KEY_FILE).read_text().strip()
    except FileNotFoundError:
        return ""


def ensure_secret_key_file(directory: Path) -> bool:
    """Generate ``var/secret-key`` once (0600, never overwritten). Returns True if created.

    Called by ``lawtrail setup`` before Django starts, so the embedded default never runs
    on the published default key; production sets LAWTRAIL_SECRET_KEY instead.
    """
    path = Path(directory) / SECRET_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two setups at once cannot overwrite each other's key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(50) + "\n")
    return True
