"""The engine of the case flow: the only code that changes ``Case.state``.

``case_transition`` takes one row of ``workflow.TABLE``: it parses the row's typed input once,
locks the case, checks the actor's permission and the state, then runs — in one transaction —
the row's guards, the hooks' guards (``cases.hooks``), the row's effect and the hooks' effects,
and writes the ``CaseEvent`` (with its typed tag), the journal entries and the outbox deliveries
(``cases.outbox``, dispatched after commit). Two people acting on the same step at once: the
second waits for the lock, then finds the state changed and gets a 409, and nothing of theirs is
written.

``approval_act`` is the other door of a person into the flow: one level of an approval chain
acts. ``approvals.decide`` records the decision and says how it ended; this module applies the
effect (the row's, for the last level's approval).

Follow one request: API view → ``case_transition`` → ``workflow.TABLE`` row (its ``guards``,
``effect`` and ``input``) → ``hooks.hooks_for(action)`` → ``_event`` → journal and outbox.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DatabaseError, connection, models, transaction
from django.db.models import Exists, OuterRef, Subquery, signals
from django.db.models.expressions import RawSQL
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.calendar.selectors import calendar_memo, calendar_revision_seen
from lawtrail.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.journal.services import (
    journal_append_all,
    journal_batch,
    journal_batch_insert,
    journal_batch_inserted,
    journal_snapshot,
)
from lawtrail.core.models import Revision
from lawtrail.core.permissions import Perm
from lawtrail.core.precompiled import PLACEHOLDER, Precompiled
from lawtrail.profiles.selectors import profile_memo, profile_revision_seen
from lawtrail.registry.selectors import user_has_perm

from . import approvals, deadlines, hooks, inputs, outbox, workflow
from .context import StepContext
from .guards import assistance_of, officer_facts_memo, officers_qualified, officers_revision_seen
from .inputs import given, plain
from .journal_actions import CaseJournal
from .models import Approval, Case, CaseEvent, Delivery, State
from .tags import APPROVAL_STEP_TAGS, APPROVED_TAGS, STEP_TAGS, EventTag


@contextmanager
def step_memos() -> Iterator[None]:
    """What one step reads once and writes once, inside its transaction: the rule profile
    (every key in one query), the calendar's year stamps, the officers' credentials (the actor's
    and the case's officers' in one query), the journal (every entry of the step
    in one INSERT, written when the step's work is done, before it commits) and the case's
    ``next_due`` (refreshed with the step's UPDATE of the case)."""
    with (
        profile_memo(),
        calendar_memo(),
        officer_facts_memo(),
        journal_batch(),
        deadlines.next_due_deferred(),
        _event_id_reserve(),
    ):
        yield


#: within a step (PostgreSQL): the event id drawn from the events' sequence with the row lock,
#: for the first event the step writes — so the step's last event, its outbox rows and its journal
#: entries (whose digests name the event's id) go to the database in one statement
_RESERVED: ContextVar[list[int] | None] = ContextVar("cases_reserved_event_id", default=None)


@contextmanager
def _event_id_reserve() -> Iterator[None]:
    if _RESERVED.get() is not None:
        yield
        return
    token = _RESERVED.set([])
    try:
        yield
    finally:
        _RESERVED.reset(token)


def _today() -> dt.date:
    return timezone.localdate()


def step_context(
    case: Case, *, actor: Any, on: dt.date, row: workflow.Transition, data: Mapping[str, Any] | None
) -> StepContext:
    """A context for ``row`` with ``data`` parsed into the row's input and the hooks' inputs."""
    return StepContext(
        case=case,
        actor=actor,
        on=on,
        row=row,
        input=inputs.parse(row.input, data),
        extra={app: inputs.parse(tp, data) for app, tp in hooks.extra_input_types(row.action)},
    )


# ----------------------------------------------------------------------------- events


def step_record(ctx: StepContext) -> dict[str, Any]:
    """What the event records of a step: the input given, the hooks' inputs, and the outputs."""
    data = given(ctx.input)
    for extra in ctx.extra.values():
        data.update(given(extra))
    data.update(plain(ctx.out))
    return data


def _event(
    case: Case,
    *,
    actor: Any,
    action: str,
    tag: EventTag | str,
    from_state: str,
    to_state: str,
    on: dt.date,
    note: str = "",
    data: dict | None = None,
    case_write: tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], dict[str, Any]] | None = None,
    last: bool = False,
) -> CaseEvent:
    """The step's ``CaseEvent``, journaled, and queued for the outbox. ``case_write``:
    (journal action, snapshot before) of the case saved by the same step, journaled first in the
    same statement (one round trip for both entries), with the snapshot after as a third item
    where ``save_changed`` has just taken it. ``last``: the step's last write (its own
    event, written by ``case_transition``/``approval_act``) — on PostgreSQL the event, its outbox
    rows and every journal entry of the step then go in one statement."""
    event = CaseEvent(
        case=case,
        action=action,
        tag=str(tag),
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        at=timezone.now(),
        on=on,
        note=note[:2000],
        data=data or {},
    )
    reserved = _RESERVED.get()
    if reserved:  # the id drawn with the row lock: before any other event of this step's
        event.pk = reserved.pop()
    writes = [(actor, CaseJournal.event(action), event, None)]
    case_after = None
    if case_write is not None:
        writes.insert(0, (actor, case_write[0], case, case_write[1]))
        case_after = case_write[2] if len(case_write) > 2 else None
    if last and event.pk is not None:
        _write_last(event, writes, afters={0: case_after} if case_after is not None else None)
        return event
    event.save(force_insert=True)
    journal_append_all(writes)
    outbox.enqueue(event)
    return event


