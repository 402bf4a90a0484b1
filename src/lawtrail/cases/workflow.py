"""The transition table: the one place that says which action moves a case where.

Each row is (action, from-states, to-state, permission, guards, approval). Only
``services.case_transition`` applies a row: it locks the case, checks the permission
and every guard, runs the action's effect, writes a ``CaseEvent`` and a journal entry.
A row with ``approval`` does not reach its target at once: it opens an approval in the
agency's chain for that action, and the case waits in ``via`` until the last level
approves (or goes back to the source state when sent back to the handler or withdrawn).
A row with ``opens`` (a request for an extension or a compulsory measure) opens an approval
that runs beside the case (``SIDE_APPROVALS``): the case keeps its state and its other steps;
the rows with ``acts_on`` act at the approval's current level, and the last level's approval
applies the approve row's effect (the last level is always the head, see ``rules.side_chain_check``).
``docs/case-states.md`` is generated from this table (``lawtrail case_diagram``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from lawtrail.core.permissions import Perm

from . import guards as g
from . import hooks, outbox
from . import inputs as inp
from .effects import decision as fx_decision
from .effects import execution as fx_execution
from .effects import investigation as fx_investigation
from .effects import limits as fx_limits
from .effects import measures as fx_measures
from .effects import notice as fx_notice
from .effects import people as fx_people
from .effects import transfer as fx_transfer
from .models import FINAL_STATES, State
from .tags import STEP_TAGS, EventTag

S = State
#: States in which a case may be suspended or terminated.
ACTIVE = tuple(s for s in State if s not in FINAL_STATES and s not in (S.SUSPENDED, S.CLOSED))


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[State, ...]
    target: State | None  # None: the case stays where it is (a recorded act)
    perm: Perm
    guards: tuple[Callable, ...] = ()
    approval: str | None = None  # approval chain that must approve before the target
    via: State | None = None  # the state while that approval runs
    rule: str = ""
    # the typed input the step takes (inputs.py): parsed once, handed to guards, hooks and effect
    input: type = inp.NoInput
    # what the step changes (effects/*.py); for a row with ``approval``: at the last level's approval
    effect: Callable | None = None
    # whose permission counts: "case" — the case's agency; "assistance" — the agency asked for
    # assistance (named by ``assistance_id``), which does not otherwise see the case
    scope: str = "case"
    # a side approval (``SIDE_APPROVALS``) this row opens, or acts on at its current level
    opens: str | None = None
    acts_on: str | None = None

    @property
    def tag(self) -> EventTag:
        return STEP_TAGS[self.action]

    def input_fields(self) -> tuple[str, ...]:
        """The names of the row's own input."""
        return inp.names(self.input)

    @property
    def fields(self) -> tuple[str, ...]:
        """Every input the step takes: the row's and the hooks' (``hooks.register(input=…)``)."""
        extra = tuple(n for _app, tp in hooks.extra_input_types(self.action) for n in inp.names(tp))
        return self.input_fields() + extra


