"""Every read a person makes of the registry, scoped to what the actor may see.

Scope is decided here and only here (other apps call ``agencies_in_scope`` and
``user_has_perm``):

* an agency-scoped grant (officer, approvers, reviewer, agency admin) covers its agency;
* a division-scoped grant (supervisor, admin) covers every agency whose division lies in
  that division's subtree (``Division.path`` prefix);
* an ``admin`` grant with no division, or ``user.is_superuser``, covers everything;
* ``actor=None`` is the system (management commands, demo loader) and may do anything.

Visibility of the registry itself (decided for this app, documented in docs/registry.md):
public fields of agencies, staff (name, agency, posts), credentials and the power
catalogue are readable by every staff user (any ``registry.view`` grant) — they are
published for 亮证 anyway. Private staff fields (phone, masked ID number, birth date),
credential history and role grants need a grant that covers the staff member's agency.
A user with no grant sees nothing (404 on a detail).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from lawtrail.core.errors import NotFound, PermissionDenied
from lawtrail.core.permissions import AGENCY_SCOPED_ROLES, Perm, role_has
from lawtrail.core.precompiled import Precompiled

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

_CACHE_ATTR = "_lawtrail_role_grants"


# --------------------------------------------------------------------------- scope


def _grants_query(user_id: int) -> QuerySet[RoleGrant]:
    on_duty = Staff.objects.filter(
        user_id=OuterRef("user_id"), agency_id=OuterRef("agency_id"), is_active=True
    )
    return (
        RoleGrant.objects.filter(user_id=user_id).select_related("division").annotate(on_duty=Exists(on_duty))
    )


#: a user's grants, compiled to SQL once per thread (every request that checks a permission runs it)
_GRANTS = Precompiled(_grants_query)


def _grants(user: Any) -> list[RoleGrant]:
    """The user's grants that are in force, loaded once per user object (one query).

    None for an inactive account. A grant of an agency role (officer, approvers, reviewer,
    agency admin) is in force only while the user has an **active staff record of that
    agency** (人员库 在岗): a staff member taken off duty, or moved to another agency, loses
    the agency's roles at once, even if a grant row were left behind."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = [g for g in _GRANTS.all(user.pk) if g.on_duty or g.role not in AGENCY_SCOPED_ROLES]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def roles_at(user: Any, agency_id: int) -> set[str]:
    """The roles ``user`` holds by a grant on the agency itself (from the cached grants: no query
    once the user's scope was read in this request)."""
    return {g.role for g in _grants(user) if g.agency_id == agency_id}


def agency_roles(user: Any) -> list[tuple[str, int]]:
    """(role, agency id) of every agency-scoped grant of ``user`` (from the cached grants)."""
    return [(g.role, g.agency_id) for g in _grants(user) if g.agency_id]


