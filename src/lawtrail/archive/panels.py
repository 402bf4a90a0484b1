"""What the case file shows on the case page (``lawtrail.cases.extensions``): the 案卷档案包
section — state, archive number, digests, download, and who downloaded it (查阅留痕)."""

from __future__ import annotations

from typing import Any

from lawtrail.cases import extensions
from lawtrail.cases.models import State

from . import consumers, selectors

APP = "archive"


def _section(request: Any, case: Any) -> dict[str, Any] | None:
    package = selectors.package_of(case)
    if package is None and case.state != State.ARCHIVED:
        return None
    return {
        "case": case,
        "package": package,
        "accesses": selectors.accesses_of(package, limit=10) if package is not None else [],
    }


def register() -> None:
    consumers.register()
    extensions.page_panel(
        app=APP, slot="sections", template="archive/_case_archive.html", context=_section, order=200
    )