T = Transition
TABLE: tuple[Transition, ...] = (
    T(
        "filing_submit",
        "提请立案",
        (S.LEAD,),
        S.INVESTIGATING,
        Perm.CASE_HANDLE,
        (g.has_party, g.parties_fit_violations, g.officers_qualified, g.within_limitation),
        approval="filing",
        via=S.FILING,
        rule="APL-36, APL-42, APL-54",
        effect=fx_decision.filing_approved,
    ),
    T(
        "decline",
        "不予立案",
        (S.LEAD,),
        S.DECLINED,
        Perm.CASE_APPROVE,
        (g.reason_given, g.measures_released_or_released_now),
        rule="APL-54, ACL-25/27/28",
        input=inp.Ending,
        effect=fx_decision.end,
    ),
    T(
        "filing_extend",
        "延长立案期限",
        (S.LEAD,),
        None,
        Perm.CASE_APPROVE,
        (g.leader_approves("延长立案期限", "APL-54/55"), g.reason_given, g.filing_extension_allowed),
        rule="APL-54/55",
        input=inp.Reason,
        effect=fx_decision.filing_extend,
    ),
    T(
        "evidence_add",
        "登记证据",
        (S.INVESTIGATING, S.INVESTIGATED, S.NOTIFIED, S.HEARING),
        None,
        Perm.CASE_HANDLE,
        (g.officers_qualified,),
        rule="APL-42, APL-55",
        input=inp.EvidenceAdd,
        effect=fx_investigation.evidence_add,
    ),
    T(
        "evidence_examine",
        "质证",
        (S.INVESTIGATING, S.INVESTIGATED, S.NOTIFIED, S.HEARING),
        None,
        Perm.CASE_HANDLE,
        (),
        input=inp.EvidenceExamine,
        effect=fx_investigation.evidence_examine,
    ),
    T(
        "investigation_end",
        "调查终结",
        (S.INVESTIGATING,),
        S.INVESTIGATED,
        Perm.CASE_HANDLE,
        (g.has_evidence, g.officers_qualified),
        rule="APL-54, APL-55",
        input=inp.InvestigationEnd,
        effect=fx_investigation.investigation_end,
    ),
    T(
        "investigation_reopen",
        "补充调查",
        (S.INVESTIGATED,),
        S.INVESTIGATING,
        Perm.CASE_HANDLE,
        (g.reason_given,),
        input=inp.Reason,
    ),
    T(
        "proposal_submit",
        "提交拟处理意见",
        (S.INVESTIGATED,),
        S.PROPOSED,
        Perm.CASE_HANDLE,
        (g.proposal_valid, g.parties_fit_violations, g.party_age, g.tier_applied, g.evidence_usable),
        approval="proposal",
        via=S.PROPOSING,
        rule="APL-30, APL-33, APL-57, G27-12",
        input=inp.ProposalSubmit,
        effect=fx_decision.proposal_approved,
    ),
    T(
        "notice_serve",
        "送达事先告知书",
        (S.PROPOSED,),
        S.NOTIFIED,
        Perm.CASE_HANDLE,
        (g.notice_allowed,),
        rule="APL-44, APL-45, APL-63",
        input=inp.NoticeServe,
        effect=fx_notice.notice_serve,
    ),
    T(
        "statement_record",
        "记录陈述申辩",
        (S.NOTIFIED,),
        None,
        Perm.CASE_HANDLE,
        (g.statement_valid,),
        rule="APL-45",
        input=inp.StatementRecord,
        effect=fx_notice.statement_record,
    ),
    T(
        "reconsider",
        "复核陈述申辩",
        (S.NOTIFIED, S.HEARING),
        None,
        Perm.CASE_HANDLE,
        (g.has_statement,),
        rule="APL-45",
        input=inp.Reconsider,
    ),
    T(
        "hearing_request",
        "申请听证",
        (S.NOTIFIED,),
        S.HEARING,
        Perm.CASE_HANDLE,
        (g.hearing_request_in_time,),
        rule="APL-63, APL-64",
        input=inp.HearingRequest,
        effect=fx_notice.hearing_request,
    ),
    T(
        "hearing_schedule",
        "通知听证",
        (S.HEARING,),
        None,
        Perm.CASE_HANDLE,
        (g.hearing_notice_in_time,),
        rule="APL-64",
        input=inp.HearingSchedule,
        effect=fx_notice.hearing_schedule,
    ),
    T(
        "hearing_hold",
        "举行听证",
        (S.HEARING,),
        None,
        Perm.CASE_HANDLE,
        (g.hearing_scheduled,),
        rule="APL-64",
        input=inp.HearingHold,
    ),
    T(
        "statement_close",
        "告知程序终结",
        (S.NOTIFIED, S.HEARING),
        S.READY,
        Perm.CASE_HANDLE,
        (g.statement_period_over, g.hearing_done),
        rule="APL-44, APL-45, APL-62, APL-64",
        effect=fx_notice.statement_close,
    ),
    T(
        "review_submit",
        "提请法制审核",
        (S.READY,),
        S.REVIEWING,
        Perm.CASE_HANDLE,
        (),
        rule="APL-58",
    ),
    T(
        "review_pass",
        "法制审核通过",
        (S.REVIEWING,),
        S.READY,
        Perm.CASE_REVIEW,
        (),
        rule="APL-58",
        input=inp.ReviewPass,
    ),
    T(
        "review_send_back",
        "法制审核退回",
        (S.REVIEWING,),
        S.INVESTIGATED,
        Perm.CASE_REVIEW,
        (g.reason_given,),
        rule="APL-58",
        input=inp.Reason,
    ),
    T(
        "deliberate",
        "负责人集体讨论",
        (S.READY,),
        None,
        Perm.CASE_DELIBERATE,
        (g.attendees_valid,),
        rule="APL-57",
        input=inp.Deliberate,
        effect=fx_notice.deliberate,
    ),
    T(
        "decision_submit",
        "提请作出决定",
        (S.READY,),
        S.DECIDED,
        Perm.CASE_HANDLE,
        (g.notice_done, g.deliberation_done, g.no_heavier_penalty, g.deviation_approved),
        approval="decision",
        via=S.DECIDING,
        rule="APL-44, APL-45, APL-57, APL-62, G27-12",
        input=inp.DecisionSubmit,
        effect=fx_decision.decision_made,
    ),
    T(
        "decision_serve",
        "送达决定书",
        (S.DECIDED,),
        S.SERVED,
        Perm.CASE_HANDLE,
        (g.service_method_allowed,),
        rule="APL-61",
        input=inp.DecisionServe,
        effect=fx_decision.decision_serve,
    ),
    T(
        "payment_record",
        "登记缴款",
        (S.SERVED,),
        None,
        Perm.CASE_HANDLE,
        (g.payment_valid,),
        rule="APL-66, APL-67, APL-72",
        input=inp.PaymentRecord,
        effect=fx_execution.payment_record,
    ),
    T(
        "demand_serve",
        "送达催告书",
        (S.SERVED,),
        None,
        Perm.CASE_HANDLE,
        (g.payment_overdue,),
        rule="ACL-35",
        input=inp.DemandServe,
        effect=fx_execution.demand_serve,
    ),
    T(
        "court_apply",
        "申请人民法院强制执行",
        (S.SERVED,),
        None,
        Perm.CASE_HANDLE,
        (g.court_application_allowed,),
        rule="ACL-53, ACL-54",
        input=inp.CourtApply,
        effect=fx_execution.court_apply,
    ),
    T(
        "execution_complete",
        "执行完毕",
        (S.SERVED,),
        S.EXECUTED,
        Perm.CASE_HANDLE,
        (g.nothing_owed,),
        rule="APL-66",
    ),
    T(
        "close",
        "结案",
        (S.EXECUTED, S.SERVED),
        S.CLOSED,
        Perm.CASE_APPROVE,
        (g.closable,),
        rule="APL-47",
        effect=fx_decision.close,
    ),
    T(
        "archive",
        "归档",
        (S.CLOSED,),
        S.ARCHIVED,
        Perm.CASE_HANDLE,
        (),
        rule="APL-47, G118-9",
        effect=fx_decision.archive,
    ),
    T(
        "suspend",
        "中止调查",
        ACTIVE,
        S.SUSPENDED,
        Perm.CASE_APPROVE,
        (g.leader_approves("中止案件调查", "APL-60"), g.reason_given, g.suspension_period_allowed),
        rule="APL-60",
        input=inp.Reason,
        effect=fx_limits.suspend,
    ),
    T(
        "resume",
        "恢复调查",
        (S.SUSPENDED,),
        None,
        Perm.CASE_APPROVE,
        (g.leader_approves("恢复案件调查", "APL-60"), g.reason_given),
        rule="APL-60",
        input=inp.Reason,
        effect=fx_limits.resume,
    ),
    T(
        "terminate",
        "终止调查",
        ACTIVE,
        S.TERMINATED,
        Perm.CASE_APPROVE,
        (g.leader_approves("终止案件调查", "APL-57"), g.reason_given, g.measures_released_or_released_now),
        rule="APL-57, ACL-25/27/28",
        input=inp.Ending,
        effect=fx_decision.end,
    ),
    T(
        "transfer",
        "移送其他机关",
        (S.LEAD, S.INVESTIGATING),
        S.TRANSFERRED,
        Perm.CASE_APPROVE,
        (g.reason_given, g.transfer_target_valid, g.measures_released_or_released_now),
        rule="APL-57",
        input=inp.Transfer,
        effect=fx_transfer.transfer,
    ),
)

