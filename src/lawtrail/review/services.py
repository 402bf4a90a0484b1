"""Every write of legal review (法制审核). Keyword-only, actor first, one transaction, journaled.

Two kinds of entry points:

* services a person calls — criteria of the 目录清单, flags, assignment, the opinion, the
  extension of the time limit;
* what review's hooks on the case flow (``gates.py``, registered in ``apps.ready``) carry out
  inside the step's transaction: ``route_case`` when a proposal is approved or a hearing held
  (APL-58), ``open_round`` when the case is submitted, ``close_round`` when ``review_pass`` /
  ``review_send_back`` runs. The state of the case changes only in ``case_transition``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import CharField, F, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.cases import deadlines
from lawtrail.cases.deadlines import deadline_set, deadlines_stop
from lawtrail.cases.engine import case_note, case_transition
from lawtrail.cases.models import Approval, Case, CaseEvent, Evidence, Measure, Outcome, Party
from lawtrail.cases.rules import PenaltyKind
from lawtrail.cases.selectors import case_get_for
from lawtrail.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.core.permissions import Perm, Role
from lawtrail.core.precompiled import Precompiled
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.models import Agency, Division, Domain, RoleGrant, Staff
from lawtrail.registry.selectors import user_covers_division, user_has_perm

from . import rules
from .journal_actions import ReviewJournal
from .models import CriterionOptOut, Review, ReviewAssignment, ReviewCriterion, ReviewFlag, ReviewRequirement
from .selectors import criteria_in_force_list, inherited_criteria, review_get_for

# ----------------------------------------------------------------------------- helpers


def _today() -> dt.date:
    return timezone.localdate()


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        d = None
    if d is None or not d.is_finite() or d < 0:
        raise ValidationFailed(
            _("%(field)s 不是有效的金额。") % {"field": field}, code="REVIEW_AMOUNT_INVALID"
        )
    return d


def is_head(actor: Any, agency: Agency) -> bool:
    """The review body's head: the agency's 主要负责人 (approver_3) — see docs/review.md."""
    if actor is None or getattr(actor, "is_superuser", False):
        return True
    return RoleGrant.objects.filter(user=actor, role=Role.APPROVER_3, agency=agency).exists()


# ----------------------------------------------------------------------------- the 目录清单 (G118-12)

CRITERION_FIELDS = (
    "category",
    "title",
    "basis",
    "levels",
    "domain",
    "penalty_kinds",
    "measure_kinds",
    "amount_person",
    "amount_organisation",
    "active",
    "sort",
)


def _may_manage_criterion(actor: Any, c: ReviewCriterion) -> bool:
    if c.agency_id:
        return user_has_perm(actor, Perm.CASE_CONFIGURE, c.agency)
    return user_covers_division(actor, Perm.CASE_CONFIGURE, c.division)


def _apply_criterion(c: ReviewCriterion, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if key not in CRITERION_FIELDS:
            raise ValidationFailed(_("未知字段：%(f)s") % {"f": key}, code="REVIEW_FIELD_UNKNOWN")
        if key == "domain":
            c.domain = Domain.objects.filter(code=value).first() if value else None
            if value and c.domain is None:
                raise ValidationFailed(_("执法领域不存在。"), code="REVIEW_DOMAIN_UNKNOWN")
        elif key in ("amount_person", "amount_organisation"):
            setattr(c, key, _decimal(value, key))
        elif key == "penalty_kinds":
            kinds = list(value or [])
            if any(k not in PenaltyKind.__members__.values() for k in kinds):
                raise ValidationFailed(_("处罚种类应为法定处罚种类。"), code="REVIEW_PENALTY_KIND_INVALID")
            c.penalty_kinds = kinds
        elif key == "measure_kinds":
            kinds = list(value or [])
            if any(k not in Measure.Kind.values for k in kinds):
                raise ValidationFailed(_("强制措施种类无效。"), code="REVIEW_MEASURE_KIND_INVALID")
            c.measure_kinds = kinds
        elif key == "levels":
            levels = list(value or [])
            if any(v not in Agency.Level.values for v in levels):
                raise ValidationFailed(_("执法层级无效。"), code="REVIEW_LEVEL_INVALID")
            c.levels = levels
        else:
            setattr(c, key, value)
    if c.category not in dict(rules.Category.CHOICES):
        raise ValidationFailed(_("目录清单事项类别无效。"), code="REVIEW_CATEGORY_UNKNOWN")
    if not str(c.title or "").strip():
        raise ValidationFailed(_("请填写事项名称。"), code="REVIEW_TITLE_REQUIRED")
    if c.category == rules.Category.AMOUNT and c.amount_person is None and c.amount_organisation is None:
        raise ValidationFailed(
            _("涉案金额类事项须至少设定一个金额标准（公民或法人）。"),
            code="REVIEW_THRESHOLD_REQUIRED",
            rule="G118-12/13/14",
        )
    if c.category == rules.Category.PENALTY_KIND and not c.penalty_kinds:
        raise ValidationFailed(_("请选择处罚种类。"), code="REVIEW_PENALTY_KIND_REQUIRED")
    if c.category == rules.Category.MEASURE and not c.measure_kinds:
        raise ValidationFailed(_("请选择强制措施种类。"), code="REVIEW_MEASURE_KIND_REQUIRED")


def criterion_create(
    *, actor: Any, agency_id: int | None = None, division_code: str | None = None, **fields: Any
) -> ReviewCriterion:
    """Add an entry to an agency's list or to a division's default list (G118-12)."""
    if bool(agency_id) == bool(division_code):
        raise ValidationFailed(_("请指定执法机关或行政区划之一。"), code="REVIEW_OWNER_REQUIRED")
    c = ReviewCriterion(category=fields.get("category") or "")
    if agency_id:
        c.agency = Agency.objects.filter(pk=agency_id).first()
        if c.agency is None:
            raise NotFound(_("执法机关不存在。"), code="NOT_FOUND")
    else:
        c.division = Division.objects.filter(code=division_code).first()
        if c.division is None:
            raise NotFound(_("行政区划不存在。"), code="NOT_FOUND")
    if not _may_manage_criterion(actor, c):
        raise PermissionDenied(_("您没有维护该目录清单的权限。"), code="PERMISSION_DENIED")
    _apply_criterion(c, fields)
    with transaction.atomic():
        c.save()
        journal_append(actor=actor, action=ReviewJournal.CRITERION_CREATE, subject=c)
    return c


def criterion_update(*, actor: Any, criterion_id: int, **fields: Any) -> ReviewCriterion:
    with transaction.atomic():
        c = ReviewCriterion.objects.select_for_update().filter(pk=criterion_id).first()
        if c is None or not _may_manage_criterion(actor, c):
            raise NotFound(_("目录清单事项不存在或您无权维护。"), code="NOT_FOUND")
        before = journal_snapshot(c)
        _apply_criterion(c, fields)
        c.save()
        journal_append(actor=actor, action=ReviewJournal.CRITERION_UPDATE, subject=c, before=before)
    return c


def criterion_opt_out(*, actor: Any, agency_id: int, criterion_id: int, reason: str) -> CriterionOptOut:
    """An agency switches off an entry inherited from its division's list, with a reason."""

    agency = Agency.objects.select_related("division").filter(pk=agency_id).first()
    if agency is None or not user_has_perm(actor, Perm.CASE_CONFIGURE, agency):
        raise PermissionDenied(_("您没有维护该目录清单的权限。"), code="PERMISSION_DENIED")
    if not inherited_criteria(agency).filter(pk=criterion_id).exists():
        raise ValidationFailed(_("只能停用从上级行政区划继承的事项。"), code="REVIEW_NOT_INHERITED")
    if not reason.strip():
        raise ValidationFailed(_("请写明不适用的理由。"), code="REASON_REQUIRED")
    with transaction.atomic():
        row, created = CriterionOptOut.objects.get_or_create(
            agency=agency, criterion_id=criterion_id, defaults={"reason": reason.strip()}
        )
        if not created:
            raise Conflict(_("该事项已停用。"), code="REVIEW_ALREADY_OPTED_OUT")
        journal_append(actor=actor, action=ReviewJournal.CRITERION_OPT_OUT, subject=row)
    return row


