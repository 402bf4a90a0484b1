"""Reads of the working-day calendar — the accessors every deadline in LawTrail uses.

The calendar is public information, so these take no actor. Each computation reads the
year stamps once (one small query) and then takes each year's day table from a
process-memory cache keyed by (year, stamp); a year is loaded from the database (one
query) only when it is not cached or its stamp changed. So a 100-day computation costs
one or two queries, not a hundred, and a change made by any process is seen at once.

A year with no data raises ``ValidationFailed(code="CALENDAR_YEAR_MISSING")`` (WD-1:
fail closed), including when a computation runs past the last covered year.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection
from django.utils.translation import gettext as _

from lawtrail.core.errors import ValidationFailed
from lawtrail.core.precompiled import Precompiled

from . import rules
from .models import CalendarYear, Day

_WORKING = frozenset({rules.WORKDAY, rules.MAKEUP})

# year -> (stamp, {date: (kind, holiday_name)})
_YEAR_CACHE: dict[int, tuple[uuid.UUID, dict[dt.date, tuple[str, str]]]] = {}


def calendar_cache_clear() -> None:
    """Forget every cached year (services call it after a change; stamps make it optional)."""
    _YEAR_CACHE.clear()
    _SHARED_STAMPS.clear()


def year_missing(year: int) -> ValidationFailed:
    return ValidationFailed(
        _(
            "%(year)s年的工作日历尚无数据（法定节假日与调休安排未录入），无法计算期限。请系统管理员先录入该年度日历。"
        )
        % {"year": year},
        code="CALENDAR_YEAR_MISSING",
        rule="WD-1",
        details={"year": year},
    )


#: the years' stamps, read once while ``calendar_memo`` is active (one step of the case flow)
_STAMPS_MEMO: ContextVar[dict[int, uuid.UUID] | None] = ContextVar("calendar_memo", default=None)
_UNREAD: dict[int, uuid.UUID] = {}


@contextmanager
def calendar_memo() -> Iterator[None]:
    """Within one step's transaction, every ``CalendarView`` shares one read of the years' stamps:
    a step's guards and deadlines build several views, and nothing in a step changes the calendar.
    Nested uses share the outer memo; it ends with the block."""
    if _STAMPS_MEMO.get() is not None:
        yield
        return
    token = _STAMPS_MEMO.set(_UNREAD)
    revision = _REVISION.set(None)
    try:
        yield
    finally:
        _REVISION.reset(revision)
        _STAMPS_MEMO.reset(token)


#: the ``calendar`` revision token (``core.Revision``) the current step read in its own statement
_REVISION: ContextVar[int | None] = ContextVar("calendar_revision", default=None)
#: (database, token) → the years' stamps, shared by the steps of this process: valid while the
#: token a step reads is the one they were read under
_SHARED_STAMPS: dict[tuple[str, str, int], dict[int, uuid.UUID]] = {}


def calendar_revision_seen(token: int | None) -> None:
    """Inside ``calendar_memo``: the ``calendar`` revision token as the step read it in its own
    statement (the case flow reads it with the row lock). Database triggers give it a new random
    value in the transaction of every write to the calendar's years (where the stamps are), so the
    stamps read under one token are what the table held then — and the step takes them from the
    steps before it instead of reading them again (a third of the case flow's steps count days).
    ``None`` (no token row: a flushed database) reads as before."""
    if _STAMPS_MEMO.get() is not None:
        _REVISION.set(token)


#: the year stamps (read by most case steps): compiled once per thread
_STAMPS = Precompiled(lambda: CalendarYear.objects.values_list("year", "stamp").order_by())


def _stamps() -> dict[int, uuid.UUID]:
    memo = _STAMPS_MEMO.get()
    if memo is not None and memo is not _UNREAD:
        return memo
    revision = _REVISION.get() if memo is _UNREAD else None
    key = (connection.alias, connection.settings_dict["NAME"], revision) if revision is not None else None
    stamps = _SHARED_STAMPS.get(key) if key is not None else None
    if stamps is None:
        stamps = dict(_STAMPS.all())
        if key is not None:
            _SHARED_STAMPS.clear()  # a new token: the stamps kept under the old ones are stale
            _SHARED_STAMPS[key] = stamps
    if memo is _UNREAD:
        _STAMPS_MEMO.set(stamps)
    return stamps


class CalendarView:
    """One consistent view of the calendar for one computation."""

    def __init__(self) -> None:
        self._stamps: dict[int, uuid.UUID] = _stamps()
        self._tables: dict[int, dict[dt.date, tuple[str, str]]] = {}

    @property
    def years(self) -> list[int]:
        return sorted(self._stamps)

    def table(self, year: int) -> dict[dt.date, tuple[str, str]]:
        table = self._tables.get(year)
        if table is not None:
            return table
        stamp = self._stamps.get(year)
        if stamp is None:
            raise year_missing(year)
        cached = _YEAR_CACHE.get(year)
        if cached is not None and cached[0] == stamp:
            table = cached[1]
        else:
            rows = Day.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
            table = {d: (k, n) for d, k, n in rows.values_list("date", "kind", "holiday_name")}
            _YEAR_CACHE[year] = (stamp, table)
        self._tables[year] = table
        return table

    def info(self, day: dt.date) -> tuple[str, str]:
        try:
            return self.table(day.year)[day]
        except KeyError:
            # A covered year always has all its days; a gap is treated as no data.
            raise year_missing(day.year) from None

    def is_working(self, day: dt.date) -> bool:
        return self.info(day)[0] in _WORKING


def _view_covering(*days: dt.date) -> CalendarView:
    """A view that has checked the given days' years are covered (so even a zero-length
    period from a date in an uncovered year fails closed)."""
    view = CalendarView()
    for day in days:
        view.info(day)
    return view


class ProvisionalCalendar:
    """``is_working`` for deadlines that must not wait for next year's holiday schedule.

    A covered year is read as it is; a year with no data is counted with weekends only, and the
    year is remembered in ``missing`` so the caller marks the result provisional ("按周末推算") and
    recomputes it when the year is defined. WD-1 still never guesses a holiday: a provisional date
    is shown as such, and final only once the State Council's schedule is entered."""

    def __init__(self) -> None:
        self.view = CalendarView()
        self.missing: set[int] = set()

    def __call__(self, day: dt.date) -> bool:
        if day.year not in self.view._stamps:
            self.missing.add(day.year)
            return day.weekday() < 5
        return self.view.is_working(day)

    @property
    def provisional(self) -> bool:
        return bool(self.missing)