#: Rows added for the rest of the procedure (on-the-spot, measures, limits, recusal, payment,
#: transfer and assistance). Kept apart so the core table above reads as the ordinary flow.
PROCEDURE_TABLE: tuple[Transition, ...] = (
    T(
        "cash_handover",
        "当场收缴罚款交款",
        (S.SERVED, S.EXECUTED, S.CLOSED),
        None,
        Perm.CASE_HANDLE,
        (g.cash_handover_valid,),
        rule="APL-68/71",
        input=inp.CashHandover,
        effect=fx_execution.cash_handover,
    ),
    T(
        "on_the_spot_file",
        "当场处罚决定书备案",
        (S.SERVED, S.EXECUTED),
        None,
        Perm.CASE_HANDLE,
        (g.on_the_spot_fileable,),
        rule="APL-52",
        input=inp.OnTheSpotFile,
        effect=fx_execution.on_the_spot_file,
    ),
)
#: States in which a measure may still be approved, released or disposed of (ACL-28: property
#: is released even when the case ends otherwise).
MEASURE_END = (*ACTIVE, S.SUSPENDED, S.TERMINATED, S.TRANSFERRED)

PROCEDURE_TABLE += (
    T(
        "measure_request",
        "提请采取强制措施",
        ACTIVE,
        None,
        Perm.CASE_HANDLE,
        (g.measure_request_valid,),
        rule="ACL-17/18, ACL-24, APL-56",
        opens="measure",
        input=inp.MeasureRequest,
        effect=fx_measures.measure_request,
    ),
    T(
        "measure_approve",
        "批准强制措施",
        MEASURE_END,
        None,
        Perm.CASE_APPROVE,
        (g.measure_approve_valid, g.chain_level("measure", "实施行政强制措施、先行登记保存", "ACL-17/18")),
        rule="ACL-17/18, ACL-19, APL-56",
        acts_on="measure",
        input=inp.MeasureApprove,
        effect=fx_measures.measure_approve,
    ),
    T(
        "measure_reject",
        "不批准强制措施",
        MEASURE_END,
        None,
        Perm.CASE_APPROVE,
        (g.measure_reject_valid, g.chain_level("measure", "实施行政强制措施、先行登记保存", "ACL-17/18")),
        rule="ACL-19",
        acts_on="measure",
        input=inp.MeasureReject,
        effect=fx_measures.measure_reject,
    ),
    T(
        "measure_take",
        "实施强制措施",
        ACTIVE,
        None,
        Perm.CASE_HANDLE,
        (g.measure_take_valid,),
        rule="ACL-17/18, ACL-19, ACL-24, ACL-43, APL-56",
        input=inp.MeasureTake,
        effect=fx_measures.measure_take,
    ),
    T(
        "measure_extend",
        "延长查封扣押期限",
        ACTIVE,
        None,
        Perm.CASE_APPROVE,
        (g.head_approves("延长查封、扣押、冻结期限", "ACL-25/27/28"), g.measure_extend_valid),
        rule="ACL-25/27/28",
        input=inp.MeasureExtend,
        effect=fx_measures.measure_extend,
    ),
    T(
        "measure_testing",
        "登记检测鉴定期间",
        ACTIVE,
        None,
        Perm.CASE_HANDLE,
        (g.measure_testing_valid,),
        rule="ACL-25/27/28",
        input=inp.MeasureTesting,
        effect=fx_measures.measure_testing,
    ),
    T(
        "measure_release",
        "解除强制措施",
        MEASURE_END,
        None,
        Perm.CASE_HANDLE,
        (g.measure_release_valid,),
        rule="ACL-25/27/28",
        input=inp.MeasureRelease,
        effect=fx_measures.measure_release,
    ),
    T(
        "preservation_dispose",
        "先行登记保存处理决定",
        MEASURE_END,
        None,
        Perm.CASE_HANDLE,
        (g.preservation_dispose_valid,),
        rule="APL-56",
        input=inp.PreservationDispose,
        effect=fx_measures.preservation_dispose,
    ),
)
#: States in which the decision limit runs (APL-60: from filing to the decision).
LIMIT_RUNNING = (S.INVESTIGATING, S.INVESTIGATED, S.PROPOSED, S.NOTIFIED, S.HEARING, S.REVIEWING, S.READY)

