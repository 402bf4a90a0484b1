"""Running deadlines of a case (``Deadline`` rows): stored as computed dates, so sweeps and the
待办 list read an indexed column instead of recounting working days (ARCHITECTURE.md).

Each row keeps its **recipe** — the name of the computation and its arguments — so it can be
recomputed, and is recomputed when the calendar changes (``follow_calendar``, registered with
the kernel's calendar listeners): the value shown and the value enforced are always the stored
one.

A missing calendar year never blocks the law (issue 8): a period that reaches a year whose
holiday schedule is not entered yet is counted with weekends only (``ProvisionalCalendar``) and
stored as **provisional** — a date, shown and enforced, marked "按周末推算", made final by
``follow_calendar`` when the year is defined. WD-1's "never guess" is kept: the date is never
presented as final.

Every function here runs inside the caller's transaction (a step of ``case_transition``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.calendar import rules as cal_rules
from lawtrail.core.calendar import selectors as calendar
from lawtrail.core.calendar.listeners import Change
from lawtrail.core.journal.services import journal_append, journal_append_many, journal_snapshot
from lawtrail.core.precompiled import Precompiled
from lawtrail.profiles.selectors import profile_value

from . import rules
from .journal_actions import CaseJournal
from .models import Approval, Case, CasePeriod, Deadline, Measure

IsWorking = Callable[[dt.date], bool]

#: Strict WD-1 (a missing year refuses): for checks that must not use a provisional calendar.
is_working = calendar.is_working_day


def lenient() -> calendar.ProvisionalCalendar:
    """The calendar guards use: a missing year is counted with weekends only (see the module
    docstring) instead of refusing the act."""
    return calendar.ProvisionalCalendar()


# ----------------------------------------------------------------------------- recipes


@dataclass(frozen=True)
class Recipe:
    compute: Callable[[Case, dict[str, Any], IsWorking], dt.date]
    # called after a recompute moved the date (mirrors of the date elsewhere: Measure.period_end …)
    on_change: Callable[[Case, Deadline], None] | None = None
    # a period counted in calendar days (WD-3): whether these arguments count calendar days — its
    # nominal last day is then certain without the calendar; only the roll-forward past a holiday
    # waits for the year's schedule
    calendar_days: Callable[[Case, dict[str, Any]], bool] | None = None

    def nominal(self, case: Case, args: dict[str, Any]) -> dt.date | None:
        """The nominal last day of a calendar-day period (no roll-forward), or None."""
        if self.calendar_days is None or not self.calendar_days(case, args):
            return None
        return self.compute(case, args, _every_day)


def _every_day(day: dt.date) -> bool:
    return True


def _always(case: Case, args: dict[str, Any]) -> bool:
    return True


RECIPES: dict[str, Recipe] = {}


def recipe(
    name: str,
    *,
    on_change: Callable[[Case, Deadline], None] | None = None,
    calendar_days: Callable[[Case, dict[str, Any]], bool] | None = None,
):
    """Register how a kind of deadline is computed (capabilities register theirs: legal review's
    time limit). ``calendar_days``: the period is counted in calendar days (WD-3)."""

    def register(fn: Callable[[Case, dict[str, Any], IsWorking], dt.date]):
        RECIPES[name] = Recipe(fn, on_change, calendar_days)
        return fn

    return register


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@recipe("fixed")
def _fixed(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    return _d(a["due"])


@recipe("working_days")
def _working_days(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    return cal_rules.add_working_days(_d(a["from"]), int(a["n"]), w)[0]


@recipe("filing")
def _filing(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    return rules.filing_due(
        lead_on=_d(a["lead_on"]),
        sla_wd=int(a["sla"]),
        extension_wd=int(a.get("extension") or 0),
        is_working=w,
    )


@recipe("statement")
def _statement(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    return rules.statement_period_end(notice_served_on=_d(a["from"]), period_wd=int(a["wd"]), is_working=w)


@recipe("hearing_request")
def _hearing_request(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    return rules.hearing_request_due(notice_served_on=_d(a["from"]), is_working=w)


@recipe("service")
def _service(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    return rules.service_due(decided_on=_d(a["from"]), is_working=w)


@recipe("payment", calendar_days=_always)
def _payment(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    return rules.payment_due(served_on=_d(a["from"]), deferred_to=_d(a.get("deferred_to")), is_working=w)


@recipe("cash_to_agency")
def _cash_to_agency(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    return rules.collection_handover(collected_on=_d(a["collected_on"]), is_working=w).to_agency_due


@recipe("cash_to_bank")
def _cash_to_bank(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    return rules.collection_handover(
        collected_on=_d(a["collected_on"]), handed_to_agency_on=_d(a.get("handed_on")), is_working=w
    ).to_bank_due


@recipe("freeze_notice")
def _freeze_notice(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    return rules.freeze_decision_due(frozen_on=_d(a["from"]), is_working=w)


def _measure_compute(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    m = Measure.objects.get(pk=a["measure"])
    testing = [rules.Period(dt.date.fromisoformat(x), dt.date.fromisoformat(y)) for x, y in m.testing_periods]
    return rules.measure_due(
        kind=m.kind,
        started_on=timezone.localtime(m.started_at).date(),
        is_working=w,
        extension_days=m.extended_days,
        testing=testing,
    )


def _measure_changed(case: Case, d: Deadline) -> None:
    m = Measure.objects.select_for_update().get(pk=d.recipe["args"]["measure"])
    before = journal_snapshot(m)
    m.period_end = d.due_on
    m.save(update_fields=["period_end"])
    journal_append(actor=None, action=CaseJournal.MEASURE_RECOMPUTE, subject=m, before=before)


def _measure_in_days(case: Case, a: dict[str, Any]) -> bool:
    # 查封、扣押、冻结: 30 days (ACL-25); 先行登记保存: 7 working days (APL-56)
    return Measure.objects.filter(pk=a["measure"]).exclude(kind=rules.MeasureKind.PRESERVATION).exists()


RECIPES["measure"] = Recipe(_measure_compute, _measure_changed, _measure_in_days)


#: (case id, its decision periods, its approved extensions' days) while ``decision_deadline`` stores
#: the deadline: the recipe is computed twice there (the date, the nominal day) and read both each time
_DECISION_INPUTS: ContextVar[tuple[int, list[CasePeriod], list[int]] | None] = ContextVar(
    "decision_inputs", default=None
)


def _decision_inputs(case: Case) -> tuple[list[CasePeriod], list[int]]:
    held = _DECISION_INPUTS.get()
    if held is not None and held[0] == case.pk:
        return held[1], held[2]
    return _DECISION_PERIODS.all(case.pk), decision_extensions(case)


@recipe("decision", calendar_days=_always)
def _decision(case: Case, a: dict[str, Any], w: IsWorking) -> dt.date:
    periods, extensions = _decision_inputs(case)
    return rules.decision_deadline(
        filed_on=case.filed_on,
        is_working=w,
        extension_days=extensions,
        excluded=[rules.Period(p.start, p.end) for p in periods],
        limit_days=profile_value(case.agency, "decision.limit", on=case.filed_on),
    ).due


# ----------------------------------------------------------------------------- storing


def _provisional_note(years: set[int], nominal: dt.date | None = None) -> str:
    """What a provisional date says of itself: a calendar-day period names its nominal last day,
    which is certain, and that only the roll-forward waits for the schedule (WD-3); a
    working-day period is counted with weekends only (WD-1)."""
    listed = "、".join(str(y) for y in sorted(years))
    if nominal is not None:
        return _(
            "期限届满日为%(nominal)s（按日计算，已确定）；届满日遇法定节假日依法顺延，"
            "%(years)s年法定节假日安排尚未录入，顺延待定，暂按周末推算，录入后自动更新。"
        ) % {"nominal": nominal.isoformat(), "years": listed}
    return _("按周末推算的暂定日期：%(years)s年法定节假日安排尚未录入，录入后自动更新。") % {"years": listed}


def deadline_set(
    case: Case,
    *,
    kind: str,
    label: str,
    rule: str,
    started_on: dt.date,
    recipe: str,
    args: dict[str, Any] | None = None,
    paused: str = "",
) -> Deadline:
    """Store (or replace) a running deadline computed by ``recipe`` (see ``RECIPES``). A period
    reaching a year without calendar data is stored provisional (never blocking the law);
    ``paused``: the clock is stopped (an excluded period is running) — stored without a date, with
    that reason, and recomputed when the pause ends."""
    _stop_kind(case.pk, kind, None)
    args = args or {}
    due, pending, provisional = None, paused, False
    if not paused:
        w = lenient()
        due = RECIPES[recipe].compute(case, args, w)
        if w.provisional:
            pending, provisional = _provisional_note(w.missing, RECIPES[recipe].nominal(case, args)), True
    row = Deadline.objects.create(
        case=case,
        kind=kind,
        label=label,
        rule=rule,
        started_on=started_on,
        due_on=due,
        pending_reason=pending,
        provisional=provisional,
        recipe={"name": recipe, "args": args},
    )
    journal_append(actor=None, action=CaseJournal.DEADLINE_SET, subject=row)
    running = _running_memo(case.pk)
    if running is not None:
        running.append(row)
    refresh_next_due([case.pk])
    return row


#: the cases whose ``next_due`` is to be refreshed when the step writes its case, while
#: ``next_due_deferred`` is active (one step of the case flow)
_DEFERRED: ContextVar[set[int] | None] = ContextVar("next_due_deferred", default=None)


def soonest_due() -> Subquery:
    """``Case.next_due`` as the deadlines say: the soonest running deadline's date."""
    return Subquery(
        Deadline.objects.filter(case=OuterRef("pk"), active=True, due_on__isnull=False)
        .order_by("due_on")
        .values("due_on")[:1]
    )