_EVENT_INSERT: list[str] = []


def _event_insert_sql() -> str:
    if not _EVENT_INSERT:
        qn = connection.ops.quote_name
        fields = CaseEvent._meta.concrete_fields
        _EVENT_INSERT.append(
            f"INSERT INTO {qn(CaseEvent._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
    return _EVENT_INSERT[0]


def _write_last(
    event: CaseEvent,
    writes: list[tuple[Any, str, Any, dict[str, Any] | None]],
    afters: dict[int, dict[str, Any]] | None = None,
) -> None:
    """The step's own event (its id reserved with the row lock), its outbox rows and every journal
    entry of the step in one ``WITH`` statement: one round trip where there were three. The
    foreign keys are checked at commit (Django's constraints are deferred) — as they hold for
    separate statements, they hold for this one."""
    entries, journal_sql, journal_params = journal_batch_insert(writes, afters)
    params: list[Any] = [
        f.get_db_prep_save(getattr(event, f.attname), connection) for f in CaseEvent._meta.concrete_fields
    ]
    parts = [f"ev AS ({_event_insert_sql()})"]
    regs = outbox.consumers_of(event.tag)
    if regs:
        qn = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = ", ".join(["(%s, %s, %s, %s, 0, '')"] * len(regs))
        parts.append(
            f"dl AS (INSERT INTO {qn(Delivery._meta.db_table)} "
            f"({qn('event_id')}, {qn('consumer')}, {qn('created_at')}, {qn('due_at')}, {qn('attempts')}, "
            f"{qn('last_error')}) VALUES {rows} RETURNING id)"
        )
        for r in regs:
            params += [event.pk, r.name, now, now]
    parts.append(f"je AS ({journal_sql})")
    params += journal_params
    sql = f"WITH {', '.join(parts)} SELECT 0, id FROM je" + (
        " UNION ALL SELECT 1, id FROM dl" if regs else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    journal_batch_inserted(entries, [pk for kind, pk in returned if kind == 0])
    outbox.dispatch_on_commit(sorted(pk for kind, pk in returned if kind == 1))
    event._state.adding = False
    event._state.db = connection.alias


def case_note(
    case: Case, *, actor: Any, action: str, on: dt.date, note: str = "", data: dict | None = None
) -> CaseEvent:
    """A capability's entry on the case's 大事记 (no state change), journaled, tagged
    ``cases:note:recorded``: e.g. legal review recording that a case was routed to review.
    Runs in the caller's transaction."""
    return _event(
        case,
        actor=actor,
        action=action,
        tag=EventTag.NOTE_RECORDED,
        from_state=case.state,
        to_state=case.state,
        on=on,
        note=note,
        data=plain(data or {}),
    )


# ----------------------------------------------------------------------------- transitions


def _officer_ids_sql() -> RawSQL:
    """The ids of the case's officers as text ("3,5"), read with the row: the APL-42 guards ask
    whether the actor is one of them on nearly every step (one round trip less)."""
    through = Case.officers.through
    table = connection.ops.quote_name(through._meta.db_table)
    user = connection.ops.quote_name(through._meta.get_field("user").column)
    case = connection.ops.quote_name(through._meta.get_field("case").column)
    outer = f"{connection.ops.quote_name(Case._meta.db_table)}.{connection.ops.quote_name('id')}"
    if connection.vendor == "postgresql":
        sql = f"array_to_string(ARRAY(SELECT o.{user} FROM {table} o WHERE o.{case} = {outer}), ',')"
    else:
        sql = f"(SELECT group_concat(o.{user}, ',') FROM {table} o WHERE o.{case} = {outer})"
    return RawSQL(sql, (), output_field=models.TextField())


def _lock_query(case_id: Any):
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency__division", "domain", "region")
        .annotate(
            officer_ids_read=_officer_ids_sql(),
            blocked=Exists(
                Approval.objects.filter(
                    case=OuterRef("pk"),
                    status=Approval.Status.PENDING,
                    action__in=workflow.BLOCKING_APPROVALS,
                )
            ),
            # the rule profiles' revision token: unchanged, the step takes the agency's resolved
            # profile from the steps before it (profile_revision_seen) instead of reading it again
            profiles_revision=Subquery(Revision.objects.filter(name="profiles").values("value")[:1]),
            # the officers' (credentials, names) likewise (officers_revision_seen)
            officers_revision=Subquery(Revision.objects.filter(name="officers").values("value")[:1]),
            # the calendar's year stamps likewise (calendar_revision_seen)
            calendar_revision=Subquery(Revision.objects.filter(name="calendar").values("value")[:1]),
        )
        .filter(pk=case_id)
    )


def _lock_reserving_query(case_id: Any):
    """The lock, also drawing the step's event id from the events' sequence (PostgreSQL)."""
    sequence = f"pg_get_serial_sequence('{CaseEvent._meta.db_table}', 'id')"
    return _lock_query(case_id).annotate(
        event_id_reserved=RawSQL(f"nextval({sequence})", (), output_field=models.BigIntegerField())
    )


#: compiled once per thread: every step runs this query, and compiling it cost several times
#: what the database spends on it
_LOCK = Precompiled(_lock_query)
_LOCK_RESERVING = Precompiled(_lock_reserving_query)


def lock(case_id: int) -> Case:
    """The case, locked for this transaction, with ``blocked``: whether one of its own approvals
    (filing, proposal, decision) is pending — read in the same query. Only the case's row is
    locked (``of=("self",)``): its agency, division and domain are read with it but not locked,
    or every step of an agency — of a domain, province-wide — would wait for every other."""
    reserved = _RESERVED.get()
    if reserved is not None and connection.vendor == "postgresql":
        case = _LOCK_RESERVING.first(int(case_id))
        if case is not None:
            reserved[:] = [case.event_id_reserved]
    else:
        case = _LOCK.first(int(case_id))
    if case is None:
        raise NotFound(_("案件不存在或您无权查看。"), code="CASE_NOT_FOUND")
    profile_revision_seen(case.profiles_revision)
    officers_revision_seen(case.officers_revision)
    calendar_revision_seen(case.calendar_revision)
    case.officer_ids_read = [int(i) for i in (case.officer_ids_read or "").split(",") if i]
    return case


def save_changed(case: Case, before: dict[str, Any]) -> dict[str, Any]:
    """Write the columns the step changed (against ``before``, the row as locked) — not
    all sixty: an UPDATE of every column cost more to build than the rest of a simple step's
    writes, and it would write back columns other code of the step set by other means. Returns
    the case's snapshot as written (its journal entry's state after: not taken again)."""
    after = journal_snapshot(case)
    changed = [name for name, value in after.items() if before.get(name) != value]
    if deadlines.take_next_due(case.pk):  # the step moved its deadlines: the same UPDATE
        if not _update_compiled(case, changed, next_due=True):
            values = {name: getattr(case, name) for name in changed}
            Case.objects.filter(pk=case.pk).update(**values, next_due=deadlines.soonest_due())
    elif changed:
        if not _update_compiled(case, changed, next_due=False):
            case.save(update_fields=changed)
    return after


#: (vendor, columns, which are NULL, with next_due) → the UPDATE of the case, and the parameters of
#: its next_due subquery; built once per thread (a step changes one of a few sets of columns)
_UPDATES = threading.local()


def _update_compiled(case: Case, names: list[str], *, next_due: bool) -> bool:
    """The step's UPDATE of its case as Django writes it — ``Case.save(update_fields=names)``
    (each field's ``pre_save``, then its ``get_db_prep_save``), or, ``next_due``, the queryset
    ``update()`` of those values and ``next_due`` from the deadlines — with its SQL compiled once
    per set of columns instead of on every step (~0.1–0.6 ms of Python a step). False, having
    written nothing, when a value or a field needs what only the ORM does (an expression, a model
    instance, a field's own placeholder) or someone listens to the case's save signals: the
    caller then takes the ORM's way."""
    if type(case).save is not Case.save or (
        not next_due and (signals.pre_save.has_listeners(Case) or signals.post_save.has_listeners(Case))
    ):
        return False
    fields = [Case._meta.get_field(name) for name in names]
    params: list[Any] = []
    nulls = []
    for f in fields:
        value = getattr(case, f.attname) if next_due else f.pre_save(case, False)
        if hasattr(value, "resolve_expression") or hasattr(value, "prepare_database_save"):
            return False
        if hasattr(f, "get_placeholder"):
            return False
        value = f.get_db_prep_save(value, connection=connection)
        if hasattr(value, "as_sql"):
            return False
        nulls.append(value is None)
        if value is not None:
            params.append(value)
    cache = getattr(_UPDATES, "by_shape", None)
    if cache is None:
        cache = _UPDATES.by_shape = {}
    key = (connection.vendor, tuple(names), tuple(nulls), next_due)
    compiled = cache.get(key)
    if compiled is None:
        compiled = cache[key] = _update_sql(fields, nulls, next_due=next_due)
    sql, tail = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *tail, case.pk])
        updated = cursor.rowcount
    if not next_due:
        if updated < 1:  # as Model.save(update_fields=…) says it
            raise DatabaseError("Save with update_fields did not affect any rows.")
        case._state.adding = False
        case._state.db = connection.alias
    return True


