"""Where a refusal can be fixed: an app names, for an error code, the place on its pages (an
anchor of the page showing the refusal, or an address) and the words of the link ("添加协办人员").
Pages show the link under the message (``{{ error|refusal_fix }}``, template library ``lawtrail``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fix:
    label: Any  # lazy Chinese text
    href: str  # "#anchor" on the page showing the refusal


_FIXES: dict[str, Fix] = {}


def register_fix(code: str, label: Any, href: str) -> None:
    _FIXES[code] = Fix(label=label, href=href)


def fix_for(code: str) -> Fix | None:
    return _FIXES.get(code)