def refresh_next_due(case_ids: Iterable[int]) -> None:
    """Keep ``Case.next_due`` — the soonest running deadline's date — equal to what the deadlines
    say, in the caller's transaction (one UPDATE). Called wherever deadlines are set, stopped or
    recomputed; anything writing ``Deadline`` rows by other means calls it too. Inside a step
    (``next_due_deferred``) the refresh is made with the step's own UPDATE of its case
    (``take_next_due``), or when the step's work is done."""
    ids = {int(i) for i in case_ids}
    if not ids:
        return
    deferred = _DEFERRED.get()
    if deferred is not None:
        deferred.update(ids)
        return
    Case.objects.filter(pk__in=sorted(ids)).update(next_due=soonest_due())


@contextmanager
def next_due_deferred() -> Iterator[None]:
    """Within one step: the deadlines it sets and stops refresh ``next_due`` once, with the step's
    UPDATE of its case, instead of one UPDATE each. Cases not taken by then are refreshed when the
    block ends without an error (still inside the transaction)."""
    if _DEFERRED.get() is not None:
        yield
        return
    ids: set[int] = set()
    token = _DEFERRED.set(ids)
    running = _RUNNING.set({})
    try:
        yield
    finally:
        _RUNNING.reset(running)
        _DEFERRED.reset(token)
    refresh_next_due(ids)