def _update_sql(fields: list[models.Field], nulls: list[bool], *, next_due: bool) -> tuple[str, list[Any]]:
    qn = connection.ops.quote_name
    table = qn(Case._meta.db_table)
    sets = [
        f"{qn(f.column)} = NULL" if null else f"{qn(f.column)} = %s"
        for f, null in zip(fields, nulls, strict=True)
    ]
    if not next_due:
        return f"UPDATE {table} SET {', '.join(sets)} WHERE {table}.{qn(Case._meta.pk.column)} = %s", []
    # next_due's subquery as Django compiles it (the SQL of ``update(next_due=soonest_due())``)
    query = Case.objects.filter(pk=PLACEHOLDER).query.chain(UpdateQuery)
    query.add_update_values({"next_due": deadlines.soonest_due()})
    sql, params = query.get_compiler(connection=connection).as_sql()
    head = f"UPDATE {table} SET "
    if not sql.startswith(head) or list(params[-1:]) != [PLACEHOLDER] or PLACEHOLDER in params[:-1]:
        raise RuntimeError("save_changed: unexpected shape of the next_due UPDATE")
    if sets:
        sql = f"{head}{', '.join(sets)}, {sql[len(head) :]}"
    return sql, list(params[:-1])


def require(actor: Any, perm: Perm, agency: Any) -> None:
    if not user_has_perm(actor, perm, agency):
        raise PermissionDenied(_("您没有办理该案件此项操作的权限。"), code="PERMISSION_DENIED")


