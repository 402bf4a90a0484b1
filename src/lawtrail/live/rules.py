"""Who may publish live video (pure functions; table-driven tests in tests/live/test_rules.py)."""

from __future__ import annotations

from typing import Any


def publish_refusal(device: Any, *, key_matches: bool) -> str | None:
    """Why a publish of ``device`` must be refused, or None to authorise it.

    APL-41 (《行政处罚法》第四十一条): a recording device is used only once registered and its
    法制和技术审核 has passed — records of an unreviewed device are not evidence, so its stream is
    not taken in; G118-9 (国办发〔2018〕118号第九项): records are kept tamper-proof, so only the
    registered device itself (its current stream key) may feed them. Returns a reason for the
    log (never shown to the caller): ``unknown``, ``inactive``, ``unreviewed``, ``key``.
    """
    if device is None:
        return "unknown"
    if not device.active:
        return "inactive"
    if device.review_status != "passed":
        return "unreviewed"
    if not key_matches:
        return "key"
    return None


def is_online(*, online: bool, last_seen: Any, now: Any, stale_seconds: int) -> bool:
    """A device counts as online when its last status was ``online`` and it reported within
    ``stale_seconds`` (a broker that lost the will message must not leave it online forever)."""
    if not online or last_seen is None:
        return False
    return (now - last_seen).total_seconds() <= stale_seconds


def refusal_journaled(count: int) -> bool:
    """Whether the ``count``-th refused publish of a bucket (hour × device × reason) is journaled:
    the 1st, 10th, 100th, 1000th … — every refusal is counted, but a flood of publishes nobody
    authenticated adds at most 1 + log10(n) journal entries per bucket, and the buckets are
    bounded by the registered devices (every unregistered name shares one)."""
    if count < 1:
        return False
    while count % 10 == 0:
        count //= 10
    return count == 1