def take_next_due(case_id: int) -> bool:
    """Whether the step's deadlines changed ``case_id``'s ``next_due`` (the caller then refreshes it
    in its own UPDATE of the case); from now on the case is the caller's to refresh."""
    deferred = _DEFERRED.get()
    if deferred is None or case_id not in deferred:
        return False
    deferred.discard(case_id)
    return True


def deadlines_stop(rows: QuerySet[Deadline], *, met_on: dt.date | None = None) -> int:
    """Stop running deadlines — met on ``met_on``, or replaced/ended when None — each row journaled.
    (The step that stops them journals who acted; these entries record what changed.)"""
    stopped = list(rows.filter(active=True))
    _running_forget()  # rows of any case may have stopped: the step's copies are read again
    return _stop(stopped, met_on)


#: a case's running deadline of one kind (``deadline_due``, the filing extension guard): compiled
#: once per thread — compiling it cost more than the database spends on it
_RUNNING_OF_KIND = Precompiled(
    lambda case_id, kind: Deadline.objects.filter(case_id=case_id, kind=kind, active=True)
)
#: a case's running deadlines (SQLite: what ``deadline_set`` and ``deadline_meet`` read first in a
#: step): compiled once per thread
_RUNNING_OF_CASE = Precompiled(lambda case_id: Deadline.objects.filter(case_id=case_id, active=True))

