"""The working-day calendar (WD-1, WD-2): one row per date of every covered year.

A ``CalendarYear`` row marks a year as complete; a year without one has no data and
every computation touching it fails closed (``CALENDAR_YEAR_MISSING``), never guessed.
Rows are written only by ``services.py`` (seed from ``chinese-calendar`` or an admin's
definition), which also renews the year's ``stamp`` so process caches notice the change.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    PACKAGE = "chinese_calendar", _("chinese-calendar 数据包")
    ADMIN = "admin", _("管理员")


class CalendarYear(models.Model):
    """A year whose every date is in ``Day`` (the year is covered)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    source = models.CharField(_("来源"), max_length=24, choices=Source.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # Renewed on every change of the year's days: the in-process cache keys on it, so a
    # change made by another process (or rolled back in a test) is never served stale.
    stamp = models.UUIDField(default=uuid.uuid4, editable=False)
    defined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}"


class Day(models.Model):
    """One date: 工作日 / 休息日（周末） / 法定节假日 / 调休上班日."""

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("工作日")
        WEEKEND = "weekend", _("休息日（周末）")
        HOLIDAY = "holiday", _("法定节假日")
        MAKEUP = "makeup", _("调休上班日")

    WORKING_KINDS = frozenset({Kind.WORKDAY, Kind.MAKEUP})

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    holiday_name = models.CharField(_("节日名称"), max_length=64, blank=True)
    source = models.CharField(_("来源"), max_length=24, choices=Source.choices)

    class Meta:
        verbose_name = _("日历日")
        verbose_name_plural = _("日历日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    @property
    def is_working(self) -> bool:
        return self.kind in self.WORKING_KINDS

    def clean(self) -> None:
        weekend = self.date is not None and self.date.weekday() >= 5
        if self.kind == self.Kind.WORKDAY and weekend:
            raise ValidationError({"kind": _("周六、周日只能是休息日、法定节假日或调休上班日。")})
        if self.kind in (self.Kind.WEEKEND, self.Kind.MAKEUP) and self.date is not None and not weekend:
            raise ValidationError({"kind": _("休息日（周末）与调休上班日只能是周六或周日。")})
