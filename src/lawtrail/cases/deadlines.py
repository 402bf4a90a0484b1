"""Running deadlines of a case (``Deadline`` rows): stored as computed dates, so sweeps and the
待办 list read an indexed column instead of recounting working days (ARCHITECTURE.md).

Every function here runs inside the caller's transaction (a step of ``case_transition``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.calendar import selectors as calendar
from lawtrail.core.errors import ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_append_many, journal_snapshot
from lawtrail.profiles.selectors import profile_value

from . import rules
from .journal_actions import CaseJournal
from .models import Approval, Case, CasePeriod, Deadline, Measure

is_working = calendar.is_working_day


def deadline_set(
    case: Case,
    *,
    kind: str,
    label: str,
    rule: str,
    started_on: dt.date,
    compute: Callable[[], dt.date],
    paused: str = "",
) -> Deadline:
    """Store (or replace) a running deadline. When the calendar of a year the period reaches
    is not entered yet, the deadline is stored without a date and flagged (WD-1: never guessed).
    ``paused``: the clock is stopped (e.g. an excluded period is running) — stored without a
    date, with that reason, and recomputed when the pause ends."""
    deadlines_stop(Deadline.objects.filter(case=case, kind=kind, active=True))
    if paused:
        due, pending = None, paused
    else:
        try:
            due, pending = compute(), ""
        except ValidationFailed as exc:
            if exc.code != "CALENDAR_YEAR_MISSING":
                raise
            due, pending = None, exc.message
    row = Deadline.objects.create(
        case=case,
        kind=kind,
        label=label,
        rule=rule,
        started_on=started_on,
        due_on=due,
        pending_reason=pending,
    )
    journal_append(actor=None, action=CaseJournal.DEADLINE_SET, subject=row)
    return row


def deadlines_stop(rows: QuerySet[Deadline], *, met_on: dt.date | None = None) -> int:
    """Stop running deadlines — met on ``met_on``, or replaced/ended when None — each row journaled.
    (The step that stops them journals who acted; these entries record what changed.)"""
    stopped = list(rows.filter(active=True))
    befores = [journal_snapshot(d) for d in stopped]
    for d in stopped:
        d.active = False
        if met_on is not None:
            d.met_on = met_on
    Deadline.objects.bulk_update(stopped, ["active", "met_on"])
    journal_append_many(
        actor=None,
        action=CaseJournal.DEADLINE_MEET if met_on else CaseJournal.DEADLINE_STOP,
        subjects=stopped,
        befores=befores,
    )
    return len(stopped)


def deadline_meet(case: Case, kind: str, on: dt.date) -> None:
    deadlines_stop(Deadline.objects.filter(case=case, kind=kind, active=True), met_on=on)


def decision_extensions(case: Case) -> list[int]:
    """APL-60: the days of every approved extension (the approved ``extension`` approvals)."""
    rows = case.approvals.filter(action="extension", status=Approval.Status.APPROVED)
    return [int(p.get("days") or 0) for p in rows.values_list("payload", flat=True)]


def decision_deadline(case: Case) -> Deadline:
    """APL-60: the effective decision deadline — the limit from filing, plus approved
    extensions, plus the excluded periods (鉴定、检测、听证、中止 …). While an excluded period is
    still running the clock is stopped: the deadline is stored without a date and recomputed
    when it ends."""
    extensions = decision_extensions(case)
    periods = list(case.periods.filter(purpose=CasePeriod.Purpose.DECISION))
    running = next((p for p in periods if p.end is None), None)
    paused = (
        _("%(kind)s期间（%(start)s起）不计入办案期限，期间结束后重新计算。")
        % {"kind": running.kind, "start": running.start}
        if running
        else ""
    )
    return deadline_set(
        case,
        kind="decision",
        label=_("作出处罚决定期限"),
        rule="APL-60",
        started_on=case.filed_on,
        paused=paused,
        compute=lambda: (
            rules.decision_deadline(
                filed_on=case.filed_on,
                is_working=is_working,
                extension_days=extensions,
                excluded=[rules.Period(p.start, p.end) for p in periods],
                limit_days=profile_value(case.agency, "decision.limit", on=case.filed_on),
            ).due
        ),
    )


def measure_deadline(case: Case, m: Measure) -> None:
    """Store the measure's end: 7 WD to dispose after 先行登记保存 (APL-56), 30 (+30) days for
    查封/扣押/冻结 with testing time excluded (ACL-25/27/28)."""
    testing = [rules.Period(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in m.testing_periods]
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
        compute=lambda: rules.measure_due(
            kind=m.kind,
            started_on=started,
            is_working=is_working,
            extension_days=m.extended_days,
            testing=testing,
        ),
    )
    m.period_end = d.due_on
