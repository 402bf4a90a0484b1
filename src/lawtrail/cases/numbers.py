"""Case numbers (案号): gapless per agency, year and kind, in GB/T 9704 form."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lawtrail.core.errors import Conflict
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.models import Agency

from .models import CaseNumberCounter


def case_number_next(*, agency: Agency, year: int, kind: str = "case") -> int:
    """The next number for the agency and year, without gaps or duplicates: the counter row is
    locked until the caller's transaction ends (a rollback gives the number back)."""
    for _attempt in range(3):
        counter = (
            CaseNumberCounter.objects.select_for_update().filter(agency=agency, year=year, kind=kind).first()
        )
        if counter is None:
            try:
                with transaction.atomic():
                    CaseNumberCounter.objects.create(agency=agency, year=year, kind=kind, last=0)
            except IntegrityError:
                pass  # created by a concurrent transaction: lock it on the next pass
            continue
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last
    raise Conflict(_("案号分配冲突，请重试。"), code="CASE_NUMBER_CONFLICT")


def case_number_format(agency: Agency, year: int, seq: int, on: dt.date) -> str:
    """GB/T 9704 style: 机关代字〔年份〕序号号 — full year, no 第, no leading zeros."""
    pattern = profile_value(agency, "case.number_pattern", on=on)
    return pattern.format(short=agency.short_name or agency.name, year=year, seq=seq)
