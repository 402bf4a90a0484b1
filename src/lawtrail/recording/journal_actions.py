"""The journal action tags of recording (``recording:<subject>:<verb>``): one enum, no f-strings."""

from __future__ import annotations

from enum import StrEnum


class RecordingJournal(StrEnum):
    DEVICE_REGISTER = "recording:device:register"
    DEVICE_UPDATE = "recording:device:update"
    DEVICE_REVIEW = "recording:device:review"
    DEVICE_KEY_REGENERATE = "recording:device:key_regenerate"
    FILE_ADD = "recording:file:add"
    FILE_DERIVE = "recording:file:derive"
    FILE_LINK = "recording:file:link"
    FILE_LATE_REASON = "recording:file:late_reason"
    FILE_RECORD_REVIEW = "recording:file:record_review"
    FILE_DISPOSE = "recording:file:dispose"
    DISPOSAL_REQUEST = "recording:disposal:request"
    DISPOSAL_APPROVE = "recording:disposal:approve"
    DISPOSAL_REJECT = "recording:disposal:reject"
    CUSTODY = "recording:custody:record"
    TRANSCRIPT_CREATE = "recording:transcript:create"
    TRANSCRIPT_SIGN = "recording:transcript:sign"
    TRANSCRIPT_REFUSAL = "recording:transcript:refusal"  # the party refused to sign: noted (ACL-18)
    TRANSCRIPT_COMPLETE = "recording:transcript:complete"  # every signature in: rendered, in the vault
    ARCHIVE_BUILD = "recording:archive:build"