def forget_grants(user: Any) -> None:
    """Drop the per-object grant cache (after a role grant or revoke)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _is_system(user: Any) -> bool:
    return user is None


def _is_global(user: Any, perm: Perm) -> bool:
    if _is_system(user):
        return True
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    return any(role_has(g.role, perm) and not g.agency_id and not g.division_id for g in _grants(user))


def _scope_q(user: Any, perm: Perm) -> Q | None:
    """A Q over ``Agency`` covering the agencies ``user`` holds ``perm`` for; None = all."""
    if _is_global(user, perm):
        return None
    q = Q(pk__in=[])
    agency_ids = []
    for g in _grants(user):
        if not role_has(g.role, perm):
            continue
        if g.agency_id:
            agency_ids.append(g.agency_id)
        elif g.division_id:
            q |= Q(division__path__startswith=g.division.path)
    if agency_ids:
        q |= Q(pk__in=agency_ids)
    return q


def agencies_in_scope(user: Any, perm: Perm | str) -> QuerySet[Agency]:
    """The agencies ``user`` holds ``perm`` for (see the module docstring)."""
    perm = Perm(perm)
    q = _scope_q(user, perm)
    qs = Agency.objects.all()
    return qs if q is None else qs.filter(q)


def in_agencies_of(user: Any, perm: Perm | str, field: str = "agency") -> Q:
    """A filter on a model with an agency foreign key ``field``: its rows of the agencies
    ``user`` holds ``perm`` for (``Q()`` for a global grant).

    When every grant carrying ``perm`` names its agency — officers, approvers, reviewers — the
    filter is the agencies' ids themselves, read from the cached grants: no query, and
    PostgreSQL plans with the column's statistics (an ``IN (SELECT …)`` over the agencies is a
    semi-join it estimates at one row, and a join per row it counts). A division grant keeps
    the subquery."""
    perm = Perm(perm)
    if _is_global(user, perm):
        return Q()
    ids = agency_ids_granted(user, perm)
    if ids is None:
        return Q(**{f"{field}__in": agencies_in_scope(user, perm).values("pk")})
    return Q(**{f"{field}_id__in": ids})


def agency_ids_granted(user: Any, perm: Perm | str) -> list[int] | None:
    """The sorted ids of the agencies ``user`` holds ``perm`` for, from the cached grants (no
    query) — when every grant carrying ``perm`` names its agency; None for a global or a division
    grant (``in_agencies_of`` then)."""
    perm = Perm(perm)
    if _is_global(user, perm):
        return None
    grants = [g for g in _grants(user) if role_has(g.role, perm)]
    if any(g.division_id and not g.agency_id for g in grants):
        return None
    return sorted({g.agency_id for g in grants if g.agency_id})


def agency_ids_in_scope(user: Any, perm: Perm | str) -> set[int] | None:
    """Ids of the agencies ``user`` holds ``perm`` for; None = every agency (the kernel's scope door)."""
    q = _scope_q(user, Perm(perm))
    if q is None:
        return None
    return set(Agency.objects.filter(q).values_list("pk", flat=True))


def divisions_in_scope(user: Any, perm: Perm | str) -> QuerySet[Division]:
    """Divisions covered by a division-scoped grant carrying ``perm``."""
    perm = Perm(perm)
    if _is_global(user, perm):
        return Division.objects.all()
    q = Q(pk__in=[])
    for g in _grants(user):
        if role_has(g.role, perm) and g.division_id:
            q |= Q(path__startswith=g.division.path)
    return Division.objects.filter(q)


def user_has_perm(user: Any, perm: Perm | str, agency: Agency | None = None) -> bool:
    """Whether ``user`` holds ``perm`` — for ``agency`` when given, else anywhere.

    Decided from the cached grants; costs at most one query for the agency's division.
    """
    perm = Perm(perm)
    if _is_global(user, perm):
        return True
    grants = [g for g in _grants(user) if role_has(g.role, perm)]
    if agency is None:
        return bool(grants)
    path = None
    for g in grants:
        if g.agency_id and g.agency_id == agency.pk:
            return True
        if g.division_id:
            if path is None:
                path = agency.division.path
            if path.startswith(g.division.path):
                return True
    return False


def user_covers_division(user: Any, perm: Perm | str, division: Division | None) -> bool:
    """Whether a division-scoped (or global) grant with ``perm`` covers ``division``.

    ``division=None`` (national, e.g. a benchmark without a region) needs a global grant.
    """
    perm = Perm(perm)
    if _is_global(user, perm):
        return True
    if division is None:
        return False
    return any(
        role_has(g.role, perm) and g.division_id and division.path.startswith(g.division.path)
        for g in _grants(user)
    )


def require_perm(user: Any, perm: Perm | str, agency: Agency | None = None) -> None:
    """Raise ``PermissionDenied(PERMISSION_DENIED)`` unless ``user_has_perm``."""
    if not user_has_perm(user, perm, agency):
        raise PermissionDenied("您没有执行此操作的权限。", code="PERMISSION_DENIED")


def require_division(user: Any, perm: Perm | str, division: Division | None) -> None:
    if not user_covers_division(user, perm, division):
        raise PermissionDenied("您没有在该行政区划执行此操作的权限。", code="PERMISSION_DENIED")


def is_staff_user(user: Any) -> bool:
    """Any grant that lets one read the registry (the public-field tier)."""
    return user_has_perm(user, Perm.REGISTRY_VIEW)


def _require_reader(user: Any) -> None:
    if not is_staff_user(user):
        raise NotFound("请求的对象不存在或您无权查看。", code="NOT_FOUND")


# --------------------------------------------------------------------------- divisions, domains


def division_list_for(
    actor: Any, *, parent_code: str | None = None, level: str | None = None
) -> QuerySet[Division]:
    qs = Division.objects.select_related("parent")
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    if level:
        qs = qs.filter(level=level)
    return qs


def division_tree(actor: Any = None, *, root_code: str | None = None) -> list[dict[str, Any]]:
    """Nested ``{code, name, level, children}`` — one query, built in memory."""
    qs = Division.objects.order_by("path")
    if root_code:
        root = Division.objects.filter(code=root_code).first()
        if root is None:
            raise NotFound("行政区划不存在。", code="NOT_FOUND")
        qs = qs.filter(path__startswith=root.path)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for d in qs:
        node = {"code": d.code, "name": d.name, "level": d.level, "children": []}
        nodes[d.pk] = node
        parent = nodes.get(d.parent_id) if d.parent_id else None
        (parent["children"] if parent else roots).append(node)
    return roots


def domain_list_for(actor: Any) -> QuerySet[Domain]:
    return Domain.objects.all()


# --------------------------------------------------------------------------- agencies


def agency_list_for(
    actor: Any,
    *,
    division_code: str | None = None,
    domain: str | None = None,
    q: str | None = None,
    mine: bool = False,
) -> QuerySet[Agency]:
    """Agencies (public 主体库); ``mine=True`` keeps those the actor's grants cover."""
    if not is_staff_user(actor):
        return Agency.objects.none()
    qs = Agency.objects.select_related("division", "parent").prefetch_related("domains")
    if mine:
        qs = qs.filter(pk__in=agencies_in_scope(actor, Perm.REGISTRY_VIEW).values("pk"))
    if division_code:
        div = Division.objects.filter(code=division_code).first()
        qs = qs.filter(division__path__startswith=div.path) if div else qs.none()
    if domain:
        qs = qs.filter(domains__code=domain)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q))
    return qs.distinct() if domain else qs


