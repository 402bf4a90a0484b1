"""Documents' hooks on the case flow (registered in ``apps.DocumentsConfig.ready``): a step that
hands the party a paper cannot complete without it.

- ``decision_submit``: the guard drafts the decision as it would be issued (its fields and the
  text of its HTML — no PDF is laid out inside the step) and runs the APL-59 check (a failed check
  names the element); the effect, at the last level's approval, issues the decision (numbered, its
  text checked again with its number, recorded and journaled); its PDF is laid out, checked on its
  own text, sealed and stored right after the approval commits (the outbox consumer
  ``documents.decision_pdf``), and until then the paper is 正在制作.
- ``notice_serve``: the guard drafts the 行政处罚告知书 as it is served and checks what APL-44/45
  (and APL-63) require; a notice lacking an element is not served.
- ``decision_serve``: the guard refuses service when no decision was issued; the effect serves
  the sealed PDF — when the worker has not made it yet, it waits for it (the row lock) or makes it
  in the step (``pdf_make`` is idempotent; a seal that fails refuses the service) — and records
  which version was served, how, when and to whom (送达).
"""

from __future__ import annotations

import copy

from django.utils.translation import gettext as _

from lawtrail.cases import hooks
from lawtrail.cases.context import StepContext
from lawtrail.cases.guards import hearing_right_of
from lawtrail.core.errors import Conflict

from . import services
from .catalogue import KINDS

APP = "documents"


def _decides(case) -> bool:
    return (case.outcome or case.proposed_outcome) in ("penalty", "no_penalty", "dismissed")


def decision_checked(ctx: StepContext) -> None:
    """APL-59 on ``decision_submit``: the decision as it would be issued has every element."""
    case = ctx.case
    if not _decides(case):
        return
    kind = services.kind_for(case, services.decision_kind(case))
    if not kind.decision:
        return
    rendered = services.drafted(
        case,
        kind,
        on=ctx.on,
        texts=services.draft_texts(case, kind.code),
        amount=ctx.input.amount,
        kinds=list(ctx.input.kinds) or None,
    )
    services.check_decision(case, rendered, number="", filled_now=True)


def notice_checked(ctx: StepContext) -> None:
    """APL-44/45, APL-63 on ``notice_serve``: the 行政处罚告知书 as it is served tells the party the
    facts, reasons and basis, the proposed penalty, and the right to state and defend (and to ask
    for a hearing where APL-63 gives it) with the period — a notice lacking one is not served."""
    case = ctx.case
    if case.proposed_outcome != "penalty":
        return
    amount = ctx.input.amount if ctx.input.amount is not None else case.proposed_amount
    # the parties read once: the copy shares the case's read (its prefetch cache), and the hearing
    # right (on the copy) and the notice's fill (on the case) both ask for them
    case.party_list()
    notified = copy.copy(case)  # the hearing right as the step's effect will compute it
    notified.notified_amount = amount
    right = hearing_right_of(notified, ctx.on)
    rendered = services.drafted(
        case,
        services.kind_for(case, "notice"),
        on=ctx.input.served_on or ctx.on,
        texts=services.draft_texts(case, "notice"),
        amount=amount,
        hearing_offered=right.required,
    )
    services.check_notice(case, rendered)


def decision_issue(ctx: StepContext) -> None:
    """At the decision's approval: issue the decision (number, APL-59 check, seal, vault)."""
    case = ctx.case
    if not _decides(case):
        return
    kind = services.decision_kind(case)
    if services.latest(case, kind) is None:
        # numbered, checked on its text and recorded here; laid out, sealed and stored after
        # commit (``consumers.decision_pdf``): no PDF is made inside the step's transaction
        doc = services.issue(
            actor=ctx.actor,
            case=case,
            kind=kind,
            on=ctx.on,
            step=ctx.row.action,
            pdf_later=True,
            first=True,
            in_step=True,
        )
        ctx.out["document_id"], ctx.out["document_number"] = doc.pk, doc.number


def decision_document_issued(ctx: StepContext) -> None:
    """APL-61 on ``decision_serve``: what is served is the issued decision."""
    case = ctx.case
    if not _decides(case):
        return
    doc = services.latest(case, services.decision_kind(case))
    if doc is None:
        raise Conflict(
            _("应当送达的文书尚未签发，不能办理送达（《行政处罚法》第六十一条）。"),
            code="DOC_NOT_ISSUED",
            rule="APL-61",
        )
    ctx.facts["served_document"] = doc


def decision_served(ctx: StepContext) -> None:
    case = ctx.case
    if not _decides(case):
        return
    doc = ctx.facts.get("served_document") or services.latest(case, services.decision_kind(case))
    if not doc.pdf_ready:  # the worker has not made it yet: wait for it, or make it here (idempotent)
        doc = services.pdf_make(document_id=doc.pk, actor=doc.issued_by)
    services.service_record(
        actor=ctx.actor,
        document=doc,
        method=ctx.input.method,
        served_on=ctx.input.served_on or ctx.on,
        recipient="、".join(p.name for p in case.party_list()) or str(_("当事人")),
        in_step=True,
    )
    ctx.out["served_document_id"] = doc.pk


def register() -> None:
    assert "penalty_decision" in KINDS
    hooks.register(
        app=APP,
        action="decision_submit",
        guard=decision_checked,
        effect=decision_issue,
        rule="APL-59, APL-72",
        doc="决定书应载明第五十九条规定的事项且与案件一致；批准后签发决定书（编号、签章、存证）",
    )
    hooks.register(
        app=APP,
        action="notice_serve",
        guard=notice_checked,
        rule="APL-44, APL-45, APL-63",
        doc="告知书应载明拟处罚的事实、理由、依据和内容，以及陈述、申辩（和听证）的权利及期限",
    )
    hooks.register(
        app=APP,
        action="decision_serve",
        guard=decision_document_issued,
        effect=decision_served,
        rule="APL-61",
        doc="送达的须是已签发的决定书；记录送达的文书、方式、日期和受送达人",
    )
