"""What makes a notification (站内消息): case events through the outbox, and the deadline job.

The kernel (``lawtrail.core.notifications``) stores and sends notifications; this module, in the
shell layer above the case flow and the capabilities, decides who is told what:

- 新待办 — an approval waiting at a level (立案、处理意见、处罚决定、强制措施、延长期限): the people
  holding that level at the case's agency (or the one it was assigned to), not its submitter;
  a case sent to legal review: the agency's reviewers; an approval passed, a review passed, an
  officer added: the case's officers (not whoever acted).
- 退回 — an approval or a legal review sent back, a measure or extension refused: the officers
  and the submitter.
- 期限临近 / 已超期 — ``notify_deadlines`` (the periodic job ``web.notify_deadlines``): a running
  deadline due within 2 working days (WD-1: the working-day calendar, a year without its
  holiday schedule counted with weekends only), or passed: the case's officers.

Each fact has a key, so a person is told once however often the outbox or the job runs."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.cases import outbox, workflow
from lawtrail.cases.models import FINAL_STATES, Approval, Case, CaseEvent, Deadline, State, state_label
from lawtrail.cases.tags import EventTag as T
from lawtrail.core.calendar import rules as calendar_rules
from lawtrail.core.calendar.selectors import ProvisionalCalendar
from lawtrail.core.notifications import services as notifications
from lawtrail.core.notifications.models import Notification
from lawtrail.registry.models import RoleGrant

Kind = Notification.Kind

#: events after which an approval may wait at a (new) level
APPROVAL_OPENING = {
    T.FILING_SUBMITTED,
    T.PROPOSAL_SUBMITTED,
    T.DECISION_SUBMITTED,
    T.MEASURE_REQUESTED,
    T.MEASURE_TAKEN,  # an emergency measure's approval after the fact (ACL-19)
    T.EXTENSION_REQUESTED,
    T.APPROVAL_LEVEL_APPROVED,
    T.APPROVAL_REASSIGNED,
}
#: events that send the officers' work back to them
RETURNED = {T.APPROVAL_SENT_BACK, T.REVIEW_SENT_BACK, T.MEASURE_REJECTED, T.EXTENSION_REJECTED}
#: events after which the officers have the next step (the case came back from someone else)
BACK_TO_OFFICERS = {
    T.CASE_FILED,
    T.PROPOSAL_APPROVED,
    T.DECISION_MADE,
    T.REVIEW_PASSED,
    T.MEASURE_APPROVED,
    T.EXTENSION_APPROVED,
}
TAGS = APPROVAL_OPENING | RETURNED | BACK_TO_OFFICERS | {T.REVIEW_SUBMITTED, T.OFFICER_ASSIGNED}

#: how far ahead a deadline is announced (working days, WD-1)
DUE_SOON_WORKING_DAYS = 2


def _case_name(case: Case) -> str:
    return f"{case.number}（{case.title}）" if case.number else case.title


def _team(case: Case) -> set[int]:
    return {case.handler_id, *case.officers.values_list("pk", flat=True)}


def _holders(role: str, agency_id: int) -> set[int]:
    return set(RoleGrant.objects.filter(role=role, agency_id=agency_id).values_list("user_id", flat=True))


@outbox.consumer(app="web", name="notify", tags=sorted(TAGS), doc="站内消息：新待办、退回")
def on_case_event(event: CaseEvent) -> None:
    """Tell the people a case event gives work to (or sends work back to)."""
    case = Case.objects.only("id", "number", "title", "state", "agency_id", "handler_id").get(
        pk=event.case_id
    )
    url = reverse("cases:detail", args=[case.pk])
    name = _case_name(case)
    tag = event.tag
    actor = {event.actor_id} if event.actor_id else set()
    if tag in APPROVAL_OPENING:
        for a in Approval.objects.filter(case=case, status=Approval.Status.PENDING).exclude(current_role=""):
            people = {a.assignee_id} if a.assignee_id else _holders(a.current_role, case.agency_id)
            what = workflow.APPROVAL_LABELS.get(a.action, _("审批"))
            notifications.notify(
                user_ids=people - {a.submitted_by_id} - actor,
                kind=Kind.TASK,
                title=_("%(what)s（待我审批）：%(case)s") % {"what": what, "case": name},
                body=_("请在待办中打开案件，查看审批表后作出审批意见。"),
                url=url,
                key=f"approval:{a.pk}:{a.level}:{a.assignee_id or ''}",
            )
    if tag == T.REVIEW_SUBMITTED:
        notifications.notify(
            user_ids=_holders("reviewer", case.agency_id) - actor,
            kind=Kind.TASK,
            title=_("法制审核：%(case)s") % {"case": name},
            body=_("案件已提请法制审核，请逐项审核。"),
            url=url,
            key=f"event:{event.pk}",
        )
    if tag in RETURNED:
        people = _team(case)
        last = Approval.objects.filter(case=case, status=Approval.Status.SENT_BACK).order_by("-pk").first()
        if tag == T.APPROVAL_SENT_BACK and last is not None:
            people.add(last.submitted_by_id)
        what = {
            T.APPROVAL_SENT_BACK: _("审批被退回"),
            T.REVIEW_SENT_BACK: _("法制审核退回"),
            T.MEASURE_REJECTED: _("强制措施未获批准"),
            T.EXTENSION_REJECTED: _("延长办案期限未获批准"),
        }[tag]
        notifications.notify(
            user_ids=people - actor,
            kind=Kind.RETURNED,
            title=_("%(what)s：%(case)s") % {"what": what, "case": name},
            body=event.note or _("请查看退回意见，修改后重新提交。"),
            url=url,
            key=f"event:{event.pk}",
        )
    if tag in BACK_TO_OFFICERS:
        notifications.notify(
            user_ids=_team(case) - actor,
            kind=Kind.TASK,
            title=_("新待办：%(case)s（%(state)s）") % {"case": name, "state": state_label(case.state)},
            body=_("案件已回到承办人员，请办理下一步。"),
            url=url,
            key=f"event:{event.pk}",
        )
    if tag == T.OFFICER_ASSIGNED:
        notifications.notify(
            user_ids=_team(case) - actor,
            kind=Kind.TASK,
            title=_("您已被指派承办：%(case)s") % {"case": name},
            url=url,
            key=f"officers:{case.pk}",
        )


def notify_deadlines(*, today: dt.date | None = None) -> int:
    """期限临近 / 已超期: each running deadline of an active case that falls due within
    ``DUE_SOON_WORKING_DAYS`` working days (WD-1) or has passed, told to the case's officers
    once per deadline and date. Returns how many notifications were made."""
    today = today or timezone.localdate()
    horizon = calendar_rules.add_working_days(today, DUE_SOON_WORKING_DAYS, ProvisionalCalendar())[0]
    rows = (
        Deadline.objects.filter(active=True, met_on__isnull=True, due_on__isnull=False, due_on__lte=horizon)
        .exclude(case__state__in=[*FINAL_STATES, State.CLOSED])
        .select_related("case")
        .order_by("due_on", "id")
    )
    made = 0
    teams: dict[int, set[int]] = {}
    officers = Case.officers.through.objects.filter(case_id__in=rows.values("case_id")).values_list(
        "case_id", "user_id"
    )
    for case_id, user_id in officers:
        teams.setdefault(case_id, set()).add(user_id)
    for d in rows:
        case = d.case
        people = teams.get(case.pk, set()) | {case.handler_id}
        overdue = d.due_on < today
        if overdue:
            title = _("已超期：%(case)s的%(label)s已于%(due)s届满") % {
                "case": _case_name(case),
                "label": d.label,
                "due": d.due_on.isoformat(),
            }
        else:
            title = _("期限临近：%(case)s的%(label)s将于%(due)s届满") % {
                "case": _case_name(case),
                "label": d.label,
                "due": d.due_on.isoformat(),
            }
        made += len(
            notifications.notify(
                user_ids=people,
                kind=Kind.OVERDUE if overdue else Kind.DUE_SOON,
                title=title,
                url=reverse("cases:detail", args=[case.pk]),
                key=f"{'overdue' if overdue else 'due'}:{d.pk}:{d.due_on.isoformat()}",
            )
        )
    return made
