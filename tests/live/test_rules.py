"""Who may publish (APL-41, G118-9) and when a device counts as online: table-driven."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from lawtrail.live import rules
from lawtrail.live.rules import is_online, publish_refusal


def device(active=True, review="passed"):
    return SimpleNamespace(active=active, review_status=review)


@pytest.mark.parametrize(
    ("dev", "key_matches", "expected"),
    [
        (None, False, "unknown"),
        (device(), True, None),
        (device(), False, "key"),
        (device(active=False), True, "inactive"),
        (device(review="pending"), True, "unreviewed"),
        (device(review="failed"), True, "unreviewed"),
        (device(active=False, review="pending"), False, "inactive"),
    ],
)
def test_publish_refusal(dev, key_matches, expected):
    assert publish_refusal(dev, key_matches=key_matches) == expected


NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("online", "ago", "expected"),
    [
        (True, 5, True),
        (True, 30, True),
        (True, 31, False),  # stale: the will may have been lost
        (False, 1, False),
        (True, None, False),
    ],
)
def test_is_online(online, ago, expected):
    last = None if ago is None else NOW - dt.timedelta(seconds=ago)
    assert is_online(online=online, last_seen=last, now=NOW, stale_seconds=30) is expected


@pytest.mark.parametrize(
    ("count", "journaled"),
    [
        (0, False),
        (1, True),
        (2, False),
        (9, False),
        (10, True),
        (11, False),
        (20, False),
        (100, True),
        (1000, True),
        (1001, False),
        (5000, False),
        (10**6, True),
    ],
)
def test_refused_publishes_are_journaled_at_powers_of_ten(count, journaled):
    # APL-41 / G118-9: every refused publish is counted; the journal keeps 1 + log10(n) per bucket
    assert rules.refusal_journaled(count) is journaled
