"""Reads of rule profiles. ``profile_value`` is THE accessor every rule uses.

Rule profiles are regulation, not personal data: resolving a value needs no actor
(rules call it with the case's agency). The pages and the API that *show* profiles check
that the reader is a staff user (``profiles.view``) before calling these.

Each resolution is one query (the chain's candidate rows), plus at most one for the
agency's division when it is not loaded.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.registry.models import Agency, Division

from . import rules
from .keys import KEYS
from .models import Profile, ProfileValue

_DIVISION_LEVEL_LABEL = {
    Division.Level.PROVINCE: "省",
    Division.Level.CITY: "市",
    Division.Level.COUNTY: "县",
    Division.Level.TOWNSHIP: "乡镇",
}


@dataclasses.dataclass(frozen=True)
class Resolution:
    """A key's value in force for an agency on a date, and where it comes from."""

    key: str
    label: str
    unit: str
    value: Any
    level: str  # national | division | agency | builtin
    level_label: str  # 国家默认 / 省 / 市 / 县 / 乡镇 / 本单位 / 内置默认值
    source_name: str  # 国家 / the division's or agency's name
    effective_from: dt.date | None
    note: str
    profile_id: int | None
    value_id: int | None


def _codes_nearest_first(agency: Agency | None) -> list[str]:
    if agency is None:
        return []
    return [c for c in agency.division.path.split("/") if c][::-1]


def _candidate_rows(agency: Agency | None, keys: list[str], on: dt.date) -> QuerySet[ProfileValue]:
    chain = Q(profile__level=Profile.Level.NATIONAL)
    if agency is not None:
        chain |= Q(profile__division__code__in=_codes_nearest_first(agency)) | Q(profile__agency_id=agency.pk)
    return (
        ProfileValue.objects.filter(chain, key__in=keys, effective_from__lte=on)
        .select_related("profile__division", "profile__agency")
        .order_by()
    )


def _rank(level: str, division_code: str | None, codes: list[str]) -> int:
    """How near a profile is to the agency: 0 its own, then its division and each ancestor, then
    the national one (``codes``: the agency's division codes, nearest first)."""
    if level == Profile.Level.AGENCY:
        return 0
    if level == Profile.Level.DIVISION:
        return 1 + codes.index(division_code)
    return 1 + len(codes)


def _resolution(name: str, chosen: rules.Candidate | None) -> Resolution:
    key = rules.key_get(name)
    if chosen is None:
        # No row at all (profiles_seed not run, or a date before the national defaults):
        # the registry's own default, said plainly.
        return Resolution(
            key=name,
            label=key.label,
            unit=key.unit,
            value=rules.to_python(key, rules.validate_value(key, key.default)),
            level="builtin",
            level_label=_("内置默认值"),
            source_name=_("系统内置（未入库）"),
            effective_from=None,
            note=key.description,
            profile_id=None,
            value_id=None,
        )
    row: ProfileValue = chosen.ref
    profile = row.profile
    if profile.level == Profile.Level.AGENCY:
        level_label, source_name = _("本单位"), profile.agency.name
    elif profile.level == Profile.Level.DIVISION:
        level_label = _DIVISION_LEVEL_LABEL.get(profile.division.level, profile.division.level)
        source_name = profile.division.name
    else:
        level_label, source_name = _("国家默认"), _("国家")
    return Resolution(
        key=name,
        label=key.label,
        unit=key.unit,
        value=rules.to_python(key, row.value),
        level=profile.level,
        level_label=level_label,
        source_name=source_name,
        effective_from=row.effective_from,
        note=row.note,
        profile_id=profile.pk,
        value_id=row.pk,
    )


def profile_explain_many(
    agency: Agency | None, keys: list[str], on: dt.date | None = None
) -> list[Resolution]:
    """``profile_explain`` for several keys in one query (in the order given)."""
    on = on or timezone.localdate()
    for name in keys:
        rules.key_get(name)
    codes = _codes_nearest_first(agency)
    by_key: dict[str, list[rules.Candidate]] = {name: [] for name in keys}
    for row in _candidate_rows(agency, keys, on):
        rank = _rank(row.profile.level, row.profile.division.code if row.profile.division else None, codes)
        by_key[row.key].append(rules.Candidate(rank, row.effective_from, row.value, row))
    return [_resolution(name, rules.resolve(by_key[name], on)) for name in keys]


def profile_explain(agency: Agency | None, key: str, on: dt.date | None = None) -> Resolution:
    """The value of ``key`` in force for ``agency`` on ``on`` (default today) and its origin.

    ``agency=None`` resolves the national defaults only.
    """
    return profile_explain_many(agency, [key], on)[0]


#: (agency id, date) → {key: value} of every registered key, while ``profile_memo`` is active
#: (one case step)
_MEMO: ContextVar[dict[tuple[int | None, dt.date], dict[str, Any]] | None] = ContextVar(
    "profile_memo", default=None
)


