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
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ED25519_ALG = b"\x01"


class Signer(Protocol):
    """What signs checkpoints: the local key (``JournalKey``) or a separate signer process
    (``RemoteSigner``, ``lawtrail signer serve``). Verifying needs only the public half."""

    origin: str
    public_raw: bytes

    @property
    def key_id(self) -> bytes: ...

    @property
    def verifier_key(self) -> str: ...

    @property
    def public_b64(self) -> str: ...

    def sign(self, text: str) -> bytes: ...

    def verify(self, text: str, signature: bytes) -> bool: ...

    def ready(self) -> bool: ...


class _PublicKey:
    """key id, verifier key and verification from ``origin`` and ``public_raw``."""

    origin: str
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

    def verify(self, text: str, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_raw).verify(signature, text.encode())
        except Exception:
            return False
        return True


@dataclass(frozen=True)
class JournalKey(_PublicKey):
    """The local signer: the private key in this process (setting or key file)."""

    origin: str
    private: Ed25519PrivateKey
    public_raw: bytes

    def sign(self, text: str) -> bytes:
        return self.private.sign(text.encode())

    def ready(self) -> bool:
        probe = "lawtrail readiness probe\n"
        return self.verify(probe, self.sign(probe))


@dataclass(frozen=True)
class RemoteSigner(_PublicKey):
    """A signer process holding the key (``lawtrail signer serve``); this process holds its
    URL and the public key fetched from it at start."""

    origin: str
    public_raw: bytes
    url: str

    @classmethod
    def connect(cls, url: str, origin: str) -> RemoteSigner:
        from .signer import request  # noqa: PLC0415 — cycle: signer imports signing (the key file)

        info = request(url, "GET", "/public-key")
        if info.get("origin") != origin:
            raise ImproperlyConfigured(
                f"签名服务的日志来源为 {info.get('origin')!r}，与 LAWTRAIL_JOURNAL_LOG_ORIGIN={origin!r} 不一致"
            )
        signer = cls(origin=origin, public_raw=base64.b64decode(info["public_key"]), url=url)
        if info.get("key_id") != signer.key_id.hex():
            raise ImproperlyConfigured("签名服务报告的密钥编号与其公钥不符")
        return signer

    def sign(self, text: str) -> bytes:
        from .signer import request  # noqa: PLC0415 — cycle: signer imports signing

        signature = base64.b64decode(request(self.url, "POST", "/sign", {"text": text})["signature"])
        if not self.verify(text, signature):  # never store what the public key cannot verify
            raise RuntimeError("签名服务返回的签名无法用其公钥验证")
        return signature

    def ready(self) -> bool:
        from .signer import request  # noqa: PLC0415 — cycle: signer imports signing

        return request(self.url, "GET", "/public-key").get("public_key") == self.public_b64


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


def _key(private: Ed25519PrivateKey, origin: str) -> JournalKey:
    public_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return JournalKey(origin=origin, private=private, public_raw=public_raw)


def key_from_file(key_file: Path, origin: str) -> JournalKey:
    """The key of a key file (created with a fresh seed if absent)."""
    ensure_key_file(Path(key_file))
    return _key(_from_seed(Path(key_file).read_text(), str(key_file)), origin)


@lru_cache(maxsize=4)
def _load(seed_setting: str, key_file: str, origin: str, signer_url: str = "") -> Signer:
    if signer_url:
        return RemoteSigner.connect(signer_url, origin)
    if seed_setting:
        return _key(_from_seed(seed_setting, "LAWTRAIL_JOURNAL_KEY"), origin)
    return key_from_file(Path(key_file), origin)


def journal_key() -> Signer:
    """The signer: a signer process (``LAWTRAIL_JOURNAL_SIGNER_URL``), else the local key —
    ``LAWTRAIL_JOURNAL_KEY`` (base64 seed) or the key file (created if absent)."""
    return _load(
        settings.LAWTRAIL_JOURNAL_KEY,
        str(settings.LAWTRAIL_JOURNAL_KEY_FILE),
        settings.LAWTRAIL_JOURNAL_LOG_ORIGIN,
        settings.LAWTRAIL_JOURNAL_SIGNER_URL,
    )


def checkpoint_body(origin: str, size: int, root: bytes, at: dt.datetime) -> str:
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\ntime {stamp}\n"


def signed_note(body: str, origin: str, key_id: bytes, signature: bytes) -> str:
    return f"{body}\n\u2014 {origin} {base64.b64encode(key_id + signature).decode()}\n"


# --- the per-entry authentication code ----------------------------------------------------


def mac_key() -> bytes:
    """Key of the entries' HMAC: ``LAWTRAIL_JOURNAL_MAC_KEY``, else derived from SECRET_KEY.

    Neither is in the database, so an entry inserted with database rights alone carries no
    valid code. Rotating either invalidates the codes of entries not yet under a checkpoint:
    sign a checkpoint first (``lawtrail checkpoint``), then rotate.
    """
    if settings.LAWTRAIL_JOURNAL_MAC_KEY:
        return settings.LAWTRAIL_JOURNAL_MAC_KEY.encode()
    return hashlib.sha256(b"lawtrail.journal.entry-mac\n" + settings.SECRET_KEY.encode()).digest()


def entry_mac(data: bytes, key: bytes | None = None) -> str:
    """HMAC-SHA256 (hex) of an entry's leaf data."""
    return hmac.new(key if key is not None else mac_key(), data, hashlib.sha256).hexdigest()