def _state_conflict(case: Case, t: workflow.Transition) -> Conflict:
    return Conflict(
        _("案件当前状态为“%(state)s”，不能“%(action)s”。")
        % {"state": State(case.state).label, "action": t.label},
        code="CASE_STATE_CONFLICT",
        details={"state": case.state, "action": t.action},
    )


def run_guards(t: workflow.Transition, ctx: StepContext, *, skip_chain_level: bool = False) -> None:
    """The row's guards, then every hook's guard (in registration order)."""
    for guard in t.guards:
        if skip_chain_level and getattr(guard, "chain_level", False):
            continue
        guard(ctx)
    for hook in hooks.hooks_for(t.action):
        if hook.guard is not None:
            hook.guard(ctx)


def apply_effect(t: workflow.Transition, ctx: StepContext) -> None:
    """The row's effect, then every hook's effect."""
    if t.effect is not None:
        t.effect(ctx)
    for hook in hooks.hooks_for(t.action):
        if hook.effect is not None:
            hook.effect(ctx)


def _note(ctx: StepContext) -> str:
    d = ctx.data
    return str(d.get("reason") or d.get("text") or d.get("conclusion") or "")


def case_transition(
    *, actor: Any, case_id: int, action: str, data: Mapping[str, Any] | None = None, on: dt.date | None = None
) -> Case:
    """Take one step of the table on a case (see ``workflow.TABLE`` and the module docstring)."""
    t = workflow.transition_for(action)
    if t is None:
        raise ValidationFailed(
            _("未知的办案操作：%(action)s") % {"action": action}, code="CASE_ACTION_UNKNOWN"
        )
    on = on or _today()
    with transaction.atomic(), step_memos():
        case = lock(case_id)
        loaded = journal_snapshot(case)  # what the row holds: the step writes what differs
        ctx = step_context(case, actor=actor, on=on, row=t, data=data)
        if t.scope == "case":
            if not user_has_perm(actor, Perm.CASE_VIEW, case.agency):
                raise NotFound(_("案件不存在或您无权查看。"), code="CASE_NOT_FOUND")
            require(actor, t.perm, case.agency)
        else:
            # the agency asked for assistance acts on its request without seeing the case

            acting = assistance_of(ctx).to_agency
            if not user_has_perm(actor, Perm.CASE_VIEW, acting):
                raise NotFound(_("协查请求不存在或您无权查看。"), code="CASE_ASSISTANCE_NOT_FOUND")
            require(actor, t.perm, acting)
        if case.state not in t.sources:
            raise _state_conflict(case, t)
        if t.scope == "case" and not t.acts_on and case.blocked:
            raise Conflict(_("案件有待审批事项，审批结束前不能办理其他操作。"), code="CASE_APPROVAL_PENDING")
        run_guards(t, ctx)
        if (
            case.officers_recheck
            and t.scope == "case"
            and t.perm == Perm.CASE_HANDLE
            and not t.action.startswith("recusal")
        ):
            # APL-42 after a recusal or a new officer: the next handling step checks the officers again

            officers_qualified(ctx)
            case.officers_recheck = False
        before = journal_snapshot(case)
        from_state = case.state
        event_action, tag = action, STEP_TAGS[action]
        if t.approval:
            payload = {**given(ctx.input), **{k: v for e in ctx.extra.values() for k, v in given(e).items()}}
            approval = approvals.open(case, actor=actor, action=t.approval, payload=payload, on=on)
            ctx.out["approval_id"] = approval.pk
            case.state = t.via
        elif t.acts_on:
            # the old one-step names act at the side approval's current level (guard chain_level)
            decision = "approve" if action == workflow.SIDE_APPROVALS[t.acts_on][0] else "send_back"
            outcome = approvals.decide(
                case,
                ctx.facts["approval"],
                actor=actor,
                decision=decision,
                reasons=str(ctx.data.get("reason") or ""),
            )
            _apply_outcome(case, outcome, actor=actor, on=on, ctx=ctx)
            ctx.out.update(outcome.record())
            if not outcome.ended:  # an intermediate level: the 大事记 says so, the effect is still to come
                event_action, tag = f"approval_{decision}", APPROVAL_STEP_TAGS[decision]
        else:
            apply_effect(t, ctx)
            if action == "resume":
                case.state, case.resume_state = case.resume_state or State.INVESTIGATING, ""
            elif action == "suspend":
                case.resume_state, case.state = case.state, State.SUSPENDED
            elif t.target is not None:
                case.state = ctx.target or t.target
            if t.opens:
                measure_id = ctx.out.get("measure_id") or ctx.data.get("measure_id")
                payload = {**given(ctx.input), **plain(ctx.out)}
                approval = approvals.open(
                    case, actor=actor, action=t.opens, payload=payload, on=on, measure_id=measure_id
                )
                ctx.out["approval_id"] = approval.pk
        after = save_changed(case, loaded)
        _event(
            case,
            actor=actor,
            action=event_action,
            tag=tag,
            from_state=from_state,
            to_state=case.state,
            on=on,
            note=_note(ctx),
            data=step_record(ctx),
            case_write=(CaseJournal.case(action), before, after),
            last=True,
        )
    return case


