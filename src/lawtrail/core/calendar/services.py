"""Writes to the working-day calendar. Each one is journaled and renews the year's stamp.

Only a global administrator (``calendar.manage`` with no division, or a superuser) may
change the calendar: it is national (WD-2). ``actor=None`` is the system (seed command).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

import chinese_calendar
from chinese_calendar import constants
from chinese_calendar.constants import Holiday
from django.db import transaction
from django.utils.translation import gettext as _

from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_append_many, journal_snapshot
from lawtrail.core.permissions import EVERYWHERE, Perm, has_perm

from . import listeners, rules
from .journal_actions import CalendarJournal
from .models import CalendarYear, Day, Source
from .selectors import calendar_cache_clear

MIN_YEAR, MAX_YEAR = 2000, 2100


def _require_manager(actor: Any) -> None:
    if not has_perm(actor, Perm.CALENDAR_MANAGE, EVERYWHERE):
        raise PermissionDenied(_("只有系统管理员可以维护工作日历。"), code="PERMISSION_DENIED")


def _check_year(year: int) -> None:
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("年度须为 %(lo)s–%(hi)s 之间的整数。") % {"lo": MIN_YEAR, "hi": MAX_YEAR},
            code="CALENDAR_YEAR_INVALID",
        )


def _dates_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


def package_years() -> list[int]:
    """Years the installed ``chinese-calendar`` package has data for."""

    dates = list(constants.holidays) + list(constants.workdays)
    return list(range(min(dates).year, max(dates).year + 1))


def _package_days(year: int) -> list[Day]:
    chinese_name = {h.value: h.chinese for h in Holiday}
    days = []
    for d in _dates_of(year):
        try:
            working = chinese_calendar.is_workday(d)
            _is_holiday, name = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:
            raise ValidationFailed(
                _("chinese-calendar 数据包没有%(year)s年的数据，请由管理员录入该年度日历。") % {"year": year},
                code="CALENDAR_SOURCE_MISSING",
                details={"year": year},
            ) from None
        weekend = d.weekday() >= 5
        # A named non-working date is a holiday (even on a weekend inside the holiday
        # period); a worked weekend is a 调休上班日; the rest follow the week.
        kind = rules.day_kind(
            d, holiday=(not working and (bool(name) or not weekend)), makeup=working and weekend
        )
        label = chinese_name.get(name, name or "") if kind in (rules.HOLIDAY, rules.MAKEUP) else ""
        days.append(Day(date=d, kind=kind, holiday_name=label, source=Source.PACKAGE))
    return days


@transaction.atomic
def calendar_year_seed(*, actor: Any = None, year: int) -> CalendarYear | None:
    """Load ``year`` from ``chinese-calendar`` unless it is already covered (then None)."""
    _require_manager(actor)
    _check_year(year)
    if CalendarYear.objects.filter(year=year).exists():
        return None
    days = Day.objects.bulk_create(_package_days(year))
    if any(d.pk is None for d in days):  # a backend that returns no ids from bulk inserts
        days = list(Day.objects.filter(date__year=year).order_by("date"))
    journal_append_many(actor=actor, action=CalendarJournal.DAY_SEED, subjects=days)
    cal_year = CalendarYear.objects.create(
        year=year, source=Source.PACKAGE, note=_("由 chinese-calendar 数据包导入"), defined_by=_user(actor)
    )
    moved = listeners.notify(year=year)
    journal_append(
        actor=actor, action=CalendarJournal.YEAR_SEED, subject=cal_year, note=_summary(days) + _moved(moved)
    )
    transaction.on_commit(calendar_cache_clear)
    cal_year.deadlines_moved = moved
    return cal_year


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _moved(moved: list) -> str:
    """The journal note of a calendar change: how many running deadlines followed it."""
    return f"；{len(moved)}个办案期限随之重新计算" if moved else ""


def _summary(days: Iterable[Day]) -> str:
    days = list(days)
    holidays = sum(1 for d in days if d.kind == rules.HOLIDAY)
    makeups = sum(1 for d in days if d.kind == rules.MAKEUP)
    return f"法定节假日{holidays}天，调休上班日{makeups}天"


@transaction.atomic
def calendar_year_define(
    *,
    actor: Any,
    year: int,
    holidays: Iterable[dt.date | tuple[dt.date, str]],
    makeup_workdays: Iterable[dt.date | tuple[dt.date, str]] = (),
    note: str = "",
    replace: bool = False,
) -> CalendarYear:
    """Define a whole year (WD-1, WD-2): weekends off, ``holidays`` off, ``makeup_workdays`` on.

    Items are dates or ``(date, holiday name)``. An already covered year is refused
    (``CALENDAR_YEAR_EXISTS``) unless ``replace=True``, which rewrites all its days.
    """
    _require_manager(actor)
    _check_year(year)

    def normalise(items: Iterable[dt.date | tuple[dt.date, str]]) -> dict[dt.date, str]:
        out: dict[dt.date, str] = {}
        for item in items:
            d, name = item if isinstance(item, tuple) else (item, "")
            if not isinstance(d, dt.date) or d.year != year:
                raise ValidationFailed(
                    _("日期 %(d)s 不在%(year)s年内。") % {"d": d, "year": year},
                    code="CALENDAR_DATE_OUTSIDE_YEAR",
                )
            out[d] = name or ""
        return out

    off = normalise(holidays)
    on = normalise(makeup_workdays)
    both = sorted(set(off) & set(on))
    if both:
        raise ValidationFailed(
            _("日期 %(d)s 不能既是法定节假日又是调休上班日。") % {"d": both[0]}, code="CALENDAR_DATE_CONFLICT"
        )
    weekdays = sorted(d for d in on if d.weekday() < 5)
    if weekdays:
        raise ValidationFailed(
            _("调休上班日只能是周六或周日：%(d)s 是工作日。") % {"d": weekdays[0]},
            code="CALENDAR_MAKEUP_NOT_WEEKEND",
        )

    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    if existing is not None and not replace:
        raise Conflict(
            _("%(year)s年的工作日历已存在；如需重新录入，请选择覆盖。") % {"year": year},
            code="CALENDAR_YEAR_EXISTS",
        )
    before = journal_snapshot(existing) if existing is not None else None

    days = []
    for d in _dates_of(year):
        kind = rules.day_kind(d, holiday=d in off, makeup=d in on)
        days.append(Day(date=d, kind=kind, holiday_name=off.get(d) or on.get(d) or "", source=Source.ADMIN))
    old = list(Day.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)))
    journal_append_many(
        actor=actor,
        action=CalendarJournal.DAY_REMOVE,
        subjects=old,
        befores=[journal_snapshot(d) for d in old],
        deleted=True,
    )
    Day.objects.filter(pk__in=[d.pk for d in old]).delete()
    days = Day.objects.bulk_create(days)
    if any(d.pk is None for d in days):
        days = list(Day.objects.filter(date__year=year).order_by("date"))
    journal_append_many(actor=actor, action=CalendarJournal.DAY_DEFINE, subjects=days)

    if existing is None:
        cal_year = CalendarYear.objects.create(
            year=year, source=Source.ADMIN, note=note, defined_by=_user(actor)
        )
    else:
        cal_year = existing
        cal_year.source, cal_year.note, cal_year.defined_by = Source.ADMIN, note, _user(actor)
        cal_year.stamp = uuid.uuid4()
        cal_year.save()
    moved = listeners.notify(year=year)
    journal_append(
        actor=actor,
        action=CalendarJournal.YEAR_DEFINE if before is None else CalendarJournal.YEAR_REDEFINE,
        subject=cal_year,
        before=before,
        note=_summary(days) + _moved(moved),
    )
    transaction.on_commit(calendar_cache_clear)
    cal_year.deadlines_moved = moved
    return cal_year


@transaction.atomic
def calendar_day_set(*, actor: Any, day: dt.date, kind: str, holiday_name: str = "") -> Day:
    """Correct one date of a covered year (e.g. a late change of the 调休 schedule)."""
    _require_manager(actor)
    cal_year = CalendarYear.objects.select_for_update().filter(year=day.year).first()
    if cal_year is None:
        raise ValidationFailed(
            _("%(year)s年的工作日历尚未录入，请先录入整年。") % {"year": day.year},
            code="CALENDAR_YEAR_MISSING",
        )
    if kind not in Day.Kind.values:
        raise ValidationFailed(_("日期类型无效。"), code="CALENDAR_KIND_INVALID")
    row = Day.objects.select_for_update().get(date=day)
    before = journal_snapshot(row)
    row.kind, row.holiday_name, row.source = kind, holiday_name or "", Source.ADMIN
    try:
        row.full_clean()
    except Exception as exc:  # django ValidationError → our refusal
        messages = getattr(exc, "messages", [str(exc)])
        raise ValidationFailed("；".join(messages), code="CALENDAR_KIND_INVALID") from None
    row.save()
    cal_year.stamp = uuid.uuid4()
    cal_year.save(update_fields=["stamp", "updated_at"])
    moved = listeners.notify(year=day.year)
    journal_append(
        actor=actor, action=CalendarJournal.DAY_SET, subject=row, before=before, note=_moved(moved)
    )
    transaction.on_commit(calendar_cache_clear)
    row.deadlines_moved = moved
    return row
