"""One permission enum and one role matrix (in the manner of Warehouse's authnz).

A person's abilities are the union of their role grants (``registry.RoleGrant``); each
grant is scoped — to one agency (officer, approvers, reviewer, agency admin) or to a
division and everything under it (supervisor, system admin; a system admin with no
division is global). Whether a grant *covers* a given agency is decided by the scope
selectors in ``lawtrail.registry.selectors``; this module only says which role carries
which permission.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("执法人员")
    APPROVER_1 = "approver_1", _("承办机构负责人")
    APPROVER_2 = "approver_2", _("分管领导")
    APPROVER_3 = "approver_3", _("主要负责人")
    REVIEWER = "reviewer", _("法制审核人员")
    SUPERVISOR = "supervisor", _("执法监督人员")
    AGENCY_ADMIN = "agency_admin", _("单位管理员")
    ADMIN = "admin", _("系统管理员")


#: Roles whose grant names an agency; the others name a division (or nothing: global).
AGENCY_SCOPED_ROLES = frozenset(
    {Role.OFFICER, Role.APPROVER_1, Role.APPROVER_2, Role.APPROVER_3, Role.REVIEWER, Role.AGENCY_ADMIN}
)
DIVISION_SCOPED_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


class Perm(StrEnum):
    # registry — reading
    REGISTRY_VIEW = "registry.view"  # agencies, staff public fields, credentials, catalogue
    STAFF_PRIVATE_VIEW = "registry.staff.private_view"  # contact details, masked ID number
    # registry — writing
    DIVISION_MANAGE = "registry.division.manage"
    AGENCY_MANAGE = "registry.agency.manage"
    STAFF_MANAGE = "registry.staff.manage"
    CREDENTIAL_MANAGE = "registry.credential.manage"
    ROLE_MANAGE = "registry.role.manage"
    CATALOG_MANAGE = "registry.catalog.manage"
    # rule profiles and the working-day calendar
    PROFILE_VIEW = "profiles.view"
    PROFILE_MANAGE = "profiles.manage"
    CALENDAR_MANAGE = "calendar.manage"
    # journal
    JOURNAL_VIEW = "journal.view"
    JOURNAL_CHECKPOINT = "journal.checkpoint"
    # supervision
    SUPERVISE = "supervision.view"
    # cases (网上办案)
    CASE_VIEW = "cases.view"  # read the agency's cases
    CASE_HANDLE = "cases.handle"  # register leads, investigate, propose, serve, record
    CASE_APPROVE = "cases.approve"  # act in an approval chain (which level: by role)
    CASE_REVIEW = "cases.review"  # 法制审核
    CASE_DELIBERATE = "cases.deliberate"  # chair the 负责人集体讨论
    CASE_CONFIGURE = "cases.configure"  # approval chains of the agency


_STAFF_READ = {Perm.REGISTRY_VIEW, Perm.PROFILE_VIEW}

_APPROVER = _STAFF_READ | {Perm.STAFF_PRIVATE_VIEW, Perm.CASE_VIEW, Perm.CASE_APPROVE}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.OFFICER: frozenset(_STAFF_READ | {Perm.CASE_VIEW, Perm.CASE_HANDLE}),
    Role.APPROVER_1: frozenset(_APPROVER),
    Role.APPROVER_2: frozenset(_APPROVER),
    Role.APPROVER_3: frozenset(_APPROVER | {Perm.CASE_DELIBERATE}),
    Role.REVIEWER: frozenset(_STAFF_READ | {Perm.CASE_VIEW, Perm.CASE_REVIEW}),
    Role.SUPERVISOR: frozenset(
        _STAFF_READ | {Perm.STAFF_PRIVATE_VIEW, Perm.SUPERVISE, Perm.JOURNAL_VIEW, Perm.CASE_VIEW}
    ),
    Role.AGENCY_ADMIN: frozenset(
        _STAFF_READ
        | {
            Perm.STAFF_PRIVATE_VIEW,
            Perm.STAFF_MANAGE,
            Perm.CREDENTIAL_MANAGE,
            Perm.ROLE_MANAGE,
            Perm.PROFILE_MANAGE,
            Perm.JOURNAL_VIEW,
            Perm.CASE_VIEW,
            Perm.CASE_CONFIGURE,
        }
    ),
    Role.ADMIN: frozenset(Perm),
}


def role_has(role: Role | str, perm: Perm) -> bool:
    return perm in ROLE_PERMISSIONS[Role(role)]


# ----------------------------------------------------------------------------- the kernel's one question


class _Everywhere:
    """``has_perm(actor, perm, EVERYWHERE)``: a grant covering the whole deployment (a global admin)."""

    def __repr__(self) -> str:
        return "EVERYWHERE"


EVERYWHERE = _Everywhere()


def has_perm(actor: Any, perm: Perm, obj: Any = None) -> bool:
    """May ``actor`` do ``perm`` on ``obj`` — an agency, a division, ``EVERYWHERE``, or None (for
    anything anywhere)? ``actor=None`` is the system (commands, the demo loader, beat tasks).

    The kernel asks only this; the answer comes from the authentication backends
    (``AUTHENTICATION_BACKENDS``), where the registry installs the scope of role grants
    (``lawtrail.registry.auth.ScopeBackend``). So the kernel never imports the registry."""
    if actor is None:
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.has_perm(str(perm), obj))
