"""Legal review's hooks on the case flow (registered in ``apps.ReviewConfig.ready``): the review
gate on the decision, opening and closing review rounds, and routing after a proposal is approved
or a hearing held. Each guard gathers facts and calls a rule of ``rules.py``; each effect calls a
service. They run inside the step's transaction (``lawtrail.cases.hooks``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lawtrail.cases import hooks
from lawtrail.cases.context import StepContext
from lawtrail.cases.guards import recused_ids
from lawtrail.cases.inputs import f
from lawtrail.core.errors import Conflict

from . import rules, services

APP = "review"


@dataclass(frozen=True)
class ProposalReviewInput:
    """The handler marks the proposal as one that needs legal review (APL-58(4), G118-12)."""

    review_required: bool = f(gettext_lazy("须法制审核"), False, help="须法制审核（APL-58）")


@dataclass(frozen=True)
class SubmitInput:
    """提请法制审核 asks, in the same form, why the case needs review when the catalogue did not
    already require it (APL-58(1)(3)(4), G118-12): the 情形 and the reason."""

    flag_kind: str = f(
        gettext_lazy("须法制审核的情形（按目录清单已须审核的，无需填写）"),
        "",
        help="提请审核的情形（REVIEW_FLAG_KINDS）",
        source="review_flag_kinds",
    )
    flag_reason: str = f(gettext_lazy("提请理由"), "", help="提请法制审核的理由", widget="text")


@dataclass(frozen=True)
class OpinionInput:
    """The itemised opinion of the review page and API (G118-13): the checklist over the review
    points and the categories of the findings."""

    checklist: dict | None = f(
        gettext_lazy("审核要点"), help="审核要点：{要点: {ok, finding}}", widget="json", form=False
    )
    categories: tuple[str, ...] = f(gettext_lazy("问题类别"), (), help="问题类别", form=False)


# ----------------------------------------------------------------------------- guards


def submission_allowed(ctx: StepContext) -> None:
    """APL-58, G118-12/14 on ``review_submit``: required, not passed, no round open, materials.
    A 情形 given in the same form is recorded first (the flag routes the case at once in 待作出决定);
    inside the step's transaction, so a refusal that follows leaves nothing behind."""
    given: SubmitInput = ctx.extra[APP]
    if given.flag_kind and not services.requirement_of(ctx.case).required:
        services.review_flag(
            actor=ctx.actor, case_id=ctx.case.pk, kind=given.flag_kind, reason=given.flag_reason, on=ctx.on
        )
        if not services.requirement_of(ctx.case).required:
            # no catalogue entry covers the 情形: the handler's request itself is the reason, as when
            # the proposal was marked (ProposalReviewInput) — 提请 then means the review opens now
            services.route_case(ctx.case, actor=ctx.actor, on=ctx.on, trigger="flag", handler_flag=True)
    snap, materials = services.submission_check(ctx.case)
    ctx.facts["review_snapshot"], ctx.facts["review_materials"] = snap, materials


def reviewer_may_review(ctx: StepContext) -> None:
    """APL-43, APL-58 on ``review_pass`` / ``review_send_back``: not recused, a qualified and
    independent reviewer, the one the head assigned; a given checklist is complete (G118-13)."""
    if ctx.actor.pk in recused_ids(ctx.case):
        raise Conflict(
            _("您已在本案中决定回避，不能审核本案（《行政处罚法》第四十三条）。"),
            code="CASE_REVIEWER_RECUSED",
            rule="APL-43",
        )
    review = services.open_round_of(ctx.case)
    services.check_reviewer(ctx.case, review, ctx.actor)
    if review is not None:
        rules.opinion_date_check(submitted_on=review.submitted_on, opinion_on=ctx.on)
    opinion: OpinionInput = ctx.extra[APP]
    if opinion.checklist is not None:
        passed = ctx.row.action == "review_pass"
        rules.opinion_check(
            opinion=rules.AGREE if passed else rules.FINDINGS_OPINION,
            checklist=opinion.checklist,
            categories=list(opinion.categories),
            text=_opinion_text(ctx),
        )


def review_done(ctx: StepContext) -> None:
    """APL-58 on ``decision_submit``: no decision without a passed review when one is required."""
    req = services.requirement_of(ctx.case)
    rules.review_gate_check(review_required=req.required, review_passed=req.passed)


# ----------------------------------------------------------------------------- effects


def _opinion_text(ctx: StepContext) -> str:
    return str(ctx.data.get("opinion") or ctx.data.get("reason") or "")


def open_round(ctx: StepContext) -> None:
    services.open_round(
        ctx.case,
        actor=ctx.actor,
        on=ctx.on,
        snap=ctx.facts["review_snapshot"],
        materials=ctx.facts["review_materials"],
    )


def close_round(ctx: StepContext) -> None:
    opinion: OpinionInput = ctx.extra[APP]
    services.close_round(
        ctx.case,
        actor=ctx.actor,
        on=ctx.on,
        passed=ctx.row.action == "review_pass",
        text=_opinion_text(ctx),
        checklist=opinion.checklist,
        categories=list(opinion.categories),
    )


def route_after_proposal(ctx: StepContext) -> None:
    flag: ProposalReviewInput = ctx.extra[APP]
    services.route_case(
        ctx.case, actor=ctx.actor, on=ctx.on, trigger="proposal", handler_flag=flag.review_required
    )


def route_after_hearing(ctx: StepContext) -> None:
    services.route_case(ctx.case, actor=ctx.actor, on=ctx.on, trigger="hearing", hearing_held=True)


def register() -> None:
    """Review's hooks, in the order the case meets them."""
    hooks.register(
        app=APP,
        action="proposal_submit",
        effect=route_after_proposal,
        input=ProposalReviewInput,
        rule="APL-58, G118-12",
        doc="处理意见批准后按目录清单判断是否须法制审核",
    )
    hooks.register(
        app=APP,
        action="hearing_hold",
        effect=route_after_hearing,
        rule="APL-58",
        doc="举行听证后重新判断是否须法制审核",
    )
    hooks.register(
        app=APP,
        action="review_submit",
        guard=submission_allowed,
        effect=open_round,
        input=SubmitInput,
        rule="APL-58, G118-12",
        doc="须审核、未通过、无审核中的送审、材料齐全；开启审核轮次并分配审核人员",
    )
    for action in ("review_pass", "review_send_back"):
        hooks.register(
            app=APP,
            action=action,
            guard=reviewer_may_review,
            effect=close_round,
            input=OpinionInput,
            rule="APL-43, APL-58, G118-13",
            doc="审核人员适格、未回避、未参与办案；记录审核意见并结束本轮",
        )
    hooks.register(
        app=APP,
        action="decision_submit",
        guard=review_done,
        rule="APL-58",
        doc="须法制审核的，审核通过后方可提请决定",
    )
