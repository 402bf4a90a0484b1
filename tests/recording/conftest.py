"""Recording's fixtures: the case world of tests/cases (cast, andy, the approvers, a violation),
a local vault in a temporary directory, and small generated media files."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.cases.conftest import frozen_today, world  # noqa: F401 — shared fixtures
from tests.core.vault.conftest import local_vault, s3_server, s3_vault  # noqa: F401 — shared fixtures


def jpeg(color=(200, 30, 30), *, when: str | None = None, size=(640, 480), gps=None) -> bytes:
    """A JPEG with, optionally, an EXIF capture time ("2026:09:01 09:30:00") and GPS position."""
    im = Image.new("RGB", size, color)
    exif = Image.Exif()
    if when:
        exif[0x0132] = when  # DateTime
        exif.get_ifd(0x8769)[0x9003] = when  # DateTimeOriginal
    if gps:
        (lat, lon) = gps
        g = exif.get_ifd(0x8825)
        g[1], g[2] = "N", (float(int(lat)), float(int((lat % 1) * 60)), 0.0)
        g[3], g[4] = "E", (float(int(lon)), float(int((lon % 1) * 60)), 0.0)
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


@pytest.fixture
def vault(local_vault):  # noqa: F811
    return local_vault
