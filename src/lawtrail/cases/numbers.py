"""Case numbers (案号) and the numbers of the papers a case issues (处罚决定书文号, 档号, and those
the legal-documents capability adds): gapless per agency, kind and year, in GB/T 9704 form."""

from __future__ import annotations

import datetime as dt
import sqlite3

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from lawtrail.core.errors import Conflict
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.models import Agency

from .models import CaseNumberCounter


def case_number_next(*, agency: Agency, year: int, kind: str = "case") -> int:
    """The next number for the agency and year, without gaps or duplicates: the counter row is
    locked until the caller's transaction ends (a rollback gives the number back)."""
    for _attempt in range(3):
        if _update_returning():
            # one statement where there were two (SELECT … FOR UPDATE, then UPDATE): the UPDATE
            # locks the row until the transaction ends as the SELECT did, and a concurrent one,
            # waiting on the lock, adds one to the number the first wrote
            with connection.cursor() as cursor:
                cursor.execute(_next_sql(), [agency.pk, year, kind])
                row = cursor.fetchone()
            if row is not None:
                return row[0]
        else:
            counter = (
                CaseNumberCounter.objects.select_for_update()
                .filter(agency=agency, year=year, kind=kind)
                .first()
            )
            if counter is not None:
                counter.last += 1
                counter.save(update_fields=["last"])
                return counter.last
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(agency=agency, year=year, kind=kind, last=0)
        except IntegrityError:
            pass  # created by a concurrent transaction: lock it on the next pass
    raise Conflict(_("案号分配冲突，请重试。"), code="CASE_NUMBER_CONFLICT")


def _update_returning() -> bool:
    """Whether the database takes ``UPDATE … RETURNING``: PostgreSQL, SQLite from 3.35."""
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)


#: the counter's ``UPDATE … RETURNING``, per vendor: built once (it never changes)
_NEXT_SQL: dict[str, str] = {}


def _next_sql() -> str:
    sql = _NEXT_SQL.get(connection.vendor)
    if sql is None:
        qn = connection.ops.quote_name
        meta = CaseNumberCounter._meta
        last = qn(meta.get_field("last").column)
        where = " AND ".join(f"{qn(meta.get_field(name).column)} = %s" for name in ("agency", "year", "kind"))
        sql = _NEXT_SQL[connection.vendor] = (
            f"UPDATE {qn(meta.db_table)} SET {last} = {last} + 1 WHERE {where} RETURNING {last}"
        )
    return sql


def case_number_format(agency: Agency, year: int, seq: int, on: dt.date) -> str:
    """GB/T 9704 style: 机关代字〔年份〕序号号 — full year, no 第, no leading zeros."""
    pattern = profile_value(agency, "case.number_pattern", on=on)
    return pattern.format(short=agency.short_name or agency.name, year=year, seq=seq)


def document_number_issue(
    *, agency: Agency, kind: str, on: dt.date, pattern_key: str
) -> tuple[int, int, str]:
    """A paper's number (文号 / 档号): the next of ``kind`` for the agency in ``on``'s year, gapless
    and unique under concurrency (the counter row stays locked until the caller's transaction
    ends; a rollback gives the number back), formatted by the profile pattern ``pattern_key``
    in force on ``on`` (GB/T 9704: 〔full year〕, no 第, no leading zeros — unless the pattern
    asks for them, as a DA/T 22 档号 does). Returns ``(year, seq, text)``."""
    if kind == "case":
        raise ValueError("case numbers are handed out by the filing step")
    year = on.year
    seq = case_number_next(agency=agency, year=year, kind=kind)
    pattern = profile_value(agency, pattern_key, on=on)
    return year, seq, pattern.format(short=agency.short_name or agency.name, year=year, seq=seq)