PROCEDURE_TABLE += (
    T(
        "extension_request",
        "申请延长办案期限",
        LIMIT_RUNNING,
        None,
        Perm.CASE_HANDLE,
        (g.extension_request_valid,),
        rule="APL-60",
        opens="extension",
        input=inp.ExtensionRequest,
        effect=fx_limits.extension_request,
    ),
    T(
        "extension_approve",
        "批准延长办案期限",
        LIMIT_RUNNING,
        None,
        Perm.CASE_APPROVE,
        (g.extension_approve_valid, g.chain_level("extension", "延长办案期限", "APL-60")),
        rule="APL-60",
        acts_on="extension",
        input=inp.SideApprovalAct,
        effect=fx_limits.extension_approve,
    ),
    T(
        "extension_reject",
        "不批准延长办案期限",
        LIMIT_RUNNING,
        None,
        Perm.CASE_APPROVE,
        (g.extension_pending, g.reason_given, g.chain_level("extension", "延长办案期限", "APL-60")),
        rule="APL-60",
        acts_on="extension",
        input=inp.SideApprovalAct,
        effect=fx_limits.extension_reject,
    ),
    T(
        "exclusion_start",
        "登记不计入办案期限的期间",
        LIMIT_RUNNING,
        None,
        Perm.CASE_HANDLE,
        (g.exclusion_start_valid,),
        rule="APL-60",
        input=inp.ExclusionStart,
        effect=fx_limits.exclusion_start,
    ),
    T(
        "exclusion_end",
        "结束不计入办案期限的期间",
        LIMIT_RUNNING,
        None,
        Perm.CASE_HANDLE,
        (g.exclusion_end_valid,),
        rule="APL-60",
        input=inp.ExclusionEnd,
        effect=fx_limits.exclusion_end,
    ),
)
PROCEDURE_TABLE += (
    T(
        "recusal_request",
        "申请回避",
        (*ACTIVE, S.SUSPENDED),
        None,
        Perm.CASE_VIEW,
        (g.recusal_request_valid,),
        rule="APL-43",
        input=inp.RecusalRequest,
        effect=fx_people.recusal_request,
    ),
    T(
        "recusal_decide",
        "决定回避",
        (*ACTIVE, S.SUSPENDED),
        None,
        Perm.CASE_APPROVE,
        (g.recusal_decide_valid,),
        rule="APL-43",
        input=inp.RecusalDecide,
        effect=fx_people.recusal_decide,
    ),
    T(
        "officer_assign",
        "增派执法人员",
        (*ACTIVE, S.SUSPENDED),
        None,
        Perm.CASE_APPROVE,
        (g.officer_assign_valid,),
        rule="APL-42, APL-43",
        input=inp.OfficerAssign,
        effect=fx_people.officer_assign,
    ),
)
PROCEDURE_TABLE += (
    T(
        "payment_defer",
        "批准暂缓或分期缴纳罚款",
        (S.SERVED,),
        None,
        Perm.CASE_APPROVE,
        (g.leader_approves("暂缓或者分期缴纳罚款", "APL-66/67"), g.payment_defer_valid),
        rule="APL-66/67, APL-72",
        input=inp.PaymentDefer,
        effect=fx_execution.payment_defer,
    ),
    T(
        "remedy_start",
        "登记复议或诉讼",
        (S.SERVED,),
        None,
        Perm.CASE_HANDLE,
        (g.remedy_start_valid,),
        rule="APL-72/73",
        input=inp.RemedyStart,
        effect=fx_execution.remedy_start,
    ),
    T(
        "remedy_end",
        "复议或诉讼终结",
        (S.SERVED,),
        None,
        Perm.CASE_HANDLE,
        (g.remedy_end_valid,),
        rule="APL-72/73",
        input=inp.RemedyEnd,
        effect=fx_execution.remedy_end,
    ),
    T(
        "enforcement_decide",
        "作出强制执行决定",
        (S.SERVED,),
        None,
        Perm.CASE_APPROVE,
        (g.leader_approves("作出强制执行决定", "ACL-35–38"), g.enforcement_decide_valid),
        rule="ACL-35–38, ACL-43, ACL-45/46",
        input=inp.EnforcementDecide,
        effect=fx_execution.enforcement_decide,
    ),
)
PROCEDURE_TABLE += (
    T(
        "transfer_receipt",
        "登记移送回执",
        (S.TRANSFERRED,),
        None,
        Perm.CASE_HANDLE,
        (g.transfer_receipt_valid,),
        rule="APL-57",
        input=inp.TransferReceipt,
        effect=fx_transfer.transfer_receipt,
    ),
    T(
        "assistance_request",
        "发出协查请求",
        (*ACTIVE, S.SUSPENDED),
        None,
        Perm.CASE_HANDLE,
        (g.assistance_request_valid,),
        rule="APL-54",
        input=inp.AssistanceRequest,
        effect=fx_transfer.assistance_request,
    ),
    T(
        "assistance_reply",
        "答复协查请求",
        tuple(State),
        None,
        Perm.CASE_HANDLE,
        (g.assistance_reply_valid,),
        rule="APL-54",
        scope="assistance",
        input=inp.AssistanceReply,
        effect=fx_transfer.assistance_reply,
    ),
)
TABLE = TABLE + PROCEDURE_TABLE


