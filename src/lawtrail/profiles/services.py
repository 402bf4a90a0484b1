"""Writes to rule profiles, each journaled in its own transaction.

Who may write (``profiles.manage``): the national profile needs a global grant (or a
superuser); a division's profile a grant covering that division; an agency's profile a
grant covering that agency (its 单位管理员 included). ``actor=None`` is the system
(``profiles_seed``).

Dates (decided for LawTrail, see docs/rule-profiles.md): a value normally takes effect
today or later. Back-dating (``effective_from`` before today) is refused unless
``allow_backdate=True`` is passed by an administrator whose grant covers the profile's
division (not an agency-level admin) together with a note citing the document — it
corrects the record of a rule already in force. A value already in force is never
overwritten: a new value is entered with its own effective date; a value not yet in
force (future date) may be replaced. Steps already taken keep their own dates, and
rules resolve values on those dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.core.permissions import Perm
from lawtrail.profiles.journal_actions import ProfileJournal
from lawtrail.registry.models import Agency, Division
from lawtrail.registry.selectors import user_covers_division, user_has_perm

from . import rules
from .models import Profile, ProfileValue


def _may_manage(actor: Any, profile: Profile) -> bool:
    if profile.level == Profile.Level.AGENCY:
        return user_has_perm(actor, Perm.PROFILE_MANAGE, profile.agency)
    return user_covers_division(actor, Perm.PROFILE_MANAGE, profile.division)


def _may_backdate(actor: Any, profile: Profile) -> bool:
    division = profile.agency.division if profile.level == Profile.Level.AGENCY else profile.division
    return user_covers_division(actor, Perm.PROFILE_MANAGE, division)


def _deny() -> PermissionDenied:
    return PermissionDenied(_("您没有修改该规则配置的权限。"), code="PERMISSION_DENIED")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def profile_ensure(
    *, actor: Any, level: str, division: Division | None = None, agency: Agency | None = None, note: str = ""
) -> Profile:
    """The profile of a level (national / a division / an agency), created if missing."""
    if level == Profile.Level.NATIONAL:
        lookup: dict[str, Any] = {"level": level}
    elif level == Profile.Level.DIVISION and division is not None and agency is None:
        lookup = {"level": level, "division": division}
    elif level == Profile.Level.AGENCY and agency is not None and division is None:
        lookup = {"level": level, "agency": agency}
    else:
        raise ValidationFailed(_("规则配置的层级与所属区划或单位不一致。"), code="PROFILE_LEVEL_INVALID")
    existing = Profile.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    profile = Profile(note=note, **lookup)
    if not _may_manage(actor, profile):
        raise _deny()
    profile.full_clean()
    profile.save()
    journal_append(actor=actor, action=ProfileJournal.PROFILE_CREATE, subject=profile)
    return profile


@transaction.atomic
def profile_value_set(
    *,
    actor: Any,
    profile: Profile,
    key: str,
    value: Any,
    effective_from: dt.date,
    note: str = "",
    allow_backdate: bool = False,
) -> ProfileValue:
    """Set ``key`` in ``profile`` from ``effective_from`` on (journaled ``profiles:value:set``).

    Refusals: PERMISSION_DENIED; PROFILE_KEY_UNKNOWN; PROFILE_VALUE_INVALID (type or
    bounds); PROFILE_BACKDATE_REFUSED / PROFILE_NOTE_REQUIRED (a date before today, see
    the module docstring); PROFILE_VALUE_IN_FORCE (a value already in force on that date).
    """
    if not _may_manage(actor, profile):
        raise _deny()
    spec = rules.key_get(key)
    stored = rules.validate_value(spec, value)
    if not isinstance(effective_from, dt.date) or isinstance(effective_from, dt.datetime):
        raise ValidationFailed(_("生效日期须为日期。"), code="PROFILE_DATE_INVALID")
    note = (note or "").strip()
    today = timezone.localdate()
    if effective_from < today and actor is not None:
        if not allow_backdate or not _may_backdate(actor, profile):
            raise ValidationFailed(
                _("生效日期不能早于今天；更正已施行的规定须由区划管理员选择“追溯录入”并注明依据。"),
                code="PROFILE_BACKDATE_REFUSED",
            )
        if not note:
            raise ValidationFailed(_("追溯录入须注明依据文件。"), code="PROFILE_NOTE_REQUIRED")

    row = (
        ProfileValue.objects.select_for_update()
        .filter(profile=profile, key=key, effective_from=effective_from)
        .first()
    )
    before = None
    if row is not None:
        if effective_from <= today:
            raise Conflict(
                _("该配置项在 %(d)s 已有生效的值，不能覆盖；请以新的生效日期录入。") % {"d": effective_from},
                code="PROFILE_VALUE_IN_FORCE",
            )
        before = journal_snapshot(row)
        row.value, row.note, row.created_by = stored, note, _user(actor)
        row.save(update_fields=["value", "note", "created_by"])
    else:
        row = ProfileValue.objects.create(
            profile=profile,
            key=key,
            value=stored,
            effective_from=effective_from,
            note=note,
            created_by=_user(actor),
        )
    journal_append(
        actor=actor,
        action=ProfileJournal.VALUE_SET,
        subject=row,
        before=before,
        note=f"{key}@{effective_from}",
    )
    return row
