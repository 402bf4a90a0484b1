"""Reads of cases, each scoped to what the actor may see (Perm.CASE_VIEW over agencies)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.errors import NotFound, ValidationFailed
from lawtrail.core.permissions import Perm
from lawtrail.registry.models import Division, Domain, RoleGrant, Staff
from lawtrail.registry.selectors import agencies_in_scope, user_has_perm

from . import workflow
from .models import (
    FINAL_STATES,
    Approval,
    ApprovalChain,
    Assistance,
    Case,
    CaseEvent,
    Deadline,
    Measure,
    Recusal,
    State,
    Transfer,
    state_label,
)

ACTIVE_STATES = [s for s in State if s not in FINAL_STATES and s != State.CLOSED]


def cases_in_scope(actor: Any) -> QuerySet[Case]:
    """Every case the actor may read: cases of the agencies they hold CASE_VIEW for."""
    agencies = agencies_in_scope(actor, Perm.CASE_VIEW)
    return Case.objects.filter(agency__in=agencies.values("pk"))


def _next_due() -> Subquery:
    """The case's soonest running deadline (a correlated subquery on the partial index
    ``deadline_active_case_due``, so a list needs no GROUP BY over all the scope's cases)."""
    return Subquery(
        Deadline.objects.filter(case=OuterRef("pk"), active=True, due_on__isnull=False)
        .order_by("due_on")
        .values("due_on")[:1]
    )


#: What a 待办 row shows of its case: loading only these keeps 200-row lists cheap (Case has ~50 columns).
TASK_CASE_FIELDS = ("id", "number", "title", "state", "agency__name", "domain__code", "domain__name")


