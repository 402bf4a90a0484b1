"""事先告知、陈述申辩、听证、集体讨论 (APL-44/45/57/63/64)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..deadlines import deadline_meet, deadline_set
from ..guards import hearing_right


def notice_serve(ctx) -> None:
    case, served_on = ctx.case, ctx.date("served_on")
    amount = ctx.input.amount if ctx.input.amount is not None else case.proposed_amount
    case.notice_served_on = served_on
    case.notified_amount = amount
    case.proposed_amount = amount
    case.statement_status = ""
    right = hearing_right(ctx)
    case.hearing_offered = right.required
    period = ctx.profile("statement.period")
    deadline_set(
        case,
        kind="statement",
        label=_("陈述申辩期限"),
        rule="APL-45",
        started_on=served_on,
        recipe="statement",
        args={"from": served_on.isoformat(), "wd": int(period)},
    )
    if right.required:
        deadline_set(
            case,
            kind="hearing_request",
            label=_("听证申请期限"),
            rule="APL-64",
            started_on=served_on,
            recipe="hearing_request",
            args={"from": served_on.isoformat()},
        )


def statement_record(ctx) -> None:
    ctx.case.statement_status = "waived" if ctx.input.waived else "stated"
    deadline_meet(ctx.case, "statement", ctx.on)


def hearing_request(ctx) -> None:
    deadline_meet(ctx.case, "hearing_request", ctx.on)


def hearing_schedule(ctx) -> None:
    ctx.case.hearing_host_id = ctx.input.host_id


def statement_close(ctx) -> None:
    deadline_meet(ctx.case, "statement", ctx.on)
    deadline_meet(ctx.case, "hearing_request", ctx.on)


def deliberate(ctx) -> None:
    ctx.case.deliberated = True