#: within one step (``next_due_deferred``): case id → its running deadlines as the step read them
#: and changed them since. A step sets and meets several deadlines of its case (filing approved:
#: the filing one met, the decision one set; the notice served: the statement and the hearing
#: request ones set), each of which read the case's running deadlines of its kind again; nothing
#: else writes a case's deadlines while its step holds the case's row lock (every writer is in
#: this module, and ``deadlines_stop`` forgets what was kept).
_RUNNING: ContextVar[dict[int, list[Deadline]] | None] = ContextVar("cases_running_deadlines", default=None)


def _running_memo(case_id: int) -> list[Deadline] | None:
    memo = _RUNNING.get()
    return None if memo is None else memo.get(case_id)


def _running_forget() -> None:
    memo = _RUNNING.get()
    if memo is not None:
        memo.clear()


def _deadline_order(d: Deadline) -> tuple[Any, ...]:
    """``Deadline.Meta.ordering`` (``due_on``, ``id``) as PostgreSQL sorts it: no date last."""
    return (d.due_on is None, d.due_on or dt.date.min, d.pk)


def _stop_kind(case_id: int, kind: str, met_on: dt.date | None) -> int:
    """Stop the case's running deadlines of ``kind`` (met on ``met_on``, or replaced when None).
    Within a step the case's running deadlines are read once, by the first call, and kept
    (``_RUNNING``); on PostgreSQL that first call reads them and stops those of ``kind`` in one
    statement (``_stop_returning``)."""
    memo = _RUNNING.get()
    running = None if memo is None else memo.get(case_id)
    if running is not None:
        stopped = [d for d in running if d.kind == kind]
        running[:] = [d for d in running if d.kind != kind]
        return _stop(stopped, met_on)
    if connection.vendor == "postgresql":
        rows, stopped = _stop_returning(case_id, kind, met_on)
        if memo is not None:
            memo[case_id] = [d for d in rows if d.kind != kind]
        return _stopped(stopped, met_on)
    if memo is None:
        return _stop(_RUNNING_OF_KIND.all(case_id, kind), met_on)
    rows = _RUNNING_OF_CASE.all(case_id)
    memo[case_id] = [d for d in rows if d.kind != kind]
    return _stop([d for d in rows if d.kind == kind], met_on)


#: (connection, {with met_on: SQL}, the columns' attribute names, the compiler, its converters),
#: per thread
_RETURNING = threading.local()


