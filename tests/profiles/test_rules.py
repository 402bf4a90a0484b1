import datetime as dt
import decimal

import pytest

from lawtrail.core.errors import ValidationFailed
from lawtrail.profiles import rules
from lawtrail.profiles.keys import KEYS

D = dt.date


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("hearing.fine_threshold.person", 10000, 10000),
        ("hearing.fine_threshold.person", "20000", 20000),
        ("review.reviewer_ratio_min", "5.50", "5.5"),
        ("review.reviewer_ratio_min", 5, "5"),
        ("service.electronic_allowed", False, False),
        ("decision.limit_excluded_periods", [" 鉴定 ", "听证"], ["鉴定", "听证"]),
        ("discretion.bands", {"range": {"lenient": [0, 25], "severe": [75, 100]}, "max_only": None}, None),
    ],
)
def test_profile_value_valid(key, value, stored):
    got = rules.validate_value(KEYS[key], value)
    assert got == (value if stored is None else stored)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("hearing.fine_threshold.person", "abc"),
        ("hearing.fine_threshold.person", True),
        ("hearing.fine_threshold.person", 1.5),
        ("hearing.fine_threshold.person", -1),  # below min_value
        ("statement.period", 61),  # above max_value
        ("review.reviewer_ratio_min", "five"),
        ("review.reviewer_ratio_min", "NaN"),
        ("review.reviewer_ratio_min", 101),
        ("service.electronic_allowed", "yes"),
        ("decision.limit_excluded_periods", "鉴定"),
        ("decision.limit_excluded_periods", [1, 2]),
        ("discretion.bands", "30%"),
        ("discretion.bands", {"range": {"lenient": [30, 10]}}),
        ("discretion.bands", {"range": {"gentle": [0, 10]}}),
        ("discretion.bands", {"range": {"lenient": [0, 30]}, "max_only": {}}),
    ],
)
def test_profile_value_invalid(key, value):
    with pytest.raises(ValidationFailed) as info:
        rules.validate_value(KEYS[key], value)
    assert info.value.code == "PROFILE_VALUE_INVALID"
    assert KEYS[key].label in info.value.message


def test_profile_key_unknown():
    with pytest.raises(ValidationFailed) as info:
        rules.key_get("no.such.key")
    assert info.value.code == "PROFILE_KEY_UNKNOWN"


def test_decimal_comes_back_as_decimal():
    assert rules.to_python(KEYS["review.reviewer_ratio_min"], "5.5") == decimal.Decimal("5.5")


@pytest.mark.parametrize(
    ("candidates", "on", "expected"),
    [
        ([(2, D(2021, 1, 1), "n")], D(2026, 1, 1), "n"),
        ([(2, D(2021, 1, 1), "n"), (1, D(2024, 1, 1), "p")], D(2026, 1, 1), "p"),  # nearer level wins
        ([(2, D(2021, 1, 1), "n"), (1, D(2024, 1, 1), "p")], D(2023, 1, 1), "n"),  # not yet in force
        ([(1, D(2022, 1, 1), "old"), (1, D(2025, 1, 1), "new")], D(2026, 1, 1), "new"),  # latest in force
        ([(1, D(2022, 1, 1), "old"), (1, D(2025, 1, 1), "new")], D(2024, 12, 31), "old"),
        ([(0, D(2030, 1, 1), "future")], D(2026, 1, 1), None),
    ],
)
def test_resolve_nearest_level_then_latest_date(candidates, on, expected):
    chosen = rules.resolve([rules.Candidate(r, d, v) for r, d, v in candidates], on)
    assert (chosen.value if chosen else None) == expected


def test_every_key_default_is_valid_and_cites_a_rule():
    for key in KEYS.values():
        rules.validate_value(key, key.default)
        assert key.source and key.label and key.description
