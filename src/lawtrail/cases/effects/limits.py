"""办案期限 (APL-60): extensions, periods not counted, suspension and resumption."""

from __future__ import annotations

import datetime as dt

from lawtrail.core.journal.services import journal_append, journal_snapshot

from .. import rules
from ..deadlines import decision_deadline
from ..guards import open_exclusion, suspension_start
from ..journal_actions import CaseJournal
from ..models import CasePeriod


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def period_open(case, *, actor, purpose: str, kind: str, start: dt.date, reason: str) -> CasePeriod:
    p = CasePeriod.objects.create(
        case=case, purpose=purpose, kind=kind, start=start, reason=reason[:2000], opened_by=actor
    )
    journal_append(actor=actor, action=CaseJournal.PERIOD_OPEN, subject=p)
    return p


def period_close(p: CasePeriod, *, actor, end: dt.date) -> None:
    before = journal_snapshot(p)
    if end < p.start:  # ended on the day it began: nothing was excluded
        journal_append(actor=actor, action=CaseJournal.PERIOD_CANCEL, subject=p, before=before)
        p.delete()
        return
    p.end = end
    p.save(update_fields=["end"])
    journal_append(actor=actor, action=CaseJournal.PERIOD_CLOSE, subject=p, before=before)


def extension_request(ctx) -> None:
    ctx.case.extension_requested_days = ctx.input.days


def extension_approve(ctx) -> None:
    """The head approved the extension (the approval is already recorded as approved, so the
    recomputed deadline counts it)."""
    case = ctx.case
    ctx.out["days"] = case.extension_requested_days or 0
    case.extension_requested_days = None
    ctx.out["due_on"] = _iso(decision_deadline(case).due_on)


def extension_reject(ctx) -> None:
    ctx.out["days"] = 0
    ctx.out["requested_days"] = ctx.case.extension_requested_days
    ctx.case.extension_requested_days = None


def exclusion_start(ctx) -> None:
    p = period_open(
        ctx.case,
        actor=ctx.actor,
        purpose=CasePeriod.Purpose.DECISION,
        kind=ctx.input.exclusion_kind,
        start=ctx.input.start or ctx.on,
        reason=ctx.input.reason,
    )
    ctx.out["period_id"] = p.pk
    decision_deadline(ctx.case)


def exclusion_end(ctx) -> None:
    p = open_exclusion(ctx)
    period_close(p, actor=ctx.actor, end=ctx.input.end or ctx.on)
    ctx.out["period_id"] = p.pk
    ctx.out["due_on"] = _iso(decision_deadline(ctx.case).due_on)


def suspend(ctx) -> None:
    start = suspension_start(ctx.case, ctx.on)
    if start is None:
        return
    p = period_open(
        ctx.case,
        actor=ctx.actor,
        purpose=CasePeriod.Purpose.DECISION,
        kind=rules.SUSPENSION_KIND,
        start=start,
        reason=ctx.input.reason,
    )
    ctx.out["period_id"] = p.pk
    decision_deadline(ctx.case)


def resume(ctx) -> None:
    p = ctx.case.periods.filter(
        purpose=CasePeriod.Purpose.DECISION, kind=rules.SUSPENSION_KIND, end__isnull=True
    ).first()
    if p is None:
        return
    period_close(p, actor=ctx.actor, end=ctx.on - dt.timedelta(days=1))  # the day of resumption counts again
    ctx.out["due_on"] = _iso(decision_deadline(ctx.case).due_on)