def _returning_state() -> tuple[dict[bool, str], list[str], Any, Any]:
    wrapper = connections[DEFAULT_DB_ALIAS]  # the thread's own connection object, not the proxy
    state = getattr(_RETURNING, "state", None)
    if state is not None and state[0] is wrapper:
        return state[1:]
    # the columns as the ORM selects a ``Deadline`` (and their converters: the JSON recipe is
    # decoded as the ORM decodes it), read back from the CTE instead of the table
    compiler = Deadline.objects.all().query.get_compiler(connection=connection)
    compiler.as_sql()
    cols = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = compiler.get_converters(cols)
    qn = connection.ops.quote_name
    table = qn(Deadline._meta.db_table)
    columns = ", ".join(qn(c.target.column) for c in cols)
    sql = {}
    for meets in (False, True):
        sets = f"{qn('active')} = false" + (f", {qn('met_on')} = %s" if meets else "")
        sql[meets] = (
            f"WITH o AS (SELECT {columns} FROM {table} WHERE {qn('case_id')} = %s AND {qn('active')}), "
            f"u AS (UPDATE {table} d SET {sets} FROM o WHERE d.{qn('id')} = o.{qn('id')} "
            f"AND o.{qn('kind')} = %s RETURNING d.{qn('id')}) "
            f"SELECT {columns} FROM o"
        )
    state = (wrapper, sql, [c.target.attname for c in cols], compiler, converters)
    _RETURNING.state = state
    return state[1:]


def _stop_returning(case_id: int, kind: str, met_on: dt.date | None) -> tuple[list[Deadline], list[Deadline]]:
    """PostgreSQL: the case's running deadlines as they were, those of ``kind`` stopped in the same
    statement (one round trip and no ORM compile, instead of a SELECT and an UPDATE): (all of them,
    the stopped ones), in ``Deadline``'s order. Every statement of a WITH sees the rows as they
    were before it, so the rows read are the stopped rows' state before (what the journal records)."""
    sql, names, compiler, converters = _returning_state()
    params: list[Any] = [case_id, *([met_on] if met_on is not None else []), kind]
    with connection.cursor() as cursor:
        cursor.execute(sql[met_on is not None], params)
        rows = cursor.fetchall()
    if converters:
        rows = compiler.apply_converters(rows, converters)
    found = sorted((Deadline.from_db(connection.alias, names, row) for row in rows), key=_deadline_order)
    return found, [d for d in found if d.kind == kind]


def _stop(stopped: list[Deadline], met_on: dt.date | None) -> int:
    if not stopped:
        return 0
    # the same values for every row: one plain UPDATE (``bulk_update`` built a CASE per row)
    changes: dict[str, Any] = {"active": False}
    if met_on is not None:
        changes["met_on"] = met_on
    befores = [journal_snapshot(d) for d in stopped]
    Deadline.objects.filter(pk__in=[d.pk for d in stopped]).update(**changes)
    return _stopped(stopped, met_on, befores)


def _stopped(
    stopped: list[Deadline], met_on: dt.date | None, befores: list[dict[str, Any]] | None = None
) -> int:
    """The rows ``stopped`` (their state before, as read) written stopped: set on the instances, the
    case's ``next_due`` refreshed, each row journaled."""
    if not stopped:
        return 0
    if befores is None:
        befores = [journal_snapshot(d) for d in stopped]
    for d in stopped:
        d.active = False
        if met_on is not None:
            d.met_on = met_on
    refresh_next_due(d.case_id for d in stopped)
    journal_append_many(
        actor=None,
        action=CaseJournal.DEADLINE_MEET if met_on else CaseJournal.DEADLINE_STOP,
        subjects=stopped,
        befores=befores,
    )
    return len(stopped)


def deadline_meet(case: Case, kind: str, on: dt.date) -> None:
    _stop_kind(case.pk, kind, on)


def deadline_due(case: Case, kind: str) -> Deadline | None:
    """The running deadline of ``kind`` as stored — what guards enforce is what pages show."""
    return _RUNNING_OF_KIND.first(case.pk, kind)


def decision_extensions(case: Case) -> list[int]:
    """APL-60: the days of every approved extension (the approved ``extension`` approvals)."""
    return [int(p.get("days") or 0) for p in _EXTENSIONS.all(case.pk)]


#: the reads of ``decision_deadline`` (every step that files, pauses or resumes a case): compiled
#: once per thread
_EXTENSIONS = Precompiled(
    lambda case_id: Approval.objects.filter(
        case_id=case_id, action="extension", status=Approval.Status.APPROVED
    ).values_list("payload", flat=True)
)
_DECISION_PERIODS = Precompiled(
    lambda case_id: CasePeriod.objects.filter(case_id=case_id, purpose=CasePeriod.Purpose.DECISION)
)


