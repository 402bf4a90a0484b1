"""What a file is, by its content (libmagic through python-magic), never by its name.

A browser or a camera dock says what it sends (``Content-Type``, the file's extension); a renamed
executable says it is a photo. The vault records the type libmagic reads from the first bytes.
"""

from __future__ import annotations

import magic

#: how many leading bytes libmagic reads (enough for MP4/QuickTime boxes and Office containers)
SNIFF_BYTES = 64 * 1024

GENERIC = {"application/octet-stream", "text/plain", "application/x-empty"}

#: libmagic names that mean the same type as the usual MIME name a client declares
ALIASES = {
    "audio/x-wav": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/mp4": "audio/mp4",
    "audio/x-m4a": "audio/mp4",
    "video/x-m4v": "video/mp4",
    "image/jpg": "image/jpeg",
    "application/x-pdf": "application/pdf",
    "audio/mp3": "audio/mpeg",
    "text/x-csv": "text/csv",
}


def normalise(media_type: str) -> str:
    base = (media_type or "").split(";")[0].strip().lower()
    return ALIASES.get(base, base)


def sniff(head: bytes) -> str:
    """The MIME type of a file whose first bytes are ``head``."""
    if not head:
        return "application/x-empty"
    return normalise(magic.from_buffer(head[:SNIFF_BYTES], mime=True))


def agrees(declared: str, detected: str) -> bool:
    """A declared type agrees with the detected one when they are the same, or when libmagic can
    only say "some bytes" / "some text" and the declaration is a text-like or data type."""
    declared, detected = normalise(declared), normalise(detected)
    if not declared or declared == detected:
        return True
    if detected in GENERIC:
        return declared.startswith("text/") or declared in {"application/json", "application/octet-stream"}
    return False