# ----------------------------------------------------------------------------- approvals


def _side_row_context(
    case: Case, approval: Approval, row: workflow.Transition, *, actor: Any, on: dt.date, reasons: str
) -> StepContext:
    return step_context(
        case,
        actor=actor,
        on=on,
        row=row,
        data={"measure_id": approval.measure_id, "reason": reasons, "approval_id": approval.pk},
    )


def _apply_outcome(
    case: Case,
    outcome: approvals.Outcome,
    *,
    actor: Any,
    on: dt.date,
    ctx: StepContext | None = None,
) -> StepContext | None:
    """Apply how an approval ended: the case reaches the row's target (with the row's effect and
    its hooks' effects, run on the input as submitted) or goes back; a side approval applies its
    approve row's effect, or its reject row's when sent back or withdrawn (ACL-19: an emergency
    measure is then released). Returns the context of the effect that ran, if any."""
    if not outcome.ended or outcome.decision == "reassign":
        return None
    approval = outcome.approval
    side = workflow.SIDE_APPROVALS.get(approval.action)
    if side:
        row = workflow.transition_for(side[0] if outcome.decision == "approve" else side[1])
        effect_ctx = _side_row_context(case, approval, row, actor=actor, on=on, reasons=outcome.reasons)
        if ctx is not None:
            effect_ctx.facts.update(ctx.facts)
        apply_effect(row, effect_ctx)
        if ctx is not None:
            ctx.out.update(effect_ctx.out)
        return effect_ctx
    row = next(t for t in workflow.TABLE if t.approval == approval.action)
    if outcome.decision != "approve":
        case.state = row.sources[0]
        return None
    payload = {k: v for k, v in approval.payload.items() if not k.startswith("_")}
    effect_ctx = step_context(case, actor=actor, on=on, row=row, data=payload)
    effect_ctx.facts["approval"] = approval
    apply_effect(row, effect_ctx)
    case.state = effect_ctx.target or row.target
    return effect_ctx


