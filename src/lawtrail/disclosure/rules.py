"""The law of public disclosure, as pure functions (no database, no request).

Each names its RULES.md ID; numbers come from rule-profile keys, passed in by the caller.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .models import Kind, PartyKind

#: APL-48: the ways a published decision may be changed that oblige withdrawal or a public note.
CHANGE_KINDS: dict[str, str] = {
    "changed": "变更",
    "revoked": "撤销",
    "illegal": "确认违法",
    "invalid": "确认无效",
}
#: penalty kinds whose record stays up for the shorter period (警告、通报批评)
LIGHT_PENALTIES = frozenset({"warning", "criticism"})


def deadline_key(kind: str) -> str:
    """G118-6 §(六): 行政许可、行政处罚 within 7 working days of the decision, other decisions
    within 20 — the profile key holding the number of working days for ``kind``."""
    if kind in (Kind.PENALTY, Kind.LICENCE):
        return "disclosure.deadline.penalty_licence"
    return "disclosure.deadline.general"


def kind_of(outcome: str) -> str:
    """APL-57 outcome → disclosure kind (G118-6): a penalty is 处罚; 不予处罚 and the rest are other decisions."""
    return Kind.PENALTY if outcome == "penalty" else Kind.OTHER


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def birth_from_id(id_number: str) -> dt.date | None:
    """The birth date in an 18-digit 公民身份号码 (GB 11643: digits 7–14), or None."""
    if len(id_number or "") == 18 and id_number[6:14].isdigit():
        try:
            return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        except ValueError:
            return None
    return None


def is_minor(*, birth: dt.date | None, id_number: str, on: dt.date, minor_age: int) -> bool:
    """RULES.md "Removing personal information" (NMG Art. 11; PIPL Art. 28): a party under
    ``minor_age`` (profile ``disclosure.minor_age``) on the decision date — the case is withheld.
    The birth date comes from the party's record, or else from the ID number."""
    birth = birth or birth_from_id(id_number)
    return birth is not None and age_on(birth, on) < minor_age


def retention_key(*, party_kind: str, penalty_kinds: list[str] | tuple[str, ...]) -> str:
    """G118-6: how long a record stays public — warnings and 通报批评 the shortest, then persons,
    then the rest (profile keys ``disclosure.retention.*``, in months)."""
    if penalty_kinds and set(penalty_kinds) <= LIGHT_PENALTIES:
        return "disclosure.retention.warning"
    if party_kind == PartyKind.PERSON:
        return "disclosure.retention.person"
    return "disclosure.retention.other"


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def overdue(due_on: dt.date | None, today: dt.date, done: bool) -> bool:
    """G118-6 / APL-48: a publication or withdrawal not done by its due date is overdue."""
    return due_on is not None and not done and today > due_on


def published_name(name: str, *, party_kind: str, person_name: str, mask) -> str:
    """G118-6: organisations by name; adults by name or surname only (profile ``disclosure.person_name``)."""
    if party_kind == PartyKind.PERSON and person_name == "surname":
        return mask(name)
    return name


def penalty_text(labels: list[str], fine: Decimal | None) -> str:
    parts = []
    for label in labels:
        if label == "罚款" and fine:
            parts.append(f"罚款人民币{fine:,.2f}元")
        else:
            parts.append(label)
    return "；".join(parts)