def criterion_opt_in(*, actor: Any, agency_id: int, criterion_id: int) -> None:
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None or not user_has_perm(actor, Perm.CASE_CONFIGURE, agency):
        raise PermissionDenied(_("您没有维护该目录清单的权限。"), code="PERMISSION_DENIED")
    with transaction.atomic():
        row = (
            CriterionOptOut.objects.select_for_update()
            .filter(agency=agency, criterion_id=criterion_id)
            .first()
        )
        if row is None:
            raise NotFound(_("该事项未停用。"), code="NOT_FOUND")
        before = journal_snapshot(row)
        journal_append(
            actor=actor, action=ReviewJournal.CRITERION_OPT_IN, subject=row, before=before, deleted=True
        )
        row.delete()


# ----------------------------------------------------------------------------- flags and routing (APL-58)


def review_flag(*, actor: Any, case_id: int, kind: str, reason: str, on: dt.date | None = None) -> ReviewFlag:
    """A handler or a leader flags a case: 重大公共利益, 疑难复杂/多个法律关系, or another reason
    (APL-58(1)(3)(4), G118-12 重大社会影响). Routed at the next proposal approval — at once when
    the proposal is already approved and no decision is made yet (``FLAG_ROUTES_AT_ONCE``)."""
    on = on or _today()
    case = case_get_for(actor, case_id)
    if not (
        user_has_perm(actor, Perm.CASE_HANDLE, case.agency)
        or user_has_perm(actor, Perm.CASE_APPROVE, case.agency)
    ):
        raise PermissionDenied(_("只有承办人员或负责人可以提请法制审核。"), code="PERMISSION_DENIED")
    if kind not in dict(ReviewFlag.Kind.choices):
        raise ValidationFailed(_("提请审核的情形无效。"), code="REVIEW_FLAG_KIND_INVALID")
    if not reason.strip():
        raise ValidationFailed(_("请写明提请法制审核的理由。"), code="REASON_REQUIRED")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        rules.flag_state_check(state=case.state)
        flag = ReviewFlag.objects.create(
            case=case, kind=kind, reason=reason.strip(), by=actor, at=timezone.now()
        )
        journal_append(actor=actor, action=ReviewJournal.FLAG_CREATE, subject=flag)
        if case.state in rules.FLAG_ROUTES_AT_ONCE:
            route_case(case, actor=actor, on=on, trigger="flag")
    return flag


