"""Every read of legal review, scoped to the actor (and the public 目录清单)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.cases.models import CaseEvent
from lawtrail.cases.selectors import case_get_for
from lawtrail.core.errors import NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.permissions import Perm, Role
from lawtrail.core.precompiled import Precompiled
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.models import Agency, Division, RoleGrant, Staff
from lawtrail.registry.selectors import agencies_in_scope, agency_roles, user_has_perm

from . import rules
from .models import CriterionOptOut, Review, ReviewCriterion

# ----------------------------------------------------------------------------- the 目录清单


def _ancestor_codes(division: Division) -> list[str]:
    """The codes of the division and of every ancestor, from its materialised path (``Division.path``,
    kept by ``Division.save``; divisions are never moved): no query, where walking ``parent`` took
    one per level."""
    return [code for code in division.path.split("/") if code]


def inherited_criteria(agency: Agency) -> QuerySet[ReviewCriterion]:
    """Active entries of the agency's division and every ancestor division."""
    return ReviewCriterion.objects.filter(division__code__in=_ancestor_codes(agency.division), active=True)


def _in_force(agency_id: int, agency_id_again: int, *codes: str) -> QuerySet[ReviewCriterion]:
    off = CriterionOptOut.objects.filter(agency_id=agency_id).values_list("criterion_id", flat=True)
    return (
        ReviewCriterion.objects.filter(
            Q(division__code__in=codes) | Q(agency_id=agency_id_again), active=True
        )
        .exclude(pk__in=off)
        .select_related("domain", "division", "agency")
        .order_by("sort", "id")
    )


#: ``criteria_in_force`` as a list, compiled once per thread for each depth of division (the
#: routing of every proposal's approval reads it)
_IN_FORCE: dict[int, Precompiled[ReviewCriterion]] = {}


def criteria_in_force(agency: Agency) -> QuerySet[ReviewCriterion]:
    """The agency's list in force: inherited entries not switched off, plus its own."""
    return _in_force(agency.pk, agency.pk, *_ancestor_codes(agency.division))


def criteria_in_force_list(agency: Agency) -> list[ReviewCriterion]:
    """``list(criteria_in_force(agency))``, compiled once per thread (per depth of division)."""
    codes = _ancestor_codes(agency.division)
    compiled = _IN_FORCE.get(len(codes))
    if compiled is None:
        compiled = _IN_FORCE.setdefault(len(codes), Precompiled(_in_force, arity=2 + len(codes)))
    return compiled.all(agency.pk, agency.pk, *codes)


def criteria_page_for(actor: Any, agency_id: int) -> dict[str, Any]:
    """The management view: own entries, inherited entries (with their opt-out), for admins."""
    agency = Agency.objects.select_related("division").filter(pk=agency_id).first()
    if agency is None or not user_has_perm(actor, Perm.CASE_CONFIGURE, agency):
        raise NotFound(_("执法机关不存在或您无权维护其目录清单。"), code="NOT_FOUND")
    off = {o.criterion_id: o for o in CriterionOptOut.objects.filter(agency=agency)}
    inherited = list(inherited_criteria(agency).select_related("division", "domain"))
    return {
        "agency": agency,
        "own": list(ReviewCriterion.objects.filter(agency=agency).select_related("domain")),
        "inherited": [{"criterion": c, "opt_out": off.get(c.pk)} for c in inherited],
    }


def public_criteria(agency_id: int) -> tuple[Agency, list[ReviewCriterion]]:
    """Published (事前公开): the list in force of an active agency — anyone may read it."""
    agency = Agency.objects.select_related("division").filter(pk=agency_id, is_active=True).first()
    if agency is None:
        raise NotFound(_("执法机关不存在。"), code="NOT_FOUND")
    return agency, list(criteria_in_force(agency))


# ----------------------------------------------------------------------------- reviews


def reviews_in_scope(actor: Any) -> QuerySet[Review]:
    return Review.objects.filter(case__agency__in=agencies_in_scope(actor, Perm.CASE_VIEW))


