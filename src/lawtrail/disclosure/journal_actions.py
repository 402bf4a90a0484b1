"""The journal action tags of public disclosure (``disclosure:<subject>:<verb>``)."""

from __future__ import annotations

from enum import StrEnum


class DisclosureJournal(StrEnum):
    RECORD_CREATE = "disclosure:record:create"
    RECORD_EDIT = "disclosure:record:edit"
    RECORD_PUBLISH = "disclosure:record:publish"
    RECORD_WITHHOLD = "disclosure:record:withhold"
    RECORD_CHANGE = "disclosure:record:change"
    RECORD_WITHDRAW = "disclosure:record:withdraw"
    RECORD_ANNOTATE = "disclosure:record:annotate"
    RECORD_EXPIRE = "disclosure:record:expire"
    EDIT_CREATE = "disclosure:edit:create"
