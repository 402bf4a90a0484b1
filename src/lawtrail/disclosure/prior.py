"""事前公开 (G118-4): pages generated from the registry, always current — enforcement bodies, their
officers (nothing private), power catalogue with legal bases and procedure, discretion benchmarks,
the random-inspection item list; by division and domain. Each says when it last changed, read from
the journal (the newest entry about the rows it shows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet

from lawtrail.core.errors import NotFound
from lawtrail.core.journal.models import Entry
from lawtrail.registry.models import (
    Agency,
    Benchmark,
    BenchmarkTier,
    Credential,
    Division,
    Domain,
    LegalBasis,
    PowerItem,
    Staff,
    Violation,
)

#: remedies every decision names (APL-59): review by the government at the agency's level or the
#: department above, or a suit in the people's court — within the statutory periods
REMEDIES = [
    "对行政执法决定不服的，可以自知道该决定之日起六十日内依法申请行政复议（《中华人民共和国行政复议法》第二十条）；",
    "或者自知道作出行政行为之日起六个月内依法向人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）。",
]


def last_changed(subject_type: str | list[str], ids: list[Any] | None = None) -> dt.datetime | None:
    """The time of the newest journal entry about these rows (all rows of the type when ``ids`` is None)."""
    types = [subject_type] if isinstance(subject_type, str) else subject_type
    qs = Entry.objects.filter(subject_type__in=types)
    if ids is not None:
        qs = qs.filter(subject_id__in=[str(i) for i in ids])
    return qs.aggregate(at=Max("at"))["at"]


def bodies(*, division: Division | None, domain: Domain | None) -> QuerySet[Agency]:
    qs = Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT, is_active=True).select_related("division")
    if division is not None:
        qs = qs.filter(division__path__startswith=division.path)
    if domain is not None:
        qs = qs.filter(domains=domain)
    return qs.prefetch_related("domains").order_by("division__path", "name")


def body(agency_id: int) -> dict[str, Any]:
    agency = (
        Agency.objects.filter(pk=agency_id, kind=Agency.Kind.ENFORCEMENT)
        .select_related("division", "parent")
        .prefetch_related("domains")
        .first()
    )
    if agency is None:
        raise NotFound("执法主体不存在。", code="DISCLOSURE_NOT_FOUND")
    today = dt.date.today()
    officers = (
        Staff.objects.filter(agency=agency, is_active=True)
        .prefetch_related(
            Prefetch(
                "credentials",
                queryset=Credential.objects.filter(status=Credential.Status.VALID, expires_on__gte=today)
                .select_related("domain")
                .order_by("number"),
                to_attr="usable",
            )
        )
        .only("pk", "name", "agency_id")
        .order_by("name")
    )
    officers = [s for s in officers if s.usable]
    # supervision and complaints: the justice bureau of the agency's division or the nearest above
    codes = [c for c in agency.division.path.split("/") if c]
    supervisors = list(
        Agency.objects.filter(
            kind=Agency.Kind.JUSTICE, division__code__in=codes, is_active=True
        ).select_related("division")
    )
    supervisors.sort(key=lambda a: -len(a.division.path))
    domains = list(agency.domains.all())
    powers = PowerItem.objects.filter(domain__in=domains, is_active=True)
    changed = [
        last_changed("registry.agency", [agency.pk]),
        last_changed("registry.staff", [s.pk for s in officers]),
        last_changed("registry.credential", [c.pk for s in officers for c in s.usable]),
    ]
    return {
        "agency": agency,
        "domains": domains,
        "officers": officers,
        "supervisor": supervisors[0] if supervisors else None,
        "powers_count": powers.count(),
        "inspections_count": powers.filter(kind=PowerItem.Kind.INSPECTION).count(),
        "remedies": REMEDIES,
        "last_changed": max((c for c in changed if c), default=None),
    }


def powers(*, domain: Domain | None, kind: str = "", q: str = "") -> QuerySet[PowerItem]:
    qs = PowerItem.objects.filter(is_active=True).select_related("domain")
    if domain is not None:
        qs = qs.filter(domain=domain)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__contains=q))
    return qs.order_by("domain__sort", "code")


def power(power_id: int) -> dict[str, Any]:
    item = PowerItem.objects.filter(pk=power_id, is_active=True).select_related("domain").first()
    if item is None:
        raise NotFound("权力事项不存在。", code="DISCLOSURE_NOT_FOUND")
    violations = list(
        Violation.objects.filter(power=item)
        .prefetch_related(
            Prefetch("bases", queryset=LegalBasis.objects.order_by("role", "id")),
            Prefetch(
                "benchmarks",
                queryset=Benchmark.objects.select_related("division").prefetch_related(
                    Prefetch("tiers", queryset=BenchmarkTier.objects.order_by("id"))
                ),
            ),
        )
        .order_by("code")
    )
    steps = [
        s.strip(" 　。；;")
        for s in item.procedure.replace("→", "\n").replace("—>", "\n").splitlines()
        if s.strip()
    ]
    ids = [v.pk for v in violations]
    changed = [
        last_changed("registry.poweritem", [item.pk]),
        last_changed("registry.violation", ids),
        last_changed(
            "registry.legalbasis",
            [b.pk for v in violations for b in v.bases.all()]
            + list(LegalBasis.objects.filter(power=item).values_list("pk", flat=True)),
        ),
        last_changed("registry.benchmark", [b.pk for v in violations for b in v.benchmarks.all()]),
    ]
    return {
        "power": item,
        "bases": list(LegalBasis.objects.filter(power=item).order_by("role", "id")),
        "violations": violations,
        "steps": steps,
        "last_changed": max((c for c in changed if c), default=None),
    }
