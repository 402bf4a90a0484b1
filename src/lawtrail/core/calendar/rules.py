"""Pure rules of day counting. No database: the caller passes ``is_working(date) -> bool``
(which itself fails closed for a year without data, see ``selectors.py``).

* WD-1 — APL Art. 85, ACL Art. 69: periods in working days exclude weekends and 法定节假日;
  调休上班日 count as working days (interpretive, common practice). The first day is not
  counted: the due date of "N working days after ``start``" is the N-th working day after it.
* WD-2 — the holiday table by year (全国年节及纪念日放假办法, 国务院令第795号); classifying a
  date for the table is ``day_kind``.
* WD-3 — 民事诉讼法 Art. 85 (applied by analogy): for a period in calendar days the first day
  is not counted, and if the last day is not a working day (weekend or 法定节假日) the period
  ends on the next working day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

IsWorking = Callable[[dt.date], bool]

ONE_DAY = dt.timedelta(days=1)

KIND_WORKING_DAYS = "working_days"
KIND_CALENDAR_DAYS = "calendar_days"

RULE_WORKING_DAYS = "WD-1"
RULE_CALENDAR_DAYS = "WD-3"

RULE_TEXT = {
    RULE_WORKING_DAYS: (
        "WD-1（《行政处罚法》第八十五条、《行政强制法》第六十九条）：按工作日计算，"
        "不含法定节假日和周末休息日，调休上班日计入；期间开始之日不计算在内。"
    ),
    RULE_CALENDAR_DAYS: (
        "WD-3（《民事诉讼法》第八十五条，类推适用）：按自然日计算，期间开始之日不计算在内；"
        "期间届满的最后一日是法定节假日或休息日的，以其后的第一个工作日为期间届满的日期。"
    ),
}

# Day kinds, the same strings as ``models.Day.Kind`` (kept here so the rules stay pure).
WORKDAY, WEEKEND, HOLIDAY, MAKEUP = "workday", "weekend", "holiday", "makeup"


@dataclasses.dataclass(frozen=True)
class Deadline:
    """The result of a period computation, with what it was computed from and why."""

    start: dt.date
    due: dt.date
    kind: str  # KIND_WORKING_DAYS | KIND_CALENDAR_DAYS
    count: int
    rule: str  # RULES.md ID
    rule_text: str
    rolled_forward_from: dt.date | None  # WD-3: the nominal last day when it was not a working day
    skipped_non_working_days: int  # non-working days passed over between start and due

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def day_kind(day: dt.date, *, holiday: bool, makeup: bool) -> str:
    """Classify a date for the calendar table (WD-1, WD-2).

    ``holiday``: the date is a 法定节假日 (or a rest day of a holiday period);
    ``makeup``: the date is a 调休上班日 (a weekend day worked in lieu).
    """
    if holiday and makeup:
        raise ValueError(f"{day} cannot be both a holiday and a make-up working day")
    if holiday:
        return HOLIDAY
    if makeup:
        if day.weekday() < 5:
            raise ValueError(f"{day} is a weekday: a make-up working day is a Saturday or Sunday")
        return MAKEUP
    return WEEKEND if day.weekday() >= 5 else WORKDAY


def add_working_days(start: dt.date, n: int, is_working: IsWorking) -> tuple[dt.date, int]:
    """WD-1 (APL Art. 85, ACL Art. 69): the N-th working day after ``start`` (start not counted).

    Returns ``(due, skipped)`` where ``skipped`` counts the non-working days passed over.
    ``n == 0`` gives ``start`` itself.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day, counted, skipped = start, 0, 0
    while counted < n:
        day += ONE_DAY
        if is_working(day):
            counted += 1
        else:
            skipped += 1
    return day, skipped


def working_days_between(a: dt.date, b: dt.date, is_working: IsWorking) -> int:
    """WD-1: the working days after ``a`` up to and including ``b``.

    Signed: when ``b`` is before ``a`` the result is minus the working days after ``b`` up
    to and including ``a`` (so "working days left until the due date" goes negative once
    overdue). ``a == b`` gives 0.
    """
    if b < a:
        return -working_days_between(b, a, is_working)
    count, day = 0, a
    while day < b:
        day += ONE_DAY
        if is_working(day):
            count += 1
    return count


def add_calendar_days(start: dt.date, n: int, is_working: IsWorking) -> tuple[dt.date, dt.date | None, int]:
    """WD-3 (民事诉讼法 Art. 85 by analogy): ``start + n`` days (start not counted); if that
    last day is not a working day, the next working day.

    Returns ``(due, rolled_forward_from, skipped)``: ``rolled_forward_from`` is the nominal
    last day when it was moved (else None), ``skipped`` the non-working days moved over.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    nominal = start + dt.timedelta(days=n)
    day, skipped = nominal, 0
    while not is_working(day):
        day += ONE_DAY
        skipped += 1
    return day, (nominal if skipped else None), skipped


def deadline(
    start: dt.date, is_working: IsWorking, *, working_days: int | None = None, days: int | None = None
) -> Deadline:
    """A period of ``working_days`` (WD-1) or calendar ``days`` (WD-3) from ``start``.

    Exactly one of the two must be given.
    """
    if (working_days is None) == (days is None):
        raise ValueError("give exactly one of working_days and days")
    if working_days is not None:
        due, skipped = add_working_days(start, working_days, is_working)
        return Deadline(
            start=start,
            due=due,
            kind=KIND_WORKING_DAYS,
            count=working_days,
            rule=RULE_WORKING_DAYS,
            rule_text=RULE_TEXT[RULE_WORKING_DAYS],
            rolled_forward_from=None,
            skipped_non_working_days=skipped,
        )
    assert days is not None
    due, rolled_from, skipped = add_calendar_days(start, days, is_working)
    return Deadline(
        start=start,
        due=due,
        kind=KIND_CALENDAR_DAYS,
        count=days,
        rule=RULE_CALENDAR_DAYS,
        rule_text=RULE_TEXT[RULE_CALENDAR_DAYS],
        rolled_forward_from=rolled_from,
        skipped_non_working_days=skipped,
    )
