"""Every write to the registry. Keyword-only, ``actor`` first, one transaction, journaled.

``actor=None`` is the system (management commands, the demo loader). Each service checks
the actor's permission through ``selectors`` first, runs ``full_clean()`` and turns a
Django ``ValidationError`` into ``ValidationFailed`` (or ``Conflict`` for a taken unique
value) with a stable code. A refusal changes nothing.

Action tags: ``registry:<noun>:<verb>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from lawtrail.core.accounts.services import access_restore, access_revoke, validate_new_password
from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.core.inputs import date_plausible
from lawtrail.core.journal.services import journal_append, journal_append_many, journal_snapshot
from lawtrail.core.permissions import AGENCY_SCOPED_ROLES, Perm, Role

from . import rules, selectors
from .journal_actions import RegistryJournal
from .models import (
    Agency,
    Benchmark,
    BenchmarkTier,
    Credential,
    CredentialChange,
    Division,
    Domain,
    LegalBasis,
    PowerItem,
    RoleGrant,
    Staff,
    Violation,
)

User = get_user_model()

_SUFFIX = {
    "blank": "REQUIRED",
    "null": "REQUIRED",
    "required": "REQUIRED",
    "invalid_choice": "INVALID",
    "max_length": "TOO_LONG",
    "unique": "TAKEN",
    "invalid": "INVALID",
    "max_digits": "TOO_LARGE",
    "max_decimal_places": "INVALID",
    "max_whole_digits": "TOO_LARGE",
}


def validation_error_to_app(exc: ValidationError, model: type[models.Model], default_code: str) -> Exception:
    """Django's ``ValidationError`` → ``ValidationFailed`` (``Conflict`` for a taken unique value)."""
    details: list[dict[str, str]] = []
    conflict = False
    prefix = model.__name__.upper()
    items: Iterable[tuple[str, list[ValidationError]]]
    if hasattr(exc, "error_dict"):
        items = exc.error_dict.items()
    else:
        items = [("__all__", exc.error_list)]
    for field, errs in items:
        for e in errs:
            message = " ".join(str(m) for m in e.messages) if hasattr(e, "messages") else str(e)
            if e.code and e.code.isupper():
                code = e.code
            elif e.code == "unique" or e.code == "unique_together":
                code = f"{prefix}_{field.upper()}_TAKEN" if field != "__all__" else f"{prefix}_EXISTS"
                conflict = True
            elif field == "__all__":
                code = default_code
            else:
                code = f"{field.upper()}_{_SUFFIX.get(e.code or '', 'INVALID')}"
            details.append({"field": field, "code": code, "message": message})
    first = details[0] if details else {"code": default_code, "message": "提交的数据有误。"}
    message = "；".join(d["message"] for d in details) or first["message"]
    klass = Conflict if conflict and len(details) == 1 else ValidationFailed
    return klass(message, code=first["code"], details=details)


