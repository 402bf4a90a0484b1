"""行政强制措施 and 先行登记保存 (ACL-17..32, APL-56)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.journal.services import journal_append, journal_snapshot

from .. import approvals, rules
from ..deadlines import deadline_meet, deadline_set, deadlines_stop, measure_deadline
from ..inputs import given
from ..journal_actions import CaseJournal
from ..models import Deadline, Measure


def _locked(ctx) -> Measure:
    return Measure.objects.select_for_update().get(pk=ctx.input.measure_id)


def _period_end(m: Measure) -> str | None:
    return str(m.period_end) if m.period_end else None


def measure_request(ctx) -> None:
    inp = ctx.input
    m = Measure.objects.create(
        case=ctx.case,
        kind=inp.measure_kind,
        items=inp.items.strip(),
        reason=inp.reason.strip(),
        requested_by=ctx.actor,
        requested_at=timezone.now(),
    )
    ctx.out["measure_id"] = m.pk
    journal_append(actor=ctx.actor, action=CaseJournal.MEASURE_REQUEST, subject=m)


def measure_approve(ctx) -> None:
    m = _locked(ctx)
    before = journal_snapshot(m)
    m.approver, m.approved_at = ctx.actor, timezone.now()
    if m.status == Measure.Status.REQUESTED:
        m.status = Measure.Status.APPROVED
    else:  # ACL-19: the emergency measure's post-approval is done
        deadline_meet(ctx.case, f"measure_approval:{m.pk}", ctx.on)
    m.save()
    ctx.out["measure_id"] = m.pk
    journal_append(actor=ctx.actor, action=CaseJournal.MEASURE_APPROVE, subject=m, before=before)


def measure_reject(ctx) -> None:
    m = _locked(ctx)
    before = journal_snapshot(m)
    if m.status == Measure.Status.TAKEN:  # ACL-19: not approved → released at once
        m.status, m.released_on = Measure.Status.RELEASED, ctx.on
        m.release_reason = _("紧急实施后未获批准，立即解除：%(r)s") % {"r": ctx.input.reason}
        deadlines_stop(
            Deadline.objects.filter(case=ctx.case, kind__in=[f"measure:{m.pk}", f"measure_approval:{m.pk}"]),
            met_on=ctx.on,
        )
    else:
        m.status = Measure.Status.REJECTED
    m.approver = ctx.actor
    m.save()
    ctx.out["measure_id"] = m.pk
    journal_append(actor=ctx.actor, action=CaseJournal.MEASURE_REJECT, subject=m, before=before)


def measure_take(ctx) -> None:
    case, inp, actor = ctx.case, ctx.input, ctx.actor
    started = ctx.facts["started_at"]  # checked by the guard (ACL-43, ACL-19)
    if inp.measure_id:
        m = _locked(ctx)
        before = journal_snapshot(m)
    else:
        m = Measure.objects.create(
            case=case,
            kind=inp.measure_kind,
            items=inp.items.strip(),
            reason=inp.reason.strip(),
            requested_by=actor,
            requested_at=timezone.now(),
            emergency=True,
        )
        before = None
    officers = set(inp.officer_ids) | {actor.pk}
    m.status = Measure.Status.TAKEN
    m.started_at = started
    m.officer_count = len(officers)
    m.onsite_record = inp.onsite_record.strip()
    m.party_present = inp.party_present
    m.party_signed = inp.party_signed
    m.refusal_noted = inp.refusal_noted
    m.witness_name = inp.witness_name.strip()
    if m.items == "" and inp.items:
        m.items = inp.items.strip()
    measure_deadline(case, m)
    if m.emergency:
        due = rules.emergency_approval(taken_at=started, now=started).due_at
        m.approval_due_at = due
        deadline_set(
            case,
            kind=f"measure_approval:{m.pk}",
            label=_("紧急措施补办批准（24小时）"),
            rule="ACL-19",
            started_on=started.date(),
            recipe="fixed",
            args={"due": timezone.localtime(due).date().isoformat()},
        )
        if before is None:  # ACL-19: the post-approval runs through the agency's measure chain
            approval = approvals.open(
                case,
                actor=actor,
                action="measure",
                payload={**given(inp), "measure_id": m.pk},
                on=ctx.on,
                measure_id=m.pk,
            )
            ctx.out["approval_id"] = approval.pk
    if m.kind == Measure.Kind.FREEZE:
        deadline_set(
            case,
            kind=f"freeze_notice:{m.pk}",
            label=_("交付冻结决定书"),
            rule="ACL-31/32",
            started_on=started.date(),
            recipe="freeze_notice",
            args={"from": started.date().isoformat()},
        )
    m.save()
    m.officers.set(officers)
    ctx.out["measure_id"] = m.pk
    ctx.out["period_end"] = _period_end(m)
    journal_append(actor=actor, action=CaseJournal.MEASURE_TAKE, subject=m, before=before)


def measure_extend(ctx) -> None:
    m = _locked(ctx)
    before = journal_snapshot(m)
    m.extended_days = int(ctx.input.days)
    m.extension_reasons = ctx.input.reasons.strip()
    m.extension_notified = True
    m.approver = m.approver or ctx.actor
    measure_deadline(ctx.case, m)
    m.save()
    ctx.out["period_end"] = _period_end(m)
    journal_append(actor=ctx.actor, action=CaseJournal.MEASURE_EXTEND, subject=m, before=before)


def measure_testing(ctx) -> None:
    m = _locked(ctx)
    before = journal_snapshot(m)
    m.testing_periods = [*m.testing_periods, [str(ctx.input.start), str(ctx.input.end)]]
    measure_deadline(ctx.case, m)
    m.save()
    ctx.out["period_end"] = _period_end(m)
    journal_append(actor=ctx.actor, action=CaseJournal.MEASURE_TESTING, subject=m, before=before)


def release_measure(ctx, m: Measure, *, day, reason: str) -> None:
    """Release one measure on ``day`` (ACL-28): its deadlines met, its pending approvals closed."""
    before = journal_snapshot(m)
    m.status, m.released_on, m.release_reason = Measure.Status.RELEASED, day, reason.strip()
    m.save()
    deadlines_stop(
        Deadline.objects.filter(
            case=ctx.case, kind__in=[f"measure:{m.pk}", f"measure_approval:{m.pk}", f"freeze_notice:{m.pk}"]
        ),
        met_on=day,
    )
    approvals.close_pending(ctx.case, "measure", actor=ctx.actor, reasons=_("措施已解除"), measure=m)
    journal_append(actor=ctx.actor, action=CaseJournal.MEASURE_RELEASE, subject=m, before=before)


def measure_release(ctx) -> None:
    m = _locked(ctx)
    release_measure(ctx, m, day=ctx.input.released_on or ctx.on, reason=ctx.input.reason)


def preservation_dispose(ctx) -> None:
    m = _locked(ctx)
    before = journal_snapshot(m)
    day = ctx.input.disposed_on or ctx.on
    m.status, m.disposed_on, m.disposal = Measure.Status.DISPOSED, day, ctx.input.disposal.strip()
    m.save()
    deadline_meet(ctx.case, f"measure:{m.pk}", day)
    journal_append(actor=ctx.actor, action=CaseJournal.MEASURE_DISPOSE, subject=m, before=before)
