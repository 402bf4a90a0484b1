"""The journal action tags of live (``live:<subject>:<verb>``): one enum, no f-strings."""

from __future__ import annotations

from enum import StrEnum


class LiveJournal(StrEnum):
    SESSION_START = "live:session:start"
    SESSION_STOP = "live:session:stop"
    SESSION_RECORDED = "live:session:recorded"
    SESSION_FILE = "live:session:file"
    SESSION_VIEW = "live:session:view"  # 查阅留痕: a person watched the live stream
    PUBLISH_REFUSED = "live:publish:refused"  # the 1st, 10th, 100th … refusal of an hour's bucket
