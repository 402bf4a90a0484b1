"""The journal action tags of the vault (``vault:<subject>:<verb>``)."""

from __future__ import annotations

from enum import StrEnum


class VaultJournal(StrEnum):
    BLOB_PUT = "vault:blob:put"
    BLOB_SM3 = "vault:blob:sm3"  # the SM3 of a blob stored before it was computed
    BLOB_DISPOSE = "vault:blob:dispose"