_REQUIREMENT = Precompiled(
    lambda case_id: ReviewRequirement.objects.filter(case_id=case_id).order_by("pk")[:1]
)
_REQUIREMENT_LOCKED = Precompiled(
    lambda case_id: ReviewRequirement.objects.select_for_update().filter(case_id=case_id).order_by("pk")[:1]
)


def requirement_of(case: Case, *, lock: bool = False) -> ReviewRequirement:
    """Review's facts about the case: whether review is required, why, and whether it passed
    (an unsaved, not-required row when the case was never routed). Compiled once per thread: the
    routing of a proposal's approval and the decision's gate read it."""
    return (_REQUIREMENT_LOCKED if lock else _REQUIREMENT).first(case.pk) or ReviewRequirement(case=case)


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())


def _facts_rows(flags_of: int, hearings_of: int, measures_of: int, parties_of: int) -> QuerySet[Any]:
    """What ``case_facts`` reads of a case, in one statement (``UNION ALL``; each part by id):
    its flags (kind, reason), its 举行听证 events, the kinds of its measures taken, of its parties."""
    rows = ("t", "id", "k", "r")
    flags = ReviewFlag.objects.filter(case_id=flags_of).annotate(t=_text("flag"), k=F("kind"), r=F("reason"))
    hearings = CaseEvent.objects.filter(case_id=hearings_of, action="hearing_hold").annotate(
        t=_text("hearing"), k=_text(""), r=_text("")
    )
    measures = Measure.objects.filter(
        case_id=measures_of, status__in=("taken", "released", "disposed")
    ).annotate(t=_text("measure"), k=F("kind"), r=_text(""))
    parties = Party.objects.filter(case_id=parties_of).annotate(t=_text("party"), k=F("kind"), r=_text(""))
    return (
        flags.values_list(*rows)
        .order_by()
        .union(
            hearings.values_list(*rows).order_by(),
            measures.values_list(*rows).order_by(),
            parties.values_list(*rows).order_by(),
            all=True,
        )
        .order_by("t", "id")
    )


#: ``_facts_rows``, compiled once per thread (the routing of every proposal's approval reads it;
#: four statements before)
_FACTS_ROWS = Precompiled(_facts_rows)


