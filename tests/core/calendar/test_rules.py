"""Pure day-counting rules against a synthetic calendar (no database)."""

import datetime as dt

import pytest

from lawtrail.core.calendar import rules

D = dt.date
# A synthetic week: 2030-01-07 (Mon) … with a holiday on Wed 01-09 and a make-up Sat 01-12.
HOLIDAYS = {D(2030, 1, 9)}
MAKEUPS = {D(2030, 1, 12)}


def is_working(d: dt.date) -> bool:
    if d in HOLIDAYS:
        return False
    if d in MAKEUPS:
        return True
    return d.weekday() < 5


@pytest.mark.parametrize(
    ("start", "n", "due", "skipped"),
    [
        (D(2030, 1, 7), 0, D(2030, 1, 7), 0),
        (D(2030, 1, 7), 1, D(2030, 1, 8), 0),
        (D(2030, 1, 7), 2, D(2030, 1, 10), 1),  # the holiday is skipped
        (D(2030, 1, 7), 4, D(2030, 1, 12), 1),  # the make-up Saturday counts
        (D(2030, 1, 7), 5, D(2030, 1, 14), 2),  # Sunday skipped
    ],
)
def test_wd1_add_working_days_synthetic(start, n, due, skipped):
    assert rules.add_working_days(start, n, is_working) == (due, skipped)


@pytest.mark.parametrize(
    ("start", "n", "due", "rolled_from"),
    [
        (D(2030, 1, 7), 1, D(2030, 1, 8), None),
        (D(2030, 1, 7), 2, D(2030, 1, 10), D(2030, 1, 9)),  # ends on the holiday → next working day
        (D(2030, 1, 7), 5, D(2030, 1, 12), None),  # ends on a make-up Saturday: a working day
        (D(2030, 1, 7), 6, D(2030, 1, 14), D(2030, 1, 13)),  # ends on Sunday → Monday
    ],
)
def test_wd3_add_calendar_days_roll_forward_synthetic(start, n, due, rolled_from):
    got_due, got_from, _ = rules.add_calendar_days(start, n, is_working)
    assert (got_due, got_from) == (due, rolled_from)


@pytest.mark.parametrize(
    ("day", "holiday", "makeup", "kind"),
    [
        (D(2030, 1, 7), False, False, rules.WORKDAY),
        (D(2030, 1, 12), False, False, rules.WEEKEND),
        (D(2030, 1, 9), True, False, rules.HOLIDAY),
        (D(2030, 1, 12), True, False, rules.HOLIDAY),
        (D(2030, 1, 12), False, True, rules.MAKEUP),
    ],
)
def test_wd2_day_kind(day, holiday, makeup, kind):
    assert rules.day_kind(day, holiday=holiday, makeup=makeup) == kind


def test_wd2_makeup_on_a_weekday_is_impossible():
    with pytest.raises(ValueError):
        rules.day_kind(D(2030, 1, 7), holiday=False, makeup=True)


def test_wd1_working_days_between_is_signed():
    assert rules.working_days_between(D(2030, 1, 7), D(2030, 1, 14), is_working) == 5
    assert rules.working_days_between(D(2030, 1, 14), D(2030, 1, 7), is_working) == -5
    assert rules.working_days_between(D(2030, 1, 7), D(2030, 1, 7), is_working) == 0


def test_deadline_needs_exactly_one_count():
    with pytest.raises(ValueError):
        rules.deadline(D(2030, 1, 7), is_working)
    with pytest.raises(ValueError):
        rules.deadline(D(2030, 1, 7), is_working, working_days=1, days=1)
