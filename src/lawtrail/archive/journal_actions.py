"""The journal action tags of the case file (``archive:<subject>:<verb>``)."""

from __future__ import annotations

from enum import StrEnum


class ArchiveJournal(StrEnum):
    # the manifest is fixed: the entry's note carries its SHA-256 (the package's anchor)
    PACKAGE_MANIFEST = "archive:package:manifest"
    # the package is sealed: proofs and the covering checkpoint added, the whole stored in the vault
    PACKAGE_SEAL = "archive:package:seal"
    ACCESS = "archive:access:record"  # 查阅留痕: a download of the package
