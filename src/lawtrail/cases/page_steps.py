"""What the case page shows of where a case stands: the step bar (立案 → … → 归档) with the
current deadline, which offered action is the next one, which offered actions cannot apply to
this case (and are not shown), and which steps cannot be undone (they ask first).

Pages only: the rules stay in the guards; "cannot apply" here means the action has nothing to act
on (no measure to release, no approval to decide, not an on-the-spot case) — offering it would
only lead to a refusal.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from lawtrail.core.permissions import Perm
from lawtrail.core.precompiled import ByIds
from lawtrail.registry.selectors import user_has_perm

from . import extensions
from .models import Approval, CasePeriod, Deadline, Measure, Procedure, Recusal, State

S = State

#: The procedure as a handler knows it (the step bar).
STEPS = (
    _("立案"),
    _("调查"),
    _("告知"),
    _("审核"),
    _("决定"),
    _("送达"),
    _("执行"),
    _("结案"),
    _("归档"),
)
#: The step a state belongs to (its index in STEPS); ARCHIVED is past the last.
STEP_OF: dict[str, int] = {
    S.LEAD: 0,
    S.FILING: 0,
    S.INVESTIGATING: 1,
    S.INVESTIGATED: 1,
    S.PROPOSING: 2,
    S.PROPOSED: 2,
    S.NOTIFIED: 2,
    S.HEARING: 2,
    S.REVIEWING: 3,
    S.READY: 4,
    S.DECIDING: 4,
    S.DECIDED: 5,
    S.SERVED: 6,
    S.EXECUTED: 7,
    S.CLOSED: 8,
    S.ARCHIVED: 9,
}
#: Cases that left the procedure: said in words under the bar.
ENDED_NOTE = {
    S.DECLINED: _("本线索不予立案，程序已结束。"),
    S.TERMINATED: _("本案已终止调查，程序已结束。"),
    S.TRANSFERRED: _("本案已移送其他机关。"),
    S.SUSPENDED: _("本案已中止调查，恢复后继续原环节。"),
}

#: The next required action of a state, in order of preference (the first offered one is primary).
NEXT: dict[str, tuple[str, ...]] = {  # (the view passes investigating_with_evidence once evidence exists)
    S.LEAD: ("filing_submit",),
    S.FILING: ("approve",),
    S.INVESTIGATING: ("evidence_add", "investigation_end"),
    "investigating_with_evidence": ("investigation_end", "evidence_add"),
    S.INVESTIGATED: ("proposal_submit",),
    S.PROPOSING: ("approve",),
    S.PROPOSED: ("notice_serve",),
    S.NOTIFIED: ("statement_close",),
    S.HEARING: ("hearing_schedule", "hearing_hold", "statement_close"),
    S.READY: ("review_submit", "decision_submit"),
    S.DECIDING: ("approve",),
    S.DECIDED: ("decision_serve",),
    S.SERVED: ("payment_record", "execution_complete"),
    S.EXECUTED: ("close",),
    S.CLOSED: ("archive",),
    S.SUSPENDED: ("resume",),
    S.TRANSFERRED: ("transfer_receipt",),
}

#: Steps that cannot be undone: the form asks for confirmation.
IRREVERSIBLE = {
    "decline": _("不予立案后，本线索的办理即告结束，不能撤回。确定不予立案吗？"),
    "terminate": _("终止调查后，本案不能恢复办理。确定终止调查吗？"),
    "close": _("结案后，本案不能再办理执行等环节。确定结案吗？"),
    "archive": _("归档后，案卷不能再修改。确定归档吗？"),
}


#: The next task of a case in a state (the 待办 column), named as the handler or approver does it.
TASK_OF: dict[str, Any] = {
    S.LEAD: _("提请立案"),
    S.FILING: _("审批立案"),
    S.INVESTIGATING: _("登记证据、调查终结"),
    S.INVESTIGATED: _("提交拟处理意见"),
    S.PROPOSING: _("审批处理意见"),
    S.PROPOSED: _("送达事先告知书"),
    S.NOTIFIED: _("听取陈述申辩"),
    S.HEARING: _("组织听证"),
    S.REVIEWING: _("法制审核"),
    S.READY: _("提请作出决定"),
    S.DECIDING: _("审批处罚决定"),
    S.DECIDED: _("送达决定书"),
    S.SERVED: _("登记缴款"),
    S.EXECUTED: _("结案"),
    S.CLOSED: _("归档"),
    S.SUSPENDED: _("恢复调查"),
}
#: What the task fields need of a case (the 待办 list loads only these and TASK_CASE_FIELDS).
TASK_FIELDS = (
    "state",
    "procedure",
    "complex_case",
    "deliberated",
    "fine_amount",
    "paid_amount",
    "demand_served_on",
    "demand_perform_by",
    "court_applied_on",
    "enforcement_decided_on",
    "collected_on_spot",
    "filed_copy_on",
)


#: the running payment deadlines of cases by their ids (compiled once per thread and size class)
_PAY_DUE: ByIds = ByIds(
    lambda ids: Deadline.objects.filter(case_id__in=ids, kind="payment", active=True).values_list(
        "case_id", "due_on"
    )
)


@functools.cache
def _task_of_in(language: str | None) -> dict[str, str]:
    """``TASK_OF`` translated into ``language`` (the active one: a 待办 page names up to 200 cases,
    and translating a lazy string costs more than the rest of naming it)."""
    with override(language):
        return {state: str(name) for state, name in TASK_OF.items()}


def task_names(cases: list[Any], *, today: dt.date) -> dict[int, str]:
    """{case id: its next task} — "送达催告书", "提请法制审核", "审批立案" … — not its state.

    One query for the payment deadlines of the cases being executed; capabilities refine the
    rest (``extensions.task_names``: legal review names 提请法制审核 where review is required)."""
    served = [c.pk for c in cases if c.state == S.SERVED]
    pay_due: dict[int, dt.date | None] = {}
    if served:
        pay_due = dict(_PAY_DUE.all(served))
    names: dict[int, str] = {}
    task_of = _task_of_in(get_language())
    for c in cases:
        if c.state == S.READY and c.complex_case and not c.deliberated:
            names[c.pk] = str(_("负责人集体讨论"))
        elif c.state == S.SERVED:
            names[c.pk] = str(_served_task(c, pay_due.get(c.pk), today))
        else:
            names[c.pk] = task_of.get(c.state, "")
    extensions.refine_task_names(cases, names)
    return names


def _served_task(c: Any, pay_due: dt.date | None, today: dt.date) -> Any:
    owed = (c.fine_amount or 0) - (c.paid_amount or 0)
    if owed <= 0:
        if c.procedure == Procedure.ON_THE_SPOT and not c.filed_copy_on:
            return _("当场处罚决定书备案")
        return _("确认执行完毕")
    if c.court_applied_on or c.enforcement_decided_on:
        return _("登记缴款（强制执行中）")
    if c.demand_served_on:
        if c.demand_perform_by and c.demand_perform_by < today:
            return _("申请强制执行")
        return _("登记缴款（已催告）")
    if pay_due is not None and pay_due < today:
        return _("送达催告书")
    return _("登记缴款")


def stepbar(case: Any, *, today: dt.date) -> dict[str, Any]:
    current = STEP_OF.get(case.state)
    if case.state == S.SUSPENDED and case.resume_state:
        current = STEP_OF.get(case.resume_state)
    steps = []
    for i, label in enumerate(STEPS):
        if current is None:
            status = "todo"
        elif i < current:
            status = "done"
        elif i == current:
            status = "current"
        else:
            status = "todo"
        steps.append({"label": label, "status": status})
    running = [d for d in case.deadlines.all() if d.active]
    running.sort(key=lambda d: (d.due_on is None, d.due_on or dt.date.max))
    deadline = None
    if running:
        d = running[0]
        deadline = {
            "label": d.label,
            "due_on": d.due_on,
            "overdue": d.due_on is not None and d.due_on < today,
            "days": (d.due_on - today).days if d.due_on else None,
        }
    return {"steps": steps, "note": ENDED_NOTE.get(case.state, ""), "deadline": deadline}


def inapplicable(case: Any, user: Any) -> set[str]:
    """Offered actions that have nothing to act on for this case now (not shown on the page)."""
    measures = list(case.measures.all())
    statuses = {(m.kind, m.status) for m in measures}
    taken = {k for k, st in statuses if st == Measure.Status.TAKEN}
    pending_side = {a.action for a in case.approvals.all() if a.status == Approval.Status.PENDING}
    periods = list(case.periods.all())
    out: set[str] = set()
    if not taken:
        out |= {"measure_release"}
    if not taken & {Measure.Kind.SEAL, Measure.Kind.SEIZE}:
        out |= {"measure_extend", "measure_testing"}
    if Measure.Kind.PRESERVATION not in taken:
        out.add("preservation_dispose")
    if "measure" not in pending_side:
        out |= {"measure_approve", "measure_reject"}
    if "extension" not in pending_side:
        out |= {"extension_approve", "extension_reject"}
    if case.procedure != Procedure.ON_THE_SPOT:
        out |= {"cash_handover", "on_the_spot_file"}
    elif case.filed_copy_on:
        out.add("on_the_spot_file")
    if not case.collected_on_spot:
        out.add("cash_handover")
    if not any(r.status == Recusal.Status.PENDING for r in case.recusals.all()):
        out.add("recusal_decide")
    if not case.assistance_requests.filter(replied_on__isnull=True).exists():
        out.add("assistance_reply")
    if not any(p.purpose == CasePeriod.Purpose.DECISION and p.end is None for p in periods):
        out.add("exclusion_end")
    if not any(p.purpose == CasePeriod.Purpose.SURCHARGE and p.end is None for p in periods):
        out.add("remedy_end")
    owed = (case.fine_amount or 0) - (case.paid_amount or 0)
    if owed <= 0:
        out |= {"payment_record", "demand_serve", "payment_defer", "court_apply", "enforcement_decide"}
    if case.state == S.SERVED and owed > 0:
        out.add("execution_complete")
    # 申请回避 is for the people working on the case (or who handle cases of the agency)
    if user.pk != case.handler_id and not user_has_perm(user, Perm.CASE_HANDLE, case.agency):
        out.add("recusal_request")
    # legal review passes or returns only on the review page, through its checklist
    out |= {"review_pass", "review_send_back"}
    return out


def split(entries: list[dict[str, Any]], state: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(the primary action, the others) among the offered entries."""
    by_action = {e["action"]: e for e in entries}
    for action in NEXT.get(state, ()):
        if action in by_action:
            primary = by_action[action]
            return primary, [e for e in entries if e is not primary]
    return None, entries
