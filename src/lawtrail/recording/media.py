"""What a file says about itself, and its previews: EXIF of photos (Pillow), container metadata of
audio and video (ffprobe), thumbnails (Pillow), a poster frame and a browser-playable copy of
video (ffmpeg). Everything works on a local path and writes new files; the original is never
touched. Without ffmpeg on the machine the metadata is entered and no poster is made.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

THUMB_SIZE = (320, 320)
#: what Chromium plays without help; anything else gets an H.264/AAC MP4 (video) or M4A copy
PLAYABLE = {"video/mp4", "video/webm", "audio/mpeg", "audio/mp4", "audio/wav", "audio/ogg", "audio/webm"}


def media_of(media_type: str) -> str:
    """The category of a file by its detected type."""
    if media_type.startswith("image/"):
        return "photo"
    if media_type.startswith("video/"):
        return "video"
    if media_type.startswith("audio/"):
        return "audio"
    if media_type == "application/pdf":
        return "scan"
    return "data"


@dataclass
class Meta:
    captured_at: dt.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    device_model: str = ""


def _ratio(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError, ZeroDivisionError):
        return 0.0


def _dms(values, ref: str) -> Decimal | None:
    try:
        d, m, s = (_ratio(v) for v in values)
    except (TypeError, ValueError):
        return None
    val = d + m / 60 + s / 3600
    if ref in ("S", "W"):
        val = -val
    return Decimal(f"{val:.6f}")


def _exif_time(value: str) -> dt.datetime | None:
    try:
        naive = dt.datetime.strptime(value.strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")
    except (ValueError, AttributeError):
        return None
    # EXIF times carry no zone: the camera's clock is taken to be local time
    return timezone.make_aware(naive)


def photo_meta(path: Path) -> Meta:
    """EXIF capture time (DateTimeOriginal), GPS position and camera model of a photo."""
    meta = Meta()
    try:
        with Image.open(path) as im:
            meta.width, meta.height = im.size
            exif = im.getexif()
    except (UnidentifiedImageError, OSError):
        return meta
    if not exif:
        return meta
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    when = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if when:
        meta.captured_at = _exif_time(str(when))
    meta.device_model = str(exif.get(ExifTags.Base.Model) or "").strip()[:100]
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if gps and ExifTags.GPS.GPSLatitude in gps and ExifTags.GPS.GPSLongitude in gps:
        meta.latitude = _dms(gps[ExifTags.GPS.GPSLatitude], str(gps.get(ExifTags.GPS.GPSLatitudeRef, "N")))
        meta.longitude = _dms(gps[ExifTags.GPS.GPSLongitude], str(gps.get(ExifTags.GPS.GPSLongitudeRef, "E")))
    return meta


def has_ffmpeg() -> bool:
    return bool(shutil.which("ffmpeg") and shutil.which("ffprobe"))


def av_meta(path: Path) -> Meta:
    """Duration, frame size and creation time from the container (ffprobe), when ffmpeg is here."""
    meta = Meta()
    if not has_ffmpeg():
        return meta
    try:
        out = subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
            capture_output=True,
            timeout=60,
            check=True,
        ).stdout
        info = json.loads(out or b"{}")
    except (subprocess.SubprocessError, OSError, ValueError):
        return meta
    fmt = info.get("format") or {}
    try:
        meta.duration = round(float(fmt.get("duration")), 3)
    except (TypeError, ValueError):
        pass
    for s in info.get("streams") or []:
        if s.get("codec_type") == "video" and s.get("width"):
            meta.width, meta.height = int(s["width"]), int(s["height"])
            break
    created = (fmt.get("tags") or {}).get("creation_time")
    if created:
        try:
            meta.captured_at = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            pass
    if meta.captured_at is not None and timezone.is_naive(meta.captured_at):
        meta.captured_at = timezone.make_aware(meta.captured_at, dt.UTC)
    return meta


def thumbnail(path: Path) -> bytes | None:
    """A JPEG thumbnail of an image, turned upright by its EXIF orientation."""
    try:
        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im)
            im.thumbnail(THUMB_SIZE)
            buf = io.BytesIO()
            im.convert("RGB").save(buf, "JPEG", quality=80)
            return buf.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def poster(path: Path, workdir: Path, duration: float | None = None) -> bytes | None:
    """A poster frame of a video (ffmpeg), a thumbnail-sized JPEG."""
    if not has_ffmpeg():
        return None
    at = "1" if (duration or 0) > 2 else "0"
    out = workdir / "poster.jpg"
    try:
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-ss",
                at,
                "-i",
                str(path),
                "-frames:v",
                "1",
                "-vf",
                "scale=320:-2",
                str(out),
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
        return out.read_bytes() if out.exists() and out.stat().st_size else None
    except (subprocess.SubprocessError, OSError):
        return None


def playable_copy(path: Path, media_type: str, workdir: Path) -> Path | None:
    """An H.264/AAC MP4 (video) or AAC M4A (audio) copy of a file Chromium cannot play; None when
    it plays as it is or ffmpeg is absent."""
    if media_type in PLAYABLE or not has_ffmpeg():
        return None
    video = media_type.startswith("video/")
    out = workdir / ("playable.mp4" if video else "playable.m4a")
    args = ["ffmpeg", "-v", "error", "-y", "-i", str(path)]
    if video:
        args += [
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-movflags",
            "+faststart",
        ]
    else:
        args += ["-vn", "-c:a", "aac"]
    try:
        subprocess.run([*args, str(out)], capture_output=True, timeout=3600, check=True)
    except (subprocess.SubprocessError, OSError):
        return None
    return out if out.exists() and out.stat().st_size else None