def case_facts(
    case: Case, *, hearing_held: bool | None = None, handler_flag: bool = False
) -> rules.CaseFacts:
    rows: dict[str, list[tuple[str, str]]] = {"flag": [], "hearing": [], "measure": [], "party": []}
    for tag, _pk, kind, reason in _FACTS_ROWS.all(case.pk, case.pk, case.pk, case.pk):
        rows[tag].append((kind, reason))
    flags = dict(rows["flag"])  # in the order of their ids: the last flag of a kind wins
    if hearing_held is None:
        hearing_held = bool(rows["hearing"])
    return rules.CaseFacts(
        agency_level=case.agency.level,
        domain=case.domain.code,
        penalty_kinds=tuple(case.proposed_kinds or ()),
        measure_kinds=tuple(kind for kind, _reason in rows["measure"]),
        amount=case.proposed_amount,
        party_kinds=tuple(kind for kind, _reason in rows["party"]),
        hearing_held=hearing_held,
        complex_case=ReviewFlag.Kind.COMPLEX in flags,
        public_interest=ReviewFlag.Kind.PUBLIC_INTEREST in flags,
        flagged=handler_flag or ReviewFlag.Kind.OTHER in flags,
        flag_reason=flags.get(ReviewFlag.Kind.OTHER, "") or _("拟处理意见中标记须法制审核"),
    )


def route_case(
    case: Case,
    *,
    actor: Any,
    on: dt.date,
    trigger: str,
    hearing_held: bool | None = None,
    handler_flag: bool = False,
) -> list[dict]:
    """APL-58, G118-12: match the case against the agency's 目录清单 in force and record what it
    meets on the case's ``ReviewRequirement`` (journaled) and on its 大事记 (``review_route``).
    Routing only adds: a case once required stays required. ``handler_flag``: the handler marked
    the proposal as requiring review — a reason only when this routing is that proposal's."""

    matched = rules.route(
        [criterion_facts(c) for c in criteria_in_force_list(case.agency)],
        case_facts(case, hearing_held=hearing_held, handler_flag=handler_flag),
    )
    if handler_flag and not matched:
        matched = [
            {
                "criterion": None,
                "category": "flagged",
                "title": _("承办人提请"),
                "reason": _("拟处理意见中标记须法制审核"),
            }
        ]

    def key(r: dict) -> object:
        return r.get("criterion") or r.get("reason")

    req = requirement_of(case, lock=True)
    known = {key(r) for r in req.reasons or [] if isinstance(r, dict)}
    new = [m for m in matched if key(m) not in known]
    if not new:
        return []
    before = None if req._state.adding else journal_snapshot(req)
    req.reasons = [r for r in req.reasons or [] if isinstance(r, dict)] + new
    if not req.required or trigger == "hearing":
        req.passed = None  # a new reason after a hearing needs a (new) review
    req.required = True
    req.save()
    journal_append(actor=actor, action=ReviewJournal.REQUIREMENT_ROUTE, subject=req, before=before)
    case_note(
        case,
        actor=actor,
        action="review_route",
        on=on,
        note="；".join(str(m["reason"]) for m in new),
        data={"trigger": trigger, "reasons": new},
    )
    return new


def criterion_facts(c: ReviewCriterion) -> rules.CriterionFacts:
    return rules.CriterionFacts(
        id=c.pk,
        category=c.category,
        title=c.title,
        levels=tuple(c.levels or ()),
        domain=c.domain.code if c.domain_id else "",
        penalty_kinds=tuple(c.penalty_kinds or ()),
        measure_kinds=tuple(c.measure_kinds or ()),
        amount_person=c.amount_person,
        amount_organisation=c.amount_organisation,
    )


# ----------------------------------------------------------------------------- submission (hook)


def _snapshot(case: Case) -> dict[str, Any]:
    def last(action: str, key: str) -> str:
        e = case.events.filter(action=action).order_by("-id").first()
        return str((e.data or {}).get(key) or e.note or "") if e else ""

    return {
        "outcome": case.proposed_outcome,
        "kinds": list(case.proposed_kinds or []),
        "amount": str(case.proposed_amount) if case.proposed_amount is not None else None,
        "tier": case.benchmark_tier,
        "deviation_reason": case.tier_deviation_reason,
        "facts": case.facts,
        "evidence": [
            {
                "id": e.pk,
                "kind": e.get_kind_display(),
                "title": e.title,
                "collected_on": e.collected_on.isoformat(),
            }
            for e in Evidence.objects.filter(case=case).order_by("id")
        ],
        "report": last("investigation_end", "report"),
        "notice_served_on": case.notice_served_on.isoformat() if case.notice_served_on else None,
        "statement_status": case.statement_status,
        "statement": last("statement_record", "text"),
        "hearing_record": last("hearing_hold", "record"),
    }


