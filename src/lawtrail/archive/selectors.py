"""Reads of the case file: a case's package and its download record, scoped like the case."""

from __future__ import annotations

from typing import Any

from lawtrail.cases.selectors import case_get_for

from .models import ArchiveAccess, ArchivePackage


def package_of(case: Any) -> ArchivePackage | None:
    return ArchivePackage.objects.filter(case=case).select_related("blob", "manifest").first()


def case_for(actor: Any, case_id: int) -> Any:
    """The case, when ``actor`` may see it (else CASE_NOT_FOUND, 404): who may see the case may
    read its file."""
    return case_get_for(actor, case_id)


def accesses_of(package: ArchivePackage, *, limit: int = 20) -> list[ArchiveAccess]:
    return list(package.accesses.select_related("actor").order_by("-at", "-id")[:limit])
