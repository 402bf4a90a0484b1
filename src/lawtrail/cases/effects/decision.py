"""立案、处理意见、处罚决定 and their service; closing and archiving (APL-54/57/60/61, APL-47)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .. import approvals
from ..deadlines import deadline_meet, deadline_set, deadlines_stop, decision_deadline
from ..models import CasePeriod, Deadline, Measure, Outcome, State
from ..numbers import case_number_format, case_number_next, document_number_issue
from .limits import period_close
from .measures import release_measure


def filing_approved(ctx) -> None:
    """The last level approved the filing (立案): the case gets its number and the APL-60 limit."""
    case, on = ctx.case, ctx.on
    year = on.year
    case.year, case.seq = year, case_number_next(agency=case.agency, year=year)
    case.number = case_number_format(case.agency, year, case.seq, on)
    case.filed_on = on
    deadline_meet(case, "filing", on)
    decision_deadline(case)


def filing_extend(ctx) -> None:
    """APL-54/55: the filing time extended once by the approved ``filing.sla_extension`` days."""
    d = ctx.case.deadlines.get(kind="filing", active=True)
    args = {**d.recipe["args"], "extension": int(ctx.profile("filing.sla_extension"))}
    row = deadline_set(
        ctx.case,
        kind="filing",
        label=_("立案期限（已延长）"),
        rule="APL-54/55",
        started_on=d.started_on,
        recipe="filing",
        args=args,
    )
    ctx.out["due_on"] = row.due_on.isoformat() if row.due_on else None


def proposal_approved(ctx) -> None:
    """The proposal (拟处理意见) as approved becomes the case's proposal; only a proposed penalty is
    notified (APL-44): the other outcomes go straight to 待作出决定."""
    case, inp = ctx.case, ctx.input
    case.proposed_outcome = inp.outcome
    case.proposed_kinds = list(inp.kinds)
    case.proposed_amount = inp.amount
    case.benchmark_tier = inp.tier
    case.tier_deviation_reason = inp.deviation_reason
    if case.proposed_outcome != Outcome.PENALTY:
        ctx.target = State.READY


def decision_made(ctx) -> None:
    """The last level approved the decision: outcome, penalty and the APL-61 service deadline."""
    case, inp, on = ctx.case, ctx.input, ctx.on
    if inp.amount is not None:  # lowered after 复核 (the guard refused any increase)
        case.proposed_amount = inp.amount
    if inp.kinds:
        case.proposed_kinds = list(inp.kinds)
    case.outcome = case.proposed_outcome
    case.penalty_kinds = case.proposed_kinds
    case.fine_amount = case.proposed_amount if case.outcome == Outcome.PENALTY else None
    case.decided_on = on
    decision_number(case, on)
    for p in case.periods.filter(purpose=CasePeriod.Purpose.DECISION, end__isnull=True):
        period_close(p, actor=ctx.actor, end=on - dt.timedelta(days=1))  # the decision ends every pause
    deadline_meet(case, "decision", on)
    extension_close(case, actor=ctx.actor, reasons=_("已作出处罚决定，延长办案期限的申请不再审批"))
    deadline_set(
        case,
        kind="service",
        label=_("送达处罚决定书期限"),
        rule="APL-61",
        started_on=on,
        recipe="service",
        args={"from": on.isoformat()},
    )


#: The decision document each outcome issues and the profile key of its number's pattern;
#: a transfer to the judicial organs (移送) issues a transfer letter, not a decision.
DECISION_NUMBERS = {
    Outcome.PENALTY: ("decision", "case.decision_number_pattern"),
    Outcome.NO_PENALTY: ("no_penalty", "case.no_penalty_number_pattern"),
    Outcome.DISMISSED: ("no_penalty", "case.no_penalty_number_pattern"),
}


def decision_number(case, on: dt.date) -> None:
    """APL-59: the decision document carries its own number (处罚决定书文号 / 不予行政处罚决定书文号),
    one per agency, kind and year, handed out in the step that makes the decision."""
    numbered = DECISION_NUMBERS.get(case.outcome)
    if numbered and not case.decision_number:
        kind, key = numbered
        case.decision_number = document_number_issue(agency=case.agency, kind=kind, on=on, pattern_key=key)[2]


def decision_serve(ctx) -> None:
    case = ctx.case
    case.served_on = ctx.input.served_on or ctx.on
    case.service_method = ctx.input.method
    case.e_service_consent = bool(ctx.input.consent or case.e_service_consent)
    deadline_meet(case, "service", ctx.on)
    if case.outcome == Outcome.PENALTY and case.fine_amount:
        served = case.served_on
        deadline_set(
            case,
            kind="payment",
            label=_("缴纳罚款期限"),
            rule="APL-67",
            started_on=served,
            recipe="payment",
            args={"from": served.isoformat()},
        )


def close(ctx) -> None:
    ctx.case.closed_on = ctx.on
    deadlines_stop(Deadline.objects.filter(case=ctx.case, active=True))


def archive(ctx) -> None:
    """G118-9, 一案一卷: the archived case file gets its 档号 (DA/T 22), one per agency and year."""
    ctx.case.archived_on = ctx.on
    if not ctx.case.archive_number:
        ctx.case.archive_number = document_number_issue(
            agency=ctx.case.agency, kind="archive", on=ctx.on, pattern_key="case.archive_number_pattern"
        )[2]


def end(ctx) -> None:
    """不予立案 / 终止调查 / 移送: the case ends; the measures still in force are released in the
    same step when the leader chose to (ACL-28) — otherwise the guard refused the step."""
    if getattr(ctx.input, "release_measures", False):
        release_all(
            ctx, reason=_("案件已终结，依法解除（《行政强制法》第二十八条）：%(r)s") % {"r": ctx.input.reason}
        )
    deadlines_stop(Deadline.objects.filter(case=ctx.case, active=True).exclude(kind__startswith="measure"))
    extension_close(ctx.case, actor=ctx.actor, reasons=_("案件已办结，延长办案期限的申请不再审批"))


def release_all(ctx, *, reason: str) -> None:
    """Release every measure still in force (ACL-28), each with its journal entry."""
    for m in Measure.objects.select_for_update().filter(case=ctx.case, status=Measure.Status.TAKEN):
        release_measure(ctx, m, day=ctx.on, reason=reason)
    ctx.out["released_measures"] = True


def extension_close(case, *, actor, reasons: str) -> None:
    """The decision limit no longer runs (decided, declined, terminated, transferred): a pending
    extension request ends unapproved."""
    approvals.close_pending(case, "extension", actor=actor, reasons=reasons)
    case.extension_requested_days = None