def materials_of(case: Case, snap: dict[str, Any]) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """The materials checklist of a submission: what is present, and what is required."""
    hearing_held = bool(snap["hearing_record"]) or case.events.filter(action="hearing_hold").exists()
    proposal_ok = (
        bool(case.proposed_outcome)
        and case.approvals.filter(action="proposal", status=Approval.Status.APPROVED).exists()
    )
    notice_ok = case.notice_served_on is not None and (
        case.statement_status in ("stated", "waived") or case.events.filter(action="statement_close").exists()
    )
    present = {
        "proposal": proposal_ok,
        "evidence": bool(snap["evidence"]),
        "report": bool(snap["report"]),
        "notice": notice_ok,
        "hearing": bool(snap["hearing_record"]),
    }
    required = rules.materials_required(
        penalty_proposed=case.proposed_outcome == Outcome.PENALTY, hearing_held=hearing_held
    )
    rows = [
        {"key": k, "label": str(label), "required": k in required, "present": present[k]}
        for k, label in rules.MATERIALS
    ]
    return rows, required


def eligible_reviewers(case: Case) -> list[int]:
    """Accounts that may review this case: a reviewer grant in the agency, in post, qualified
    or experienced (APL-58), not involved in the case (办审分离)."""
    grants = RoleGrant.objects.filter(role=Role.REVIEWER, agency=case.agency).values_list(
        "user_id", flat=True
    )
    staff = Staff.objects.filter(user_id__in=list(grants), is_active=True).select_related("user")
    involved = involvement(case)
    experienced = experienced_reviewers([s.user_id for s in staff])
    return [s.user_id for s in staff if s.user.is_active and _may_review(s, involved, experienced)]


def _may_review(staff: Staff, involved: dict[int, str], experienced: set[int]) -> bool:
    """The one APL-58 rule (``rules.reviewer_check``) asked of a reviewer-grant holder."""
    try:
        rules.reviewer_check(
            reviewer_id=staff.user_id,
            has_reviewer_role=True,  # the grants above are reviewer grants of the agency
            legal_qualification=staff.legal_qualification,
            reviewed_before=staff.user_id in experienced,
            involved=involved,
        )
    except ApplicationError:
        return False
    return True


def experienced_reviewers(user_ids: list[int]) -> set[int]:
    done = set(Review.objects.filter(decided_by_id__in=user_ids).values_list("decided_by_id", flat=True))
    legacy = set(
        CaseEvent.objects.filter(action="review_pass", actor_id__in=user_ids).values_list(
            "actor_id", flat=True
        )
    )
    return done | legacy


def involvement(case: Case) -> dict[int, str]:
    """Who took part in the case and how (办审分离: none of them may review it)."""
    out: dict[int, str] = {}
    for uid in Evidence.objects.filter(case=case).values_list("collected_by_id", flat=True):
        out[uid] = _("调查取证")
    for uid in case.officers.values_list("id", flat=True):
        out[uid] = _("承办人员")
    for uid in Approval.objects.filter(case=case).values_list("steps__actor_id", flat=True):
        if uid:
            out[uid] = _("审批人")
    out[case.handler_id] = _("主办人")
    return out


def _review_limit_changed(case: Case, d: Any) -> None:
    """The open round's time limit follows its deadline when the calendar moves it."""
    review = Review.objects.select_for_update().filter(case=case, status=Review.Status.OPEN).first()
    if review is None:
        return
    before = journal_snapshot(review)
    review.due_on, review.due_pending = d.due_on, d.pending_reason
    review.save(update_fields=["due_on", "due_pending"])
    journal_append(actor=None, action=ReviewJournal.REVIEW_DUE_RECOMPUTE, subject=review, before=before)


#: G118-12/13/14: the review time limit, N working days from the submission (the calendar's
#: changes move it: cases.deadlines.follow_calendar)
deadlines.RECIPES["review"] = deadlines.Recipe(
    lambda case, a, w: deadlines.RECIPES["working_days"].compute(case, a, w), _review_limit_changed
)