def _handled_by_officers(t: Transition) -> Transition:
    """APL-42: every case-handling row (``cases.handle`` on the case's own agency) is taken by
    one of the case's officers with a usable credential — the first guard of the row."""
    if t.perm != Perm.CASE_HANDLE or t.scope != "case" or g.actor_handles_case in t.guards:
        return t
    return dataclasses.replace(t, guards=(g.actor_handles_case, *t.guards))


TABLE = tuple(_handled_by_officers(t) for t in TABLE)

#: Input of ``services.case_on_the_spot`` (简易程序), for the API and the page that create one.
ON_THE_SPOT_FIELDS: tuple[str, ...] = (
    "domain",
    "region",
    "party_kind",
    "party_name",
    "party_id_number",
    "party_credit_code",
    "party_legal_representative",
    "party_phone",
    "party_address",
    "officer_ids",
    "kinds",
    "amount",
    "act_date",
    "facts",
    "basis",
    "violation_ids",
    "form_serial",
    "credentials_shown",
    "party_signed",
    "refusal_noted",
    "collected",
    "receipt_number",
    "hard_to_collect_later",
    "remote_area",
    "title",
    "tier",
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TABLE}

#: Approval-chain actions and the default chain used when an agency has not configured one.
DEFAULT_CHAINS: dict[str, list[str]] = {
    "filing": ["approver_1", "approver_2"],
    "proposal": ["approver_1"],
    "decision": ["approver_1", "approver_2", "approver_3"],
    # APL-60 / ACL-17/18 / APL-56: approved by the head; an agency may put levels before the head
    "extension": ["approver_3"],
    "measure": ["approver_3"],
}
APPROVAL_LABELS = {
    "filing": "立案审批",
    "proposal": "处理意见审批",
    "decision": "处罚决定审批",
    "extension": "延长办案期限审批",
    "measure": "强制措施审批",
}
#: Approvals that run beside the case: the case keeps its state and its other steps stay open.
#: chain → (row whose effect the last level's approval applies, row applied when sent back or
#: withdrawn — the request ends as a refusal does).
SIDE_APPROVALS: dict[str, tuple[str, str]] = {
    "extension": ("extension_approve", "extension_reject"),
    "measure": ("measure_approve", "measure_reject"),
}
#: Approvals during which the case waits (its ``via`` state): no other step until they end.
BLOCKING_APPROVALS = frozenset(t.approval for t in TABLE if t.approval)


