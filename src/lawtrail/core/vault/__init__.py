"""The vault: LawTrail's content-addressed store of files (evidence, issued documents, archives).

API (kept stable; see docs/recording.md, "The vault")::

    from lawtrail.core.vault import vault_put, vault_open, vault_get, vault_verify

    blob = vault_put(fileobj, actor=user, media_type="application/pdf", name="决定书.pdf")
    blob.sha256, blob.sm3, blob.size, blob.media_type, blob.created_at
    with vault_open(blob) as f: ...
    vault_get(sha256) -> Blob
    vault_verify(blob) -> bool    # re-reads the stored bytes and recomputes both hashes
    vault_sm3_ensure(blob) -> Blob   # a blob stored by a resumable upload gets its SM3 after the
                                     # answer; before an export, make sure it has it

The names are resolved lazily, so importing this package (Django does, as the app module) does
not import the models before the app registry is ready.
"""

from __future__ import annotations

from typing import Any

__all__ = ["vault_put", "vault_open", "vault_get", "vault_verify", "vault_dispose", "vault_sm3_ensure"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import services  # noqa: PLC0415 — cycle: the app module is imported before its models

        return getattr(services, name)
    raise AttributeError(name)
