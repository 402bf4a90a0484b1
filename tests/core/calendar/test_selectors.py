"""The calendar against the 2026 schedule loaded from chinese-calendar (verified there:
春节 2026-02-15…02-23 off, 调休 workdays 02-14 and 02-28; 国庆 10-01…10-07 off, 调休
workdays 09-20 and 10-10)."""

import datetime as dt

import chinese_calendar
import pytest

from lawtrail.core.calendar import selectors
from lawtrail.core.calendar.selectors import calendar_cache_clear
from lawtrail.core.errors import ValidationFailed

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 13), True),
        (D(2026, 2, 14), True),  # 调休上班 (Saturday)
        (D(2026, 2, 15), False),
        (D(2026, 2, 23), False),
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # 调休上班 (Saturday)
        (D(2026, 9, 20), True),  # 调休上班 (Sunday)
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # 调休上班 (Saturday)
        (D(2026, 10, 11), False),  # ordinary Sunday
    ],
)
def test_wd1_wd2_is_working_day_2026_matches_package(cal2026, day, working):
    assert selectors.is_working_day(day) is working
    assert chinese_calendar.is_workday(day) is working


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # across 春节 2026
        (D(2026, 2, 12), 1, D(2026, 2, 13)),
        (D(2026, 2, 12), 2, D(2026, 2, 14)),  # the 调休 Saturday counts
        (D(2026, 2, 12), 3, D(2026, 2, 24)),  # 02-15…02-23 skipped
        (D(2026, 2, 12), 5, D(2026, 2, 26)),
        (D(2026, 2, 15), 1, D(2026, 2, 24)),  # start inside the holiday
        (D(2026, 2, 24), 4, D(2026, 2, 28)),  # ends on the 调休 Saturday
        # 5th / 6th working day boundaries in an ordinary week (Mon 2026-03-02)
        (D(2026, 3, 2), 5, D(2026, 3, 9)),
        (D(2026, 3, 2), 6, D(2026, 3, 10)),
        (D(2026, 3, 6), 5, D(2026, 3, 13)),  # from a Friday: the weekend is skipped
        (D(2026, 3, 6), 6, D(2026, 3, 16)),
        # across 国庆 2026
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # the 调休 Sunday counts
        (D(2026, 9, 25), 5, D(2026, 10, 9)),  # 10-01…10-07 skipped
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),  # the 调休 Saturday counts
        (D(2026, 10, 9), 2, D(2026, 10, 12)),
        # across the year boundary 2025 → 2026 (元旦 2026-01-01…01-03)
        (D(2025, 12, 31), 1, D(2026, 1, 4)),  # 2026-01-04 (Sunday) is a 调休 workday
        (D(2026, 3, 2), 0, D(2026, 3, 2)),
    ],
)
def test_wd1_apl85_acl69_add_working_days(cal2026, start, n, due):
    assert selectors.add_working_days(start, n) == due
    if n:
        assert selectors.working_days_between(start, due) == n


@pytest.mark.parametrize(
    ("start", "n", "due", "rolled_from"),
    [
        (D(2026, 9, 26), 5, D(2026, 10, 8), D(2026, 10, 1)),  # ends in 国庆 → first working day after
        (D(2026, 9, 20), 15, D(2026, 10, 8), D(2026, 10, 5)),  # APL-67 15 days ending in 国庆
        (D(2026, 2, 10), 5, D(2026, 2, 24), D(2026, 2, 15)),  # ends in 春节
        (D(2026, 3, 2), 5, D(2026, 3, 9), D(2026, 3, 7)),  # ends on a Saturday → Monday
        (D(2026, 3, 2), 3, D(2026, 3, 5), None),
        (D(2026, 2, 7), 7, D(2026, 2, 14), None),  # ends on a 调休 Saturday: a working day
        (D(2026, 1, 1), 90, D(2026, 4, 1), None),  # APL-60 90 days from 立案
    ],
)
def test_wd3_add_calendar_days_rolls_forward(cal2026, start, n, due, rolled_from):
    result = selectors.deadline(start, days=n)
    assert (result.due, result.rolled_forward_from, result.rule) == (due, rolled_from, "WD-3")
    assert selectors.add_calendar_days(start, n) == due


def test_wd1_deadline_reports_rule_and_skipped_days(cal2026):
    result = selectors.deadline(D(2026, 2, 12), working_days=5)
    assert result.due == D(2026, 2, 26)
    assert result.kind == "working_days"
    assert result.rule == "WD-1"
    assert "第八十五条" in result.rule_text
    assert result.skipped_non_working_days == 9  # 02-15 … 02-23
    assert result.rolled_forward_from is None


def test_working_days_between_signed(cal2026):
    assert selectors.working_days_between(D(2026, 2, 26), D(2026, 2, 12)) == -5
    assert selectors.working_days_between(D(2026, 2, 12), D(2026, 2, 12)) == 0


@pytest.mark.parametrize(
    ("call", "year"),
    [
        (lambda: selectors.is_working_day(D(2031, 1, 2)), 2031),
        (lambda: selectors.add_working_days(D(2026, 12, 20), 30), 2027),  # runs past the last covered year
        (lambda: selectors.add_calendar_days(D(2026, 12, 25), 10), 2027),
        (lambda: selectors.working_days_between(D(2026, 12, 1), D(2027, 1, 15)), 2027),
        (lambda: selectors.deadline(D(2024, 6, 3), working_days=1), 2024),  # not loaded here
        (lambda: selectors.deadline(D(2031, 6, 3), working_days=0), 2031),  # even a zero-length period
        (lambda: selectors.add_working_days(D(2031, 6, 3), 0), 2031),
        (lambda: selectors.working_days_between(D(2031, 6, 3), D(2031, 6, 3)), 2031),
    ],
)
def test_wd1_year_missing_fails_closed(cal2026, call, year):
    with pytest.raises(ValidationFailed) as info:
        call()
    assert info.value.code == "CALENDAR_YEAR_MISSING"
    assert f"{year}年" in info.value.message
    assert info.value.details == {"year": year}


def test_wd1_empty_calendar_fails_closed(db):
    calendar_cache_clear()
    with pytest.raises(ValidationFailed) as info:
        selectors.is_working_day(D(2026, 3, 2))
    assert info.value.code == "CALENDAR_YEAR_MISSING"


def test_deadline_refuses_both_or_neither(cal2026):
    for kwargs in ({}, {"working_days": 1, "days": 1}, {"working_days": -1}):
        with pytest.raises(ValidationFailed) as info:
            selectors.deadline(D(2026, 3, 2), **kwargs)
        assert info.value.code == "CALENDAR_PARAM_INVALID"


def test_a_100_day_computation_costs_at_most_two_queries(cal2026, django_assert_num_queries):
    calendar_cache_clear()
    with django_assert_num_queries(2):  # year stamps + the 2026 table
        assert selectors.add_working_days(D(2026, 1, 5), 100) > D(2026, 5, 1)
    with django_assert_num_queries(1):  # cached: the stamps only
        selectors.add_working_days(D(2026, 1, 5), 100)


def test_special_days_list_holidays_and_makeups_only(cal2026):
    days = {d.date: d for d in selectors.calendar_special_days(2026)}
    assert days[D(2026, 2, 14)].kind == "makeup" and days[D(2026, 2, 14)].holiday_name == "春节"
    assert days[D(2026, 10, 1)].kind == "holiday" and days[D(2026, 10, 1)].holiday_name == "国庆节"
    assert D(2026, 3, 7) not in days  # an ordinary Saturday
    with pytest.raises(ValidationFailed):
        selectors.calendar_special_days(2031)