def transition_for(action: str) -> Transition | None:
    return BY_ACTION.get(action)


def actions_from(state: str) -> list[Transition]:
    return [t for t in TABLE if state in t.sources]


def diagram_mermaid() -> str:
    """A Mermaid state diagram of the table (docs/case-states.md is made from this)."""
    lines = ["stateDiagram-v2", "    [*] --> lead: 线索登记", "    [*] --> served: 当场处罚（简易程序）"]
    for state in State:
        lines.append(f"    {state.value}: {state.label}")
    for t in TABLE:
        for src in t.sources:
            if t.approval:
                lines.append(f"    {src.value} --> {t.via.value}: {t.label}")
                lines.append(f"    {t.via.value} --> {t.target.value}: {APPROVAL_LABELS[t.approval]}通过")
                lines.append(f"    {t.via.value} --> {src.value}: 退回/取回")
            elif t.target is not None and len(t.sources) < 6:
                lines.append(f"    {src.value} --> {t.target.value}: {t.label}")
    lines.append("    note right of suspended: 任一办理中状态均可中止、终止；恢复后回到中止前状态")
    lines.append("    archived --> [*]")
    return "\n".join(dict.fromkeys(lines))


_PERM_LABELS = {
    Perm.CASE_VIEW: "可查看案件者（见说明）",
    Perm.CASE_HANDLE: "承办人员",
    Perm.CASE_APPROVE: "审批人员",
    Perm.CASE_REVIEW: "法制审核人员",
    Perm.CASE_DELIBERATE: "主要负责人（集体讨论）",
    Perm.CASE_CONFIGURE: "单位管理员",
}