def _task_cases(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("agency", "domain").only(*TASK_CASE_FIELDS)


def _task_via_case(qs: QuerySet, *extra: str) -> QuerySet:
    """A queryset of rows pointing to a case (approvals, measures …), with just the task fields."""
    return qs.select_related("case__agency", "case__domain").only(
        *extra, *(f"case__{f}" for f in TASK_CASE_FIELDS)
    )


def _with_next_due(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.annotate(next_due=_next_due())


def case_list_for(
    actor: Any,
    *,
    state: str | None = None,
    domain: str | None = None,
    officer: int | None = None,
    overdue: bool | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str | None = None,
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """The case list with its filters (status, domain, officer, overdue, lead date, text)."""
    qs = cases_in_scope(actor)
    if state:
        qs = qs.filter(state=state)
    if domain:
        qs = qs.filter(domain__code=domain)
    if officer:
        qs = qs.filter(Q(handler_id=officer) | Q(officers__id=officer)).distinct()
    if date_from:
        qs = qs.filter(lead_on__gte=date_from)
    if date_to:
        qs = qs.filter(lead_on__lte=date_to)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(number__contains=q) | Q(parties__name__contains=q)).distinct()
    if overdue is not None:
        late = Deadline.objects.filter(
            case=OuterRef("pk"), active=True, due_on__lt=today or timezone.localdate()
        )
        qs = qs.filter(Exists(late)) if overdue else qs.exclude(Exists(late))
    return _with_next_due(qs).select_related("agency", "domain", "handler").order_by("-id")


def case_get_for(actor: Any, case_id: int) -> Case:
    case = (
        cases_in_scope(actor)
        .select_related("agency__division", "domain", "region", "handler")
        .prefetch_related(
            "parties",
            "officers",
            "violations__violation",
            "evidence__collected_by",
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor").order_by("id")),
            Prefetch("deadlines", queryset=Deadline.objects.order_by("-active", "due_on", "id")),
            Prefetch("approvals", queryset=Approval.objects.prefetch_related("steps__actor").order_by("id")),
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("案件不存在或您无权查看。"), code="CASE_NOT_FOUND")
    return case


def pending_approvals(case: Case) -> list[Approval]:
    """The case's pending approvals (its own, and extensions or measures beside it), oldest first."""
    return sorted(
        (a for a in case.approvals.all() if a.status == Approval.Status.PENDING), key=lambda a: a.pk
    )


def pending_approval(case: Case) -> Approval | None:
    return next(iter(pending_approvals(case)), None)


@dataclass
class AvailableAction:
    action: str
    label: str
    fields: tuple[str, ...]
    kind: str = "transition"  # or "approval"
    approval_id: int | None = None  # the approval an "approval" action acts on
    level: int | None = None  # its current level (sent back as expected_level)
    chain: str = ""  # the approval's action (filing … extension, measure)


def actions_for(actor: Any, case: Case) -> list[AvailableAction]:
    """What the actor may try on the case now (guards are checked when they try). While the case's
    own approval (filing, proposal, decision) runs only approval actions are offered; an extension
    or a measure approval runs beside the case and leaves its other steps open."""
    out: list[AvailableAction] = []
    pending = pending_approvals(case)
    roles = (
        set(RoleGrant.objects.filter(user=actor, agency=case.agency).values_list("role", flat=True))
        if pending
        else set()
    )
    for approval in pending:
        role = approval.levels[approval.level]
        side = approval.action in workflow.SIDE_APPROVALS
        what = f"（{workflow.APPROVAL_LABELS[approval.action]}）" if side else ""
        if approval.measure_id:
            what = f"（{workflow.APPROVAL_LABELS[approval.action]} #{approval.measure_id}）"

        def act(name: str, label: str, fields: tuple[str, ...], a=approval, what=what) -> AvailableAction:
            return AvailableAction(name, f"{label}{what}", fields, "approval", a.pk, a.level, a.action)

        if (
            role in roles
            and actor.pk != approval.submitted_by_id
            and approval.assignee_id in (None, actor.pk)
        ):
            out += [
                act("approve", _("批准"), ("reasons",)),
                act("send_back", _("退回"), ("reasons", "to")),
                act("reassign", _("改派"), ("assignee_id",)),
            ]
        if actor.pk == approval.submitted_by_id and not approval.steps.exists():
            out.append(act("withdraw", _("取回"), ()))
    if any(a.action in workflow.BLOCKING_APPROVALS for a in pending):
        return out
    for t in workflow.actions_from(case.state):
        if user_has_perm(actor, t.perm, case.agency):
            out.append(AvailableAction(t.action, t.label, t.fields))
    return out


@dataclass
class Task:
    case: Case
    what: str
    due_on: dt.date | None


def _head_tasks(actor: Any, scope: QuerySet[Case], agencies: list[int], limit: int) -> list[Task]:
    """What waits for the agency head (主要负责人) outside the approval chains: recusals to decide
    (APL-43). Measures (ACL-17/18, ACL-19) and extensions (APL-60) are approvals: they reach the
    head through ``Approval.current_role`` like every chain, at the head's level only."""

    if not agencies:
        return []
    mine = scope.filter(agency_id__in=agencies)
    out: list[Task] = []
    recusals = (
        Recusal.objects.filter(case__in=mine, status=Recusal.Status.PENDING)
        .exclude(account=actor)
        .select_related("case__agency", "case__domain")[:limit]
    )
    out += [Task(r.case, _("回避申请（待我决定）"), None) for r in recusals]
    return out


def todo_for(actor: Any, *, today: dt.date | None = None, limit: int = 200) -> list[Task]:
    """待办: the steps waiting for this person, soonest deadline first.

    - cases they handle (as handler or co-officer) that are active and not waiting for someone else;
    - approvals waiting at a level they hold, in their agencies;
    - cases in legal review at agencies where they are a reviewer.
    """
    scope = cases_in_scope(actor)
    tasks: list[Task] = []
    # the actor's own cases: as handler (index handler+state) or co-officer (the M2M table's
    # user index) — an id subquery instead of a join, so no DISTINCT over the agency's cases
    co_handled = Case.officers.through.objects.filter(user=actor).values("case_id")
    waiting = [State.FILING, State.PROPOSING, State.DECIDING, State.REVIEWING]
    working = [s for s in ACTIVE_STATES if s not in waiting]
    own = _with_next_due(
        _task_cases(scope.filter(Q(handler=actor) | Q(pk__in=co_handled), state__in=working))
    ).order_by(F("next_due").asc(nulls_last=True), "-id")[:limit]
    tasks += [Task(c, state_label(c.state), c.next_due) for c in own]
    # a case that ended with property still held (before ACL-28 was enforced at the end, or by a
    # legacy path): its handler releases it (APL-57, ACL-28)
    held = (
        Measure.objects.filter(
            case__in=scope.filter(Q(handler=actor) | Q(pk__in=co_handled)).exclude(state__in=working),
            status=Measure.Status.TAKEN,
        )
        .exclude(case__state__in=waiting)
        .select_related("case__agency", "case__domain")
        .order_by("period_end", "id")[:limit]
    )
    tasks += [Task(m.case, _("解除强制措施（案件已终结）"), m.period_end) for m in held]
    grants = list(RoleGrant.objects.filter(user=actor, agency__isnull=False).values_list("role", "agency_id"))
    if grants:
        levels = Q(pk__in=[])
        for role, agency in grants:
            if role in ("approver_1", "approver_2", "approver_3"):
                levels |= Q(current_role=role, case__agency_id=agency)
        pending = _task_via_case(
            Approval.objects.filter(levels, status=Approval.Status.PENDING)
            .filter(Q(assignee__isnull=True) | Q(assignee=actor))
            .exclude(submitted_by=actor)
            .select_related("measure"),
            "action",
            "measure__kind",
            "measure__approval_due_at",
        )[:limit]
        for a in pending:
            what = workflow.APPROVAL_LABELS[a.action]
            due = None
            if a.measure_id:  # ACL-19: an emergency measure's post-approval is due within 24 hours
                what = f"{what}：{a.measure.get_kind_display()}"
                if a.measure.approval_due_at:
                    due = timezone.localtime(a.measure.approval_due_at).date()
            tasks.append(Task(a.case, _("%(what)s（待我审批）") % {"what": what}, due))
        reviewer_agencies = [agency for role, agency in grants if role == "reviewer"]
        if reviewer_agencies:
            for c in _with_next_due(
                _task_cases(scope.filter(state=State.REVIEWING, agency_id__in=reviewer_agencies))
            )[:limit]:
                tasks.append(Task(c, _("法制审核"), c.next_due))
        tasks += _head_tasks(actor, scope, [agency for role, agency in grants if role == "approver_3"], limit)
    far = dt.date.max
    tasks.sort(key=lambda t: (t.due_on or far, -t.case.pk))
    return tasks[:limit]


# ----------------------------------------------------------------------------- pages


def case_page_for(actor: Any, case_id: int) -> Case:
    """The case page: ``case_get_for`` plus the legal basis of each violation item."""

    case = case_get_for(actor, case_id)
    prefetch_related_objects([case], "violations__violation__bases")
    return case


def pending_deadline_reasons(case_ids: list[int]) -> dict[int, str]:
    """Why a running deadline of these cases has no date yet (WD-1: a calendar year is missing).

    Callers pass ids of cases they already read through a scoped selector."""
    out: dict[int, str] = {}
    rows = Deadline.objects.filter(case_id__in=case_ids, active=True, due_on__isnull=True)
    for case_id, label, reason in rows.order_by("id").values_list("case_id", "label", "pending_reason"):
        out.setdefault(case_id, f"{label}：{reason}" if reason else label)
    return out


def handle_agencies_for(actor: Any) -> QuerySet:
    """Agencies in which the actor may register leads (Perm.CASE_HANDLE)."""
    return agencies_in_scope(actor, Perm.CASE_HANDLE).select_related("division").order_by("id")


def staff_accounts_for(actor: Any, agency_ids: list[int]) -> list[tuple[int, str]]:
    """(user id, name) of the active staff with a login account in agencies the actor may see cases of:
    the people a step may name (co-officers, hearing host, attendees, assignee)."""

    visible = agencies_in_scope(actor, Perm.CASE_VIEW).filter(pk__in=agency_ids).values("pk")
    rows = (
        Staff.objects.filter(agency__in=visible, is_active=True, user__isnull=False)
        .order_by("agency_id", "id")
        .values_list("user_id", "name", "user__username")
    )
    return [(uid, f"{name}（{username}）") for uid, name, username in rows]


# ----------------------------------------------------------------------------- API look-ups


def case_refs_for(actor: Any, *, agency_id: int | None, domain: str, region: str) -> tuple[Any, Any, Any]:
    """(agency, domain, region) for a new lead. The agency is one the actor may see cases of
    (404 otherwise; whether they may register leads there is the service's check); without
    ``agency_id`` it is the agency the actor works in."""

    visible = agencies_in_scope(actor, Perm.CASE_VIEW).select_related("division")
    if agency_id is None:
        staff = Staff.objects.filter(user=actor, is_active=True).first()
        if staff is None:
            raise ValidationFailed(_("请指定办案机关。"), code="CASE_AGENCY_REQUIRED")
        agency_id = staff.agency_id
    agency = visible.filter(pk=agency_id).first()
    if agency is None:
        raise NotFound(_("执法主体不存在或您无权查看。"), code="AGENCY_NOT_FOUND")
    domain_row = Domain.objects.filter(code=domain).first()
    if domain_row is None:
        raise ValidationFailed(_("执法领域不存在。"), code="CASE_DOMAIN_UNKNOWN", details={"field": "domain"})
    region_row = Division.objects.filter(code=region).first()
    if region_row is None:
        raise ValidationFailed(_("行政区划不存在。"), code="CASE_REGION_UNKNOWN", details={"field": "region"})
    return agency, domain_row, region_row


def case_agency_for(actor: Any, agency_id: int) -> Any:
    """An agency whose cases the actor may see (404 otherwise): for its approval chains."""
    agency = agencies_in_scope(actor, Perm.CASE_VIEW).select_related("division").filter(pk=agency_id).first()
    if agency is None:
        raise NotFound(_("执法主体不存在或您无权查看。"), code="AGENCY_NOT_FOUND")
    return agency


def approval_chains_for(actor: Any, agency_id: int) -> list[dict[str, Any]]:
    """The agency's approval chain for each approval action (the default where none is set)."""

    agency = case_agency_for(actor, agency_id)
    configured = dict(ApprovalChain.objects.filter(agency=agency).values_list("action", "levels"))
    return [
        {
            "action": action,
            "label": workflow.APPROVAL_LABELS.get(action, action),
            "levels": list(configured.get(action) or default),
            "configured": action in configured,
        }
        for action, default in workflow.DEFAULT_CHAINS.items()
    ]


def assistance_for(actor: Any) -> QuerySet:
    """协查: the requests sent to the agencies the actor may see (they do not see the case itself,
    only the request: case number, title, what is asked). Reply with
    ``case_transition(action="assistance_reply", data={"assistance_id": ..., "reply": ...})``."""

    agencies = agencies_in_scope(actor, Perm.CASE_VIEW)
    return (
        Assistance.objects.filter(to_agency__in=agencies.values("pk"))
        .select_related("case__agency", "to_agency", "requested_by", "replied_by")
        .order_by("replied_on", "-id")
    )


def transfers_received_for(actor: Any) -> QuerySet:
    """移送: the cases other agencies transferred to the agencies the actor may see."""

    agencies = agencies_in_scope(actor, Perm.CASE_VIEW)
    return (
        Transfer.objects.filter(to_agency__in=agencies.values("pk"))
        .select_related("case__agency", "to_agency", "sent_by")
        .order_by("-id")
    )