def _clean(obj: models.Model, *, default_code: str = "INVALID", exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_error_to_app(exc, type(obj), default_code) from None


def _save(obj: models.Model, **kwargs: Any) -> None:
    """Save, turning a race on a unique column (caught by the database) into a 409."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError:
        raise Conflict(
            "该记录与已有记录冲突（唯一值重复）。", code=f"{type(obj).__name__.upper()}_EXISTS"
        ) from None


def _apply(obj: models.Model, changes: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(f"不能修改的字段：{'、'.join(sorted(unknown))}。", code="FIELD_NOT_EDITABLE")
    for key, value in changes.items():
        setattr(obj, key, value)


def _decimal(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{field}不是有效的数字。", code="NUMBER_INVALID") from None


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


# --------------------------------------------------------------------------- divisions, domains


def division_create(
    *, actor: Any, code: str, name: str, level: str, parent: Division | None = None
) -> Division:
    selectors.require_division(actor, Perm.DIVISION_MANAGE, parent)
    with transaction.atomic():
        division = Division(code=code.strip(), name=name.strip(), level=level, parent=parent)
        division.path = division.compute_path()
        _clean(division, default_code="DIVISION_INVALID", exclude=["path"])
        _save(division)
        journal_append(actor=actor, action=RegistryJournal.DIVISION_CREATE, subject=division)
    return division


def domain_create(*, actor: Any, code: str, name: str, sort: int = 0) -> Domain:
    selectors.require_division(actor, Perm.CATALOG_MANAGE, None)
    with transaction.atomic():
        domain = Domain(code=code.strip(), name=name.strip(), sort=sort)
        _clean(domain, default_code="DOMAIN_INVALID")
        _save(domain)
        journal_append(actor=actor, action=RegistryJournal.DOMAIN_CREATE, subject=domain)
    return domain


# --------------------------------------------------------------------------- agencies

_AGENCY_FIELDS = {
    "name",
    "short_name",
    "credit_code",
    "division",
    "level",
    "kind",
    "legal_status",
    "parent",
    "address",
    "phone",
    "is_active",
}


def agency_create(
    *,
    actor: Any,
    name: str,
    credit_code: str,
    division: Division,
    level: str,
    legal_status: str,
    kind: str = Agency.Kind.ENFORCEMENT,
    short_name: str = "",
    domains: Iterable[Domain] = (),
    parent: Agency | None = None,
    address: str = "",
    phone: str = "",
) -> Agency:
    selectors.require_division(actor, Perm.AGENCY_MANAGE, division)
    with transaction.atomic():
        agency = Agency(
            name=name.strip(),
            credit_code=(credit_code or "").strip().upper(),
            division=division,
            level=level,
            kind=kind,
            legal_status=legal_status,
            short_name=short_name,
            parent=parent,
            address=address,
            phone=phone,
        )
        _clean(agency, default_code="AGENCY_INVALID")
        _save(agency)
        domains = list(domains)
        if domains:
            agency.domains.set(domains)
        journal_append(actor=actor, action=RegistryJournal.AGENCY_CREATE, subject=agency)
    return agency


def agency_update(
    *, actor: Any, agency: Agency, domains: Iterable[Domain] | None = None, **changes: Any
) -> Agency:
    """Change the given fields (``name``, ``credit_code``, ``division``, … and ``domains``)."""
    selectors.require_perm(actor, Perm.AGENCY_MANAGE, agency)
    if "division" in changes and changes["division"] != agency.division:
        selectors.require_division(actor, Perm.AGENCY_MANAGE, changes["division"])
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = journal_snapshot(agency)
        if "credit_code" in changes:
            changes["credit_code"] = (changes["credit_code"] or "").strip().upper()
        _apply(agency, changes, _AGENCY_FIELDS)
        _clean(agency, default_code="AGENCY_INVALID")
        _save(agency)
        if domains is not None:
            agency.domains.set(list(domains))
        journal_append(actor=actor, action=RegistryJournal.AGENCY_UPDATE, subject=agency, before=before)
    return agency


# --------------------------------------------------------------------------- staff

_STAFF_FIELDS = {
    "agency",
    "name",
    "id_number",
    "phone",
    "posts",
    "legal_qualification",
    "legal_qualification_number",
    "is_active",
}


def _derive_from_id(staff: Staff) -> None:
    """Gender and birth date follow from a valid ID number (GB 11643)."""
    if rules.id_number_valid(staff.id_number):
        staff.gender = rules.id_number_gender(staff.id_number)
        staff.birth_date = rules.id_number_birth_date(staff.id_number)


def staff_create(
    *,
    actor: Any,
    agency: Agency,
    name: str,
    id_number: str,
    phone: str = "",
    posts: str = "",
    legal_qualification: bool = False,
    legal_qualification_number: str = "",
    is_active: bool = True,
) -> Staff:
    selectors.require_perm(actor, Perm.STAFF_MANAGE, agency)
    with transaction.atomic():
        staff = Staff(
            agency=agency,
            name=name.strip(),
            id_number=normalize_id_number(id_number),
            phone=phone.strip(),
            posts=posts,
            legal_qualification=legal_qualification,
            legal_qualification_number=legal_qualification_number,
            is_active=is_active,
        )
        _derive_from_id(staff)
        _clean(staff, default_code="STAFF_INVALID", exclude=["user"])
        _save(staff)
        journal_append(actor=actor, action=RegistryJournal.STAFF_CREATE, subject=staff)
    return staff


def staff_update(*, actor: Any, staff: Staff, **changes: Any) -> Staff:
    """Change the given fields; gender and birth date are re-derived from the ID number."""
    selectors.require_perm(actor, Perm.STAFF_MANAGE, staff.agency)
    if "agency" in changes and changes["agency"] != staff.agency:
        selectors.require_perm(actor, Perm.STAFF_MANAGE, changes["agency"])
    with transaction.atomic():
        staff = Staff.objects.select_for_update().get(pk=staff.pk)
        before = journal_snapshot(staff)
        if "id_number" in changes:
            changes["id_number"] = normalize_id_number(changes["id_number"])
        was_active, was_agency = staff.is_active, staff.agency_id
        _apply(staff, changes, _STAFF_FIELDS)
        _derive_from_id(staff)
        _clean(staff, default_code="STAFF_INVALID")
        _save(staff)
        journal_append(actor=actor, action=RegistryJournal.STAFF_UPDATE, subject=staff, before=before)
        if staff.user_id and was_active and not staff.is_active:
            _staff_access_end(actor=actor, staff=staff, reason="工作人员离岗（停用）")
        elif staff.user_id and was_agency != staff.agency_id:
            # a move to another agency: the old agency's grants no longer apply (re-grant there)
            _grants_revoke(actor=actor, user=staff.user, agency_id=was_agency)
        elif staff.user_id and not was_active and staff.is_active:
            access_restore(actor=actor, user=staff.user, reason="工作人员恢复在岗")
    return staff


def _grants_revoke(*, actor: Any, user: Any, agency_id: int | None = None) -> int:
    """Delete ``user``'s role grants (of one agency when given), each journaled; in the caller's
    transaction. Returns how many."""
    grants = RoleGrant.objects.filter(user=user)
    if agency_id is not None:
        grants = grants.filter(agency_id=agency_id)
    n = 0
    for grant in grants.order_by("id"):
        journal_append(
            actor=actor,
            action=RegistryJournal.ROLE_REVOKE,
            subject=grant,
            before=journal_snapshot(grant),
            deleted=True,
            note="staff_deactivated" if agency_id is None else "staff_moved",
        )
        grant.delete()
        n += 1
    selectors.forget_grants(user)
    return n


def _staff_access_end(*, actor: Any, staff: Staff, reason: str) -> None:
    """Deactivating a staff member revokes access at once, in the caller's transaction: the
    login account inactive, every role grant deleted, API tokens revoked, sessions ended
    (``core.accounts.services.access_revoke``)."""
    user = staff.user
    _grants_revoke(actor=actor, user=user)
    access_revoke(actor=actor, user=user, reason=reason)


def staff_user_link(*, actor: Any, staff: Staff, username: str, password: str | None = None) -> Any:
    """Create (or link an existing, unlinked) login account for ``staff``."""
    selectors.require_perm(actor, Perm.STAFF_MANAGE, staff.agency)
    username = (username or "").strip()
    if not username:
        raise ValidationFailed("请填写登录账号。", code="USERNAME_REQUIRED")
    with transaction.atomic():
        staff = Staff.objects.select_for_update().get(pk=staff.pk)
        user = User.objects.filter(username=username).first()
        if staff.user_id and (user is None or staff.user_id != user.pk):
            raise Conflict("该工作人员已关联其他登录账号。", code="STAFF_ALREADY_LINKED")
        if user is not None and Staff.objects.filter(user=user).exclude(pk=staff.pk).exists():
            raise Conflict("该登录账号已关联其他工作人员。", code="USER_ALREADY_LINKED")
        if user is None:
            user = User(username=username, display_name=staff.name)
            if password:
                # the same rules as every other path that sets a password (等保 口令复杂度)
                validate_new_password(password, user)
                user.set_password(password)
                user.password_changed_at = timezone.now()
                # a person handing out a password: the holder changes it at first login
                user.must_change_password = (
                    actor is not None and settings.LAWTRAIL_PASSWORD_CHANGE_AT_FIRST_LOGIN
                )
            else:
                user.set_unusable_password()
            _clean(user, default_code="USER_INVALID", exclude=["password"])
            _save(user)
            journal_append(actor=actor, action=RegistryJournal.USER_CREATE, subject=user)
        before = journal_snapshot(staff)
        staff.user = user
        staff.save(update_fields=["user"])
        journal_append(actor=actor, action=RegistryJournal.STAFF_LINK_USER, subject=staff, before=before)
    return user


# --------------------------------------------------------------------------- credentials


def _change(cred: Credential, kind: str, from_status: str, actor: Any, reason: str = "") -> CredentialChange:
    """One row of the credential's history, journaled (a history row edited in SQL is tampering)."""
    change = CredentialChange.objects.create(
        credential=cred,
        kind=kind,
        from_status=from_status,
        to_status=cred.status,
        expires_on=cred.expires_on,
        reason=reason[:200],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    journal_append(actor=actor, action=RegistryJournal.CREDENTIAL_CHANGE, subject=change)
    return change


def credential_issue(
    *,
    actor: Any,
    staff: Staff,
    number: str,
    domain: Domain,
    region: Division,
    issued_on: dt.date,
    expires_on: dt.date,
    issuer: str = "",
    status: str = Credential.Status.VALID,
) -> Credential:
    """Issue a 执法证 to an active staff member (``status`` other than valid: import only)."""
    selectors.require_perm(actor, Perm.CREDENTIAL_MANAGE, staff.agency)
    if not staff.is_active and status == Credential.Status.VALID:
        raise Conflict("该工作人员不在岗，不能发证。", code="STAFF_INACTIVE")
    date_plausible(issued_on, label="发证日期")
    date_plausible(expires_on, label="有效期至")
    with transaction.atomic():
        cred = Credential(
            staff=staff,
            number=(number or "").strip(),
            domain=domain,
            region=region,
            issued_on=issued_on,
            expires_on=expires_on,
            issuer=issuer,
            status=status,
        )
        _clean(cred, default_code="CREDENTIAL_INVALID")
        _save(cred)
        _change(cred, CredentialChange.Kind.ISSUE, "", actor)
        journal_append(actor=actor, action=RegistryJournal.CREDENTIAL_ISSUE, subject=cred)
    return cred


def _transition(
    *, actor: Any, credential: Credential, action: str, reason: str, need_reason: bool, **updates: Any
) -> Credential:
    selectors.require_perm(actor, Perm.CREDENTIAL_MANAGE, credential.staff.agency)
    if need_reason and not (reason or "").strip():
        raise ValidationFailed("请填写原因。", code="REASON_REQUIRED")
    with transaction.atomic():
        cred = Credential.objects.select_for_update().get(pk=credential.pk)
        refusal = rules.credential_transition_refusal(action, cred.status)
        if refusal:
            messages = {
                "CREDENTIAL_REVOKED": "该执法证已注销，注销为最终状态，不能再变更。",
                "CREDENTIAL_NOT_SUSPENDED": "该执法证未处于暂扣状态，无需恢复。",
                "CREDENTIAL_NOT_VALID": "该执法证当前不是有效状态，不能执行此操作。",
            }
            raise Conflict(messages[refusal], code=refusal)
        before = journal_snapshot(cred)
        from_status = cred.status
        to_status = rules.CREDENTIAL_TRANSITIONS[action][1]
        if to_status:
            cred.status = to_status
        for k, v in updates.items():
            setattr(cred, k, v)
        _clean(cred, default_code="CREDENTIAL_INVALID")
        cred.save()
        _change(cred, action, from_status, actor, reason)
        journal_append(
            actor=actor, action=RegistryJournal.credential(action), subject=cred, before=before, note=reason
        )
    credential.refresh_from_db()
    return cred


def credential_renew(
    *,
    actor: Any,
    credential: Credential,
    expires_on: dt.date,
    issued_on: dt.date | None = None,
    reason: str = "",
) -> Credential:
    """Extend a valid credential; the new expiry must be later than the current one."""
    date_plausible(expires_on, label="有效期至")
    date_plausible(issued_on, label="发证日期")
    if expires_on <= credential.expires_on:
        raise ValidationFailed("新的有效期须晚于原有效期。", code="CREDENTIAL_RENEW_NOT_LATER")
    updates: dict[str, Any] = {"expires_on": expires_on}
    if issued_on:
        updates["issued_on"] = issued_on
    return _transition(
        actor=actor, credential=credential, action="renew", reason=reason, need_reason=False, **updates
    )


def credential_suspend(*, actor: Any, credential: Credential, reason: str) -> Credential:
    return _transition(actor=actor, credential=credential, action="suspend", reason=reason, need_reason=True)


def credential_reinstate(*, actor: Any, credential: Credential, reason: str = "") -> Credential:
    return _transition(
        actor=actor, credential=credential, action="reinstate", reason=reason, need_reason=False
    )


def credential_revoke(*, actor: Any, credential: Credential, reason: str) -> Credential:
    return _transition(actor=actor, credential=credential, action="revoke", reason=reason, need_reason=True)


# --------------------------------------------------------------------------- roles


def role_grant(
    *, actor: Any, user: Any, role: str, agency: Agency | None = None, division: Division | None = None
) -> RoleGrant:
    """Grant ``role`` to ``user`` at an agency (agency roles) or a division (supervisor, admin)."""
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(f"未知的角色“{role}”。", code="ROLE_UNKNOWN") from None
    if role in AGENCY_SCOPED_ROLES:
        if agency is None:
            raise ValidationFailed("该角色须授权到具体单位。", code="ROLE_SCOPE_INVALID")
        selectors.require_perm(actor, Perm.ROLE_MANAGE, agency)
    else:
        selectors.require_division(actor, Perm.ROLE_MANAGE, division)
    staff = Staff.objects.filter(user_id=user.pk).first()
    if role in AGENCY_SCOPED_ROLES and staff is not None and staff.agency_id != agency.pk:
        raise ValidationFailed("该账号对应的工作人员不属于所授权单位。", code="ROLE_AGENCY_MISMATCH")
    # APL-58 asks a 法律职业资格 of a reviewer doing it for the first time, not of every member of
    # the review body: it is checked when they review (review.rules.reviewer_check), so a grant
    # does not depend on the qualification, and removing it later revokes nothing (docs/registry.md)
    with transaction.atomic():
        if RoleGrant.objects.filter(user=user, role=role, agency=agency, division=division).exists():
            raise Conflict("该账号已有此角色授权。", code="ROLE_GRANT_EXISTS")
        grant = RoleGrant(user=user, role=role, agency=agency, division=division)
        _clean(grant, default_code="ROLE_SCOPE_INVALID", exclude=["user"])
        _save(grant)
        journal_append(actor=actor, action=RegistryJournal.ROLE_GRANT, subject=grant)
    selectors.forget_grants(user)
    return grant


def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    if grant.agency_id:
        selectors.require_perm(actor, Perm.ROLE_MANAGE, grant.agency)
    else:
        selectors.require_division(actor, Perm.ROLE_MANAGE, grant.division)
    if actor is not None and getattr(actor, "pk", None) == grant.user_id and grant.role == Role.ADMIN:
        raise Conflict("不能撤销自己的系统管理员角色。", code="ROLE_REVOKE_SELF_ADMIN")
    with transaction.atomic():
        before = journal_snapshot(grant)
        journal_append(
            actor=actor, action=RegistryJournal.ROLE_REVOKE, subject=grant, before=before, deleted=True
        )
        grant.delete()
    selectors.forget_grants(grant.user)


# --------------------------------------------------------------------------- catalogue

_POWER_FIELDS = {"name", "kind", "domain", "levels", "procedure", "is_active"}


def _require_catalog(actor: Any) -> None:
    if not selectors.user_has_perm(actor, Perm.CATALOG_MANAGE):
        raise PermissionDenied("您没有维护权力事项目录的权限。", code="PERMISSION_DENIED")


def power_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    domain: Domain,
    levels: str = "",
    procedure: str = "",
    is_active: bool = True,
) -> PowerItem:
    _require_catalog(actor)
    with transaction.atomic():
        power = PowerItem(
            code=code.strip(),
            name=name.strip(),
            kind=kind,
            domain=domain,
            levels=levels,
            procedure=procedure,
            is_active=is_active,
        )
        _clean(power, default_code="POWER_INVALID")
        _save(power)
        journal_append(actor=actor, action=RegistryJournal.POWER_CREATE, subject=power)
    return power


def power_update(*, actor: Any, power: PowerItem, **changes: Any) -> PowerItem:
    _require_catalog(actor)
    with transaction.atomic():
        power = PowerItem.objects.select_for_update().get(pk=power.pk)
        before = journal_snapshot(power)
        _apply(power, changes, _POWER_FIELDS)
        _clean(power, default_code="POWER_INVALID")
        _save(power)
        journal_append(actor=actor, action=RegistryJournal.POWER_UPDATE, subject=power, before=before)
    return power


def violation_create(
    *,
    actor: Any,
    power: PowerItem,
    code: str,
    name: str,
    penalty_types: str = "",
    fine_min: Decimal | int | str | None = None,
    fine_max: Decimal | int | str | None = None,
    multiple_min: Decimal | int | str | None = None,
    multiple_max: Decimal | int | str | None = None,
    multiple_base: str = "",
    subject_kinds: list[str] | None = None,
) -> Violation:
    _require_catalog(actor)
    subject_kinds = list(subject_kinds) if subject_kinds else ["person", "organisation"]
    if not set(subject_kinds) <= {"person", "organisation"}:
        raise ValidationFailed("适用对象应为公民、法人或者其他组织。", code="VIOLATION_SUBJECT_INVALID")
    if power.kind != PowerItem.Kind.PENALTY:
        raise ValidationFailed("违法行为只能归属于行政处罚类权力事项。", code="VIOLATION_POWER_NOT_PENALTY")
    with transaction.atomic():
        violation = Violation(
            power=power,
            code=code.strip(),
            name=name.strip(),
            penalty_types=penalty_types,
            fine_min=_decimal(fine_min, "罚款下限"),
            fine_max=_decimal(fine_max, "罚款上限"),
            multiple_min=_decimal(multiple_min, "倍数下限"),
            multiple_max=_decimal(multiple_max, "倍数上限"),
            multiple_base=multiple_base,
            subject_kinds=subject_kinds,
        )
        _clean(violation, default_code="VIOLATION_INVALID")
        _save(violation)
        journal_append(actor=actor, action=RegistryJournal.VIOLATION_CREATE, subject=violation)
    return violation


def legal_basis_add(
    *,
    actor: Any,
    role: str,
    law: str,
    article: str,
    clause: str = "",
    text: str = "",
    power: PowerItem | None = None,
    violation: Violation | None = None,
) -> LegalBasis:
    _require_catalog(actor)
    with transaction.atomic():
        basis = LegalBasis(
            role=role,
            law=law.strip(),
            article=article.strip(),
            clause=clause.strip(),
            text=text,
            power=power,
            violation=violation,
        )
        _clean(basis, default_code="LEGAL_BASIS_OWNER_INVALID")
        _save(basis)
        journal_append(actor=actor, action=RegistryJournal.LEGAL_BASIS_ADD, subject=basis)
    return basis


def tier_code(value: str) -> str:
    """A tier's code name from its code or its Chinese name ('从轻' → 'lenient')."""
    value = (value or "").strip()
    if value in BenchmarkTier.Tier.values:
        return value
    return rules.TIER_NAMES.get(value, value)


def benchmark_create(
    *,
    actor: Any,
    violation: Violation,
    division: Division | None,
    issuer: str,
    effective_from: dt.date,
    tiers: list[dict[str, Any]],
) -> Benchmark:
    """A 裁量基准 with its tiers, checked against the statutory range (G27-6).

    Each tier: ``{"tier": "lenient" | "从轻", "conditions": str, "fine_min", "fine_max",
    "multiple_min", "multiple_max", "other_measures"}`` (amounts as Decimal/int/str/None).
    """
    selectors.require_division(actor, Perm.CATALOG_MANAGE, division)
    date_plausible(effective_from, label="施行日期")
    if not tiers:
        raise ValidationFailed("裁量基准至少须有一个裁量阶次。", code="BENCHMARK_TIERS_EMPTY", rule="G27-6")
    clean_tiers = []
    for t in tiers:
        clean_tiers.append(
            {
                "tier": tier_code(t.get("tier", "")),
                "conditions": t.get("conditions", "") or "",
                "other_measures": t.get("other_measures", "") or "",
                **{
                    k: _decimal(t.get(k), k) for k in ("fine_min", "fine_max", "multiple_min", "multiple_max")
                },
            }
        )
    statutory = {
        "fine_min": violation.fine_min,
        "fine_max": violation.fine_max,
        "multiple_min": violation.multiple_min,
        "multiple_max": violation.multiple_max,
    }
    errors = rules.benchmark_tier_errors(statutory, clean_tiers)
    if errors:
        details = [{"tier": i, "field": f, "code": c, "message": m} for i, f, c, m in errors]
        raise ValidationFailed(
            "；".join(d["message"] for d in details), code=errors[0][2], rule="G27-6", details=details
        )
    with transaction.atomic():
        benchmark = Benchmark(
            violation=violation, division=division, issuer=issuer, effective_from=effective_from
        )
        _clean(benchmark, default_code="BENCHMARK_INVALID")
        benchmark.save()
        rows = [BenchmarkTier(benchmark=benchmark, **t) for t in clean_tiers]
        for row in rows:
            _clean(row, default_code="BENCHMARK_TIER_INVALID", exclude=["benchmark"])
        rows = BenchmarkTier.objects.bulk_create(rows)
        if any(r.pk is None for r in rows):  # a backend that returns no ids from bulk inserts
            rows = list(benchmark.tiers.order_by("id"))
        journal_append_many(actor=actor, action=RegistryJournal.BENCHMARK_TIER_CREATE, subjects=rows)
        journal_append(
            actor=actor,
            action=RegistryJournal.BENCHMARK_CREATE,
            subject=benchmark,
            note="、".join(str(BenchmarkTier.Tier(t["tier"]).label) for t in clean_tiers),
        )
    return benchmark


# --------------------------------------------------------------------------- import


def catalog_import(*, actor: Any, fileobj: IO[bytes]) -> dict[str, int]:
    """Import the catalogue workbook, all or nothing (``IMPORT_INVALID`` lists every error)."""
    from .excel import import_catalog  # noqa: PLC0415 — cycle: excel imports services

    _require_catalog(actor)
    return import_catalog(actor=actor, fileobj=fileobj)


def staff_import(*, actor: Any, fileobj: IO[bytes]) -> dict[str, int]:
    """Import staff and credentials, all or nothing (``IMPORT_INVALID`` lists every error)."""
    from .excel import import_staff  # noqa: PLC0415 — cycle: excel imports services

    if not selectors.user_has_perm(actor, Perm.STAFF_MANAGE):
        raise PermissionDenied("您没有导入工作人员的权限。", code="PERMISSION_DENIED")
    return import_staff(actor=actor, fileobj=fileobj)