def _states(states: tuple[State, ...]) -> str:
    if set(states) == set(State):
        return "任一状态"
    if set(ACTIVE) <= set(states):
        rest = [str(s.label) for s in states if s not in ACTIVE]
        return "任一办理中状态" + ("、" + "、".join(rest) if rest else "")
    return "、".join(str(s.label) for s in states)


def states_markdown() -> str:
    """``docs/case-states.md``: the diagram and every row of the table, generated from ``TABLE``
    (``manage.py case_diagram`` writes it; a test checks the committed file is current)."""
    out = [
        "# 案件状态与办案操作",
        "",
        "> 本文件由 `python manage.py case_diagram` 根据 `src/lawtrail/cases/workflow.py` 的状态转换表自动生成，请勿手工修改。",
        "",
        "## 状态图",
        "",
        "```mermaid",
        diagram_mermaid(),
        "```",
        "",
        "## 操作一览",
        "",
        "“结果状态”为“—”的操作只登记事项，案件状态不变；需审批的操作先进入“审批中”状态，"
        "末级审批通过后到达结果状态。延长办案期限和强制措施的申请另行提交审批（按本机关配置的审批流程逐级审批，"
        "末级须为主要负责人），案件状态不变、其他操作照常办理，末级批准后生效。",
        "",
        "“挂接”列出其他模块在同一事务中登记的检查（可拒绝该操作）和随之发生的变更"
        "（`lawtrail.cases.hooks`），按执行顺序：先本表的检查，再挂接的检查，再本操作的变更，再挂接的变更。",
        "",
        "| 操作 | 名称 | 起始状态 | 结果状态 | 办理人 | 依据 | 输入 | 挂接（同一事务） |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for t in TABLE:
        target = str(t.target.label) if t.target is not None else "—"
        if t.approval:
            target = f"{t.via.label} → {target}（{APPROVAL_LABELS[t.approval]}）"
        if t.opens:
            target = f"—（提交{APPROVAL_LABELS[t.opens]}，状态不变）"
        who = _PERM_LABELS[t.perm]
        if t.acts_on:
            who = f"{APPROVAL_LABELS[t.acts_on]}当前层级的审批人员（末级为主要负责人）"
        if t.scope == "assistance":
            who = "被请求协查机关的承办人员"
        fields = "、".join(f"`{f}`" for f in t.fields) or "—"
        hooked = "<br>".join(_hook_text(h) for h in hooks.hooks_for(t.action)) or "—"
        out.append(
            f"| `{t.action}` | {t.label} | {_states(t.sources)} | {target} | {who} | {t.rule or '—'} | {fields} | {hooked} |"
        )
    out += _outbox_markdown()
    out.append("")
    return "\n".join(out)


def _hook_text(h: hooks.Hook) -> str:
    kinds = "、".join(k for k, fn in (("检查", h.guard), ("变更", h.effect)) if fn is not None)
    return f"`{h.app}`（{kinds}）：{h.doc}" + (f"（{h.rule}）" if h.rule else "")


def _outbox_markdown() -> list[str]:
    """The outbox's consumers by tag (``lawtrail.cases.outbox``): what reacts after a step commits."""

    regs = outbox.consumers()
    out = [
        "",
        "## 事后处理（发件箱）",
        "",
        "每个案件事件带有类型化标签（`lawtrail.cases.tags.EventTag`）。事务提交后，事件投递给登记了该标签的处理者"
        "（`lawtrail.cases.outbox`）：至少投递一次，只处理一次，定时补投。处理者不改变案件状态。",
        "",
    ]
    if not regs:
        return [*out, "目前没有登记的处理者。"]
    out += ["| 处理者 | 标签 | 说明 |", "| --- | --- | --- |"]
    for name, reg in sorted(regs.items()):
        tags = "、".join(f"`{t}`" for t in sorted(reg.tags))
        out.append(f"| `{name}` | {tags} | {reg.doc or '—'} |")
    return out


#: After a decision, parties can no longer be added.
TERMINAL_FOR_PARTIES = frozenset(
    {State.DECIDING, State.DECIDED, State.SERVED, State.EXECUTED, State.CLOSED, *FINAL_STATES}
)