def review_get_for(actor: Any, review_id: int) -> Review:
    review = (
        reviews_in_scope(actor)
        .select_related("case__agency", "case__domain", "reviewer", "submitted_by", "decided_by")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        if Review.objects.filter(pk=review_id, reviewer=actor).exists():
            # her own round, but she no longer sees the agency's cases (the grant was withdrawn
            # mid-review): say why rather than "does not exist" — she knows it does
            raise PermissionDenied(
                _(
                    "您已不再担任本机关的法制审核人员，不能再办理本轮审核；如需继续，请联系本机关负责人重新授权或改派审核人员。"
                ),
                code="REVIEW_GRANT_LOST",
            )
        raise NotFound(_("审核记录不存在或您无权查看。"), code="NOT_FOUND")
    return review


def grant_lost_message() -> str:
    """The review page's notice to a reviewer whose grant was withdrawn (REVIEW_GRANT_LOST's text)."""
    return _(
        "您已不再担任本机关的法制审核人员，不能再办理本轮审核；如需继续，请联系本机关负责人重新授权或改派审核人员。"
    )


def refuse_if_grant_lost(actor: Any, review: Review) -> None:
    """Her round, but her reviewer grant in the case's agency was withdrawn since it was assigned."""
    if review.reviewer_id == actor.pk and not holds_reviewer_grant(actor, review):
        raise PermissionDenied(
            _(
                "您已不再担任本机关的法制审核人员，不能再办理本轮审核；如需继续，请联系本机关负责人重新授权或改派审核人员。"
            ),
            code="REVIEW_GRANT_LOST",
        )


def holds_reviewer_grant(actor: Any, review: Review) -> bool:
    """Whether the actor still holds a reviewer grant in the case's agency (cached grants)."""
    return any(
        role == Role.REVIEWER and agency_id == review.case.agency_id
        for role, agency_id in agency_roles(actor)
    )


def review_history_for(actor: Any, case_id: int) -> list[Review]:
    case = case_get_for(actor, case_id)
    return list(
        Review.objects.filter(case=case)
        .select_related("reviewer", "submitted_by", "decided_by")
        .prefetch_related("assignments__reviewer", "assignments__by")
        .order_by("round")
    )


@dataclasses.dataclass
class QueueRow:
    review: Review
    due_on: dt.date | None
    overdue: bool
    days_left: int | None


def review_queue_for(
    actor: Any, *, today: dt.date | None = None, mine: bool = True, status: str = "open"
) -> list[QueueRow]:
    """The reviewer's queue: open rounds assigned to the actor (or unassigned in their agency);
    ``mine=False`` (the head, supervisors) shows every open round in scope. Earliest due first."""
    if not user_has_perm(actor, Perm.CASE_VIEW):
        raise PermissionDenied(_("您没有查看法制审核的权限。"), code="PERMISSION_DENIED")
    today = today or timezone.localdate()
    qs = reviews_in_scope(actor).select_related("case__agency", "case__domain", "reviewer", "submitted_by")
    if status:
        qs = qs.filter(status=status)
    if mine:
        own_agencies = [agency for role, agency in agency_roles(actor) if role == Role.REVIEWER]
        # only where she still holds the grant: a round assigned to her before it was withdrawn
        # waits for the head to reassign it and is not her task any more
        qs = qs.filter(Q(reviewer=actor) | Q(reviewer__isnull=True), case__agency_id__in=own_agencies)
    rows = []
    for r in qs.order_by("due_on", "id")[:500]:
        done = r.status != Review.Status.OPEN
        rows.append(
            QueueRow(
                review=r,
                due_on=r.due_on,
                overdue=rules.is_overdue(due_on=r.due_on, today=today, done=done),
                days_left=(r.due_on - today).days if r.due_on and not done else None,
            )
        )
    return rows


def reviewers_for_case(actor: Any, review: Review) -> list[tuple[int, str]]:
    """Eligible reviewers the head may assign (for the form)."""
    from .services import eligible_reviewers  # noqa: PLC0415 — cycle: services import selectors

    ids = eligible_reviewers(review.case)
    return [(s.user_id, s.name) for s in Staff.objects.filter(user_id__in=ids).order_by("user_id")]


# ----------------------------------------------------------------------------- figures


def _period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start = date_from or today.replace(month=1, day=1)
    end = date_to or today
    if start > end:
        raise ValidationFailed(_("起始日期不能晚于截止日期。"), code="REVIEW_PERIOD_INVALID")
    return start, end


def figures_scope_for(
    actor: Any, *, agency_id: int | None = None, division_code: str | None = None
) -> tuple[str, QuerySet[Agency]]:
    """The agencies the figures cover: one agency, one division's subtree, or all in scope.
    A supervisor sees its division; an agency user its agency."""
    scope = agencies_in_scope(actor, Perm.CASE_VIEW)
    if agency_id:
        agency = scope.filter(pk=agency_id).first()
        if agency is None:
            raise NotFound(_("执法机关不存在或您无权查看。"), code="NOT_FOUND")
        return agency.name, scope.filter(pk=agency_id)
    if division_code:
        division = Division.objects.filter(code=division_code).first()
        if division is None:
            raise NotFound(_("行政区划不存在。"), code="NOT_FOUND")
        qs = scope.filter(division__path__startswith=division.path)
        if not qs.exists():
            raise NotFound(_("该行政区划内没有您可查看的执法机关。"), code="NOT_FOUND")
        return division.name, qs
    if not scope.exists():
        raise PermissionDenied(_("您没有查看法制审核统计的权限。"), code="PERMISSION_DENIED")
    return _("全部可查看机关"), scope


def figures_for(
    actor: Any,
    *,
    agency_id: int | None = None,
    division_code: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """The review figures (see ``rules.figures``) over a scope and a period of opinion dates.

    Required cases: those routed to review (a ``review_route`` event) within the period.
    """
    label, agencies = figures_scope_for(actor, agency_id=agency_id, division_code=division_code)
    start, end = _period(date_from, date_to)
    agency_ids = list(agencies.values_list("pk", flat=True))
    reviews = Review.objects.filter(
        case__agency_id__in=agency_ids, decided_on__gte=start, decided_on__lte=end
    ).exclude(status=Review.Status.OPEN)
    rows = [
        rules.ReviewRow(
            case_id=r.case_id,
            with_findings=r.status == Review.Status.FINDINGS,
            categories=tuple(r.categories or ()),
            days=(r.decided_on - r.submitted_on).days,
        )
        for r in reviews.only("case_id", "status", "categories", "decided_on", "submitted_on")
    ]
    required = CaseEvent.objects.filter(
        case__agency_id__in=agency_ids, action="review_route", on__gte=start, on__lte=end
    ).values_list("case_id", flat=True)
    staff = Staff.objects.filter(agency_id__in=agency_ids, is_active=True)
    reviewers = (
        RoleGrant.objects.filter(role=Role.REVIEWER, agency_id__in=agency_ids, user__staff__in=staff)
        .values("user_id")
        .distinct()
        .count()
    )
    officers = (
        RoleGrant.objects.filter(role=Role.OFFICER, agency_id__in=agency_ids, user__staff__in=staff)
        .values("user_id")
        .distinct()
        .count()
    )
    first = agencies.first()
    ratio_min = (
        Decimal(str(profile_value(first, "review.reviewer_ratio_min", on=end))) if first else Decimal(5)
    )
    out = rules.figures(
        rows=rows,
        required_case_ids=set(required),
        reviewers=reviewers,
        officers=officers,
        ratio_min=ratio_min,
    )
    per_agency = []
    if len(agency_ids) > 1:
        counts: dict[int, list[int]] = {}
        for r in reviews.values("case__agency_id", "status"):
            c = counts.setdefault(r["case__agency_id"], [0, 0])
            c[0] += 1
            c[1] += r["status"] == Review.Status.FINDINGS
        names = dict(agencies.values_list("pk", "name"))
        per_agency = [
            {"agency_id": aid, "agency": names[aid], "reviews": c[0], "with_findings": c[1]}
            for aid, c in sorted(counts.items())
        ]
    out.update({"scope": label, "date_from": start, "date_to": end, "per_agency": per_agency})
    return out
