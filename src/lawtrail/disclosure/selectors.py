"""Every read of public disclosure: staff reads scoped to what the actor may see; public reads see
only published records."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lawtrail.cases.models import Case
from lawtrail.cases.selectors import TASK_CASE_FIELDS, todo_query
from lawtrail.core.errors import NotFound
from lawtrail.core.permissions import Perm
from lawtrail.registry.selectors import agencies_in_scope

from .models import Record, Status


def records_for(actor: Any) -> QuerySet[Record]:
    """The records of the agencies the actor may read cases of (staff: drafts, originals, edits)."""
    return Record.objects.filter(agency__in=agencies_in_scope(actor, Perm.CASE_VIEW).values("pk"))


def record_get_for(actor: Any, record_id: int) -> Record:
    record = (
        records_for(actor)
        .select_related("agency", "domain", "division", "case")
        .prefetch_related("edits__actor")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise NotFound("公示记录不存在。", code="DISCLOSURE_NOT_FOUND")
    return record


def todo_records(actor: Any, limit: int, scope: QuerySet | None = None) -> QuerySet[Record]:
    """The handler's disclosure tasks: drafts to publish, and published records whose decision
    changed and that still await withdrawal or a note (APL-48) — of the cases they handle
    (as handler or co-officer) among ``scope``, the cases they may read.

    The cases are an id subquery (handler index, co-officer index), not a join: no DISTINCT
    over the records' and cases' columns, and only what a 待办 row shows is loaded."""
    return _todo_records(getattr(actor, "pk", actor), getattr(actor, "pk", actor), limit, scope)


def todo_records_compiled(actor: Any, limit: int, scope: QuerySet) -> list[Record]:
    """``todo_records`` run by a query compiled once per thread for the shape of the actor's
    scope (``cases.selectors.todo_query``): every 待办 request runs it."""

    def build(u1: int, u2: int) -> QuerySet[Record]:
        return _todo_records(u1, u2, limit, scope)

    return todo_query(actor, ("disclosure", limit), build).all(actor.pk, actor.pk)


def _todo_records(handler_id: int, officer_id: int, limit: int, scope: QuerySet | None) -> QuerySet[Record]:
    co_handled = Case.officers.through.objects.filter(user_id=officer_id).values("case_id")
    cases = (scope if scope is not None else Case.objects.all()).filter(
        Q(handler_id=handler_id) | Q(pk__in=co_handled)
    )
    pending_withdrawal = Q(
        status=Status.PUBLISHED, withdrawal_due_on__isnull=False, withdrawn_on__isnull=True, annotated=False
    )
    return (
        Record.objects.filter(case__in=cases.values("pk"))
        .filter(Q(status=Status.DRAFT) | pending_withdrawal)
        .select_related("case__agency", "case__domain")
        .only(
            "status",
            "due_on",
            "change_kind",
            "withdrawal_due_on",
            "case_id",
            *(f"case__{f}" for f in TASK_CASE_FIELDS),
        )
        .order_by("due_on", "id")[:limit]
    )


def public_records() -> QuerySet[Record]:
    """What the public may read: published records (withdrawn ones only by their own URL)."""
    return Record.objects.filter(status=Status.PUBLISHED)


def public_record_get(record_id: int) -> Record:
    """A record by its stable URL: published, or withdrawn (the page then shows why)."""
    record = (
        Record.objects.filter(pk=record_id, status__in=[Status.PUBLISHED, Status.WITHDRAWN])
        .select_related("agency", "domain", "division")
        .first()
    )
    if record is None:
        raise NotFound("公示记录不存在。", code="DISCLOSURE_NOT_FOUND")
    return record