def profile_values_all(agency: Agency | None, on: dt.date | None = None) -> dict[str, Any]:
    """Every registered key's value in force for ``agency`` on ``on``, in one query that builds no
    model instance — what ``profile_memo`` reads on its first miss. Resolved as ``profile_explain``
    resolves one key (nearest level, then the latest ``effective_from``)."""
    on = on or timezone.localdate()
    codes = _codes_nearest_first(agency)
    rows = _candidate_rows(agency, list(KEYS), on).values_list(
        "key", "value", "effective_from", "profile__level", "profile__division__code"
    )
    by_key: dict[str, list[rules.Candidate]] = {name: [] for name in KEYS}
    for key, value, effective_from, level, division_code in rows:
        by_key[key].append(rules.Candidate(_rank(level, division_code, codes), effective_from, value))
    values: dict[str, Any] = {}
    for name, candidates in by_key.items():
        chosen = rules.resolve(candidates, on)
        values[name] = (
            _resolution(name, None).value
            if chosen is None
            else rules.to_python(rules.key_get(name), chosen.value)
        )
    return values


#: the ``profiles`` revision token (``core.Revision``) the current step read with its row lock
_REVISION: ContextVar[int | None] = ContextVar("profile_revision", default=None)
#: (database, token, agency id, its division codes, date) → {key: value}, shared by the steps of
#: this process: valid while the token read by a step is the one it was filled under
_SHARED: dict[tuple[Any, ...], dict[str, Any]] = {}
_SHARED_MAX = 512


def profile_revision_seen(token: int | None) -> None:
    """Inside ``profile_memo``: the ``profiles`` revision token as the step read it in its own
    statement (the case flow reads it with the row lock). Database triggers give it a new random
    value in the transaction of every write to the rule profiles, so the values resolved under
    one token are what the tables held then — and the step may take them from the steps before
    it instead of reading them again. ``None`` (no token row: a flushed database) reads as before."""
    if _MEMO.get() is not None:
        _REVISION.set(token)


@contextmanager
def profile_memo() -> Iterator[None]:
    """Within one case step's transaction, the rule profile of each (agency, date) is read once,
    every key in one query (``profile_values_all``): the guards, the hooks and the documents they
    draft ask for many keys, some many times (a decision's approval read ``documents.catalogue``
    and the division names ~10 times each), and nothing in a step writes rule profiles. Nested
    uses share the outer memo; it ends with the block."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    revision = _REVISION.set(None)
    try:
        yield
    finally:
        _REVISION.reset(revision)
        _MEMO.reset(token)


def profile_value(agency: Agency | None, key: str, on: dt.date | None = None) -> Any:
    """The value of ``key`` in force for ``agency`` on ``on`` (default today).

    Nearest level that sets it wins (agency → its division and ancestors → national);
    within a level, the latest ``effective_from`` on or before ``on``. Unknown key →
    ``ValidationFailed(PROFILE_KEY_UNKNOWN)``. Decimal keys come back as ``Decimal``.
    Inside ``profile_memo`` a value already read is not read again (a copy: callers may change it).
    """
    memo = _MEMO.get()
    if memo is None:
        return profile_explain(agency, key, on).value
    on = on or timezone.localdate()
    k = (agency.pk if agency is not None else None, on)
    if k not in memo:
        memo[k] = _values_all_shared(agency, on)
    values = memo[k]
    if key not in values:
        rules.key_get(key)  # an unknown key: PROFILE_KEY_UNKNOWN
        values[key] = profile_explain(agency, key, on).value  # registered after the memo was read
    value = values[key]
    return copy.deepcopy(value) if isinstance(value, dict | list) else value


def _values_all_shared(agency: Agency | None, on: dt.date) -> dict[str, Any]:
    """``profile_values_all``, or what it gave a step before under the same revision token."""
    revision = _REVISION.get()
    if revision is None:
        return profile_values_all(agency, on)
    k = (
        connection.alias,
        connection.settings_dict["NAME"],
        revision,
        agency.pk if agency is not None else None,
        tuple(_codes_nearest_first(agency)),
        on,
    )
    values = _SHARED.get(k)
    if values is None:
        values = profile_values_all(agency, on)
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        _SHARED[k] = values
    return values


def profile_effective_table(agency: Agency | None, on: dt.date | None = None) -> list[Resolution]:
    """Every registered key with its value in force and origin (one query)."""
    return profile_explain_many(agency, sorted(KEYS), on)


def profile_list() -> QuerySet[Profile]:
    return Profile.objects.select_related("division", "agency").order_by(
        "level", "division__code", "agency__name"
    )


def profile_values_of(profile: Profile) -> QuerySet[ProfileValue]:
    return profile.values.select_related("created_by").order_by("key", "-effective_from")
