"""Guards of the transition table: each gathers the facts a rule needs from the case and
calls the pure rule in ``rules.py`` (which cites the law and raises the refusal).

A guard takes a ``GuardContext`` and returns nothing or raises an ``ApplicationError``.
Numbers the law leaves to local rules come from the rule profile of the case's agency,
in force on the day the step is taken.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.calendar import selectors as calendar
from lawtrail.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.permissions import Perm, Role
from lawtrail.core.precompiled import PLACEHOLDER, ByIds, Precompiled
from lawtrail.registry.models import Agency, BenchmarkTier, Credential, Staff
from lawtrail.registry.models import Staff as _Staff
from lawtrail.registry.selectors import roles_at, user_has_perm

from . import inputs, rules
from .context import StepContext
from .deadlines import decision_extensions, lenient
from .models import (
    Approval,
    ApprovalStep,
    Case,
    CasePeriod,
    CaseViolation,
    Deadline,
    Evidence,
    Measure,
    Outcome,
    Party,
    Procedure,
    Recusal,
)

#: Measures still holding property or evidence (ACL-28: released or disposed before the case closes).
OPEN_MEASURES = (Measure.Status.TAKEN,)


#: Guards take the step's context (``context.StepContext``); the old name is kept for readers.
GuardContext = StepContext


def _date(ctx: GuardContext, name: str, *, default: dt.date | None = None) -> dt.date:
    value = ctx.data.get(name) or default
    if value is None:
        raise ValidationFailed(
            _("请填写%(name)s。") % {"name": name}, code="CASE_FIELD_REQUIRED", details={"field": name}
        )
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            _("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": value},
            code="CASE_DATE_INVALID",
            details={"field": name},
        ) from None


#: the time of the last approving step of the case's last approved approval of a chain: one
#: statement (the approval is a subquery), compiled once per thread
_APPROVED_AT = Precompiled(
    lambda case_id, chain: (
        ApprovalStep.objects.filter(
            approval=Subquery(
                Approval.objects.filter(case_id=case_id, action=chain, status=Approval.Status.APPROVED)
                .order_by("-id")
                .values("pk")[:1]
            ),
            decision="approve",
        )
        .order_by("-id")
        .values_list("at", flat=True)[:1]
    )
)


def approved_on(case: Case, chain: str) -> dt.date | None:
    """The day the case's last approval of ``chain`` (filing, proposal, decision) was approved."""
    at = _APPROVED_AT.first(case.pk, chain)
    return timezone.localtime(at).date() if at is not None else None


def act_date(
    ctx: GuardContext,
    name: str,
    *,
    not_before: tuple[tuple[dt.date | None, str], ...] = (),
    default_today: bool = True,
) -> dt.date:
    """APL-47: the date an act happened (``served_on``, ``paid_on`` …), checked against today and the
    case's own history (``rules.act_date_check``); a late entry is recorded on the event with who
    entered it and when (``late_entry``)."""
    value = getattr(ctx.input, name, None)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    day = value or (ctx.on if default_today else None)
    if day is None:
        raise ValidationFailed(
            _("请填写%(name)s。") % {"name": name}, code="CASE_FIELD_REQUIRED", details={"field": name}
        )
    fld = next((f for f in dataclasses.fields(ctx.input) if f.name == name), None)
    what = str(inputs.spec_of(fld).label) if fld is not None else name
    late = rules.act_date_check(
        what=what,
        act_on=day,
        recorded_on=ctx.on,
        not_before=not_before,
        late_entry_days=int(ctx.profile("recording.late_entry_window")),
    )
    if late:
        ctx.out.setdefault("late_entries", []).append(
            {
                "field": name,
                "date": day.isoformat(),
                "recorded_on": ctx.on.isoformat(),
                "recorded_by": str(ctx.actor) if ctx.actor is not None else "system",
            }
        )
    return day


def _penalty(kinds, amount) -> rules.Penalty:
    return rules.Penalty.of(kinds or (), fine=amount or 0)


def investigator_ids(case: Case) -> set[int]:
    """The handler and the officers of the case (as the step's row lock read them, when it did)."""
    ids = getattr(case, "officer_ids_read", None)
    if ids is None:
        ids = case.officers.values_list("id", flat=True)
    return {case.handler_id, *ids}


# ----------------------------------------------------------------------------- filing


#: the guards' reads of the case's own rows on the filing, proposal, investigation, payment and
#: closing steps: compiled once per thread (Django compiled each on every call, which cost more
#: than the database spends answering it); ``exists()`` as one row's id
_ANY_PARTY = Precompiled(
    lambda case_id: Party.objects.filter(case_id=case_id).order_by().values_list("pk")[:1]
)
_PARTIES = Precompiled(lambda case_id: Party.objects.filter(case_id=case_id).values_list("name", "kind"))
_VIOLATION_SUBJECTS = Precompiled(
    lambda case_id: CaseViolation.objects.filter(case_id=case_id).values_list(
        "violation__name", "violation__subject_kinds"
    )
)
_PERSON_BIRTH_DATES = Precompiled(
    lambda case_id: Party.objects.filter(
        case_id=case_id, kind=Party.Kind.PERSON, birth_date__isnull=False
    ).values_list("birth_date", flat=True)
)
_ANY_EVIDENCE = Precompiled(
    lambda case_id: Evidence.objects.filter(case_id=case_id).order_by().values_list("pk")[:1]
)
_ANY_UNEXAMINED = Precompiled(
    lambda case_id: (
        Evidence.objects.filter(case_id=case_id, cross_examined=False).order_by().values_list("pk")[:1]
    )
)
_OPEN_MEASURES = Precompiled(
    lambda case_id: (
        Measure.objects.filter(case_id=case_id, status__in=OPEN_MEASURES)
        .order_by()
        .values_list("pk", flat=True)
    )
)
_SURCHARGE_PAUSES = Precompiled(
    lambda case_id: CasePeriod.objects.filter(
        case_id=case_id, purpose=CasePeriod.Purpose.SURCHARGE
    ).values_list("start", "end")
)
_RUNNING_DECISION = Precompiled(
    lambda case_id: Deadline.objects.filter(case_id=case_id, kind="decision", active=True)
)
_RUNNING_FILING = Precompiled(
    lambda case_id: Deadline.objects.filter(case_id=case_id, kind="filing", active=True)
)
#: accounts' names (``officer_names``), by the ids' size class
_NAMES = ByIds(
    lambda ids: get_user_model().objects.filter(pk__in=ids).values_list("pk", "display_name", "username")
)


def has_party(ctx: GuardContext) -> None:
    if _ANY_PARTY.first(ctx.case.pk) is None:
        raise ValidationFailed(_("请先登记当事人。"), code="CASE_PARTY_REQUIRED")


def parties_fit_violations(ctx: GuardContext) -> None:
    """APL-57: each party is of a kind the case's violations apply to."""
    rules.party_subject_check(
        parties=_PARTIES.all(ctx.case.pk),
        violations=_VIOLATION_SUBJECTS.all(ctx.case.pk),
    )


def filing_extension_allowed(ctx: GuardContext) -> None:
    """APL-54/55: the filing time is extended once, before it ends, with reasons."""
    d = _RUNNING_FILING.first(ctx.case.pk)
    rules.filing_extension_check(
        running=d is not None,
        extended=bool(d and (d.recipe.get("args") or {}).get("extension")),
        due_on=d.due_on if d else None,
        requested_on=ctx.on,
    )


def officers_qualified(ctx: GuardContext) -> None:
    """APL-42: at least two officers holding a credential usable for this case on this day."""
    ids = getattr(ctx.case, "officer_ids_read", None)  # as the step's row lock read them
    officers = (
        officer_facts_of(sorted(ids), also=[ctx.case.handler_id])
        if ids is not None
        else officer_facts(list(ctx.case.officers.all()))
    )
    rules.officers_check(
        officers=officers,
        on=ctx.on,
        domain=ctx.case.domain.code,
        division_path=ctx.case.region.path,
    )


def actor_handles_case(ctx: GuardContext) -> None:
    """APL-42: the actor of a case-handling step is the case's handler or a co-officer with a
    credential usable on the step's date (``rules.actor_check``). The system (``actor=None``:
    outbox consumers, sweeps) acts on its own account."""
    actor = ctx.actor
    if actor is None:
        return
    investigators = investigator_ids(ctx.case)
    rules.actor_check(
        actor=officer_facts_of([actor.pk], also=investigators)[0],
        case_officer_ids=investigators,
        on=ctx.on,
        domain=ctx.case.domain.code,
        division_path=ctx.case.region.path,
    )