def _side_approve_check(case: Case, approval: Approval, *, actor: Any, on: dt.date) -> None:
    """Each level of a side approval approves only what may still be approved: the approve row's
    states and guards (the measure still awaits approval, within 24 hours for an emergency one —
    ACL-19; the extension is asked before the limit ends — APL-60). The level is checked apart."""
    t = workflow.transition_for(workflow.SIDE_APPROVALS[approval.action][0])
    if case.state not in t.sources:
        raise _state_conflict(case, t)
    ctx = _side_row_context(case, approval, t, actor=actor, on=on, reasons="")
    run_guards(t, ctx, skip_chain_level=True)


def _approval_tag(outcome: approvals.Outcome) -> EventTag:
    approval = outcome.approval
    if outcome.ended and outcome.decision != "reassign":
        side = workflow.SIDE_APPROVALS.get(approval.action)
        if side:
            return STEP_TAGS[side[0] if outcome.decision == "approve" else side[1]]
        if outcome.decision == "approve":
            return APPROVED_TAGS[approval.action]
    return APPROVAL_STEP_TAGS[outcome.decision]


def approval_act(
    *,
    actor: Any,
    case_id: int,
    decision: str,
    reasons: str = "",
    to: str = "handler",
    assignee_id: int | None = None,
    expected_level: int | None = None,
    approval_id: int | None = None,
    on: dt.date | None = None,
) -> Case:
    """Act on a pending approval of the case: ``approve``, ``send_back`` (to the previous level or
    to the handler, with reasons), ``withdraw`` (取回, by the submitter before the next level acts)
    or ``reassign`` (改派 the current level to another approver of that level). ``approval_id``
    names the approval when the case has several pending (an extension or a measure beside the
    case's own approval); without it the only pending one is meant."""
    on = on or _today()
    if decision not in approvals.DECISIONS:
        raise ValidationFailed(_("未知的审批操作。"), code="APPROVAL_DECISION_UNKNOWN")
    with transaction.atomic(), step_memos():
        case = lock(case_id)
        loaded = journal_snapshot(case)  # what the row holds: the step writes what differs
        if not user_has_perm(actor, Perm.CASE_VIEW, case.agency):
            raise NotFound(_("案件不存在或您无权查看。"), code="CASE_NOT_FOUND")
        approval = approvals.pending(case, approval_id)
        if expected_level is not None and expected_level != approval.level:
            raise Conflict(_("审批已被他人处理，请刷新后重试。"), code="APPROVAL_STALE")
        if decision == "approve" and approval.action in workflow.SIDE_APPROVALS:
            _side_approve_check(case, approval, actor=actor, on=on)
        before_case = journal_snapshot(case)
        outcome = approvals.decide(
            case, approval, actor=actor, decision=decision, reasons=reasons, to=to, assignee_id=assignee_id
        )
        effect_ctx = _apply_outcome(case, outcome, actor=actor, on=on)
        data = outcome.record()
        if effect_ctx is not None:
            data.update(plain(effect_ctx.out))
        after = save_changed(case, loaded)
        _event(
            case,
            actor=actor,
            action=f"approval_{decision}",
            tag=_approval_tag(outcome),
            from_state=before_case["state"],
            to_state=case.state,
            on=on,
            note=reasons,
            data=plain(data),
            case_write=(CaseJournal.case(f"approval_{decision}"), before_case, after),
            last=True,
        )
    return case
