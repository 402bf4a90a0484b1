"""Approval chains (逐级审批): who approves what, level by level.

These functions decide and record — the approval row, its steps, their journal entries — and
return how the approval ended (``Outcome``). They never apply the effect of the approved step:
the engine (``engine._apply_outcome``) does, so the effect of a step has one home, its row.
Everything here runs inside the caller's transaction (the engine's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, models, transaction
from django.db.models import signals
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.core.permissions import Perm, Role
from lawtrail.core.precompiled import Precompiled
from lawtrail.registry.models import Agency, Staff
from lawtrail.registry.selectors import roles_at, user_has_perm

from . import rules, workflow
from .journal_actions import CaseJournal
from .models import Approval, ApprovalChain, ApprovalStep, Case, Measure

APPROVER_ROLES = (Role.APPROVER_1, Role.APPROVER_2, Role.APPROVER_3)
DECISIONS = ("approve", "send_back", "withdraw", "reassign")


#: the agency's chain for an action (asked by the guards and by opening an approval, several times
#: in a step): compiled once per thread
_CHAIN = Precompiled(
    lambda agency_id, action: ApprovalChain.objects.filter(agency_id=agency_id, action=action).order_by("id")[
        :1
    ]
)


def approval_chain_for(agency: Agency, action: str) -> list[str]:
    chain = _CHAIN.first(agency.pk, action)
    return list(chain.levels) if chain else list(workflow.DEFAULT_CHAINS[action])


def approval_chain_set(*, actor: Any, agency: Agency, action: str, levels: list[str]) -> ApprovalChain:
    """Configure the agency's chain for one approval action (e.g. 承办机构负责人 → 主要负责人).
    The chains of extensions and measures end with the head (``rules.side_chain_check``)."""
    if not user_has_perm(actor, Perm.CASE_CONFIGURE, agency):
        raise PermissionDenied(_("您没有办理该案件此项操作的权限。"), code="PERMISSION_DENIED")
    if action not in workflow.DEFAULT_CHAINS:
        raise ValidationFailed(_("未知的审批事项。"), code="APPROVAL_ACTION_UNKNOWN")
    if not levels or any(level not in APPROVER_ROLES for level in levels) or len(set(levels)) != len(levels):
        raise ValidationFailed(
            _("审批层级须为不重复的审批角色（承办机构负责人、分管领导、主要负责人）。"),
            code="APPROVAL_CHAIN_INVALID",
        )
    rules.side_chain_check(action=action, levels=list(levels))
    with transaction.atomic():
        chain, created = ApprovalChain.objects.select_for_update().get_or_create(agency=agency, action=action)
        before = None if created else journal_snapshot(chain)
        chain.levels = levels
        chain.save()
        journal_append(actor=actor, action=CaseJournal.APPROVAL_CHAIN_SET, subject=chain, before=before)
    return chain


def open(  # noqa: A001 — approvals.open reads as the act it is
    case: Case,
    *,
    actor: Any,
    action: str,
    payload: dict[str, Any],
    on: dt.date,
    measure_id: int | None = None,
) -> Approval:
    """Submit ``payload`` (the step's input as JSON) to the agency's chain for ``action``; the
    chain in force now is copied onto the approval."""
    approval = Approval(
        case=case,
        action=action,
        level=0,
        submitted_by=actor,
        submitted_at=timezone.now(),
        payload={**payload, "_on": on.isoformat()},
        measure_id=measure_id,
    )
    if not _open_write(approval, case.agency):
        approval.levels = approval_chain_for(case.agency, action)
        approval.save(force_insert=True)
    journal_append(actor=actor, action=CaseJournal.APPROVAL_SUBMIT, subject=approval)
    return approval


#: (vendor) → the INSERT of a new approval with its agency's chain read in it, built once
_OPEN_SQL: dict[str, str] = {}


def _open_write(approval: Approval, agency: Agency) -> bool:
    """On PostgreSQL: the new approval's INSERT — as ``approval.save()`` writes it, values
    prepared by the same fields — with the chain in force (``approval_chain_for``: the agency's
    ``ApprovalChain``, or the default) read in the same statement: one round trip where there
    were two, its SQL built once instead of compiled on every submission. False, having written
    nothing, elsewhere or when someone listens to the approval's save signals or
    ``Approval.save`` is not the model's: the caller then takes the ORM's way."""
    if connection.vendor != "postgresql" or type(approval).save is not Approval.save:
        return False
    if signals.pre_save.has_listeners(Approval) or signals.post_save.has_listeners(Approval):
        return False
    levels_field = Approval._meta.get_field("levels")
    default = levels_field.get_db_prep_save(list(workflow.DEFAULT_CHAINS[approval.action]), connection)
    fields = [f for f in Approval._meta.concrete_fields if not f.primary_key]
    params = [
        f.get_db_prep_save(f.pre_save(approval, True), connection=connection)
        for f in fields
        if f.name not in ("levels", "current_role")
    ]
    sql = _OPEN_SQL.get(connection.vendor)
    if sql is None:
        sql = _OPEN_SQL[connection.vendor] = _open_sql(fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, approval.action, default, *params])
        approval.pk, levels = cursor.fetchone()
    approval.levels = levels_field.from_db_value(levels, None, connection)
    approval.derive()  # the same as the statement wrote: the first level's role
    approval._state.adding = False
    approval._state.db = connection.alias
    return True


def _open_sql(fields: list[models.Field]) -> str:
    qn = connection.ops.quote_name
    chain_table = qn(ApprovalChain._meta.db_table)
    chain = ApprovalChain._meta
    agency, action = (qn(chain.get_field(name).column) for name in ("agency", "action"))
    levels = qn(chain.get_field("levels").column)
    # the chain as ``_CHAIN`` reads it (the agency's first row for the action), else the default
    read = (
        f"SELECT COALESCE((SELECT {levels} FROM {chain_table} WHERE {agency} = %s AND {action} = %s "
        f"ORDER BY {qn(chain.pk.column)} LIMIT 1), %s) AS lv"
    )
    # an approval opens at level 0, pending: its current role is the chain's first (Approval.derive)
    values = [
        "ch.lv" if f.name == "levels" else "COALESCE(ch.lv ->> 0, '')" if f.name == "current_role" else "%s"
        for f in fields
    ]
    return (
        f"WITH ch AS ({read}) INSERT INTO {qn(Approval._meta.db_table)} "
        f"({', '.join(qn(f.column) for f in fields)}) SELECT {', '.join(values)} FROM ch "
        f"RETURNING {qn(Approval._meta.pk.column)}, {qn(Approval._meta.get_field('levels').column)}"
    )


def close(approval: Approval, *, actor: Any, reasons: str) -> None:
    """End a side approval whose subject is gone (measure released, decision limit over)."""
    before = journal_snapshot(approval)
    step = ApprovalStep.objects.create(
        approval=approval,
        level=approval.level,
        decision="close",
        actor=actor,
        at=timezone.now(),
        reasons=reasons,
    )
    journal_append(actor=actor, action=CaseJournal.APPROVAL_STEP, subject=step)
    approval.status = Approval.Status.WITHDRAWN
    approval.save()
    journal_append(actor=actor, action=CaseJournal.APPROVAL_CLOSE, subject=approval, before=before)


def close_pending(
    case: Case, chain: str, *, actor: Any, reasons: str, measure: Measure | None = None
) -> None:
    """Close every pending side approval of ``chain`` (of ``measure`` when given)."""
    if measure is not None:
        found = _PENDING_OF_MEASURE.all(measure.pk, chain)
    else:
        found = _PENDING_OF_CASE.all(case.pk, chain)
    for a in found:
        close(a, actor=actor, reasons=reasons)


#: the pending approvals of a chain, locked (``close_pending``: asked by several steps — deciding,
#: ending a case, releasing a measure — and mostly finding none): compiled once per thread
_PENDING_OF_CASE = Precompiled(
    lambda case_id, action: Approval.objects.select_for_update().filter(
        case_id=case_id, status=Approval.Status.PENDING, action=action
    )
)
_PENDING_OF_MEASURE = Precompiled(
    lambda measure_id, action: Approval.objects.select_for_update().filter(
        measure_id=measure_id, status=Approval.Status.PENDING, action=action
    )
)


_FIRST_TWO_PENDING = Precompiled(
    lambda case_id: (
        Approval.objects.select_for_update()
        .filter(case_id=case_id, status=Approval.Status.PENDING)
        .order_by("id")[:2]
    )
)


_PENDING_BY_ID = Precompiled(
    lambda case_id, approval_id: (
        Approval.objects.select_for_update()
        .filter(case_id=case_id, status=Approval.Status.PENDING, pk=approval_id)
        .order_by("id")[:1]
    )
)


def pending(case: Case, approval_id: int | None = None) -> Approval:
    """The pending approval to act on: ``approval_id``, or the only one (several: it must be named)."""
    qs = case.approvals.select_for_update().filter(status=Approval.Status.PENDING).order_by("id")
    if approval_id is not None:
        approval = _PENDING_BY_ID.first(case.pk, int(approval_id))  # ``qs.filter(pk=…).first()``
    else:
        rows = _FIRST_TWO_PENDING.all(case.pk)  # ``list(qs[:2])``, compiled once per thread
        if len(rows) > 1:
            raise ValidationFailed(
                _("案件有多项待审批事项，请指明要办理的审批（approval_id）。"),
                code="APPROVAL_ID_REQUIRED",
                details={"approval_ids": list(qs.values_list("pk", flat=True))},
            )
        approval = rows[0] if rows else None
    if approval is None:
        raise Conflict(_("案件没有待审批事项，可能已被他人处理。"), code="APPROVAL_NOT_PENDING")
    return approval


def holds_level(actor: Any, agency: Agency, role: str) -> bool:
    """Whether ``actor`` holds ``role`` by a grant on the agency (from the grants the permission
    checks of this step loaded already)."""
    return role in roles_at(actor, agency.pk)


@dataclass(frozen=True)
class Outcome:
    """How one decision on an approval ended. ``ended``: the approval is over (approved by the
    last level, sent back to the handler, or withdrawn) and the engine applies its effect."""

    approval: Approval
    decision: str
    ended: bool
    role: str
    reasons: str

    def record(self) -> dict[str, Any]:
        """What the event records of the decision."""
        out: dict[str, Any] = {
            "approval": self.approval.action,
            "approval_id": self.approval.pk,
            "level": self.approval.level,
            "role": self.role,
        }
        if self.approval.measure_id:
            out["measure_id"] = self.approval.measure_id
        return out


def decide(
    case: Case,
    approval: Approval,
    *,
    actor: Any,
    decision: str,
    reasons: str = "",
    to: str = "handler",
    assignee_id: int | None = None,
) -> Outcome:
    """Record one decision on a locked case's pending approval and say how it ended."""
    acting_level = approval.level  # the step records the level it acted at
    role = approval.levels[acting_level]
    before = journal_snapshot(approval)
    side = approval.action in workflow.SIDE_APPROVALS
    ended = False
    if decision not in DECISIONS:
        raise ValidationFailed(_("未知的审批操作。"), code="APPROVAL_DECISION_UNKNOWN")
    if decision == "withdraw":
        if actor.pk != approval.submitted_by_id:
            raise PermissionDenied(_("只有提交人可以取回。"), code="APPROVAL_WITHDRAW_NOT_SUBMITTER")
        if approval.steps.exists():
            raise Conflict(_("审批人已经办理，不能取回。"), code="APPROVAL_ALREADY_ACTED")
        if side and approval.measure_id and approval.measure.status == Measure.Status.TAKEN:
            raise Conflict(
                _(
                    "紧急实施的强制措施须在24小时内补办批准，不能取回；不再需要的，应当立即解除（《行政强制法》第十九条）。"
                ),
                code="MEASURE_POST_APPROVAL_NO_WITHDRAW",
                rule="ACL-19",
            )
        approval.status, ended = Approval.Status.WITHDRAWN, True
    else:
        if not holds_level(actor, case.agency, role):
            if any(holds_level(actor, case.agency, r) for r in approval.levels[:acting_level]):
                # the actor's level was already approved by someone else meanwhile: stale, not forbidden
                raise Conflict(_("该层级已由他人办理，审批已进入下一层级，请刷新。"), code="APPROVAL_STALE")
            raise PermissionDenied(
                _("该审批事项当前由“%(role)s”办理。") % {"role": Role(role).label},
                code="APPROVAL_NOT_YOUR_LEVEL",
            )
        if approval.assignee_id and approval.assignee_id != actor.pk:
            raise PermissionDenied(_("该审批事项已指派给其他审批人。"), code="APPROVAL_ASSIGNED_TO_OTHER")
        if actor.pk == approval.submitted_by_id:
            raise PermissionDenied(_("不能审批本人提交的事项。"), code="APPROVAL_SELF")
        if decision == "approve":
            if approval.level + 1 < len(approval.levels):
                approval.level += 1
                approval.assignee = None
            else:
                approval.status, ended = Approval.Status.APPROVED, True
        elif decision == "send_back":
            if not reasons.strip():
                raise ValidationFailed(_("退回须写明理由。"), code="REASON_REQUIRED")
            if to == "previous" and approval.level > 0:
                approval.level -= 1
                approval.assignee = None
            else:
                approval.status, ended = Approval.Status.SENT_BACK, True
        else:  # reassign
            target = Staff.objects.filter(user_id=assignee_id, agency=case.agency).first()
            if target is None or not holds_level(target.user, case.agency, role):
                raise ValidationFailed(
                    _("改派对象须为本机关同一审批层级的人员。"), code="APPROVAL_REASSIGN_INVALID"
                )
            approval.assignee_id = assignee_id
    step = ApprovalStep(
        approval=approval,
        level=acting_level,
        decision=decision,
        actor=actor,
        at=timezone.now(),
        reasons=reasons,
    )
    if not _decision_write(step, approval):
        step.save(force_insert=True)
        approval.save(update_fields=_DECIDED)
    journal_append(actor=actor, action=CaseJournal.APPROVAL_STEP, subject=step)
    journal_append(actor=actor, action=CaseJournal.approval(decision), subject=approval, before=before)
    return Outcome(approval=approval, decision=decision, ended=ended, role=role, reasons=reasons)


#: what a decision changes on its approval
_DECIDED = ["level", "assignee", "status", "current_role"]

#: (vendor) → the decision's ``WITH`` statement, built once from the models' fields
_DECISION_SQL: dict[str, str] = {}


def _decision_write(step: ApprovalStep, approval: Approval) -> bool:
    """On PostgreSQL: the step's INSERT and its approval's UPDATE — what ``step.save()`` and
    ``approval.save(update_fields=_DECIDED)`` write, values prepared by the same fields — in one
    ``WITH`` statement, one round trip where there were two, its SQL built once instead of
    compiled twice on every decision. False, having written nothing, elsewhere or when someone
    listens to the rows' save signals or ``Approval.save`` is not the model's: the caller then
    takes the ORM's way."""
    if connection.vendor != "postgresql" or type(approval).save is not Approval.save:
        return False
    for model in (Approval, ApprovalStep):
        if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
            return False
    approval.derive()  # as Approval.save keeps current_role
    inserted = [f for f in ApprovalStep._meta.concrete_fields if not f.primary_key]
    updated = [Approval._meta.get_field(name) for name in _DECIDED]
    params = [f.get_db_prep_save(f.pre_save(step, True), connection=connection) for f in inserted]
    params += [f.get_db_prep_save(f.pre_save(approval, False), connection=connection) for f in updated]
    sql = _DECISION_SQL.get(connection.vendor)
    if sql is None:
        sql = _DECISION_SQL[connection.vendor] = _decision_sql(inserted, updated)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, approval.pk])
        step_id, updated_rows = cursor.fetchone()
    if updated_rows < 1:  # as Model.save(update_fields=…) says it
        raise DatabaseError("Save with update_fields did not affect any rows.")
    step.pk = step_id
    for row in (step, approval):
        row._state.adding = False
        row._state.db = connection.alias
    return True


def _decision_sql(inserted: list[models.Field], updated: list[models.Field]) -> str:
    qn = connection.ops.quote_name
    step_table, approval_table = qn(ApprovalStep._meta.db_table), qn(Approval._meta.db_table)
    columns = ", ".join(qn(f.column) for f in inserted)
    values = ", ".join(["%s"] * len(inserted))
    sets = ", ".join(f"{qn(f.column)} = %s" for f in updated)
    step_pk, approval_pk = qn(ApprovalStep._meta.pk.column), qn(Approval._meta.pk.column)
    # a data-modifying WITH runs to completion whether or not the SELECT reads it; the count
    # says whether the approval's row was there to update
    return (
        f"WITH st AS (INSERT INTO {step_table} ({columns}) VALUES ({values}) RETURNING {step_pk}), "
        f"ap AS (UPDATE {approval_table} SET {sets} WHERE {approval_pk} = %s RETURNING 1) "
        f"SELECT st.{step_pk}, (SELECT COUNT(*) FROM ap) FROM st"
    )
