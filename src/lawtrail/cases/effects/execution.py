"""执行: payment, deferral, 当场收缴, 催告, remedies pausing the surcharge, enforcement and the
court application (APL-66..73, ACL-35..54)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from .. import rules
from ..deadlines import deadline_meet, deadline_set, lenient
from ..guards import open_remedy, owed, payment_defer_valid
from ..models import CasePeriod, Deadline
from .limits import period_close, period_open


def payment_record(ctx) -> None:
    case = ctx.case
    case.paid_amount = (case.paid_amount or Decimal(0)) + (ctx.input.amount or Decimal(0))
    if case.paid_amount >= (case.fine_amount or 0):
        deadline_meet(case, "payment", ctx.on)


def demand_serve(ctx) -> None:
    ctx.case.demand_served_on = ctx.input.served_on or ctx.on
    ctx.case.demand_perform_by = ctx.input.perform_by


def court_apply(ctx) -> None:
    ctx.case.court_applied_on = ctx.input.applied_on or ctx.on


def on_the_spot_file(ctx) -> None:
    ctx.case.filed_copy_on = ctx.on


def cash_handover(ctx) -> None:
    case = ctx.case
    handed = ctx.input.handed_on or ctx.on
    if ctx.input.handed_to == "agency":
        deadline_meet(case, "cash_to_agency", handed)
        h = rules.collection_handover(
            collected_on=case.decided_on, handed_to_agency_on=handed, is_working=lenient()
        )
        ctx.out["late"] = h.to_agency_late
        deadline_set(
            case,
            kind="cash_to_bank",
            label=_("当场收缴罚款缴付指定银行"),
            rule="APL-68/71",
            started_on=handed,
            recipe="cash_to_bank",
            args={"collected_on": case.decided_on.isoformat(), "handed_on": handed.isoformat()},
        )
    else:
        ctx.out["late"] = Deadline.objects.filter(
            case=case, kind="cash_to_bank", active=True, due_on__lt=handed
        ).exists()
        deadline_meet(case, "cash_to_bank", handed)


def payment_defer(ctx) -> None:
    case = ctx.case
    deferral: rules.Deferral = ctx.facts.get("deferral")
    if deferral is None:  # the plan the guard accepted
        payment_defer_valid(ctx)
        deferral = ctx.facts["deferral"]
    case.payment_deferred_to = deferral.due
    case.instalments = [[d.isoformat(), str(a)] for d, a in deferral.instalments]
    deadline_set(
        case,
        kind="payment",
        label=_("缴纳罚款期限（暂缓/分期）"),
        rule="APL-66/67",
        started_on=ctx.on,
        recipe="fixed",
        args={"due": deferral.due.isoformat()},
    )
    for n, (day, amount) in enumerate(deferral.instalments, start=1):
        deadline_set(
            case,
            kind=f"instalment:{n}",
            label=_("第%(n)s期缴款（%(amount)s元）") % {"n": n, "amount": amount},
            rule="APL-66/67",
            started_on=ctx.on,
            recipe="fixed",
            args={"due": day.isoformat()},
        )
    ctx.out["due_on"] = deferral.due.isoformat()


def remedy_start(ctx) -> None:
    p = period_open(
        ctx.case,
        actor=ctx.actor,
        purpose=CasePeriod.Purpose.SURCHARGE,
        kind=ctx.input.remedy_kind,
        start=ctx.input.start or ctx.on,
        reason=ctx.input.reason,
    )
    ctx.out["period_id"] = p.pk


def remedy_end(ctx) -> None:
    p = open_remedy(ctx)
    period_close(p, actor=ctx.actor, end=ctx.input.end or ctx.on)
    ctx.out["period_id"] = p.pk


def enforcement_decide(ctx) -> None:
    case = ctx.case
    case.enforcement_decided_on = ctx.input.decided_on or ctx.on
    fine_left, extra = owed(case, case.enforcement_decided_on)
    ctx.out["fine_owed"], ctx.out["surcharge"] = str(fine_left), str(extra)
