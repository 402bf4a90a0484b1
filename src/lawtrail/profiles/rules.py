"""Pure rules of rule profiles: value validation against a key's type, and resolution of
the chain (ARCHITECTURE.md "Rule profiles"). No database.

Resolution: for a key and a date, the value in force is the one with the latest
``effective_from`` on or before the date at the nearest level that sets one — the agency,
then its division and each ancestor division up to the province, then the national
defaults. Each level overrides only what it sets.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from lawtrail.core.errors import ValidationFailed

from .keys import KEYS, ProfileKey


def key_get(name: str) -> ProfileKey:
    """The registered key ``name``; unknown → ``PROFILE_KEY_UNKNOWN``."""
    try:
        return KEYS[name]
    except KeyError:
        raise ValidationFailed(
            _("未知的规则配置项：%(key)s。") % {"key": name},
            code="PROFILE_KEY_UNKNOWN",
            details={"key": name},
        ) from None


def _invalid(key: ProfileKey, why: str) -> ValidationFailed:
    return ValidationFailed(
        _("配置项“%(label)s”（%(key)s）的值无效：%(why)s。")
        % {"label": key.label, "key": key.name, "why": why},
        code="PROFILE_VALUE_INVALID",
        details={"key": key.name, "type": key.type},
    )


def validate_value(key: ProfileKey, value: Any) -> Any:
    """Check ``value`` against ``key``'s type and bounds; return its stored (JSON) form.

    int: an int (or a string of digits); decimal: a number or numeric string, stored as a
    string; bool: True/False; str: non-empty text; list: a list of non-empty strings;
    json: an object or array, checked by the key's own validator when it has one.
    """
    if key.type == "int":
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(key, _("须为整数"))
        _check_bounds(key, value)
        return value
    if key.type == "decimal":
        if isinstance(value, bool) or not isinstance(value, int | float | str | decimal.Decimal):
            raise _invalid(key, _("须为数字"))
        try:
            number = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            raise _invalid(key, _("须为数字")) from None
        if not number.is_finite():
            raise _invalid(key, _("须为有限数字"))
        _check_bounds(key, number)
        return format(number.normalize(), "f")
    if key.type == "bool":
        if not isinstance(value, bool):
            raise _invalid(key, _("须为是/否"))
        return value
    if key.type == "str":
        if not isinstance(value, str) or not value.strip():
            raise _invalid(key, _("须为非空文本"))
        return value.strip()
    if key.type == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise _invalid(key, _("须为文本列表"))
        return [v.strip() for v in value]
    # json
    if not isinstance(value, dict | list):
        raise _invalid(key, _("须为对象或数组"))
    if key.validator is not None:
        why = key.validator(value)
        if why:
            raise _invalid(key, why)
    return value


def _check_bounds(key: ProfileKey, number: int | decimal.Decimal) -> None:
    if key.min_value is not None and number < key.min_value:
        raise _invalid(key, _("不得小于 %(n)s") % {"n": key.min_value})
    if key.max_value is not None and number > key.max_value:
        raise _invalid(key, _("不得大于 %(n)s") % {"n": key.max_value})


def to_python(key: ProfileKey, stored: Any) -> Any:
    """The stored JSON form as the value rules use (decimal → ``Decimal``)."""
    if key.type == "decimal":
        return decimal.Decimal(str(stored))
    return stored


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One stored value that could apply: ``rank`` 0 = nearest level (the agency)."""

    rank: int
    effective_from: dt.date
    value: Any
    ref: Any = None  # whatever the caller needs back (the row)


def resolve(candidates: Iterable[Candidate], on: dt.date) -> Candidate | None:
    """The value in force on ``on``: nearest level first, then the latest effective date.

    Values whose ``effective_from`` is after ``on`` are not yet in force and are ignored.
    """
    best: Candidate | None = None
    for c in candidates:
        if c.effective_from > on:
            continue
        if best is None or (c.rank, -c.effective_from.toordinal()) < (
            best.rank,
            -best.effective_from.toordinal(),
        ):
            best = c
    return best
