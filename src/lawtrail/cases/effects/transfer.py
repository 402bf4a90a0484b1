"""移送 (APL-57) and 协查 between agencies (APL-54)."""

from __future__ import annotations

from lawtrail.core.journal.services import journal_append, journal_snapshot

from ..journal_actions import CaseJournal
from ..models import Assistance, Outcome, Transfer
from .decision import end


def transfer(ctx) -> None:
    end(ctx)
    inp = ctx.input
    judicial = inp.judicial
    to_agency = ctx.facts.get("to_agency")
    t = Transfer.objects.create(
        case=ctx.case,
        to_agency=None if judicial else to_agency,
        to_organ=ctx.facts.get("to_organ", inp.to_organ).strip(),
        judicial=judicial,
        reason=inp.reason.strip(),
        sent_on=ctx.on,
        sent_by=ctx.actor,
    )
    if judicial:  # APL-57(四): 违法行为涉嫌犯罪的，移送司法机关
        ctx.case.outcome = Outcome.TRANSFERRED
    ctx.out["transfer_id"] = t.pk
    journal_append(actor=ctx.actor, action=CaseJournal.TRANSFER_SEND, subject=t)


def transfer_receipt(ctx) -> None:
    t = Transfer.objects.select_for_update().filter(case=ctx.case).order_by("-id").first()
    before = journal_snapshot(t)
    t.receipt_on = ctx.input.receipt_on or ctx.on
    t.receipt_number = ctx.input.receipt_number.strip()
    t.save(update_fields=["receipt_on", "receipt_number"])
    journal_append(actor=ctx.actor, action=CaseJournal.TRANSFER_RECEIPT, subject=t, before=before)


def assistance_request(ctx) -> None:
    a = Assistance.objects.create(
        case=ctx.case,
        to_agency_id=ctx.input.to_agency_id,
        request=ctx.input.request.strip(),
        requested_on=ctx.on,
        requested_by=ctx.actor,
    )
    ctx.out["assistance_id"] = a.pk
    journal_append(actor=ctx.actor, action=CaseJournal.ASSISTANCE_REQUEST, subject=a)


def assistance_reply(ctx) -> None:
    a = Assistance.objects.select_for_update().get(pk=ctx.input.assistance_id)
    before = journal_snapshot(a)
    a.reply, a.replied_on, a.replied_by = ctx.input.reply.strip(), ctx.on, ctx.actor
    a.save(update_fields=["reply", "replied_on", "replied_by"])
    journal_append(actor=ctx.actor, action=CaseJournal.ASSISTANCE_REPLY, subject=a, before=before)