def officer_facts(users: list) -> list[rules.OfficerFacts]:
    """The credentials of each account, as the pure APL-42 rule reads them."""
    return officer_facts_of([u.pk for u in users])


#: the officers' credentials read in this step (``officer_facts_memo``): a step asks for the
#: actor's and for the case's officers', often in two guards; credentials do not change within it
_FACTS: ContextVar[dict[int, rules.OfficerFacts] | None] = ContextVar("officer_facts", default=None)


#: the ``officers`` revision token (``core.Revision``) the current step read with its row lock
_OFFICERS_REVISION: ContextVar[int | None] = ContextVar("officers_revision", default=None)
#: (database, token) → {account id: facts}, shared by the steps of this process: valid while the
#: token a step reads is the one it was filled under
_SHARED_FACTS: dict[tuple[Any, ...], dict[int, rules.OfficerFacts]] = {}
_SHARED_MAX = 4096  # accounts kept under the current token


@contextmanager
def officer_facts_memo() -> Iterator[None]:
    """Within: each account's credentials are read once (the engine opens one per step)."""
    token = _FACTS.set({})
    revision = _OFFICERS_REVISION.set(None)
    try:
        yield
    finally:
        _OFFICERS_REVISION.reset(revision)
        _FACTS.reset(token)


def officers_revision_seen(token: int | None) -> None:
    """Inside ``officer_facts_memo``: the ``officers`` revision token as the step read it in its own
    statement (with the row lock). Database triggers give it a new random value in the transaction
    of every write to credentials, staff rows, account names, domain codes and division paths, so
    the credentials read under one token are what the tables held then, and the step may take them
    from the steps before it. ``None`` (no token row) reads as before."""
    if _FACTS.get() is not None:
        _OFFICERS_REVISION.set(token)


def _shared_facts() -> dict[int, rules.OfficerFacts] | None:
    revision = _OFFICERS_REVISION.get()
    if revision is None:
        return None
    key = (connection.alias, connection.settings_dict["NAME"], revision)
    shared = _SHARED_FACTS.get(key)
    if shared is None or len(shared) > _SHARED_MAX:
        _SHARED_FACTS.clear()  # a new token: what was kept under the old ones is stale
        shared = _SHARED_FACTS[key] = {}
    return shared