def submission_check(case: Case) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What ``review_submit`` may be refused for (G118-12/14, APL-58): review not required or
    passed already, a round still open, a required material missing. Returns the snapshot and
    the materials checklist the round will record."""
    req = requirement_of(case)
    rules.submission_check(required=req.required, passed=req.passed)
    previous = case.reviews.order_by("-round").first()
    if previous is not None and previous.status == Review.Status.OPEN:
        raise Conflict(_("本案已有审核中的送审。"), code="REVIEW_ALREADY_OPEN")
    snap = _snapshot(case)
    rows, required = materials_of(case, snap)
    rules.materials_check(required=required, present=[r["key"] for r in rows if r["present"]])
    return snap, rows


def open_round(
    case: Case, *, actor: Any, on: dt.date, snap: dict[str, Any], materials: list[dict[str, Any]]
) -> Review:
    """G118-12/13/14: open the next round with the snapshot and what changed since the last
    round, assign a reviewer by round robin (the head may reassign) and start the time limit."""
    previous = case.reviews.order_by("-round").first()
    review = Review.objects.create(
        case=case,
        round=(previous.round + 1) if previous else 1,
        submitted_by=actor,
        submitted_at=timezone.now(),
        submitted_on=on,
        reasons=list(requirement_of(case).reasons or []),
        materials=materials,
        snapshot=snap,
        changes=rules.resubmission_diff(previous.snapshot if previous else None, snap),
    )
    limit = profile_value(case.agency, "review.time_limit", on=on)
    dl = deadline_set(
        case,
        kind="review",
        label=_("法制审核期限"),
        rule="G118-12/13/14",
        started_on=on,
        recipe="review",
        args={"from": on.isoformat(), "n": int(limit)},
    )
    review.due_on, review.due_pending = dl.due_on, dl.pending_reason
    last = (
        ReviewAssignment.objects.filter(review__case__agency=case.agency, how="round_robin")
        .order_by("-id")
        .values_list("reviewer_id", flat=True)
        .first()
    )
    pick = rules.round_robin_pick(eligible_reviewers(case), last)
    review.reviewer_id = pick
    review.save()
    journal_append(actor=actor, action=ReviewJournal.REVIEW_SUBMIT, subject=review)
    if pick:
        a = ReviewAssignment.objects.create(
            review=review, reviewer_id=pick, how="round_robin", by=None, at=timezone.now()
        )
        journal_append(actor=actor, action=ReviewJournal.ASSIGNMENT_CREATE, subject=a)
    return review


# ----------------------------------------------------------------------------- the opinion


def open_round_of(case: Case) -> Review | None:
    return Review.objects.select_for_update().filter(case=case, status=Review.Status.OPEN).first()


def check_reviewer(case: Case, review: Review | None, actor: Any) -> None:
    """APL-58: reviewer grant, qualification of a first-time reviewer, independence (the one rule,
    ``rules.reviewer_check``), and the head's assignment of the round."""
    staff = Staff.objects.filter(user=actor).first()
    rules.reviewer_check(
        reviewer_id=actor.pk,
        has_reviewer_role=RoleGrant.objects.filter(
            user=actor, role=Role.REVIEWER, agency=case.agency
        ).exists(),
        legal_qualification=bool(staff and staff.legal_qualification),
        reviewed_before=bool(experienced_reviewers([actor.pk])),
        involved=involvement(case),
    )
    if review is not None and review.reviewer_id and review.reviewer_id != actor.pk:
        # a head's assignment binds; a round-robin one is a proposal any eligible reviewer may take over
        last = review.assignments.order_by("-id").first()
        if last is None or last.how == "head":
            raise PermissionDenied(_("本案已由负责人指定其他审核人员。"), code="REVIEW_NOT_ASSIGNED")


