"""Disclosure's doors into the case flow (registered in ``apps.DisclosureConfig.ready``):

- the outbox consumer of ``DECISION_SERVED`` and ``ON_THE_SPOT_DECIDED``: a served decision — of the
  ordinary procedure, or decided and handed over on the spot (简易程序, APL-51/52) — becomes a
  record (G118-6);
- a hook with its own input on ``remedy_end``: when 复议/诉讼 ends with the decision changed,
  revoked or confirmed illegal/invalid, the record is due to be withdrawn within 3 WD (APL-48).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from lawtrail.cases import hooks, outbox
from lawtrail.cases.context import StepContext
from lawtrail.cases.inputs import f
from lawtrail.cases.models import CaseEvent
from lawtrail.cases.tags import EventTag
from lawtrail.core.errors import ValidationFailed

from . import rules, services
from .models import Record

APP = "disclosure"


def publish_on_service(event: CaseEvent) -> None:
    """公示: a served decision becomes a disclosure record, due within 7/20 working days (G118-6).

    An on-the-spot decision (当场处罚) is served when it is made; its legal basis may be written on
    the form rather than taken from the violation catalogue — the event carries it."""
    data = event.data if isinstance(event.data, dict) else {}
    services.record_for_case(
        actor=event.actor, case=event.case, on=event.on, basis=str(data.get("basis") or "")
    )


@dataclass(frozen=True)
class RemedyResultInput:
    """How the 复议 or 诉讼 ended (APL-48): the decision upheld, or changed, revoked, confirmed illegal/invalid."""

    remedy_result: str = f(
        gettext_lazy("复议或诉讼结果"),
        "",
        help="维持为空；changed 变更、revoked 撤销、illegal 确认违法、invalid 确认无效",
    )


def remedy_result_effect(ctx: StepContext) -> None:
    result = (ctx.extra.get(APP) and getattr(ctx.extra[APP], "remedy_result", "")) or ""
    if not result:
        return
    if result not in rules.CHANGE_KINDS:
        raise ValidationFailed(
            "决定变动情形须为变更、撤销、确认违法或确认无效。", code="DISCLOSURE_CHANGE_UNKNOWN"
        )
    record = Record.objects.filter(case=ctx.case).first()
    if record is not None:
        services.record_change(actor=None, record_id=record.pk, change_kind=result, changed_on=ctx.on)


def register() -> None:
    outbox.consumer(app=APP, name="publish", tags=[EventTag.DECISION_SERVED, EventTag.ON_THE_SPOT_DECIDED])(
        publish_on_service
    )
    hooks.register(
        app=APP,
        action="remedy_end",
        effect=remedy_result_effect,
        rule="APL-48",
        doc="复议或诉讼变更、撤销决定或确认违法、无效的，公示记录须在三个工作日内撤回或更正",
        input=RemedyResultInput,
    )