def officer_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Each account's name as ``str(user)`` — from the step's credentials memo where the step
    read them already (``officer_facts_of``), the others in one query that loads no full account."""
    memo = _FACTS.get() or {}
    wanted = {i for i in ids if i is not None}
    names = {i: memo[i].name for i in wanted if i in memo}
    missing = wanted - names.keys()
    if missing:
        rows = _NAMES.all(sorted(missing))
        names.update({pk: display_name or username for pk, display_name, username in rows})
    return names


def officer_facts_of(ids: Iterable[int], *, also: Iterable[int | None] = ()) -> list[rules.OfficerFacts]:
    """The credentials of the accounts ``ids``, in that order, as the pure APL-42 rule reads them:
    one query — the credentials (in their own order) joined to their staff rows, domains, regions
    and accounts; no staff row is loaded, so none of its encrypted fields is decrypted. ``also``:
    accounts the step will ask about next, read in the same query (kept in the step's memo)."""
    ids = list(ids)
    memo = _FACTS.get()
    known = memo if memo is not None else {}
    wanted = {i for i in (*ids, *also) if i is not None and i not in known}
    shared = _shared_facts() if wanted else None
    if shared:
        for i in [i for i in wanted if i in shared]:
            known[i] = shared[i]
            wanted.discard(i)
    if wanted:
        creds: dict[int, list[rules.CredentialFacts]] = {}
        names: dict[int, str] = {}
        rows = Credential.objects.filter(staff__user__in=wanted).values_list(
            "staff__user_id",
            "staff__user__display_name",
            "staff__user__username",
            "number",
            "status",
            "issued_on",
            "expires_on",
            "domain__code",
            "region__path",
        )
        for user_id, display_name, username, number, status, issued_on, expires_on, domain, region in rows:
            names[user_id] = display_name or username  # as ``str(user)``
            creds.setdefault(user_id, []).append(
                rules.CredentialFacts(
                    number=number,
                    status=status,
                    issued_on=issued_on,
                    expires_on=expires_on,
                    domain=domain,
                    region_path=region,
                )
            )
        if wanted - names.keys():  # accounts without any credential: their names
            for user in (
                get_user_model().objects.filter(pk__in=wanted - names.keys()).only("display_name", "username")
            ):
                names[user.pk] = str(user)
        for user_id in wanted:
            if user_id in names:
                known[user_id] = rules.OfficerFacts(
                    officer_id=user_id, name=names[user_id], credentials=tuple(creds.get(user_id, ()))
                )
                if shared is not None:
                    shared[user_id] = known[user_id]
    return [known.get(i) or rules.OfficerFacts(officer_id=i, name=str(i), credentials=()) for i in ids]


def within_limitation(ctx: GuardContext) -> None:
    """APL-36: no filing once the limitation period has run out."""
    case = ctx.case
    if case.act_date is None:
        raise ValidationFailed(
            _("请填写违法行为发生日，以便计算追责时效。"), code="CASE_ACT_DATE_REQUIRED", rule="APL-36"
        )
    rules.limitation_check(
        act_on=case.act_date,
        discovered_on=case.discovered_on or ctx.on,
        act_ended_on=case.act_end_date,
        life_health_or_financial_safety=case.life_or_finance,
        harm_occurred=case.life_or_finance,
    )


def reason_given(ctx: GuardContext) -> None:
    if not str(ctx.data.get("reason") or "").strip():
        raise ValidationFailed(_("请写明理由。"), code="REASON_REQUIRED")


# ----------------------------------------------------------------------------- investigation


def has_evidence(ctx: GuardContext) -> None:
    if _ANY_EVIDENCE.first(ctx.case.pk) is None:
        raise ValidationFailed(
            _("尚未登记任何证据，不能终结调查（行政处罚法第五十四条）。"),
            code="CASE_EVIDENCE_REQUIRED",
            rule="APL-54",
        )


def evidence_usable(ctx: GuardContext) -> None:
    """Where the profile requires cross-examination (质证), all evidence must have been examined."""
    if ctx.profile("hearing.cross_examination_required") and _ANY_UNEXAMINED.first(ctx.case.pk) is not None:
        raise ValidationFailed(_("尚有证据未经质证，不能作为定案依据。"), code="CASE_EVIDENCE_NOT_EXAMINED")


# ----------------------------------------------------------------------------- proposal


def proposal_valid(ctx: GuardContext) -> None:
    """APL-57: one of the four outcomes; a penalty names its kinds (APL-9) and a fine its amount."""
    outcome = ctx.data.get("outcome") or ""
    kinds = ctx.data.get("kinds") or []
    rules.outcome_check(outcome=outcome, kinds=kinds)
    if outcome == Outcome.PENALTY and rules.PenaltyKind.FINE in kinds:
        try:
            amount = Decimal(str(ctx.data.get("amount")))
        except Exception:
            amount = Decimal(0)
        if amount <= 0:
            raise ValidationFailed(
                _("拟处罚款的，请填写罚款金额。"), code="CASE_FINE_AMOUNT_REQUIRED", rule="APL-9"
            )


def party_age(ctx: GuardContext) -> None:
    """APL-30/33: under 14 no penalty; 14–18 must be lenient or reduced."""
    if ctx.data.get("outcome") != Outcome.PENALTY or ctx.case.act_date is None:
        return
    for birth_date in _PERSON_BIRTH_DATES.all(ctx.case.pk):
        verdict = rules.party_age_check(birth_date=birth_date, violation_on=ctx.case.act_date)
        if verdict.must_mitigate:
            rules.minor_mitigation_check(age=verdict, tier=ctx.data.get("tier"))


#: stand in for the tier's name and the act's date while ``_TIER`` is compiled (no tier has this
#: name, no benchmark this date)
_TIER_NAME, _TIER_ON = "\x00tier", dt.date(1111, 11, 11)

#: the tier of the case's violations' benchmark in force on a date (the tier guards of the proposal
#: and of the decision read it): compiled once per thread
_TIER = Precompiled(
    lambda case_id, on, tier_name: BenchmarkTier.objects.filter(
        benchmark__violation__in=CaseViolation.objects.filter(case_id=case_id).values("violation"),
        benchmark__effective_from__lte=on,
        tier=tier_name,
    ).order_by("-benchmark__effective_from")[:1],
    placeholders=[PLACEHOLDER, _TIER_ON, _TIER_NAME],
)


def _tier_row(case: Case, tier_name: str, on: dt.date):
    return _TIER.first(case.pk, case.act_date or on, tier_name)


def tier_applied(ctx: GuardContext) -> None:
    """G27-12: the applied tier is recorded; a fine outside it needs approval with reasons."""
    if ctx.data.get("outcome") != Outcome.PENALTY or rules.PenaltyKind.FINE not in (
        ctx.data.get("kinds") or []
    ):
        return
    tier_name = ctx.data.get("tier") or ""
    row = _tier_row(ctx.case, tier_name, ctx.on)
    deviation = ctx.data.get("deviation_approval") or None
    rules.benchmark_check(
        fine=Decimal(str(ctx.data.get("amount") or 0)),
        tier=tier_name,
        tier_min=row.fine_min if row else None,
        tier_max=row.fine_max if row else None,
        deviation_approval=deviation,
        deviation_reasons=ctx.data.get("deviation_reason") or "",
    )


#: the case's last approved proposal (its way of approving a deviation), compiled once per thread
_LAST_APPROVED_PROPOSAL = Precompiled(
    lambda case_id: Approval.objects.filter(case_id=case_id, action="proposal", status="approved").order_by(
        "-id"
    )[:1]
)


def deviation_approved(ctx: GuardContext) -> None:
    """G27-12 at the decision: a fine (as it will be decided) outside the applied tier has the way of
    approval the proposal named — a recorded 集体讨论, or the head as the decision's last level."""
    from .approvals import approval_chain_for  # noqa: PLC0415 — cycle: approvals import the table, which imports guards

    case = ctx.case
    kinds = list(ctx.input.kinds) or list(case.proposed_kinds or [])
    amount = ctx.input.amount if ctx.input.amount is not None else case.proposed_amount
    if (
        case.proposed_outcome != Outcome.PENALTY
        or rules.PenaltyKind.FINE not in kinds
        or not case.benchmark_tier
    ):
        return
    row = _tier_row(case, case.benchmark_tier, ctx.on)
    amount = Decimal(str(amount or 0))
    deviates = row is not None and (
        (row.fine_min is not None and amount < row.fine_min)
        or (row.fine_max is not None and amount > row.fine_max)
    )
    proposal = _LAST_APPROVED_PROPOSAL.first(case.pk)
    rules.deviation_approved_check(
        deviates=deviates,
        approval_way=str((proposal.payload if proposal else {}).get("deviation_approval") or ""),
        deliberated=case.deliberated,
        decision_chain_ends_with_head=approval_chain_for(case.agency, "decision")[-1] == rules.HEAD_ROLE,
    )


# ----------------------------------------------------------------------------- notice and statement


def notice_allowed(ctx: GuardContext) -> None:
    """APL-44/45: a notice states the proposed penalty; a second one at a higher amount names the change."""
    case = ctx.case
    if case.proposed_outcome != Outcome.PENALTY:
        raise Conflict(_("拟不予处罚的案件无需事先告知。"), code="CASE_NOTICE_NOT_APPLICABLE", rule="APL-44")
    act_date(
        ctx,
        "served_on",
        not_before=((case.filed_on, _("立案日")), (approved_on(case, "proposal"), _("处理意见批准日"))),
        default_today=False,
    )
    if case.notice_served_on is not None:
        rules.second_notice_check(
            previous=_penalty(case.proposed_kinds, case.notified_amount),
            proposed=_penalty(case.proposed_kinds, ctx.data.get("amount") or case.proposed_amount),
            changed_facts_or_basis=ctx.data.get("changed_reason") or "",
        )


def statement_valid(ctx: GuardContext) -> None:
    if not ctx.data.get("waived") and not str(ctx.data.get("text") or "").strip():
        raise ValidationFailed(
            _("请记录当事人陈述申辩的内容，或注明当事人明确放弃。"),
            code="CASE_STATEMENT_EMPTY",
            rule="APL-45",
        )


def has_statement(ctx: GuardContext) -> None:
    if ctx.case.statement_status != "stated":
        raise Conflict(_("当事人未提出陈述申辩，无需复核。"), code="CASE_NO_STATEMENT", rule="APL-45")
    if not str(ctx.data.get("result") or "").strip():
        raise ValidationFailed(_("请填写复核意见。"), code="CASE_RECONSIDER_EMPTY", rule="APL-45")


def hearing_right(ctx: GuardContext) -> rules.HearingRight:
    parties = ctx.case.party_list()
    kind = parties[0].kind if parties else Party.Kind.ORGANISATION
    return rules.hearing_right(
        party_kind=kind,
        penalty=_penalty(ctx.case.proposed_kinds, ctx.case.notified_amount or ctx.case.proposed_amount),
        fine_threshold_person=ctx.profile("hearing.fine_threshold.person"),
        fine_threshold_organisation=ctx.profile("hearing.fine_threshold.organisation"),
        confiscation_threshold_person=ctx.profile("hearing.confiscation_threshold.person"),
        confiscation_threshold_organisation=ctx.profile("hearing.confiscation_threshold.organisation"),
    )


def hearing_right_of(case: Case, on: dt.date) -> rules.HearingRight:
    return hearing_right(StepContext(case=case, actor=None, on=on))


def hearing_request_in_time(ctx: GuardContext) -> None:
    """APL-64: the request within 5 working days of the notice, where APL-63 gives the right."""
    rules.hearing_request_check(
        notice_served_on=ctx.case.notice_served_on,
        requested_on=act_date(
            ctx, "requested_on", not_before=((ctx.case.notice_served_on, _("告知书送达日")),)
        ),
        is_working=lenient(),
        right=hearing_right(ctx),
    )


def hearing_notice_in_time(ctx: GuardContext) -> None:
    """APL-64: notice at least 7 working days before; the host is not an investigator."""
    host_id = ctx.data.get("host_id")
    if not host_id:
        raise ValidationFailed(
            _("请指定听证主持人（须为本系统账号）。"), code="CASE_HEARING_HOST_REQUIRED", rule="APL-64"
        )
    if not Staff.objects.filter(user_id=host_id, agency=ctx.case.agency, is_active=True).exists():
        raise ValidationFailed(
            _("听证主持人须为本机关在岗工作人员。"), code="CASE_HEARING_HOST_INVALID", rule="APL-64"
        )
    if int(host_id) in recused_ids(ctx.case):
        raise Conflict(
            _("该人员已在本案中回避，不能主持听证（《行政处罚法》第四十三条）。"),
            code="CASE_HEARING_HOST_RECUSED",
            rule="APL-43",
        )
    requested = ctx.case.events.filter(action="hearing_request").order_by("-id").first()
    requested_on = (
        dt.date.fromisoformat(requested.data["requested_on"])
        if requested and requested.data.get("requested_on")
        else (requested.on if requested else None)
    )
    notified_on = act_date(
        ctx,
        "notified_on",
        not_before=((ctx.case.notice_served_on, _("告知书送达日")), (requested_on, _("听证申请日"))),
    )
    rules.hearing_schedule_check(
        notified_on=notified_on,
        hearing_on=_date(ctx, "hearing_on"),
        is_working=lenient(),
        chair_id=int(host_id),
        investigator_ids=investigator_ids(ctx.case),
    )


def hearing_scheduled(ctx: GuardContext) -> None:
    """APL-64: a hearing notified beforehand, held on or after its day, by a host not recused."""
    scheduled = ctx.case.events.filter(action="hearing_schedule").order_by("-id").first()
    if scheduled is None:
        raise Conflict(_("尚未通知听证时间、地点。"), code="CASE_HEARING_NOT_SCHEDULED", rule="APL-64")
    hearing_on = scheduled.data.get("hearing_on")
    rules.hearing_held_check(
        scheduled_on=dt.date.fromisoformat(hearing_on) if hearing_on else None, held_on=ctx.on
    )
    if ctx.case.hearing_host_id is None and ctx.case.recusals.filter(role="host", status="granted").exists():
        raise Conflict(
            _("听证主持人已回避，请重新指定主持人并通知听证（《行政处罚法》第四十三条）。"),
            code="CASE_HEARING_HOST_RECUSED",
            rule="APL-43",
        )
    if not str(ctx.data.get("record") or "").strip():
        raise ValidationFailed(_("请填写听证笔录摘要。"), code="CASE_HEARING_RECORD_REQUIRED", rule="APL-64")


def statement_period_over(ctx: GuardContext) -> None:
    """Statement period: no decision step before it ends unless the party stated or waived."""
    case = ctx.case
    rules.statement_period_check(
        notice_served_on=case.notice_served_on,
        decided_on=ctx.on,
        period_wd=ctx.profile("statement.period"),
        is_working=lenient(),
        stated=case.statement_status == "stated",
        waived=case.statement_status == "waived",
    )
    if case.statement_status == "stated" and not case.events.filter(action="reconsider").exists():
        raise Conflict(
            _("当事人提出了陈述申辩，应当先进行复核（行政处罚法第四十五条）。"),
            code="CASE_RECONSIDER_REQUIRED",
            rule="APL-45",
        )


def hearing_done(ctx: GuardContext) -> None:
    if ctx.case.state == "hearing" and not ctx.case.events.filter(action="hearing_hold").exists():
        raise Conflict(
            _("当事人申请了听证，听证举行前不能终结告知程序（行政处罚法第六十四条）。"),
            code="CASE_HEARING_PENDING",
            rule="APL-64",
        )


# ----------------------------------------------------------------------------- deliberation


def attendees_valid(ctx: GuardContext) -> None:
    """APL-57: 负责人集体讨论 — the chair and the attendees are the agency's leaders, a quorum of them."""
    ids = set(ctx.input.attendee_ids) | {ctx.actor.pk}
    leaders = set(
        ctx.case.agency.role_grants.filter(user_id__in=ids, role__in=rules.AGENCY_LEADER_ROLES).values_list(
            "user_id", flat=True
        )
    )
    rules.deliberation_quorum_check(
        attendees=ids, leaders=leaders, quorum=int(ctx.profile("deliberation.quorum"))
    )
    if not ctx.input.conclusion.strip():
        raise ValidationFailed(_("请填写集体讨论结论。"), code="CASE_DELIBERATION_CONCLUSION", rule="APL-57")


# ----------------------------------------------------------------------------- decision


def notice_done(ctx: GuardContext) -> None:
    if ctx.case.proposed_outcome == Outcome.PENALTY:
        rules.notice_before_decision_check(
            notice_served_on=ctx.case.notice_served_on,
            decided_on=ctx.on,
            waived=ctx.case.statement_status == "waived" and ctx.case.notice_served_on is not None,
        )


def deliberation_done(ctx: GuardContext) -> None:
    rules.deliberation_check(
        complex_or_serious=ctx.case.complex_case, deliberation_recorded=ctx.case.deliberated
    )


def no_heavier_penalty(ctx: GuardContext) -> None:
    """APL-45/62: the decided penalty is not heavier than the one notified."""
    case = ctx.case
    if case.proposed_outcome != Outcome.PENALTY or case.notice_served_on is None:
        return
    amount = case.proposed_amount
    if ctx.data.get("amount") not in (None, ""):
        try:
            amount = Decimal(str(ctx.data["amount"]))
        except (ArithmeticError, ValueError):
            raise ValidationFailed(_("罚款金额无效。"), code="CASE_AMOUNT_INVALID") from None
    rules.penalty_not_heavier_check(
        notified=_penalty(case.proposed_kinds, case.notified_amount),
        decided=_penalty(ctx.data.get("kinds") or case.proposed_kinds, amount),
    )


# ----------------------------------------------------------------------------- service and execution


def service_method_allowed(ctx: GuardContext) -> None:
    """APL-61: electronic service only with the party's consent record, where the profile allows it."""
    rules.service_check(
        decided_on=ctx.case.decided_on,
        served_on=act_date(ctx, "served_on", not_before=((ctx.case.decided_on, _("处罚决定日")),)),
        method=ctx.data.get("method") or "",
        is_working=lenient(),
        e_consent=bool(ctx.data.get("consent") or ctx.case.e_service_consent),
        electronic_allowed=bool(ctx.profile("service.electronic_allowed")),
    )


def payment_due_of(case: Case) -> dt.date:
    """APL-66/67/72: the payment due date — 15 days after service, or the end of an approved
    deferral or instalment plan (the surcharge and the court clock start after it)."""
    return rules.payment_due(
        served_on=case.served_on, is_working=lenient(), deferred_to=case.payment_deferred_to
    )


def surcharge_pauses(case: Case) -> list[rules.Period]:
    """APL-73: the 复议/诉讼 periods during which no surcharge accrues."""
    return [rules.Period(start, end) for start, end in _SURCHARGE_PAUSES.all(case.pk)]


def surcharge_of(case: Case, on: dt.date) -> rules.Surcharge:
    """APL-72/73: the surcharge on ``on``, from the (deferred) due date, pauses not counted."""
    fine = case.fine_amount or Decimal(0)
    return rules.surcharge(fine=fine, due_on=payment_due_of(case), as_of=on, pauses=surcharge_pauses(case))


def owed(case: Case, on: dt.date) -> tuple[Decimal, Decimal]:
    """(fine still owed, surcharge accrued) on ``on`` — APL-72/73, with an approved deferral
    (APL-66) and the 复议/诉讼 pauses."""
    fine = case.fine_amount or Decimal(0)
    if not fine or case.served_on is None:
        return Decimal(0), Decimal(0)
    return max(fine - case.paid_amount, Decimal(0)), surcharge_of(case, on).amount


def payment_valid(ctx: GuardContext) -> None:
    try:
        amount = Decimal(str(ctx.data.get("amount")))
    except Exception:
        amount = Decimal(0)
    if amount <= 0:
        raise ValidationFailed(_("缴款金额须大于零。"), code="CASE_PAYMENT_INVALID", rule="APL-67")
    paid_on = act_date(ctx, "paid_on", not_before=((ctx.case.served_on, _("决定书送达日")),))
    fine_left, extra = owed(ctx.case, paid_on)
    if amount > fine_left + extra:
        raise ValidationFailed(
            _("缴款金额超过应缴金额（罚款余额%(fine)s元，加处罚款%(extra)s元）。")
            % {"fine": fine_left, "extra": extra},
            code="CASE_PAYMENT_EXCEEDS",
            rule="APL-72",
        )


def payment_overdue(ctx: GuardContext) -> None:
    """ACL-35: a demand once the time to pay has run out."""
    case = ctx.case
    if not case.fine_amount or case.served_on is None:
        raise Conflict(_("本案没有应缴罚款。"), code="CASE_NOTHING_OWED")
    rules.demand_check(
        payment_due=payment_due_of(case),
        served_on=act_date(ctx, "served_on", not_before=((case.served_on, _("决定书送达日")),)),
        perform_by=ctx.input.perform_by,
    )


def court_application_allowed(ctx: GuardContext) -> None:
    if ctx.case.payment_deferred_to and _date(ctx, "period_expired_on") < ctx.case.payment_deferred_to:
        raise ValidationFailed(
            _(
                "准予暂缓或者分期缴纳的，申请人民法院强制执行的期限自暂缓或者分期缴纳期限结束时起算（%(day)s）（《行政处罚法》第七十二条）。"
            )
            % {"day": ctx.case.payment_deferred_to},
            code="CASE_DEFERRAL_RUNNING",
            rule="APL-72",
        )
    rules.court_application_check(
        demand_served_on=ctx.case.demand_served_on,
        period_expired_on=_date(ctx, "period_expired_on"),
        applied_on=act_date(ctx, "applied_on", not_before=((ctx.case.demand_served_on, _("催告书送达日")),)),
        is_working=lenient(),
    )


def nothing_owed(ctx: GuardContext) -> None:
    fine_left, _extra = owed(ctx.case, ctx.on)
    if fine_left > 0:
        raise Conflict(
            _("罚款尚未缴清（余额%(left)s元），不能确认执行完毕。") % {"left": fine_left},
            code="CASE_FINE_UNPAID",
            rule="APL-66",
        )


def closable(ctx: GuardContext) -> None:
    """APL-47, APL-52: carried out, the on-the-spot copy filed, no measure still holding property."""
    case = ctx.case
    rules.closing_check(
        penalty_unexecuted=case.state == "served" and case.outcome == Outcome.PENALTY,
        on_the_spot=case.procedure == Procedure.ON_THE_SPOT,
        filed_on=case.filed_copy_on,
        open_measures=len(_OPEN_MEASURES.all(case.pk)),
    )


def measures_released_or_released_now(ctx: GuardContext) -> None:
    """APL-57, ACL-28: a case ends with no measure in force — released before, or in this step."""
    rules.ending_with_measures_check(
        open_measures=len(_OPEN_MEASURES.all(ctx.case.pk)),
        release_in_step=bool(getattr(ctx.input, "release_measures", False)),
    )


# ----------------------------------------------------------------------------- on-the-spot procedure


def on_the_spot_fileable(ctx: GuardContext) -> None:
    """APL-52: the copy of an on-the-spot decision is filed with the agency, once."""
    rules.on_the_spot_filing_check(
        on_the_spot=ctx.case.procedure == Procedure.ON_THE_SPOT, filed_on=ctx.case.filed_copy_on
    )


def cash_handover_valid(ctx: GuardContext) -> None:
    """APL-68/71: cash collected on the spot goes to the agency, then to the bank (2 WD + 2 WD)."""
    case = ctx.case
    if not case.collected_on_spot:
        raise Conflict(_("本案罚款未当场收缴。"), code="CASE_NOT_COLLECTED", rule="APL-68/71")
    stage = ctx.data.get("handed_to")
    # events before the input was typed recorded the stage as ``to``
    done = {
        d.get("handed_to") or d.get("to")
        for d in case.events.filter(action="cash_handover").values_list("data", flat=True)
    }
    if stage not in ("agency", "bank"):
        raise ValidationFailed(
            _("请选择交款对象：agency（交至行政机关）或 bank（缴付指定银行）。"),
            code="CASE_HANDOVER_STAGE",
            rule="APL-68/71",
        )
    if stage in done:
        raise Conflict(_("该笔罚款已交付。"), code="CASE_HANDOVER_DONE", rule="APL-68/71")
    if stage == "bank" and "agency" not in done:
        raise Conflict(
            _("当场收缴的罚款应先交至行政机关，再由行政机关缴付指定银行（《行政处罚法》第七十一条）。"),
            code="CASE_HANDOVER_ORDER",
            rule="APL-68/71",
        )
    agency_on = next(
        (
            dt.date.fromisoformat(d["handed_on"]) if d.get("handed_on") else None
            for d in case.events.filter(action="cash_handover").values_list("data", flat=True)
            if (d.get("handed_to") or d.get("to")) == "agency"
        ),
        None,
    )
    act_date(
        ctx,
        "handed_on",
        not_before=((case.decided_on, _("当场收缴日")), (agency_on, _("交至行政机关日"))),
    )


# ----------------------------------------------------------------------------- leaders


def _roles(ctx: GuardContext, user: Any = None) -> set[str]:
    user = user or ctx.actor
    return roles_at(user, ctx.case.agency_id)


def head_approves(what: str, rule: str):
    """A guard: the actor is the agency head (主要负责人, approver_3) — the approval is the act."""

    def guard(ctx: GuardContext) -> None:
        rules.leader_check(roles=_roles(ctx), allowed={rules.HEAD_ROLE}, what=what, rule=rule)

    guard.__name__ = f"head_approves_{rule}"
    guard.__doc__ = f"{rule}: {what} — by the agency head (approver_3)."
    return guard


def leader_approves(what: str, rule: str):
    """A guard: the actor is a 负责人 of the agency (分管领导 or 主要负责人)."""

    def guard(ctx: GuardContext) -> None:
        rules.leader_check(roles=_roles(ctx), allowed=rules.LEADER_ROLES, what=what, rule=rule)

    guard.__name__ = f"leader_approves_{rule}"
    guard.__doc__ = f"{rule}: {what} — by 分管领导 or 主要负责人 (approver_2/approver_3)."
    return guard


def side_approval_of(ctx: GuardContext, chain: str):
    """The pending side approval (``workflow.SIDE_APPROVALS``) of this case for ``chain``; for a
    measure, the one of the measure named by ``measure_id``."""

    qs = ctx.case.approvals.select_for_update().filter(status=Approval.Status.PENDING, action=chain)
    if chain == "measure":
        measure = ctx.facts.get("measure")
        qs = qs.filter(measure_id=measure.pk if measure else int(ctx.data.get("measure_id") or 0))
    approval = qs.order_by("id").first()
    if approval is None:
        raise Conflict(_("案件没有待审批事项，可能已被他人处理。"), code="APPROVAL_NOT_PENDING")
    ctx.facts["approval"] = approval
    return approval


def chain_level(chain: str, what: str, rule: str):
    """A guard of the rows acting on a side approval (``extension_approve``, ``measure_reject`` …):
    the actor holds the level at which the pending approval waits. The last level is always the
    head (``rules.side_chain_check``), so the head's approval (APL-60, ACL-17/18, APL-56) is the act."""

    def guard(ctx: GuardContext) -> None:
        approval = side_approval_of(ctx, chain)
        role = approval.levels[approval.level]
        roles = _roles(ctx)
        if role in roles:
            return
        if role == rules.HEAD_ROLE:
            rules.leader_check(roles=roles, allowed={rules.HEAD_ROLE}, what=what, rule=rule)
        raise PermissionDenied(
            _("该审批事项当前由“%(role)s”办理。") % {"role": Role(role).label},
            code="APPROVAL_NOT_YOUR_LEVEL",
        )

    guard.__name__ = f"chain_level_{chain}"
    guard.__doc__ = f"{rule}: {what} — by the current level of the agency's {chain} chain."
    guard.chain_level = True  # approval_act checks the level itself and runs the other guards
    return guard


# ----------------------------------------------------------------------------- compulsory measures


def _datetime(ctx: GuardContext, name: str, *, default: dt.datetime | None = None) -> dt.datetime:
    value = ctx.data.get(name) or default
    if value is None:
        raise ValidationFailed(
            _("请填写%(name)s。") % {"name": name}, code="CASE_FIELD_REQUIRED", details={"field": name}
        )
    if not isinstance(value, dt.datetime):
        try:
            value = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationFailed(
                _("时间格式应为 YYYY-MM-DDTHH:MM：%(value)s") % {"value": value},
                code="CASE_DATETIME_INVALID",
                details={"field": name},
            ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value)


def measure_of(ctx: GuardContext, *statuses: str, kinds: tuple[str, ...] = ()) -> Measure:
    """The measure named by ``measure_id`` in this case, in one of ``statuses``."""
    try:
        mid = int(ctx.data.get("measure_id") or 0)
    except (TypeError, ValueError):
        mid = 0
    m = ctx.case.measures.select_for_update().filter(pk=mid).first()
    if m is None:
        raise ValidationFailed(_("请选择本案的强制措施。"), code="MEASURE_UNKNOWN")
    if statuses and m.status not in statuses:
        raise Conflict(
            _("该措施当前状态为“%(status)s”，不能办理此项操作。") % {"status": m.get_status_display()},
            code="MEASURE_STATE_CONFLICT",
            details={"status": m.status},
        )
    if kinds and m.kind not in kinds:
        raise Conflict(_("该措施的种类不适用此项操作。"), code="MEASURE_KIND_CONFLICT")
    ctx.facts["measure"] = m
    return m


def _measure_kind(ctx: GuardContext) -> str:
    kind = ctx.data.get("measure_kind") or ""
    if kind not in Measure.Kind.values:
        raise ValidationFailed(
            _("措施种类应为查封、扣押、冻结或先行登记保存。"), code="MEASURE_KIND_INVALID", rule="ACL-9/12"
        )
    return kind


def measure_request_valid(ctx: GuardContext) -> None:
    """ACL-24 / APL-56: the request names the kind, the property (清单) and the reasons."""
    _measure_kind(ctx)
    rules.measure_request_check(items=ctx.input.items, reason=ctx.input.reason)


def is_enforcement_holiday(ctx: GuardContext, day: dt.date) -> bool:
    """ACL-43 法定节假日: a holiday of the calendar, and a weekend where the profile reads it so."""
    kind, _name = calendar.day_kind(day)
    if kind == "holiday":
        return True
    return kind == "weekend" and bool(ctx.profile("enforcement.weekend_is_holiday"))


def enforcement_time_allowed(ctx: GuardContext, at: dt.datetime, emergency: bool) -> None:
    """ACL-43: not at night (profile ``enforcement.night_start``/``night_end``) nor on a 法定节假日,
    unless an emergency. Measures too, those the profile lists (enforcement.acl43_measures)."""
    rules.enforcement_time_check(
        start=at,
        is_holiday=lambda d: is_enforcement_holiday(ctx, d),
        emergency=emergency,
        night_start=dt.time.fromisoformat(ctx.profile("enforcement.night_start")),
        night_end=dt.time.fromisoformat(ctx.profile("enforcement.night_end")),
    )


def measure_take_valid(ctx: GuardContext) -> None:
    """ACL-17/18/19/43, APL-56: the checklist of taking a measure.

    Either an approved measure (``measure_id``) or, in an emergency, a new one approved
    afterwards within 24 hours (ACL-19; never for 先行登记保存, APL-56)."""

    data = ctx.data
    emergency = bool(data.get("emergency"))
    if data.get("measure_id"):
        m = measure_of(ctx, Measure.Status.APPROVED)
        kind, approved = m.kind, True
        emergency = False
    else:
        kind = _measure_kind(ctx)
        rules.measure_emergency_check(kind=kind, emergency=emergency)
        if emergency:
            measure_request_valid(ctx)
        approved = False
        m = None
    started = _datetime(ctx, "started_at")
    act_date(ctx, "started_at", not_before=((ctx.case.lead_on, _("线索登记日")),))
    ctx.facts["started_at"] = started
    if m is not None and m.approved_at and started < m.approved_at:
        raise ValidationFailed(
            _("行政强制措施应当在批准后实施（《行政强制法》第十八条）。"),
            code="MEASURE_TAKEN_BEFORE_APPROVAL",
            rule="ACL-17/18",
        )
    # ACL-43 governs enforcement; whether it also limits measures is the profile's interpretive
    # choice (enforcement.acl43_measures; by default not 先行登记保存)
    if kind in (ctx.profile("enforcement.acl43_measures") or ()):
        enforcement_time_allowed(ctx, started, emergency)
    ids = {int(i) for i in data.get("officer_ids") or []} | {ctx.actor.pk}
    users = [s.user for s in _Staff.objects.filter(agency=ctx.case.agency, user_id__in=ids, is_active=True)]
    if len(users) != len(ids):
        raise ValidationFailed(_("执法人员须为本机关在岗工作人员的账号。"), code="CASE_OFFICER_NOT_STAFF")
    ctx.facts["officers"] = users
    present = bool(data.get("party_present"))
    rules.measure_check(
        approved=approved,
        emergency=emergency,
        officer_count=len(users),
        onsite_record=bool(str(data.get("onsite_record") or "").strip()),
        party_present=present,
        party_signed_or_refusal_noted=bool(data.get("party_signed") or data.get("refusal_noted")),
        witness_signed=bool(str(data.get("witness_name") or "").strip()),
    )
    rules.officers_check(
        officers=officer_facts(users),
        on=started.date(),
        domain=ctx.case.domain.code,
        division_path=ctx.case.region.path,
        rule="ACL-17/18",
    )


def measure_approve_valid(ctx: GuardContext) -> None:
    """ACL-17/18 prior approval, or ACL-19 post-approval within 24 hours of an emergency measure."""

    m = measure_of(ctx, Measure.Status.REQUESTED, Measure.Status.TAKEN)
    if m.status == Measure.Status.TAKEN:
        if not m.emergency or m.approved_at is not None:
            raise Conflict(_("该措施已经批准。"), code="MEASURE_ALREADY_APPROVED", rule="ACL-19")
        rules.emergency_approval_check(taken_at=m.started_at, approved_at=timezone.now())


def measure_reject_valid(ctx: GuardContext) -> None:
    m = measure_of(ctx, Measure.Status.REQUESTED, Measure.Status.TAKEN)
    if m.status == Measure.Status.TAKEN and (not m.emergency or m.approved_at is not None):
        raise Conflict(_("该措施已经批准，应当办理解除。"), code="MEASURE_ALREADY_APPROVED", rule="ACL-19")
    reason_given(ctx)


def measure_extend_valid(ctx: GuardContext) -> None:
    """ACL-25: one extension of at most 30 days, before expiry, by the head, reasons notified."""
    m = measure_of(
        ctx, Measure.Status.TAKEN, kinds=(Measure.Kind.SEAL, Measure.Kind.SEIZE, Measure.Kind.FREEZE)
    )
    try:
        days = int(ctx.data.get("days") or 0)
    except (TypeError, ValueError):
        days = 0
    rules.seizure_extension_check(
        extensions_so_far=1 if m.extended_days else 0,
        requested_days=days,
        requested_on=ctx.on,
        current_due=m.period_end,
        head_approved=True,  # the head acts (guard head_approves)
        reasons_notified=bool(ctx.data.get("reasons_notified"))
        and bool(str(ctx.data.get("reasons") or "").strip()),
    )


def measure_testing_valid(ctx: GuardContext) -> None:
    """ACL-25: testing time is excluded from the period, and the party is told of it in writing."""
    m = measure_of(
        ctx, Measure.Status.TAKEN, kinds=(Measure.Kind.SEAL, Measure.Kind.SEIZE, Measure.Kind.FREEZE)
    )
    start, end = _date(ctx, "start"), _date(ctx, "end")
    if not ctx.data.get("notified"):
        raise ValidationFailed(
            _("检测、检验、检疫或者技术鉴定的期间应当明确，并书面告知当事人（《行政强制法》第二十五条）。"),
            code="MEASURE_TESTING_NOT_NOTIFIED",
            rule="ACL-25/27/28",
        )
    if start < m.started_at.date() or start > m.period_end:
        raise ValidationFailed(
            _("检测期间应在查封、扣押期限内。"), code="MEASURE_TESTING_PERIOD_OUTSIDE", rule="ACL-25/27/28"
        )
    existing = [
        rules.Period(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in m.testing_periods
    ]
    rules.periods_validate([*existing, rules.Period(start, end)], kind="testing")


def measure_release_valid(ctx: GuardContext) -> None:
    m = measure_of(ctx, Measure.Status.TAKEN)
    act_date(ctx, "released_on", not_before=((timezone.localtime(m.started_at).date(), _("措施实施日")),))
    reason_given(ctx)


def preservation_dispose_valid(ctx: GuardContext) -> None:
    """APL-56: the disposal decision within 7 WD of 先行登记保存."""
    m = measure_of(ctx, Measure.Status.TAKEN, kinds=(Measure.Kind.PRESERVATION,))
    day = act_date(
        ctx, "disposed_on", not_before=((timezone.localtime(m.started_at).date(), _("先行登记保存日")),)
    )
    rules.preservation_disposal_check(preserved_on=m.started_at.date(), disposed_on=day, is_working=lenient())
    if not str(ctx.data.get("disposal") or "").strip():
        raise ValidationFailed(
            _("请填写处理决定（如查封、扣押、解除或移送）（《行政处罚法》第五十六条）。"),
            code="MEASURE_DISPOSAL_REQUIRED",
            rule="APL-56",
        )


# ----------------------------------------------------------------------------- decision limit (APL-60)


def _current_decision_due(case: Case) -> dt.date | None:
    d = _RUNNING_DECISION.first(case.pk)
    return d.due_on if d else None


def _filed(ctx: GuardContext) -> dt.date:
    if ctx.case.filed_on is None:
        raise Conflict(_("案件尚未立案，办案期限尚未起算。"), code="CASE_NOT_FILED", rule="APL-60")
    return ctx.case.filed_on


def extension_request_valid(ctx: GuardContext) -> None:
    """APL-60: an extension is asked before the deadline, with reasons, within the profile's maximum."""
    _filed(ctx)
    reason_given(ctx)
    if ctx.case.extension_requested_days:
        raise Conflict(_("已有延长办案期限的申请待批准。"), code="CASE_EXTENSION_PENDING", rule="APL-60")
    _extension_check(ctx, ctx.data.get("days"))


def _extension_check(ctx: GuardContext, days: Any) -> None:
    try:
        days = int(days or 0)
    except (TypeError, ValueError):
        days = 0
    due = _current_decision_due(ctx.case)
    if due is None:
        raise Conflict(
            _("办案期限正处于不计入期间或尚无日期，暂不能申请延长。"),
            code="CASE_DEADLINE_PAUSED",
            rule="APL-60",
        )
    rules.decision_extension_check(
        requested_days=days,
        already_extended_days=sum(decision_extensions(ctx.case)),
        max_extension_days=ctx.profile("decision.limit_extension"),
        requested_on=ctx.on,
        current_due=due,
    )


def extension_pending(ctx: GuardContext) -> None:
    if not ctx.case.extension_requested_days:
        raise Conflict(_("没有待批准的延长办案期限申请。"), code="CASE_EXTENSION_NOT_PENDING", rule="APL-60")


def extension_approve_valid(ctx: GuardContext) -> None:
    """APL-60: checked again when approved (the deadline may have passed meanwhile)."""
    extension_pending(ctx)
    _extension_check(ctx, ctx.case.extension_requested_days)


def _decision_periods(case: Case) -> list[CasePeriod]:
    return list(case.periods.filter(purpose=CasePeriod.Purpose.DECISION))


def exclusion_start_valid(ctx: GuardContext) -> None:
    """APL-60: a period of a kind the profile lists, after filing, not back-dated, not
    overlapping another, and not once the deadline has passed."""
    filed = _filed(ctx)
    kind = str(ctx.data.get("exclusion_kind") or "")
    rules.excluded_period_kind_check(kind=kind, allowed=ctx.profile("decision.limit_excluded_periods"))
    start = _date(ctx, "start", default=ctx.on)
    if start > ctx.on:  # a period that has begun is recorded; a future one would pause today's clock
        raise ValidationFailed(
            _("不计入办案期限的期间开始后再登记：开始日期（%(start)s）不能晚于今天。") % {"start": start},
            code="CASE_DATE_IN_FUTURE",
            rule="APL-60",
        )
    rules.excluded_period_add_check(
        new=rules.Period(start, None),
        existing=[rules.Period(p.start, p.end) for p in _decision_periods(ctx.case)],
        recorded_on=ctx.on,
        filed_on=filed,
        current_due=_current_decision_due(ctx.case),
    )


def open_exclusion(ctx: GuardContext) -> CasePeriod:
    p = next(
        (p for p in _decision_periods(ctx.case) if p.end is None and p.kind != rules.SUSPENSION_KIND), None
    )
    if p is None:
        raise Conflict(
            _("没有正在进行的不计入办案期限的期间。"), code="CASE_EXCLUDED_PERIOD_NONE", rule="APL-60"
        )
    return p


def exclusion_end_valid(ctx: GuardContext) -> None:
    """APL-60: the period ends on or after its start and not later than today (no forward-dating)."""
    p = open_exclusion(ctx)
    end = _date(ctx, "end", default=ctx.on)
    if end < p.start:
        raise ValidationFailed(
            _("期间的结束日期不得早于开始日期（%(start)s）（《行政处罚法》第六十条）。") % {"start": p.start},
            code="CASE_EXCLUDED_PERIOD_INVERTED",
            rule="APL-60",
        )
    if end > ctx.on:
        raise ValidationFailed(
            _("期间的结束日期不得晚于登记日期（%(on)s）。") % {"on": ctx.on},
            code="CASE_EXCLUDED_PERIOD_FUTURE_END",
            rule="APL-60",
        )


# ----------------------------------------------------------------------------- recusal (APL-43)


def recused_ids(case: Case) -> set[int]:
    return set(case.recusals.filter(status=Recusal.Status.GRANTED).values_list("account_id", flat=True))


def _account(ctx: GuardContext, name: str):
    try:
        pk = int(ctx.data.get(name) or 0)
    except (TypeError, ValueError):
        pk = 0
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None or not Staff.objects.filter(user=user, agency=ctx.case.agency, is_active=True).exists():
        raise ValidationFailed(
            _("请选择本机关在岗工作人员的账号。"), code="CASE_OFFICER_NOT_STAFF", details={"field": name}
        )
    return user


def recusal_request_valid(ctx: GuardContext) -> None:
    """APL-43: a party's request (recorded by a handler) or an own-motion withdrawal, naming an
    account that has that role in this case, with reasons."""

    account = _account(ctx, "account_id")
    role = ctx.data.get("role") or ""
    if role not in Recusal.Role.values:
        raise ValidationFailed(
            _("回避人员的身份应为执法人员、听证主持人或法制审核人员。"),
            code="CASE_RECUSAL_ROLE",
            rule="APL-43",
        )
    reason_given(ctx)
    # absent: naming oneself is an own-motion withdrawal, naming someone else records the party's request
    by_party = ctx.input.by_party if ctx.input.by_party is not None else ctx.actor.pk != account.pk
    ctx.facts["by_party"] = by_party
    if by_party and not user_has_perm(ctx.actor, Perm.CASE_HANDLE, ctx.case.agency):
        raise ValidationFailed(
            _("当事人的回避申请由承办人员登记。"), code="CASE_RECUSAL_REQUESTER", rule="APL-43"
        )
    if not by_party and ctx.actor.pk != account.pk:
        raise ValidationFailed(_("自行回避须由本人提出。"), code="CASE_RECUSAL_NOT_OWN", rule="APL-43")
    if account.pk in recused_ids(ctx.case):
        raise Conflict(_("该人员已决定回避。"), code="CASE_RECUSAL_GRANTED", rule="APL-43")
    if role == Recusal.Role.OFFICER and account.pk not in investigator_ids(ctx.case):
        raise ValidationFailed(
            _("该账号不是本案执法人员。"), code="CASE_RECUSAL_ACCOUNT_INVALID", rule="APL-43"
        )
    if role == Recusal.Role.HOST and account.pk != ctx.case.hearing_host_id:
        raise ValidationFailed(
            _("该账号不是本案听证主持人。"), code="CASE_RECUSAL_ACCOUNT_INVALID", rule="APL-43"
        )
    if ctx.case.recusals.filter(account=account, status=Recusal.Status.PENDING).exists():
        raise Conflict(_("对该人员的回避申请尚待决定。"), code="CASE_RECUSAL_PENDING", rule="APL-43")


def recusal_of(ctx: GuardContext):
    try:
        rid = int(ctx.data.get("recusal_id") or 0)
    except (TypeError, ValueError):
        rid = 0
    r = ctx.case.recusals.select_for_update().filter(pk=rid).first()
    if r is None:
        raise ValidationFailed(_("请选择本案的回避申请。"), code="CASE_RECUSAL_UNKNOWN", rule="APL-43")
    if r.status != Recusal.Status.PENDING:
        raise Conflict(_("该回避申请已经决定。"), code="CASE_RECUSAL_DECIDED", rule="APL-43")
    return r


def recusal_decide_valid(ctx: GuardContext) -> None:
    """APL-43: decided by the agency head; the head's own recusal by another 负责人 with a note."""
    r = recusal_of(ctx)
    rules.recusal_decider_check(
        account_id=r.account_id,
        account_is_head=rules.HEAD_ROLE in _roles(ctx, r.account),
        decider_id=ctx.actor.pk,
        decider_roles=_roles(ctx),
        note=str(ctx.data.get("note") or ""),
    )
    if ctx.data.get("granted") and r.account_id == ctx.case.handler_id:
        if not ctx.data.get("replacement_id"):
            raise ValidationFailed(
                _("主办人回避的，请指定接替的主办人。"),
                code="CASE_RECUSAL_REPLACEMENT_REQUIRED",
                rule="APL-43",
            )
    if ctx.data.get("replacement_id"):
        user = _account(ctx, "replacement_id")
        if user.pk == r.account_id or user.pk in recused_ids(ctx.case):
            raise ValidationFailed(
                _("接替人员不能是已回避的人员。"), code="CASE_RECUSAL_GRANTED", rule="APL-43"
            )


def officer_assign_valid(ctx: GuardContext) -> None:
    """APL-42/43: an officer added to the case is an active staff member and not recused."""
    user = _account(ctx, "officer_id")
    if user.pk in recused_ids(ctx.case):
        raise Conflict(_("该人员已在本案中回避，不能再承办。"), code="CASE_RECUSAL_GRANTED", rule="APL-43")
    if user.pk in investigator_ids(ctx.case):
        raise Conflict(_("该人员已是本案执法人员。"), code="CASE_OFFICER_ALREADY")


# ----------------------------------------------------------------------------- suspension (APL-60)

#: States in which the decision limit runs (the same as ``workflow.LIMIT_RUNNING``).
LIMIT_RUNNING_STATES = frozenset(
    {"investigating", "investigated", "proposed", "notified", "hearing", "reviewing", "ready"}
)


def suspension_start(case: Case, on: dt.date) -> dt.date | None:
    """APL-60 (e.g. SAMR 令第2号第六十四条: 中止 time is not counted): the first day a suspension
    stops the decision clock, or None when no clock is running (not filed, or already expired —
    a suspension cannot revive an expired limit)."""
    if case.filed_on is None or case.state not in LIMIT_RUNNING_STATES:
        return None
    d = _RUNNING_DECISION.first(case.pk)
    if d is None or (d.due_on is not None and on > d.due_on):
        return None
    return max(on, case.filed_on + dt.timedelta(days=1))


def suspension_period_allowed(ctx: GuardContext) -> None:
    """APL-60: the suspension is stored as an excluded period, so it may not overlap a running one."""
    start = suspension_start(ctx.case, ctx.on)
    if start is None:
        return
    rules.excluded_periods_validate(
        [*(rules.Period(p.start, p.end) for p in _decision_periods(ctx.case)), rules.Period(start, None)]
    )


# ----------------------------------------------------------------------------- payment and enforcement


def payment_defer_valid(ctx: GuardContext) -> None:
    """APL-66/67: on the party's application, approved by a 负责人, before the period ends."""
    case = ctx.case
    if not case.fine_amount:
        raise Conflict(_("本案没有应缴罚款。"), code="CASE_NOTHING_OWED", rule="APL-66/67")
    if case.payment_deferred_to:
        raise Conflict(_("本案已准予暂缓或者分期缴纳。"), code="CASE_DEFERRAL_ALREADY", rule="APL-66/67")
    reason_given(ctx)
    instalments = []
    for row in ctx.data.get("instalments") or []:
        try:
            instalments.append((dt.date.fromisoformat(str(row["due_on"])), Decimal(str(row["amount"]))))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            raise ValidationFailed(
                _("分期计划每期须有 due_on（日期）和 amount（金额）。"),
                code="CASE_INSTALMENTS_INVALID",
                rule="APL-66/67",
            ) from None
    deferred_to = _date(ctx, "deferred_to") if ctx.data.get("deferred_to") else None
    fine_left, _extra = owed(case, ctx.on)
    ctx.facts["deferral"] = rules.payment_deferral_check(
        owed=fine_left,
        current_due=payment_due_of(case),
        applied_on=act_date(ctx, "applied_on", not_before=((case.served_on, _("决定书送达日")),)),
        deferred_to=deferred_to,
        instalments=instalments,
    )


REMEDY_KINDS = ("复议", "诉讼")


def remedy_start_valid(ctx: GuardContext) -> None:
    """APL-73: a 复议/诉讼 opened after service pauses the surcharge (no overlap with another)."""
    case = ctx.case
    kind = ctx.data.get("remedy_kind") or ""
    if kind not in REMEDY_KINDS:
        raise ValidationFailed(_("请选择行政复议或者行政诉讼。"), code="CASE_REMEDY_KIND", rule="APL-72/73")
    start = _date(ctx, "start", default=ctx.on)
    if case.served_on is None or start < case.served_on or start > ctx.on:
        raise ValidationFailed(
            _("复议、诉讼的开始日期应在决定书送达之后、今天以前。"),
            code="CASE_DATE_INVALID",
            rule="APL-72/73",
        )
    rules.periods_validate([*surcharge_pauses(case), rules.Period(start, None)], kind="surcharge")


def open_remedy(ctx: GuardContext) -> CasePeriod:
    p = ctx.case.periods.filter(purpose=CasePeriod.Purpose.SURCHARGE, end__isnull=True).first()
    if p is None:
        raise Conflict(_("没有正在进行的复议或诉讼。"), code="CASE_REMEDY_NONE", rule="APL-72/73")
    return p


def remedy_end_valid(ctx: GuardContext) -> None:
    p = open_remedy(ctx)
    end = _date(ctx, "end", default=ctx.on)
    if end < p.start or end > ctx.on:
        raise ValidationFailed(
            _("复议、诉讼的结束日期应在开始日期之后、今天以前。"),
            code="CASE_SURCHARGE_PAUSE_INVERTED",
            rule="APL-72/73",
        )


def enforcement_decide_valid(ctx: GuardContext) -> None:
    """ACL-35–38: after a served demand whose period has passed; ACL-45/46: the surcharge has run
    for more than 30 days; ACL-43: not scheduled at night or on a holiday unless an emergency."""
    case = ctx.case
    fine_left, _extra = owed(case, ctx.on)
    if fine_left <= 0:
        raise Conflict(_("罚款已缴清，无需强制执行。"), code="CASE_NOTHING_OWED", rule="ACL-35–38")
    decided = act_date(ctx, "decided_on", not_before=((case.demand_served_on, _("催告书送达日")),))
    mode = ctx.data.get("mode") or ""
    if mode not in {m.value for m in rules.EnforcementMode}:
        raise ValidationFailed(
            _("请选择强制执行方式（《行政强制法》第十二条）。"),
            code="ENFORCEMENT_MODE_INVALID",
            rule="ACL-9/12",
        )
    rules.enforcement_decision_check(
        demand_served_on=case.demand_served_on, perform_by=case.demand_perform_by, decided_on=decided
    )
    rules.enforcement_after_surcharge_check(
        surcharge=surcharge_of(case, decided), demand_served_on=case.demand_served_on
    )
    enforcement_time_allowed(ctx, _datetime(ctx, "scheduled_at"), bool(ctx.data.get("emergency")))


# ----------------------------------------------------------------------------- transfer and assistance


def _agency(ctx: GuardContext, name: str):
    try:
        pk = int(ctx.data.get(name) or 0)
    except (TypeError, ValueError):
        pk = 0
    return _agency_by_id(ctx, pk, name)


def _agency_by_id(ctx: GuardContext, pk: int, name: str):
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None or agency.pk == ctx.case.agency_id:
        raise ValidationFailed(
            _("请选择本机关以外的行政机关。"), code="CASE_AGENCY_INVALID", details={"field": name}
        )
    return agency


def transfer_target_valid(ctx: GuardContext) -> None:
    """APL-57 (移送): to another agency of the system (``to_agency_id``) or to an organ outside it
    (``to_organ``); a transfer to a judicial organ (涉嫌犯罪) names the organ and later records its
    receipt. ``to_name`` (a name) is accepted too: an agency of that name, else an organ. What it
    resolves to goes to the effect as ``facts["to_agency"]`` / ``facts["to_organ"]``."""

    inp = ctx.input
    to_agency_id, to_organ = inp.to_agency_id, inp.to_organ.strip()
    if not to_agency_id and not to_organ:
        name = inp.to_name.strip()
        match = Agency.objects.filter(name=name).exclude(pk=ctx.case.agency_id).first() if name else None
        if match is not None:
            to_agency_id = match.pk
        elif name:
            to_organ = name
    ctx.facts["to_organ"] = to_organ
    if inp.judicial:
        if not to_organ:
            raise ValidationFailed(
                _("移送司法机关的，请填写接收的司法机关名称（《行政处罚法》第二十七条、第五十七条）。"),
                code="CASE_TRANSFER_TARGET_REQUIRED",
                rule="APL-57",
            )
        return
    if to_agency_id:
        ctx.facts["to_agency"] = _agency_by_id(ctx, to_agency_id, "to_agency_id")
    elif not to_organ:
        raise ValidationFailed(
            _("请选择接收移送的行政机关，或填写接收机关名称。"),
            code="CASE_TRANSFER_TARGET_REQUIRED",
            rule="APL-57",
        )


def transfer_receipt_valid(ctx: GuardContext) -> None:
    """APL-57: a transfer to a judicial organ is completed by the organ's receipt (回执)."""
    t = ctx.case.transfers.select_for_update().order_by("-id").first()
    if t is None or not t.judicial:
        raise Conflict(_("本案不是移送司法机关的案件。"), code="CASE_TRANSFER_NOT_JUDICIAL", rule="APL-57")
    if t.receipt_on is not None:
        raise Conflict(_("已登记移送回执。"), code="CASE_TRANSFER_RECEIPT_DONE", rule="APL-57")
    act_date(ctx, "receipt_on", not_before=((t.sent_on, _("移送日")),))
    if not str(ctx.data.get("receipt_number") or "").strip():
        raise ValidationFailed(_("请填写回执编号。"), code="CASE_TRANSFER_RECEIPT_NUMBER", rule="APL-57")
    ctx.facts["transfer"] = t


def assistance_request_valid(ctx: GuardContext) -> None:
    """协查 (APL-54 "全面、客观、公正地调查"): to another agency, saying what is asked."""
    ctx.facts["to_agency"] = _agency(ctx, "to_agency_id")
    if not str(ctx.data.get("request") or "").strip():
        raise ValidationFailed(_("请写明协查事项。"), code="CASE_ASSISTANCE_REQUEST_EMPTY", rule="APL-54")


def assistance_of(ctx: GuardContext):
    """The assistance request named by ``assistance_id`` in this case (NotFound otherwise)."""

    try:
        aid = int(ctx.data.get("assistance_id") or 0)
    except (TypeError, ValueError):
        aid = 0
    a = ctx.case.assistance_requests.select_related("to_agency__division").filter(pk=aid).first()
    if a is None:
        raise NotFound(_("协查请求不存在或您无权查看。"), code="CASE_ASSISTANCE_NOT_FOUND")
    return a


def assistance_reply_valid(ctx: GuardContext) -> None:
    a = assistance_of(ctx)
    if a.replied_on is not None:
        raise Conflict(_("该协查请求已经答复。"), code="CASE_ASSISTANCE_REPLIED")
    if not str(ctx.data.get("reply") or "").strip():
        raise ValidationFailed(_("请填写协查结果。"), code="CASE_ASSISTANCE_REPLY_EMPTY", rule="APL-54")
    ctx.facts["assistance"] = a