def agency_get_for(actor: Any, agency_id: int) -> Agency:
    _require_reader(actor)
    agency = (
        Agency.objects.select_related("division", "parent")
        .prefetch_related("domains")
        .filter(pk=agency_id)
        .first()
    )
    if agency is None:
        raise NotFound("执法主体不存在。", code="NOT_FOUND")
    return agency


# --------------------------------------------------------------------------- staff


def private_agency_ids(actor: Any) -> set[int] | None:
    """Agencies whose staff private fields the actor may see; None = all."""
    q = _scope_q(actor, Perm.STAFF_PRIVATE_VIEW)
    if q is None:
        return None
    return set(Agency.objects.filter(q).values_list("pk", flat=True))


def can_see_private(actor: Any, staff: Staff, *, private_ids: set[int] | None | bool = False) -> bool:
    """Whether ``actor`` may see ``staff``'s private fields (the staff member themself may)."""
    if actor is not None and getattr(actor, "pk", None) and staff.user_id == actor.pk:
        return True
    if private_ids is False:
        return user_has_perm(actor, Perm.STAFF_PRIVATE_VIEW, staff.agency)
    return private_ids is None or staff.agency_id in private_ids  # type: ignore[operator]


def _staff_qs() -> QuerySet[Staff]:
    return Staff.objects.select_related("agency", "agency__division", "user").prefetch_related(
        Prefetch("credentials", queryset=Credential.objects.select_related("domain", "region"))
    )


def staff_list_for(
    actor: Any,
    *,
    agency_id: int | None = None,
    q: str | None = None,
    active: bool | None = None,
    has_credential: bool | None = None,
    mine: bool = False,
) -> QuerySet[Staff]:
    """Staff (public fields for everyone with ``registry.view``; see ``can_see_private``)."""
    if not is_staff_user(actor):
        return Staff.objects.none()
    qs = _staff_qs()
    if mine:
        qs = qs.filter(agency__in=agencies_in_scope(actor, Perm.REGISTRY_VIEW).values("pk"))
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if q:
        qs = qs.filter(name__contains=q)
    if active is not None:
        qs = qs.filter(is_active=active)
    if has_credential is not None:
        qs = qs.filter(credentials__isnull=not has_credential).distinct()
    return qs


def staff_get_for(actor: Any, staff_id: int) -> Staff:
    """One staff member, or 404 when it does not exist or is outside every scope."""
    staff = _staff_qs().filter(pk=staff_id).first()
    if staff is None:
        raise NotFound("工作人员不存在或您无权查看。", code="NOT_FOUND")
    own = actor is not None and getattr(actor, "pk", None) and staff.user_id == actor.pk
    if not own and not is_staff_user(actor):
        raise NotFound("工作人员不存在或您无权查看。", code="NOT_FOUND")
    return staff


# --------------------------------------------------------------------------- credentials


def credential_list_for(
    actor: Any,
    *,
    agency_id: int | None = None,
    staff_id: int | None = None,
    status: str | None = None,
    number: str | None = None,
) -> QuerySet[Credential]:
    if not is_staff_user(actor):
        return Credential.objects.none()
    qs = Credential.objects.select_related("staff", "staff__agency", "domain", "region")
    if agency_id:
        qs = qs.filter(staff__agency_id=agency_id)
    if staff_id:
        qs = qs.filter(staff_id=staff_id)
    if status:
        qs = qs.filter(status=status)
    if number:
        qs = qs.filter(number=number)
    return qs


def credential_get_for(actor: Any, credential_id: int) -> Credential:
    _require_reader(actor)
    cred = (
        Credential.objects.select_related(
            "staff", "staff__agency", "staff__agency__division", "domain", "region"
        )
        .filter(pk=credential_id)
        .first()
    )
    if cred is None:
        raise NotFound("执法证不存在。", code="NOT_FOUND")
    return cred


