"""Streaming digests: SHA-256 and SM3 (GB/T 32905, the national hash algorithm) side by side.

Both come from OpenSSL through ``hashlib`` when the local OpenSSL offers SM3 (OpenSSL ≥ 1.1.1 does
unless built without it); otherwise from OpenSSL inside ``cryptography`` (``hashes.SM3``). No
pure-Python SM3 is used: it would hash at a few MB/s.

``Digests.update`` hashes SHA-256 in the calling thread and SM3 in one helper thread, one buffer
behind: ``hashlib`` releases the GIL while it hashes a buffer, so on a machine with two cores the
slower SM3 overlaps the socket reads, the SHA-256 and the disk write of the next buffer instead of
following them. At most two buffers are held at once — memory stays constant whatever the size.

``Digests(sm3=False)`` computes SHA-256 only (in the helper thread, overlapping the reads and
writes): the resumable upload answers once the content address is known and journaled, and the
vault computes SM3 afterwards from the stored bytes (``services.vault_sm3_fill``) — SM3 runs at
≈ 300 MB/s on one core, a ceiling no upload should wait on.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes


def _sm3_factory() -> Callable[[], Any]:
    try:
        hashlib.new("sm3")
    except ValueError:
        pass
    else:
        return lambda: hashlib.new("sm3")

    class _CryptographySM3:
        def __init__(self) -> None:
            self._h = hashes.Hash(hashes.SM3())

        def update(self, data: bytes) -> None:
            self._h.update(bytes(data))

        def hexdigest(self) -> str:
            return self._h.finalize().hex()

    return _CryptographySM3


new_sm3 = _sm3_factory()

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="vault-sm3")
        return _pool


@dataclass(frozen=True)
class Digest:
    sha256: str
    sm3: str  # "" when not computed (``Digests(sm3=False)``): the vault fills it later
    size: int


class Digests:
    """SHA-256 + SM3 + byte count of a stream, fed buffer by buffer."""

    #: buffers smaller than this are hashed inline (a thread hand-off costs more than it saves)
    PARALLEL_MIN = 64 * 1024

    def __init__(self, *, sm3: bool = True) -> None:
        self._sha256 = hashlib.sha256()
        self._sm3 = new_sm3() if sm3 else None
        # the slower digest runs one buffer behind in the helper thread, the other inline
        self._threaded, self._inline = (self._sm3, self._sha256) if sm3 else (self._sha256, None)
        self._pending: Future | None = None
        self.size = 0

    def update(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if isinstance(data, bytearray | memoryview):
            data = bytes(data)  # the caller may reuse its buffer; the SM3 thread still reads this one
        self._wait()
        if len(data) >= self.PARALLEL_MIN:
            self._pending = _executor().submit(self._threaded.update, data)
        else:
            self._threaded.update(data)
        if self._inline is not None:
            self._inline.update(data)
        self.size += len(data)

    def _wait(self) -> None:
        if self._pending is not None:
            self._pending.result()
            self._pending = None

    def result(self) -> Digest:
        self._wait()
        sm3 = self._sm3.hexdigest() if self._sm3 is not None else ""
        return Digest(sha256=self._sha256.hexdigest(), sm3=sm3, size=self.size)


def digest_of(fileobj: Any, *, chunk: int = 1 << 20) -> Digest:
    """Both digests of everything ``fileobj`` still has to read."""
    d = Digests()
    while True:
        buf = fileobj.read(chunk)
        if not buf:
            return d.result()
        d.update(buf)
