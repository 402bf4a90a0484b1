"""The journal's Ed25519 key and the checkpoint text (C2SP signed-note / tlog-checkpoint style).

Checkpoint body (each line ends in ``\\n``)::

    <origin>
    <tree size, decimal>
    <root hash, base64>
    time <UTC, RFC 3339>

Signed note = body, an empty line, then ``— <origin> <base64(key_id[4] || signature[64])>``.
``key_id`` = first 4 bytes of SHA-256(origin || 0x0A || 0x01 || public key) (0x01 = Ed25519),
so the verifier key string is ``<origin>+<key_id hex>+<base64(0x01 || public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ED25519_ALG = b"\x01"


@dataclass(frozen=True)
class JournalKey:
    origin: str
    private: Ed25519PrivateKey
    public_raw: bytes

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.origin.encode() + b"\n" + ED25519_ALG + self.public_raw).digest()[:4]

    @property
    def verifier_key(self) -> str:
        return f"{self.origin}+{self.key_id.hex()}+{base64.b64encode(ED25519_ALG + self.public_raw).decode()}"

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode()

    def sign(self, text: str) -> bytes:
        return self.private.sign(text.encode())

    def verify(self, text: str, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_raw).verify(signature, text.encode())
        except Exception:
            return False
        return True


def _from_seed(seed_b64: str, where: str) -> Ed25519PrivateKey:
    try:
        seed = base64.b64decode(seed_b64.strip(), validate=True)
    except binascii.Error as exc:
        raise ImproperlyConfigured(f"{where}: not base64") from exc
    if len(seed) != 32:
        raise ImproperlyConfigured(f"{where}: an Ed25519 seed is 32 bytes, got {len(seed)}")
    return Ed25519PrivateKey.from_private_bytes(seed)


def ensure_key_file(path: Path) -> bool:
    """Create the key file with a fresh seed if it does not exist. Returns True if created."""
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    # O_EXCL: two processes starting at once cannot overwrite each other's key
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(seed).decode() + "\n")
    return True


@lru_cache(maxsize=4)
def _load(seed_setting: str, key_file: str, origin: str) -> JournalKey:
    if seed_setting:
        private = _from_seed(seed_setting, "LAWTRAIL_JOURNAL_KEY")
    else:
        ensure_key_file(Path(key_file))
        private = _from_seed(Path(key_file).read_text(), str(key_file))
    public_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return JournalKey(origin=origin, private=private, public_raw=public_raw)


def journal_key() -> JournalKey:
    """The signing key: ``LAWTRAIL_JOURNAL_KEY`` (base64 seed) or the key file (created if absent)."""
    return _load(
        settings.LAWTRAIL_JOURNAL_KEY,
        str(settings.LAWTRAIL_JOURNAL_KEY_FILE),
        settings.LAWTRAIL_JOURNAL_LOG_ORIGIN,
    )


def checkpoint_body(origin: str, size: int, root: bytes, at: dt.datetime) -> str:
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\ntime {stamp}\n"


def signed_note(body: str, origin: str, key_id: bytes, signature: bytes) -> str:
    return f"{body}\n\u2014 {origin} {base64.b64encode(key_id + signature).decode()}\n"
