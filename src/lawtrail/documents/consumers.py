"""Documents' outbox consumer (registered in ``apps.DocumentsConfig.ready``): the papers of a step
that has happened, made right after it commits.

The decision (``decision_submit``) and the 告知书 checks (``notice_serve``) are hooks: they may
refuse the step (``gates``). The decision issued at its last approval is numbered, checked and
recorded in the step; its PDF is made here (``decision_pdf``), right after the approval commits. Every other paper of the set is made here, from the case as the step
left it, by the step's actor (the case's handler when the step had none): the papers are what
the step produced, not a condition of it. Each tag names the kinds it produces (``PAPERS``);
a kind already issued for an earlier step of the same kind (a second 催告, a second measure) gets
a new version whose reason names the step and its date, so every version stays in the file.

Delivery is at least once and consumption exactly once (``cases.outbox``): a paper that cannot be
issued (e.g. no seal configured for a paper handed to the party, ``DOC_SIGN_NOT_CONFIGURED``)
leaves the delivery pending with its error and is retried; the step is not undone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from lawtrail.cases import outbox
from lawtrail.cases.models import CaseEvent
from lawtrail.cases.rules import ServiceMethod
from lawtrail.cases.tags import EventTag as T
from lawtrail.cases.workflow import transition_for

from . import services
from .models import Document

APP = "documents"


def _measure_papers(event: CaseEvent) -> tuple[str, ...]:
    m = event.case.measures.order_by("-id").first()
    if m is None:
        return ()
    decision = "preservation_decision" if m.kind == "preservation" else "measure_decision"
    out = [decision]
    if m.items.strip():
        out.append("measure_list")
    if getattr(m, "onsite_record", ""):
        out.append("onsite_record")
    return tuple(out)


def _service_papers(first: str) -> Callable[[CaseEvent], tuple[str, ...]]:
    """The paper served, the 送达地址确认书 at the first service, the 送达回证 of every service."""

    def kinds(event: CaseEvent) -> tuple[str, ...]:
        out = (first,) if first else ()
        if not Document.objects.filter(case=event.case, kind="address_confirmation").exists():
            out += ("address_confirmation",)
        return (*out, "service_receipt")

    return kinds


#: tag → the kinds the step produces, in the order they are issued (a callable decides from the case).
PAPERS: dict[str, tuple[str, ...] | Callable[[CaseEvent], tuple[str, ...]]] = {
    T.CASE_FILED: ("filing_approval",),
    T.LEAD_DECLINED: ("decline_approval",),
    T.MEASURE_TAKEN: _measure_papers,
    T.MEASURE_EXTENDED: ("measure_extend",),
    T.MEASURE_RELEASED: ("measure_release",),
    T.NOTICE_SERVED: _service_papers("notice"),
    T.STATEMENT_RECORDED: ("statement_record",),
    T.HEARING_SCHEDULED: ("hearing_notice",),
    T.HEARING_HELD: ("hearing_record", "hearing_report"),
    T.REVIEW_PASSED: ("review_opinion",),
    T.REVIEW_SENT_BACK: ("review_opinion",),
    T.DELIBERATED: ("deliberation_record",),
    T.ON_THE_SPOT_DECIDED: ("on_the_spot_decision",),
    T.DECISION_SERVED: _service_papers(""),
    T.PAYMENT_DEFERRED: ("payment_deferral",),
    T.DEMAND_SERVED: _service_papers("demand"),
    T.COURT_APPLIED: ("court_application",),
    T.CASE_CLOSED: ("closing_approval", "file_cover", "file_index"),
}


#: Papers served at the step that issues them: their service (送达) is recorded with the step's date,
#: handed over directly; the scanned 送达回证 or the party's signature on it completes the record.
SERVED_AT_STEP = {T.NOTICE_SERVED: "notice", T.DEMAND_SERVED: "demand"}


def kinds_of(event: CaseEvent) -> tuple[str, ...]:
    spec = PAPERS.get(event.tag, ())
    return spec(event) if callable(spec) else spec


def issue_after_step(event: CaseEvent) -> None:
    """法律文书: the papers of the step just taken (立案审批表、告知书、送达回证、催告书 …)."""
    case = event.case
    actor = event.actor or case.handler
    for code in kinds_of(event):
        kind = services.kind_for(case, code)
        reason = ""
        if services.latest(case, kind.code) is not None:
            row = transition_for(event.action)
            reason = _("%(step)s（%(on)s）再次办理，制作新版本") % {
                "step": row.label if row else _("办理"),
                "on": event.on.isoformat(),
            }
        doc = services.issue(
            actor=actor, case=case, kind=kind.code, on=event.on, reason=reason, step=event.action
        )
        if SERVED_AT_STEP.get(event.tag) == kind.code:
            services.service_record(
                actor=actor,
                document=doc,
                method=ServiceMethod.DIRECT.value,
                served_on=event.on,
                recipient="、".join(p.name for p in case.parties.all()) or _("当事人"),
                note=_("随%(step)s环节记录；送达方式以送达回证为准")
                % {"step": transition_for(event.action).label},
            )


def decision_pdf(event: CaseEvent) -> None:
    """The decision issued at its last approval: its PDF laid out, checked, sealed and stored."""
    services.pdf_make_pending(event.case)


def register() -> None:
    outbox.consumer(
        app=APP,
        name="decision_pdf",
        tags=[T.DECISION_MADE],
        doc="法律文书：决定书批准后生成PDF并加盖电子印章",
    )(decision_pdf)
    outbox.consumer(app=APP, name="papers", tags=sorted(PAPERS), doc="法律文书：办理环节产生的文书")(
        issue_after_step
    )
