"""People of a case: recusal (APL-43) and officers assigned (APL-42)."""

from __future__ import annotations

from lawtrail.core.journal.services import journal_append, journal_snapshot

from ..journal_actions import CaseJournal
from ..models import Recusal


def recusal_request(ctx) -> None:
    inp = ctx.input
    r = Recusal.objects.create(
        case=ctx.case,
        account_id=inp.account_id,
        role=inp.role,
        by_party=ctx.facts["by_party"],  # settled by the guard
        reason=inp.reason.strip(),
        requested_by=ctx.actor,
        requested_on=ctx.on,
    )
    ctx.out["recusal_id"] = r.pk
    ctx.out["by_party"] = r.by_party
    journal_append(actor=ctx.actor, action=CaseJournal.RECUSAL_REQUEST, subject=r)


def recusal_decide(ctx) -> None:
    case, inp = ctx.case, ctx.input
    r = Recusal.objects.select_for_update().get(pk=inp.recusal_id)
    before = journal_snapshot(r)
    granted = inp.granted
    r.status = Recusal.Status.GRANTED if granted else Recusal.Status.REFUSED
    r.decided_by, r.decided_on = ctx.actor, ctx.on
    r.decision_note = inp.note.strip()
    replacement = inp.replacement_id if granted else None
    r.replacement_id = replacement
    r.save()
    journal_append(actor=ctx.actor, action=CaseJournal.RECUSAL_DECIDE, subject=r, before=before)
    if not granted:
        return
    ctx.out["account_id"], ctx.out["role"] = r.account_id, r.role
    if r.role == Recusal.Role.OFFICER or r.account_id in case.officers.values_list("id", flat=True):
        case.officers.remove(r.account_id)
        case.officers_recheck = True  # APL-42 checked again on the next handling step
    if r.account_id == case.handler_id:
        case.handler_id = replacement
    if replacement:
        case.officers.add(replacement)
    if r.role == Recusal.Role.HOST and case.hearing_host_id == r.account_id:
        case.hearing_host_id = None


def officer_assign(ctx) -> None:
    ctx.case.officers.add(ctx.input.officer_id)
    ctx.case.officers_recheck = True