def close_round(
    case: Case,
    *,
    actor: Any,
    on: dt.date,
    passed: bool,
    text: str,
    checklist: dict[str, dict] | None,
    categories: list[str],
) -> Review:
    """Close the open round with the opinion (``review_pass`` / ``review_send_back``) and record on
    the case's requirement whether its review passed.

    Through the review page or API the checklist and categories are given (checked by the gate,
    ``rules.opinion_check``); through the case API only the written opinion comes — the round
    then records no itemised checklist, and a send-back counts as a finding of category 其他.
    """
    review = open_round_of(case)
    if review is None:  # a case submitted before the review app existed: open its round now
        snap = _snapshot(case)
        review = open_round(case, actor=case.handler, on=on, snap=snap, materials=materials_of(case, snap)[0])
    before = journal_snapshot(review)
    if checklist is None and not passed and not categories:
        categories = ["other"]
    if review.reviewer_id != actor.pk:  # unassigned, or taking over a round-robin assignment: recorded
        claim = ReviewAssignment.objects.create(
            review=review,
            reviewer=actor,
            previous_id=review.reviewer_id,
            how="claim",
            by=actor,
            at=timezone.now(),
        )
        journal_append(actor=actor, action=ReviewJournal.ASSIGNMENT_CREATE, subject=claim)
        review.reviewer = actor
    review.status = Review.Status.AGREED if passed else Review.Status.FINDINGS
    review.checklist = checklist or {}
    review.categories = categories
    review.opinion_text = text
    review.decided_by, review.decided_at, review.decided_on = actor, timezone.now(), on
    review.save()
    deadlines_stop(case.deadlines.filter(kind="review", active=True), met_on=on)
    journal_append(
        actor=actor,
        action=ReviewJournal.REVIEW_AGREE if passed else ReviewJournal.REVIEW_FINDINGS,
        subject=review,
        before=before,
    )
    req = requirement_of(case, lock=True)
    before_req = None if req._state.adding else journal_snapshot(req)
    req.passed = passed
    req.save()
    journal_append(actor=actor, action=ReviewJournal.REQUIREMENT_OPINION, subject=req, before=before_req)
    return review


def review_submit(*, actor: Any, case_id: int, on: dt.date | None = None) -> Review:
    """送审: the handler submits the case (``review_submit`` of the case table)."""
    with transaction.atomic():
        case = case_transition(actor=actor, case_id=case_id, action="review_submit", on=on)
        return case.reviews.get(status=Review.Status.OPEN)


def review_opinion(
    *,
    actor: Any,
    review_id: int,
    opinion: str,
    checklist: dict[str, dict],
    categories: list[str],
    text: str,
    on: dt.date | None = None,
) -> Review:
    """The reviewer's opinion over the G118-13 points: 同意 passes the case (``review_pass``);
    存在问题 sends it back to the handler (``review_send_back``) — in this one transaction."""

    review = review_get_for(actor, review_id)
    if review.status != Review.Status.OPEN:
        raise Conflict(_("本轮审核已经作出意见。"), code="REVIEW_ALREADY_DECIDED")
    checklist = {
        k: {"ok": bool(v.get("ok")), "finding": str(v.get("finding") or "").strip()}
        for k, v in (checklist or {}).items()
    }
    rules.opinion_check(opinion=opinion, checklist=checklist, categories=categories, text=text)
    action = "review_pass" if opinion == rules.AGREE else "review_send_back"
    with transaction.atomic():
        case_transition(
            actor=actor,
            case_id=review.case_id,
            action=action,
            data={"opinion": text, "reason": text, "checklist": checklist, "categories": list(categories)},
            on=on,
        )
        return Review.objects.get(pk=review.pk)


# ----------------------------------------------------------------------------- assignment


def review_assign(*, actor: Any, review_id: int, reviewer_id: int, reason: str = "") -> Review:
    """指定/改派 by the review body's head (the agency's 主要负责人): the new reviewer must be
    eligible for this case (APL-58). The history is kept (``ReviewAssignment``)."""
    with transaction.atomic():
        review = (
            Review.objects.select_for_update().select_related("case__agency").filter(pk=review_id).first()
        )
        if review is None or not user_has_perm(actor, Perm.CASE_VIEW, review.case.agency):
            raise NotFound(_("审核记录不存在或您无权查看。"), code="NOT_FOUND")
        if not is_head(actor, review.case.agency):
            raise PermissionDenied(
                _("只有本机关主要负责人可以指定或改派审核人员。"), code="REVIEW_ASSIGN_NOT_HEAD"
            )
        if review.status != Review.Status.OPEN:
            raise Conflict(_("本轮审核已经作出意见。"), code="REVIEW_ALREADY_DECIDED")
        target = Staff.objects.filter(user_id=reviewer_id).select_related("user").first()
        if target is None:
            raise ValidationFailed(_("审核人员不存在。"), code="REVIEW_REVIEWER_UNKNOWN")
        check_reviewer(review.case, None, target.user)
        if reviewer_id == review.reviewer_id:
            raise Conflict(_("已是本轮的审核人员。"), code="REVIEW_SAME_REVIEWER")
        before = journal_snapshot(review)
        a = ReviewAssignment.objects.create(
            review=review,
            reviewer_id=reviewer_id,
            previous_id=review.reviewer_id,
            how="head",
            by=actor,
            at=timezone.now(),
            reason=reason.strip(),
        )
        review.reviewer_id = reviewer_id
        review.save(update_fields=["reviewer"])
        journal_append(actor=actor, action=ReviewJournal.ASSIGNMENT_CREATE, subject=a)
        journal_append(actor=actor, action=ReviewJournal.REVIEW_ASSIGN, subject=review, before=before)
    return review