def decision_deadline(case: Case) -> Deadline:
    """APL-60: the effective decision deadline — the limit from filing, plus approved
    extensions, plus the excluded periods (鉴定、检测、听证、中止 …). While an excluded period is
    still running the clock is stopped: the deadline is stored without a date and recomputed
    when it ends."""
    periods = _DECISION_PERIODS.all(case.pk)
    running = next((p for p in periods if p.end is None), None)
    paused = (
        _("%(kind)s期间（%(start)s起）不计入办案期限，期间结束后重新计算。")
        % {"kind": running.kind, "start": running.start}
        if running
        else ""
    )
    # the recipe reads these (for the date and the nominal day): read once here, for this call only
    token = _DECISION_INPUTS.set((case.pk, periods, decision_extensions(case)))
    try:
        return deadline_set(
            case,
            kind="decision",
            label=_("作出处罚决定期限"),
            rule="APL-60",
            started_on=case.filed_on,
            paused=paused,
            recipe="decision",
        )
    finally:
        _DECISION_INPUTS.reset(token)


def measure_deadline(case: Case, m: Measure) -> None:
    """Store the measure's end: 7 WD to dispose after 先行登记保存 (APL-56), 30 (+30) days for
    查封/扣押/冻结 with testing time excluded (ACL-25/27/28)."""
    m.save()  # the recipe reads the measure as stored (its extension, its testing periods)
    started = timezone.localtime(m.started_at).date()
    preservation = m.kind == Measure.Kind.PRESERVATION
    d = deadline_set(
        case,
        kind=f"measure:{m.pk}",
        label=(
            _("先行登记保存处理决定期限")
            if preservation
            else _("%(kind)s期限（#%(id)s）") % {"kind": m.get_kind_display(), "id": m.pk}
        ),
        rule="APL-56" if preservation else "ACL-25/27/28",
        started_on=started,
        recipe="measure",
        args={"measure": m.pk},
    )
    m.period_end = d.due_on


# ----------------------------------------------------------------------------- following the calendar


def follow_calendar(*, year: int, dry_run: bool = False) -> list[Change]:
    """Recompute every running deadline whose count may cross ``year`` (started before its end and
    not due before its start, or provisional), after the year was defined or changed. The moved
    rows are journaled; ``dry_run`` only reports what would move (the calendar page's preview).
    Registered with the kernel's calendar listeners (``CasesConfig.ready``)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = (
        Deadline.objects.select_related("case__agency")
        .filter(active=True, started_on__lte=last)
        .filter(Q(provisional=True) | Q(due_on__gte=first) | Q(due_on__isnull=True, pending_reason=""))
        .exclude(recipe={})
        .order_by("id")
    )
    changes: list[Change] = []
    _running_forget()
    for d in rows:
        r = RECIPES.get((d.recipe or {}).get("name", ""))
        if r is None:
            continue
        w = lenient()
        new = r.compute(d.case, d.recipe.get("args") or {}, w)
        provisional = w.provisional
        if new == d.due_on and provisional == d.provisional:
            continue
        changes.append(Change(f"{d.case}：{d.label}", d.due_on, new, d.provisional))
        if dry_run:
            continue
        before = journal_snapshot(d)
        d.due_on, d.provisional = new, provisional
        d.pending_reason = (
            _provisional_note(w.missing, r.nominal(d.case, d.recipe.get("args") or {})) if provisional else ""
        )
        d.save(update_fields=["due_on", "provisional", "pending_reason"])
        refresh_next_due([d.case_id])
        journal_append(actor=None, action=CaseJournal.DEADLINE_RECOMPUTE, subject=d, before=before)
        if r.on_change is not None:
            r.on_change(d.case, d)
    return changes