def year_covered(year: int) -> bool:
    return CalendarYear.objects.filter(year=year).exists()


def is_working_day(day: dt.date) -> bool:
    """WD-1: whether ``day`` is a working day (工作日 or 调休上班日)."""
    return CalendarView().is_working(day)


def day_kind(day: dt.date) -> tuple[str, str]:
    """``(kind, holiday_name)`` of ``day`` (kinds as ``Day.Kind``)."""
    return CalendarView().info(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """WD-1 (APL Art. 85, ACL Art. 69): the N-th working day after ``start`` (start not counted)."""
    return rules.add_working_days(start, n, _view_covering(start).is_working)[0]


def working_days_between(a: dt.date, b: dt.date) -> int:
    """WD-1: working days after ``a`` up to and including ``b`` (negative when ``b < a``)."""
    return rules.working_days_between(a, b, _view_covering(a, b).is_working)


def add_calendar_days(start: dt.date, n: int) -> dt.date:
    """WD-3: ``start + n`` days, rolled forward to the next working day if it is not one."""
    return rules.add_calendar_days(start, n, _view_covering(start).is_working)[0]


def deadline(start: dt.date, working_days: int | None = None, days: int | None = None) -> rules.Deadline:
    """A period of ``working_days`` (WD-1) or calendar ``days`` (WD-3) after ``start``."""
    if (working_days is None) == (days is None):
        raise ValidationFailed(
            _("须且只能指定工作日数或自然日数之一。"),
            code="CALENDAR_PARAM_INVALID",
            details={"param": "working_days"},
        )
    if (working_days or 0) < 0 or (days or 0) < 0:
        raise ValidationFailed(_("期限天数不能为负数。"), code="CALENDAR_PARAM_INVALID")
    return rules.deadline(start, _view_covering(start).is_working, working_days=working_days, days=days)


def calendar_years() -> list[CalendarYear]:
    """Covered years, oldest first."""
    return list(CalendarYear.objects.order_by("year"))


def calendar_special_days(year: int) -> list[Day]:
    """The year's 法定节假日 and 调休上班日 (not ordinary weekends), in date order."""
    if not CalendarYear.objects.filter(year=year).exists():
        raise year_missing(year)
    return list(
        Day.objects.filter(
            date__gte=dt.date(year, 1, 1),
            date__lte=dt.date(year, 12, 31),
            kind__in=[Day.Kind.HOLIDAY, Day.Kind.MAKEUP],
        ).order_by("date")
    )


def first_working_day_of_december(year: int) -> dt.date:
    """The first working day of December ``year`` (weekdays when the year is not covered)."""
    w = ProvisionalCalendar()
    day = dt.date(year, 12, 1)
    while not w(day):
        day += dt.timedelta(days=1)
    return day


def next_year_missing(today: dt.date) -> int | None:
    """From the first working day of December, the next year when its schedule is not entered
    (the State Council publishes it around then): administrators are told (issue 8)."""
    nxt = today.year + 1
    if today < first_working_day_of_december(today.year) or year_covered(nxt):
        return None
    return nxt