# ----------------------------------------------------------------------------- time limit extension


def review_extension_request(*, actor: Any, review_id: int, reason: str) -> Review:
    """The assigned reviewer asks to extend the time limit once (G118-12/13/14)."""
    with transaction.atomic():
        review = (
            Review.objects.select_for_update().select_related("case__agency").filter(pk=review_id).first()
        )
        if review is None or not user_has_perm(actor, Perm.CASE_VIEW, review.case.agency):
            raise NotFound(_("审核记录不存在或您无权查看。"), code="NOT_FOUND")
        if review.reviewer_id != actor.pk:
            raise PermissionDenied(_("只有本轮的审核人员可以申请延期。"), code="REVIEW_NOT_ASSIGNED")
        if review.status != Review.Status.OPEN:
            raise Conflict(_("本轮审核已经作出意见。"), code="REVIEW_ALREADY_DECIDED")
        if review.extension_status == "requested":
            raise Conflict(_("延期申请正在等待批准。"), code="REVIEW_EXTENSION_PENDING")
        rules.extension_check(
            already_extended=review.extension_status == "approved",
            extension_wd=int(
                profile_value(review.case.agency, "review.time_limit_extension", on=review.submitted_on)
            ),
            reason=reason,
        )
        before = journal_snapshot(review)
        review.extension_status, review.extension_reason = "requested", reason.strip()
        review.save(update_fields=["extension_status", "extension_reason"])
        journal_append(actor=actor, action=ReviewJournal.EXTENSION_REQUEST, subject=review, before=before)
    return review


def review_extension_decide(
    *, actor: Any, review_id: int, approve: bool, on: dt.date | None = None
) -> Review:
    """The head approves (the time limit moves by ``review.time_limit_extension`` WD) or refuses."""
    on = on or _today()
    with transaction.atomic():
        review = (
            Review.objects.select_for_update().select_related("case__agency").filter(pk=review_id).first()
        )
        if review is None or not user_has_perm(actor, Perm.CASE_VIEW, review.case.agency):
            raise NotFound(_("审核记录不存在或您无权查看。"), code="NOT_FOUND")
        if not is_head(actor, review.case.agency):
            raise PermissionDenied(_("只有本机关主要负责人可以批准延期。"), code="REVIEW_EXTENSION_NOT_HEAD")
        if review.extension_status != "requested":
            raise Conflict(_("没有待批准的延期申请。"), code="REVIEW_EXTENSION_NOT_REQUESTED")
        before = journal_snapshot(review)
        if approve:
            extra = int(
                profile_value(review.case.agency, "review.time_limit_extension", on=review.submitted_on)
            )
            limit = int(profile_value(review.case.agency, "review.time_limit", on=review.submitted_on))
            start = review.submitted_on
            dl = deadline_set(
                review.case,
                kind="review",
                label=_("法制审核期限（已延长）"),
                rule="G118-12/13/14",
                started_on=start,
                recipe="review",
                args={"from": start.isoformat(), "n": limit + extra},
            )
            review.due_on, review.due_pending = dl.due_on, dl.pending_reason
            review.extension_status = "approved"
        else:
            review.extension_status = "rejected"
        review.save()
        journal_append(
            actor=actor,
            action=ReviewJournal.EXTENSION_APPROVE if approve else ReviewJournal.EXTENSION_REJECT,
            subject=review,
            before=before,
        )
        case_note(
            review.case,
            actor=actor,
            action="review_extension_" + ("approve" if approve else "reject"),
            on=on,
            note=review.extension_reason,
        )
    return review