def credential_history_for(actor: Any, credential_id: int) -> QuerySet[CredentialChange]:
    """History rows; only for actors whose ``registry.view`` covers the holder's agency."""
    cred = credential_get_for(actor, credential_id)
    if not user_has_perm(actor, Perm.REGISTRY_VIEW, cred.staff.agency):
        raise NotFound("执法证不存在或您无权查看其变更记录。", code="NOT_FOUND")
    return CredentialChange.objects.filter(credential=cred).select_related("actor")


def credential_verify(*, number: str) -> Credential | None:
    """Public 亮证 lookup by number (no actor: the answer holds nothing private)."""
    number = (number or "").strip()
    if not number:
        return None
    return (
        Credential.objects.select_related("staff", "staff__agency", "domain", "region")
        .filter(number=number)
        .first()
    )


# --------------------------------------------------------------------------- role grants


def role_grant_list_for(
    actor: Any, *, user_id: int | None = None, agency_id: int | None = None
) -> QuerySet[RoleGrant]:
    """Grants the actor manages (agency or division scope) plus the actor's own."""
    qs = RoleGrant.objects.select_related("user", "agency", "division")
    if not _is_global(actor, Perm.ROLE_MANAGE):
        q = Q(agency__in=agencies_in_scope(actor, Perm.ROLE_MANAGE).values("pk"))
        q |= Q(division__in=divisions_in_scope(actor, Perm.ROLE_MANAGE).values("pk"))
        if actor is not None and getattr(actor, "pk", None):
            q |= Q(user_id=actor.pk)
        qs = qs.filter(q)
    if user_id:
        qs = qs.filter(user_id=user_id)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    return qs.order_by("id")


def role_grant_get_for(actor: Any, grant_id: int) -> RoleGrant:
    grant = role_grant_list_for(actor).filter(pk=grant_id).first()
    if grant is None:
        raise NotFound("角色授权不存在。", code="NOT_FOUND")
    return grant


# --------------------------------------------------------------------------- catalogue


def power_list_for(
    actor: Any, *, kind: str | None = None, domain: str | None = None, q: str | None = None
) -> QuerySet[PowerItem]:
    """The power catalogue: readable by every staff user."""
    if not is_staff_user(actor):
        return PowerItem.objects.none()
    qs = PowerItem.objects.select_related("domain")
    if kind:
        qs = qs.filter(kind=kind)
    if domain:
        qs = qs.filter(domain__code=domain)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code=q))
    return qs


def power_get_for(actor: Any, power_id: int) -> PowerItem:
    _require_reader(actor)
    power = (
        PowerItem.objects.select_related("domain")
        .prefetch_related(
            "bases", Prefetch("violations", queryset=Violation.objects.prefetch_related("bases"))
        )
        .filter(pk=power_id)
        .first()
    )
    if power is None:
        raise NotFound("权力事项不存在。", code="NOT_FOUND")
    return power


def violation_list_for(
    actor: Any, *, power_id: int | None = None, q: str | None = None
) -> QuerySet[Violation]:
    if not is_staff_user(actor):
        return Violation.objects.none()
    qs = Violation.objects.select_related("power")
    if power_id:
        qs = qs.filter(power_id=power_id)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code=q))
    return qs


def violation_get_for(actor: Any, violation_id: int) -> Violation:
    _require_reader(actor)
    v = (
        Violation.objects.select_related("power")
        .prefetch_related("bases", Prefetch("benchmarks", queryset=_benchmark_qs()))
        .filter(pk=violation_id)
        .first()
    )
    if v is None:
        raise NotFound("违法行为不存在。", code="NOT_FOUND")
    return v


def _benchmark_qs() -> QuerySet[Benchmark]:
    return Benchmark.objects.select_related("violation", "division").prefetch_related(
        Prefetch("tiers", queryset=BenchmarkTier.objects.order_by("id"))
    )


def benchmark_list_for(
    actor: Any, *, violation_id: int | None = None, division_code: str | None = None
) -> QuerySet[Benchmark]:
    if not is_staff_user(actor):
        return Benchmark.objects.none()
    qs = _benchmark_qs()
    if violation_id:
        qs = qs.filter(violation_id=violation_id)
    if division_code:
        qs = qs.filter(division__code=division_code)
    return qs


def benchmark_get_for(actor: Any, benchmark_id: int) -> Benchmark:
    _require_reader(actor)
    b = _benchmark_qs().filter(pk=benchmark_id).first()
    if b is None:
        raise NotFound("裁量基准不存在。", code="NOT_FOUND")
    return b


def legal_basis_list_for(actor: Any, *, power_id: int | None = None, violation_id: int | None = None):
    if not is_staff_user(actor):
        return LegalBasis.objects.none()
    qs = LegalBasis.objects.all()
    if power_id:
        qs = qs.filter(power_id=power_id)
    if violation_id:
        qs = qs.filter(violation_id=violation_id)
    return qs
