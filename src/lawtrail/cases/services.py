"""Every write of a case. Keyword-only, actor first, one transaction, journaled.

``case_transition`` is the only function that changes ``Case.state``: it locks the row,
checks the actor's permission and the transition table's guards, applies the action's
effect, records a ``CaseEvent`` and appends journal entries for the case and the event —
all in one transaction. Two people acting on the same step at once: the second waits for
the lock, then finds the state changed and gets a 409, and nothing of theirs is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.core.permissions import Perm, Role
from lawtrail.core.profiles.selectors import profile_value
from lawtrail.registry import rules as registry_rules
from lawtrail.registry.models import Agency, Division, Domain, RoleGrant, Staff, Violation
from lawtrail.registry.selectors import user_has_perm

from . import guards, rules, workflow
from .models import (
    Approval,
    ApprovalChain,
    ApprovalStep,
    Assistance,
    Case,
    CaseEvent,
    CaseNumberCounter,
    CasePeriod,
    CaseViolation,
    Deadline,
    Evidence,
    Measure,
    Outcome,
    Party,
    Procedure,
    Recusal,
    State,
    Transfer,
)

APPROVER_ROLES = (Role.APPROVER_1, Role.APPROVER_2, Role.APPROVER_3)


# ----------------------------------------------------------------------------- helpers


def _today() -> dt.date:
    return timezone.localdate()


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("%(field)s 不是有效的金额。") % {"field": field}, code="CASE_AMOUNT_INVALID"
        ) from None


def _require(actor: Any, perm: Perm, agency: Agency) -> None:
    if not user_has_perm(actor, perm, agency):
        raise PermissionDenied(_("您没有办理该案件此项操作的权限。"), code="PERMISSION_DENIED")


def _event(
    case: Case,
    *,
    actor: Any,
    action: str,
    from_state: str,
    to_state: str,
    on: dt.date,
    note: str = "",
    data: dict | None = None,
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        at=timezone.now(),
        on=on,
        note=note[:2000],
        data=data or {},
    )
    journal_append(actor=actor, action=f"cases:event:{action}", subject=event)
    return event


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _plain_value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, dt.date | Decimal):
        return str(v)
    if isinstance(v, dict):
        return {str(k): _plain_value(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set):
        return [_plain_value(x) for x in v]
    return v


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """The input of a step as JSON (dates, datetimes and amounts as text, at any depth)."""
    return {k: _plain_value(v) for k, v in data.items()}


# ----------------------------------------------------------------------------- deadlines


def deadline_set(
    case: Case,
    *,
    kind: str,
    label: str,
    rule: str,
    started_on: dt.date,
    compute: Callable[[], dt.date],
    paused: str = "",
) -> Deadline:
    """Store (or replace) a running deadline. When the calendar of a year the period reaches
    is not entered yet, the deadline is stored without a date and flagged (WD-1: never guessed).
    ``paused``: the clock is stopped (e.g. an excluded period is running) — stored without a
    date, with that reason, and recomputed when the pause ends."""
    Deadline.objects.filter(case=case, kind=kind, active=True).update(active=False)
    if paused:
        due, pending = None, paused
    else:
        try:
            due, pending = compute(), ""
        except ValidationFailed as exc:
            if exc.code != "CALENDAR_YEAR_MISSING":
                raise
            due, pending = None, exc.message
    return Deadline.objects.create(
        case=case,
        kind=kind,
        label=label,
        rule=rule,
        started_on=started_on,
        due_on=due,
        pending_reason=pending,
    )


def deadline_meet(case: Case, kind: str, on: dt.date) -> None:
    Deadline.objects.filter(case=case, kind=kind, active=True).update(active=False, met_on=on)


def decision_extensions(case: Case) -> list[int]:
    """APL-60: the days of every approved extension (the approved ``extension`` approvals)."""
    rows = case.approvals.filter(action="extension", status=Approval.Status.APPROVED)
    return [int(p.get("days") or 0) for p in rows.values_list("payload", flat=True)]


def _decision_deadline(case: Case, *, extra_extension: int = 0) -> Deadline:
    """APL-60: the effective decision deadline — the limit from filing, plus approved
    extensions (approved ``extension`` approvals, and ``extra_extension`` being approved now), plus
    the excluded periods (鉴定、检测、听证、中止 …). While an excluded period is still running
    the clock is stopped: the deadline is stored without a date and recomputed when it ends."""
    extensions = decision_extensions(case) + ([extra_extension] if extra_extension else [])
    periods = list(case.periods.filter(purpose=CasePeriod.Purpose.DECISION))
    running = next((p for p in periods if p.end is None), None)
    paused = (
        _("%(kind)s期间（%(start)s起）不计入办案期限，期间结束后重新计算。")
        % {"kind": running.kind, "start": running.start}
        if running
        else ""
    )
    return deadline_set(
        case,
        kind="decision",
        label=_("作出处罚决定期限"),
        rule="APL-60",
        started_on=case.filed_on,
        paused=paused,
        compute=lambda: (
            rules.decision_deadline(
                filed_on=case.filed_on,
                is_working=guards.is_working,
                extension_days=extensions,
                excluded=[rules.Period(p.start, p.end) for p in periods],
                limit_days=profile_value(case.agency, "decision.limit", on=case.filed_on),
            ).due
        ),
    )


# ----------------------------------------------------------------------------- case numbers


def case_number_next(*, agency: Agency, year: int, kind: str = "case") -> int:
    """The next number for the agency and year, without gaps or duplicates: the counter row is
    locked until the caller's transaction ends (a rollback gives the number back)."""
    for _attempt in range(3):
        counter = (
            CaseNumberCounter.objects.select_for_update().filter(agency=agency, year=year, kind=kind).first()
        )
        if counter is None:
            try:
                with transaction.atomic():
                    CaseNumberCounter.objects.create(agency=agency, year=year, kind=kind, last=0)
            except IntegrityError:
                pass  # created by a concurrent transaction: lock it on the next pass
            continue
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last
    raise Conflict(_("案号分配冲突，请重试。"), code="CASE_NUMBER_CONFLICT")


def case_number_format(agency: Agency, year: int, seq: int, on: dt.date) -> str:
    """GB/T 9704 style: 机关代字〔年份〕序号号 — full year, no 第, no leading zeros."""
    pattern = profile_value(agency, "case.number_pattern", on=on)
    return pattern.format(short=agency.short_name or agency.name, year=year, seq=seq)


# ----------------------------------------------------------------------------- leads and parties


def case_create(
    *,
    actor: Any,
    agency: Agency,
    domain: Domain,
    region: Division,
    title: str,
    lead_on: dt.date | None = None,
    source: str = "",
    facts: str = "",
    officer_ids: Iterable[int] = (),
    act_date: dt.date | None = None,
    act_end_date: dt.date | None = None,
    discovered_on: dt.date | None = None,
    complex_case: bool = False,
    life_or_finance: bool = False,
    violation_ids: Iterable[int] = (),
) -> Case:
    """线索登记: register a lead. The actor handles it; ``officer_ids`` are the co-handlers."""
    _require(actor, Perm.CASE_HANDLE, agency)
    if not str(title).strip():
        raise ValidationFailed(_("请填写案由。"), code="CASE_TITLE_REQUIRED")
    if not region.path.startswith(agency.division.path) and not agency.division.path.startswith(region.path):
        raise ValidationFailed(
            _("违法行为发生地不在本机关管辖区域内。"), code="CASE_REGION_OUT_OF_JURISDICTION"
        )
    officer_ids = {int(i) for i in officer_ids} | {actor.pk}
    staff_users = set(
        Staff.objects.filter(agency=agency, user_id__in=officer_ids, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if staff_users != officer_ids:
        raise ValidationFailed(_("承办人员须为本机关在岗工作人员的账号。"), code="CASE_OFFICER_NOT_STAFF")
    violations = list(Violation.objects.filter(pk__in=list(violation_ids)))
    if len(violations) != len(set(violation_ids)):
        raise ValidationFailed(_("违法行为不存在。"), code="CASE_VIOLATION_UNKNOWN")
    with transaction.atomic():
        case = Case.objects.create(
            agency=agency,
            domain=domain,
            region=region,
            title=title.strip(),
            lead_on=lead_on or _today(),
            source=source,
            facts=facts,
            handler=actor,
            act_date=act_date,
            act_end_date=act_end_date,
            discovered_on=discovered_on,
            complex_case=complex_case,
            life_or_finance=life_or_finance,
        )
        case.officers.set(officer_ids)
        CaseViolation.objects.bulk_create([CaseViolation(case=case, violation=v) for v in violations])
        journal_append(actor=actor, action="cases:case:register", subject=case)
        _event(
            case,
            actor=actor,
            action="register",
            from_state="",
            to_state=State.LEAD,
            on=case.lead_on,
            note=title,
        )
    return case


def _party_identity(
    kind: str, name: str, id_number: str, credit_code: str
) -> tuple[str, str, dt.date | None]:
    """Check a party's identity: ID number (GB 11643, birth date derived) or credit code (GB 32100)."""
    if not str(name).strip():
        raise ValidationFailed(_("请填写当事人姓名或名称。"), code="PARTY_NAME_REQUIRED")
    birth = None
    if kind == Party.Kind.PERSON:
        id_number = (id_number or "").strip().upper()
        if id_number and not registry_rules.id_number_valid(id_number):
            raise ValidationFailed(_("公民身份号码格式或校验位错误（GB 11643）。"), code="ID_NUMBER_INVALID")
        birth = registry_rules.id_number_birth_date(id_number) if id_number else None
    elif kind == Party.Kind.ORGANISATION:
        credit_code = (credit_code or "").strip().upper()
        if not registry_rules.credit_code_valid(credit_code):
            raise ValidationFailed(
                _("统一社会信用代码格式或校验位错误（GB 32100）。"), code="CREDIT_CODE_INVALID"
            )
    else:
        raise ValidationFailed(_("当事人类别无效。"), code="PARTY_KIND_INVALID")
    return id_number, credit_code, birth


def party_add(
    *,
    actor: Any,
    case: Case,
    kind: str,
    name: str,
    id_number: str = "",
    credit_code: str = "",
    legal_representative: str = "",
    phone: str = "",
    address: str = "",
) -> Party:
    """当事人: a natural person (ID number checked, birth date derived) or an organisation."""
    _require(actor, Perm.CASE_HANDLE, case.agency)
    id_number, credit_code, birth = _party_identity(kind, name, id_number, credit_code)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state in workflow.TERMINAL_FOR_PARTIES:
            raise Conflict(_("案件已作出决定，不能再增加当事人。"), code="CASE_STATE_CONFLICT")
        party = _party_save(
            locked,
            actor=actor,
            kind=kind,
            name=name.strip(),
            id_number=id_number,
            birth_date=birth,
            credit_code=credit_code,
            legal_representative=legal_representative,
            phone=phone,
            address=address,
        )
    return party


#: What a party is made of (copied as a whole when a transferred matter is accepted).
PARTY_FIELDS = (
    "kind",
    "name",
    "id_number",
    "birth_date",
    "credit_code",
    "legal_representative",
    "phone",
    "address",
)


def _party_save(case: Case, *, actor: Any, **fields: Any) -> Party:
    """Insert a party already checked by the caller, with its journal entry (caller's transaction)."""
    party = Party.objects.create(case=case, **fields)
    journal_append(actor=actor, action="cases:party:add", subject=party)
    return party


# ----------------------------------------------------------------------------- on-the-spot procedure


def _officer_users(agency: Agency, actor: Any, officer_ids: Iterable[int]) -> list[Any]:
    ids = {int(i) for i in officer_ids} | {actor.pk}
    staff = list(Staff.objects.filter(agency=agency, user_id__in=ids, is_active=True).select_related("user"))
    if {s.user_id for s in staff} != ids:
        raise ValidationFailed(_("执法人员须为本机关在岗工作人员的账号。"), code="CASE_OFFICER_NOT_STAFF")
    return [s.user for s in staff]


def case_on_the_spot(
    *,
    actor: Any,
    agency: Agency,
    domain: Domain,
    region: Division,
    party_kind: str,
    party_name: str,
    party_id_number: str = "",
    party_credit_code: str = "",
    party_legal_representative: str = "",
    party_phone: str = "",
    party_address: str = "",
    officer_ids: Iterable[int] = (),
    kinds: Iterable[str],
    amount: Decimal | int | str | None = None,
    act_date: dt.date,
    facts: str,
    basis: str = "",
    violation_ids: Iterable[int] = (),
    form_serial: str,
    credentials_shown: bool = True,
    party_signed: bool = True,
    refusal_noted: bool = False,
    collected: bool = False,
    receipt_number: str = "",
    hard_to_collect_later: bool = False,
    remote_area: bool = False,
    title: str = "",
    on: dt.date | None = None,
) -> Case:
    """简易程序 (APL-51/52): a warning or a small fine decided and handed over on the spot.

    The case is created directly DECIDED and SERVED (``procedure=on_the_spot``), numbered by
    the pre-numbered form (``form_serial``, unique per agency). Optional on-the-spot collection
    (APL-68/71) stores the receipt number and the 2 WD + 2 WD hand-over deadlines; otherwise
    the 15-day payment deadline runs (APL-67). Next steps: ``cash_handover`` (if collected),
    ``payment_record``/``execution_complete``, ``on_the_spot_file`` (备案), ``close``.
    """
    on = on or _today()
    _require(actor, Perm.CASE_HANDLE, agency)
    kinds = [str(k) for k in kinds]
    fine = _decimal(amount, "amount") or Decimal(0)
    if not credentials_shown:
        raise ValidationFailed(
            _("当场作出行政处罚决定的，执法人员应当向当事人出示执法证件（《行政处罚法》第五十二条）。"),
            code="CASE_CREDENTIALS_NOT_SHOWN",
            rule="APL-52",
        )
    if not str(facts).strip():
        raise ValidationFailed(
            _("适用简易程序须违法事实确凿，请填写违法事实（《行政处罚法》第五十一条）。"),
            code="CASE_FACTS_REQUIRED",
            rule="APL-51",
        )
    if not str(basis).strip() and not list(violation_ids):
        raise ValidationFailed(
            _("适用简易程序须有法定依据，请选择违法行为或填写处罚依据（《行政处罚法》第五十一条）。"),
            code="CASE_ON_THE_SPOT_BASIS_REQUIRED",
            rule="APL-51",
        )
    if not party_signed and not refusal_noted:
        raise ValidationFailed(
            _(
                "当场处罚决定书应当由当事人签收；当事人拒绝签收的，应当在决定书上注明（《行政处罚法》第五十二条、第六十一条）。"
            ),
            code="CASE_ON_THE_SPOT_SIGNATURE",
            rule="APL-52",
        )
    form_serial = str(form_serial or "").strip()
    if not form_serial:
        raise ValidationFailed(
            _("请填写预定格式、编有号码的当场处罚决定书编号（《行政处罚法》第五十二条）。"),
            code="CASE_FORM_SERIAL_REQUIRED",
            rule="APL-52",
        )
    if act_date > on:
        raise ValidationFailed(_("违法行为发生日不能晚于今天。"), code="CASE_DATE_IN_FUTURE")
    if not region.path.startswith(agency.division.path) and not agency.division.path.startswith(region.path):
        raise ValidationFailed(
            _("违法行为发生地不在本机关管辖区域内。"), code="CASE_REGION_OUT_OF_JURISDICTION"
        )
    id_number, credit_code, birth = _party_identity(
        party_kind, party_name, party_id_number, party_credit_code
    )
    rules.on_the_spot_check(
        party_kind=party_kind,
        kinds=kinds,
        fine=fine,
        fine_max_person=profile_value(agency, "on_the_spot.fine_max.person", on=on),
        fine_max_organisation=profile_value(agency, "on_the_spot.fine_max.organisation", on=on),
    )
    if birth is not None:
        rules.party_age_check(birth_date=birth, violation_on=act_date)
    officers = _officer_users(agency, actor, officer_ids)
    rules.officers_check(
        officers=guards.officer_facts(officers),
        on=on,
        domain=domain.code,
        division_path=region.path,
        minimum=profile_value(agency, "on_the_spot.min_officers", on=on),
    )
    if collected:
        if rules.PenaltyKind.FINE not in kinds:
            raise ValidationFailed(_("未处罚款，无需收缴。"), code="CASE_NOTHING_OWED", rule="APL-68/71")
        rules.on_the_spot_collection_check(
            fine=fine,
            collection_max=profile_value(agency, "on_the_spot.collection_max", on=on),
            hard_to_collect_later=hard_to_collect_later,
            remote_area=remote_area,
            receipt_number=receipt_number or "",
        )
    violations = list(Violation.objects.filter(pk__in=list(violation_ids)))
    if len(violations) != len(set(violation_ids)):
        raise ValidationFailed(_("违法行为不存在。"), code="CASE_VIOLATION_UNKNOWN")
    with transaction.atomic():
        if Case.objects.filter(agency=agency, form_serial=form_serial).exists():
            raise Conflict(
                _(
                    "当场处罚决定书编号%(serial)s已经使用，每份预编号决定书只能使用一次（《行政处罚法》第五十二条）。"
                )
                % {"serial": form_serial},
                code="CASE_FORM_SERIAL_USED",
                rule="APL-52",
            )
        fine_or_none = fine if rules.PenaltyKind.FINE in kinds else None
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    agency=agency,
                    domain=domain,
                    region=region,
                    procedure=Procedure.ON_THE_SPOT,
                    state=State.SERVED,
                    number=form_serial,
                    form_serial=form_serial,
                    title=(title or _("当场处罚：%(name)s") % {"name": party_name}).strip(),
                    source="on_the_spot",
                    facts=facts,
                    handler=actor,
                    act_date=act_date,
                    discovered_on=on,
                    lead_on=on,
                    proposed_outcome=Outcome.PENALTY,
                    proposed_kinds=kinds,
                    proposed_amount=fine_or_none,
                    outcome=Outcome.PENALTY,
                    penalty_kinds=kinds,
                    fine_amount=fine_or_none,
                    decided_on=on,
                    served_on=on,
                    service_method=rules.ServiceMethod.ON_THE_SPOT,
                    collected_on_spot=collected,
                    receipt_number=(receipt_number or "").strip() if collected else "",
                    paid_amount=fine if collected else Decimal(0),
                )
        except IntegrityError:
            raise Conflict(
                _("当场处罚决定书编号已经使用（《行政处罚法》第五十二条）。"),
                code="CASE_FORM_SERIAL_USED",
                rule="APL-52",
            ) from None
        case.officers.set(officers)
        CaseViolation.objects.bulk_create([CaseViolation(case=case, violation=v) for v in violations])
        journal_append(actor=actor, action="cases:case:on_the_spot", subject=case)
        _party_save(
            case,
            actor=actor,
            kind=party_kind,
            name=party_name.strip(),
            id_number=id_number,
            birth_date=birth,
            credit_code=credit_code,
            legal_representative=party_legal_representative,
            phone=party_phone,
            address=party_address,
        )
        if collected:
            handover = rules.collection_handover(collected_on=on, is_working=guards.is_working)
            deadline_set(
                case,
                kind="cash_to_agency",
                label=_("当场收缴罚款交至行政机关"),
                rule="APL-68/71",
                started_on=on,
                compute=lambda: handover.to_agency_due,
            )
            deadline_set(
                case,
                kind="cash_to_bank",
                label=_("当场收缴罚款缴付指定银行"),
                rule="APL-68/71",
                started_on=on,
                compute=lambda: handover.to_bank_due,
            )
        elif fine_or_none:
            deadline_set(
                case,
                kind="payment",
                label=_("缴纳罚款期限"),
                rule="APL-67",
                started_on=on,
                compute=lambda: rules.payment_due(served_on=on, is_working=guards.is_working),
            )
        _event(
            case,
            actor=actor,
            action="on_the_spot",
            from_state="",
            to_state=State.SERVED,
            on=on,
            note=facts,
            data=_plain(
                {
                    "form_serial": form_serial,
                    "kinds": kinds,
                    "amount": fine,
                    "officer_ids": sorted(u.pk for u in officers),
                    "collected": collected,
                    "receipt_number": case.receipt_number,
                    "basis": basis,
                    "party_signed": party_signed,
                    "refusal_noted": refusal_noted,
                }
            ),
        )
    return case


# ----------------------------------------------------------------------------- transitions


def _lock(case_id: int) -> Case:
    case = (
        Case.objects.select_for_update()
        .select_related("agency__division", "domain", "region")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("案件不存在或您无权查看。"), code="CASE_NOT_FOUND")
    return case


def case_transition(
    *, actor: Any, case_id: int, action: str, data: dict[str, Any] | None = None, on: dt.date | None = None
) -> Case:
    """Take one step of the table on a case (see ``workflow.TABLE``)."""
    t = workflow.transition_for(action)
    if t is None:
        raise ValidationFailed(
            _("未知的办案操作：%(action)s") % {"action": action}, code="CASE_ACTION_UNKNOWN"
        )
    data = dict(data or {})
    on = on or _today()
    with transaction.atomic():
        case = _lock(case_id)
        if t.scope == "case":
            if not user_has_perm(actor, Perm.CASE_VIEW, case.agency):
                raise NotFound(_("案件不存在或您无权查看。"), code="CASE_NOT_FOUND")
            _require(actor, t.perm, case.agency)
        if t.scope == "assistance":
            # the agency asked for assistance acts on its request without seeing the case
            acting = guards.assistance_of(case, data).to_agency
            if not user_has_perm(actor, Perm.CASE_VIEW, acting):
                raise NotFound(_("协查请求不存在或您无权查看。"), code="CASE_ASSISTANCE_NOT_FOUND")
            _require(actor, t.perm, acting)
        if case.state not in t.sources:
            raise Conflict(
                _("案件当前状态为“%(state)s”，不能“%(action)s”。")
                % {"state": State(case.state).label, "action": t.label},
                code="CASE_STATE_CONFLICT",
                details={"state": case.state, "action": action},
            )
        if (
            t.scope == "case"
            and not t.acts_on
            and case.approvals.filter(
                status=Approval.Status.PENDING, action__in=workflow.BLOCKING_APPROVALS
            ).exists()
        ):
            raise Conflict(_("案件有待审批事项，审批结束前不能办理其他操作。"), code="CASE_APPROVAL_PENDING")
        ctx = guards.GuardContext(case=case, actor=actor, data=data, on=on)
        for guard in t.guards:
            guard(ctx)
        if (
            case.officers_recheck
            and t.scope == "case"
            and t.perm == Perm.CASE_HANDLE
            and not t.action.startswith("recusal")
        ):
            # APL-42 after a recusal or a new officer: the next handling step checks the officers again
            guards.officers_qualified(ctx)
            case.officers_recheck = False
        before = journal_snapshot(case)
        from_state = case.state
        event_action = action
        if t.approval:
            _approval_open(case, actor=actor, action=t.approval, data=data, on=on)
            case.state = t.via
        elif t.acts_on:
            # the old one-step names act at the side approval's current level (guard chain_level)
            decision = "approve" if action == workflow.SIDE_APPROVALS[t.acts_on][0] else "send_back"
            ended = _approval_decide(
                case,
                ctx.cache["approval"],
                actor=actor,
                decision=decision,
                reasons=str(data.get("reason") or ""),
                data=data,
                on=on,
            )
            if not ended:  # an intermediate level: the 大事记 says so, the effect is still to come
                event_action = f"approval_{decision}"
        else:
            EFFECTS.get(action, _no_effect)(case, actor=actor, data=data, on=on)
            if action == "resume":
                case.state, case.resume_state = case.resume_state or State.INVESTIGATING, ""
            elif action == "suspend":
                case.resume_state, case.state = case.state, State.SUSPENDED
            elif t.target is not None:
                case.state = t.target
            if t.opens:
                _approval_open(
                    case, actor=actor, action=t.opens, data=data, on=on, measure_id=data.get("measure_id")
                )
        case.save()
        journal_append(actor=actor, action=f"cases:case:{action}", subject=case, before=before)
        _event(
            case,
            actor=actor,
            action=event_action,
            from_state=from_state,
            to_state=case.state,
            on=on,
            note=str(data.get("reason") or data.get("text") or data.get("conclusion") or ""),
            data=_plain(data),
        )
    return case


def _no_effect(case: Case, **_kw) -> None:
    return None


def _eff_evidence_add(case: Case, *, actor, data, on) -> None:
    kind = data.get("kind") or ""
    if kind not in Evidence.Kind.values:
        raise ValidationFailed(_("证据种类应为法定八类证据之一。"), code="CASE_EVIDENCE_KIND_INVALID")
    if not str(data.get("title") or "").strip():
        raise ValidationFailed(_("请填写证据名称。"), code="CASE_EVIDENCE_TITLE_REQUIRED")
    collected_on = guards._date(guards.GuardContext(case, actor, data, on), "collected_on", default=on)
    if collected_on > on:
        raise ValidationFailed(_("收集日期不能晚于今天。"), code="CASE_DATE_IN_FUTURE")
    ev = Evidence.objects.create(
        case=case,
        kind=kind,
        title=data["title"].strip(),
        collected_on=collected_on,
        collected_by=actor,
        cross_examined=bool(data.get("cross_examined")),
    )
    journal_append(actor=actor, action="cases:evidence:add", subject=ev)


def _eff_evidence_examine(case: Case, *, actor, data, on) -> None:
    ids = {int(i) for i in data.get("evidence_ids") or []}
    rows = list(case.evidence.filter(pk__in=ids))
    if not ids or len(rows) != len(ids):
        raise ValidationFailed(_("请选择本案的证据。"), code="CASE_EVIDENCE_UNKNOWN")
    if not str(data.get("record") or "").strip():
        raise ValidationFailed(
            _("请填写质证笔录摘要（当事人意见）。"), code="CASE_EXAMINATION_RECORD_REQUIRED"
        )
    for ev in rows:
        before = journal_snapshot(ev)
        ev.cross_examined = True
        ev.save(update_fields=["cross_examined"])
        journal_append(actor=actor, action="cases:evidence:examine", subject=ev, before=before)


def _eff_investigation_end(case: Case, *, actor, data, on) -> None:
    if not str(data.get("report") or "").strip():
        raise ValidationFailed(_("请填写调查终结报告。"), code="CASE_REPORT_REQUIRED", rule="APL-57")


def _eff_notice_serve(case: Case, *, actor, data, on) -> None:
    ctx = guards.GuardContext(case=case, actor=actor, data=data, on=on)
    served_on = guards._date(ctx, "served_on")
    amount = (
        _decimal(data.get("amount"), "amount")
        if data.get("amount") not in (None, "")
        else case.proposed_amount
    )
    case.notice_served_on = served_on
    case.notified_amount = amount
    case.proposed_amount = amount
    case.statement_status = ""
    right = guards.hearing_right_of(case, on)
    case.hearing_offered = right.required
    period = profile_value(case.agency, "statement.period", on=on)
    deadline_set(
        case,
        kind="statement",
        label=_("陈述申辩期限"),
        rule="APL-45",
        started_on=served_on,
        compute=lambda: rules.statement_period_end(
            notice_served_on=served_on, period_wd=period, is_working=guards.is_working
        ),
    )
    if right.required:
        deadline_set(
            case,
            kind="hearing_request",
            label=_("听证申请期限"),
            rule="APL-64",
            started_on=served_on,
            compute=lambda: rules.hearing_request_due(
                notice_served_on=served_on, is_working=guards.is_working
            ),
        )


def _eff_statement_record(case: Case, *, actor, data, on) -> None:
    case.statement_status = "waived" if data.get("waived") else "stated"
    deadline_meet(case, "statement", on)


def _eff_hearing_request(case: Case, *, actor, data, on) -> None:
    deadline_meet(case, "hearing_request", on)


def _eff_statement_close(case: Case, *, actor, data, on) -> None:
    deadline_meet(case, "statement", on)
    deadline_meet(case, "hearing_request", on)


def _eff_review_submit(case: Case, *, actor, data, on) -> None:
    from lawtrail.review.services import on_submit  # 法制审核: materials, round, reviewer, time limit

    on_submit(case, actor=actor, data=data, on=on)


def _eff_review_pass(case: Case, *, actor, data, on) -> None:
    from lawtrail.review.services import on_opinion  # 法制审核: closes the round (APL-58)

    on_opinion(case, actor=actor, data=data, on=on, passed=True)
    case.review_passed = True


def _eff_review_send_back(case: Case, *, actor, data, on) -> None:
    from lawtrail.review.services import on_opinion  # 法制审核: closes the round (APL-58)

    on_opinion(case, actor=actor, data=data, on=on, passed=False)
    case.review_passed = False


def _eff_hearing_hold(case: Case, *, actor, data, on) -> None:
    from lawtrail.review.services import route_case  # APL-58(2): a hearing held may require review

    route_case(case, actor=actor, on=on, trigger="hearing", hearing_held=True)


def _eff_deliberate(case: Case, *, actor, data, on) -> None:
    case.deliberated = True


def _eff_decision_serve(case: Case, *, actor, data, on) -> None:
    ctx = guards.GuardContext(case=case, actor=actor, data=data, on=on)
    case.served_on = guards._date(ctx, "served_on", default=on)
    case.service_method = data.get("method") or ""
    case.e_service_consent = bool(data.get("consent") or case.e_service_consent)
    deadline_meet(case, "service", on)
    if case.outcome == Outcome.PENALTY and case.fine_amount:
        served = case.served_on
        deadline_set(
            case,
            kind="payment",
            label=_("缴纳罚款期限"),
            rule="APL-67",
            started_on=served,
            compute=lambda: rules.payment_due(served_on=served, is_working=guards.is_working),
        )


def _eff_payment_record(case: Case, *, actor, data, on) -> None:
    case.paid_amount = (case.paid_amount or Decimal(0)) + _decimal(data.get("amount"), "amount")
    if case.paid_amount >= (case.fine_amount or 0):
        deadline_meet(case, "payment", on)


def _eff_demand_serve(case: Case, *, actor, data, on) -> None:
    ctx = guards.GuardContext(case=case, actor=actor, data=data, on=on)
    case.demand_served_on = guards._date(ctx, "served_on", default=on)
    case.demand_perform_by = guards._date(ctx, "perform_by") if data.get("perform_by") else None


def _eff_close(case: Case, *, actor, data, on) -> None:
    case.closed_on = on
    Deadline.objects.filter(case=case, active=True).update(active=False)


def _eff_archive(case: Case, *, actor, data, on) -> None:
    case.archived_on = on


def _eff_end(case: Case, *, actor, data, on) -> None:
    # a measure's own deadline keeps running: the property is still held (ACL-28)
    Deadline.objects.filter(case=case, active=True).exclude(kind__startswith="measure").update(active=False)
    _extension_close(case, actor=actor, reasons=_("案件已办结，延长办案期限的申请不再审批"))


def _extension_close(case: Case, *, actor, reasons: str) -> None:
    """The decision limit no longer runs (decided, declined, terminated, transferred): a pending
    extension request ends unapproved."""
    for a in case.approvals.select_for_update().filter(status=Approval.Status.PENDING, action="extension"):
        _approval_close(a, actor=actor, reasons=reasons)
    case.extension_requested_days = None


def _eff_on_the_spot_file(case: Case, *, actor, data, on) -> None:
    case.filed_copy_on = on


def _eff_cash_handover(case: Case, *, actor, data, on) -> None:
    ctx = guards.GuardContext(case=case, actor=actor, data=data, on=on)
    handed = guards._date(ctx, "handed_on", default=on)
    if data["to"] == "agency":
        deadline_meet(case, "cash_to_agency", handed)
        h = rules.collection_handover(
            collected_on=case.decided_on, handed_to_agency_on=handed, is_working=guards.is_working
        )
        data["late"] = h.to_agency_late
        deadline_set(
            case,
            kind="cash_to_bank",
            label=_("当场收缴罚款缴付指定银行"),
            rule="APL-68/71",
            started_on=handed,
            compute=lambda: h.to_bank_due,
        )
    else:
        late = Deadline.objects.filter(
            case=case, kind="cash_to_bank", active=True, due_on__lt=handed
        ).exists()
        data["late"] = late
        deadline_meet(case, "cash_to_bank", handed)


# ----------------------------------------------------------------------------- compulsory measures


def _measure_deadline(case: Case, m: Measure) -> None:
    """Store the measure's end: 7 WD to dispose after 先行登记保存 (APL-56), 30 (+30) days for
    查封/扣押/冻结 with testing time excluded (ACL-25/27/28)."""
    testing = [rules.Period(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in m.testing_periods]
    started = timezone.localtime(m.started_at).date()
    preservation = m.kind == Measure.Kind.PRESERVATION
    d = deadline_set(
        case,
        kind=f"measure:{m.pk}",
        label=(
            _("先行登记保存处理决定期限")
            if preservation
            else _("%(kind)s期限（#%(id)s）") % {"kind": m.get_kind_display(), "id": m.pk}
        ),
        rule="APL-56" if preservation else "ACL-25/27/28",
        started_on=started,
        compute=lambda: rules.measure_due(
            kind=m.kind,
            started_on=started,
            is_working=guards.is_working,
            extension_days=m.extended_days,
            testing=testing,
        ),
    )
    m.period_end = d.due_on


def _measure_journal(actor, m: Measure, verb: str, before: dict | None) -> None:
    journal_append(actor=actor, action=f"cases:measure:{verb}", subject=m, before=before)


def _eff_measure_request(case: Case, *, actor, data, on) -> None:
    m = Measure.objects.create(
        case=case,
        kind=data["kind"],
        items=str(data.get("items") or "").strip(),
        reason=str(data.get("reason") or "").strip(),
        requested_by=actor,
        requested_at=timezone.now(),
    )
    data["measure_id"] = m.pk
    _measure_journal(actor, m, "request", None)


def _eff_measure_approve(case: Case, *, actor, data, on) -> None:
    m = Measure.objects.select_for_update().get(pk=data["measure_id"])
    before = journal_snapshot(m)
    m.approver, m.approved_at = actor, timezone.now()
    if m.status == Measure.Status.REQUESTED:
        m.status = Measure.Status.APPROVED
    else:  # ACL-19: the emergency measure's post-approval is done
        deadline_meet(case, f"measure_approval:{m.pk}", on)
    m.save()
    _measure_journal(actor, m, "approve", before)


def _eff_measure_reject(case: Case, *, actor, data, on) -> None:
    m = Measure.objects.select_for_update().get(pk=data["measure_id"])
    before = journal_snapshot(m)
    if m.status == Measure.Status.TAKEN:  # ACL-19: not approved → released at once
        m.status, m.released_on = Measure.Status.RELEASED, on
        m.release_reason = _("紧急实施后未获批准，立即解除：%(r)s") % {"r": data.get("reason")}
        Deadline.objects.filter(case=case, kind__in=[f"measure:{m.pk}", f"measure_approval:{m.pk}"]).update(
            active=False, met_on=on
        )
    else:
        m.status = Measure.Status.REJECTED
    m.approver = actor
    m.save()
    _measure_journal(actor, m, "reject", before)


def _eff_measure_take(case: Case, *, actor, data, on) -> None:
    ctx = guards.GuardContext(case=case, actor=actor, data=data, on=on)
    started = guards._datetime(ctx, "started_at")
    if data.get("measure_id"):
        m = Measure.objects.select_for_update().get(pk=data["measure_id"])
        before = journal_snapshot(m)
    else:
        m = Measure.objects.create(
            case=case,
            kind=data["kind"],
            items=str(data.get("items") or "").strip(),
            reason=str(data.get("reason") or "").strip(),
            requested_by=actor,
            requested_at=timezone.now(),
            emergency=True,
        )
        data["measure_id"] = m.pk
        before = None
    officers = {int(i) for i in data.get("officer_ids") or []} | {actor.pk}
    m.status = Measure.Status.TAKEN
    m.started_at = started
    m.officer_count = len(officers)
    m.onsite_record = str(data.get("onsite_record") or "").strip()
    m.party_present = bool(data.get("party_present"))
    m.party_signed = bool(data.get("party_signed"))
    m.refusal_noted = bool(data.get("refusal_noted"))
    m.witness_name = str(data.get("witness_name") or "").strip()
    if m.items == "" and data.get("items"):
        m.items = str(data["items"]).strip()
    _measure_deadline(case, m)
    if m.emergency:
        due = rules.emergency_approval(taken_at=started, now=started).due_at
        m.approval_due_at = due
        deadline_set(
            case,
            kind=f"measure_approval:{m.pk}",
            label=_("紧急措施补办批准（24小时）"),
            rule="ACL-19",
            started_on=started.date(),
            compute=lambda: timezone.localtime(due).date(),
        )
        if before is None:  # ACL-19: the post-approval runs through the agency's measure chain
            _approval_open(case, actor=actor, action="measure", data=data, on=on, measure_id=m.pk)
    if m.kind == Measure.Kind.FREEZE:
        deadline_set(
            case,
            kind=f"freeze_notice:{m.pk}",
            label=_("交付冻结决定书"),
            rule="ACL-31/32",
            started_on=started.date(),
            compute=lambda: rules.freeze_decision_due(frozen_on=started.date(), is_working=guards.is_working),
        )
    m.save()
    m.officers.set(officers)
    data["period_end"] = str(m.period_end) if m.period_end else None
    _measure_journal(actor, m, "take", before)


def _eff_measure_extend(case: Case, *, actor, data, on) -> None:
    m = Measure.objects.select_for_update().get(pk=data["measure_id"])
    before = journal_snapshot(m)
    m.extended_days = int(data["days"])
    m.extension_reasons = str(data.get("reasons") or "").strip()
    m.extension_notified = True
    m.approver = m.approver or actor
    _measure_deadline(case, m)
    m.save()
    data["period_end"] = str(m.period_end) if m.period_end else None
    _measure_journal(actor, m, "extend", before)


def _eff_measure_testing(case: Case, *, actor, data, on) -> None:
    m = Measure.objects.select_for_update().get(pk=data["measure_id"])
    before = journal_snapshot(m)
    m.testing_periods = [*m.testing_periods, [str(data["start"]), str(data["end"])]]
    _measure_deadline(case, m)
    m.save()
    data["period_end"] = str(m.period_end) if m.period_end else None
    _measure_journal(actor, m, "testing", before)


def _eff_measure_release(case: Case, *, actor, data, on) -> None:
    m = Measure.objects.select_for_update().get(pk=data["measure_id"])
    before = journal_snapshot(m)
    day = guards._date(guards.GuardContext(case, actor, data, on), "released_on", default=on)
    m.status, m.released_on, m.release_reason = Measure.Status.RELEASED, day, str(data.get("reason")).strip()
    m.save()
    Deadline.objects.filter(
        case=case,
        active=True,
        kind__in=[f"measure:{m.pk}", f"measure_approval:{m.pk}", f"freeze_notice:{m.pk}"],
    ).update(active=False, met_on=day)
    for a in m.approvals.select_for_update().filter(status=Approval.Status.PENDING):
        _approval_close(a, actor=actor, reasons=_("措施已解除"))
    _measure_journal(actor, m, "release", before)


def _eff_preservation_dispose(case: Case, *, actor, data, on) -> None:
    m = Measure.objects.select_for_update().get(pk=data["measure_id"])
    before = journal_snapshot(m)
    day = guards._date(guards.GuardContext(case, actor, data, on), "disposed_on", default=on)
    m.status, m.disposed_on, m.disposal = Measure.Status.DISPOSED, day, str(data.get("disposal")).strip()
    m.save()
    deadline_meet(case, f"measure:{m.pk}", day)
    _measure_journal(actor, m, "dispose", before)


# ----------------------------------------------------------------------------- decision limit (APL-60)


def _eff_extension_request(case: Case, *, actor, data, on) -> None:
    case.extension_requested_days = int(data["days"])


def _eff_extension_approve(case: Case, *, actor, data, on) -> None:
    days = case.extension_requested_days or 0
    data["days"] = days  # the event ``extension_approve`` carries the days (read by _decision_deadline)
    case.extension_requested_days = None
    data["due_on"] = _iso(_decision_deadline(case, extra_extension=days).due_on)


def _eff_extension_reject(case: Case, *, actor, data, on) -> None:
    data["days"] = 0
    data["requested_days"] = case.extension_requested_days
    case.extension_requested_days = None


def _period_open(case: Case, *, actor, purpose: str, kind: str, start: dt.date, reason: str) -> CasePeriod:
    p = CasePeriod.objects.create(
        case=case, purpose=purpose, kind=kind, start=start, reason=reason[:2000], opened_by=actor
    )
    journal_append(actor=actor, action="cases:period:open", subject=p)
    return p


def _period_close(p: CasePeriod, *, actor, end: dt.date) -> None:
    before = journal_snapshot(p)
    if end < p.start:  # ended on the day it began: nothing was excluded
        journal_append(actor=actor, action="cases:period:cancel", subject=p, before=before)
        p.delete()
        return
    p.end = end
    p.save(update_fields=["end"])
    journal_append(actor=actor, action="cases:period:close", subject=p, before=before)


def _eff_exclusion_start(case: Case, *, actor, data, on) -> None:
    start = guards._date(guards.GuardContext(case, actor, data, on), "start", default=on)
    p = _period_open(
        case,
        actor=actor,
        purpose=CasePeriod.Purpose.DECISION,
        kind=data["kind"],
        start=start,
        reason=str(data.get("reason") or ""),
    )
    data["period_id"] = p.pk
    _decision_deadline(case)


def _eff_exclusion_end(case: Case, *, actor, data, on) -> None:
    p = guards.open_exclusion(guards.GuardContext(case, actor, data, on))
    end = guards._date(guards.GuardContext(case, actor, data, on), "end", default=on)
    _period_close(p, actor=actor, end=end)
    data["period_id"] = p.pk
    data["due_on"] = _iso(_decision_deadline(case).due_on)


# ----------------------------------------------------------------------------- recusal (APL-43)


def _eff_hearing_schedule(case: Case, *, actor, data, on) -> None:
    case.hearing_host_id = int(data["host_id"])


def _eff_recusal_request(case: Case, *, actor, data, on) -> None:
    r = Recusal.objects.create(
        case=case,
        account_id=int(data["account_id"]),
        role=data["role"],
        by_party=bool(data["by_party"]),  # settled by the guard
        reason=str(data.get("reason") or "").strip(),
        requested_by=actor,
        requested_on=on,
    )
    data["recusal_id"] = r.pk
    journal_append(actor=actor, action="cases:recusal:request", subject=r)


def _eff_recusal_decide(case: Case, *, actor, data, on) -> None:
    r = Recusal.objects.select_for_update().get(pk=data["recusal_id"])
    before = journal_snapshot(r)
    granted = bool(data.get("granted"))
    r.status = Recusal.Status.GRANTED if granted else Recusal.Status.REFUSED
    r.decided_by, r.decided_on = actor, on
    r.decision_note = str(data.get("note") or "").strip()
    replacement = int(data["replacement_id"]) if data.get("replacement_id") and granted else None
    r.replacement_id = replacement
    r.save()
    journal_append(actor=actor, action="cases:recusal:decide", subject=r, before=before)
    if not granted:
        return
    data["account_id"], data["role"] = r.account_id, r.role
    if r.role == Recusal.Role.OFFICER or r.account_id in case.officers.values_list("id", flat=True):
        case.officers.remove(r.account_id)
        case.officers_recheck = True  # APL-42 checked again on the next handling step
    if r.account_id == case.handler_id:
        case.handler_id = replacement
    if replacement:
        case.officers.add(replacement)
    if r.role == Recusal.Role.HOST and case.hearing_host_id == r.account_id:
        case.hearing_host_id = None


def _eff_officer_assign(case: Case, *, actor, data, on) -> None:
    case.officers.add(int(data["officer_id"]))
    case.officers_recheck = True


# ----------------------------------------------------------------------------- suspension (APL-60)


def _eff_suspend(case: Case, *, actor, data, on) -> None:
    start = guards.suspension_start(case, on)
    if start is None:
        return
    p = _period_open(
        case,
        actor=actor,
        purpose=CasePeriod.Purpose.DECISION,
        kind=rules.SUSPENSION_KIND,
        start=start,
        reason=str(data.get("reason") or ""),
    )
    data["period_id"] = p.pk
    _decision_deadline(case)


def _eff_resume(case: Case, *, actor, data, on) -> None:
    p = case.periods.filter(
        purpose=CasePeriod.Purpose.DECISION, kind=rules.SUSPENSION_KIND, end__isnull=True
    ).first()
    if p is None:
        return
    _period_close(p, actor=actor, end=on - dt.timedelta(days=1))  # the day of resumption counts again
    data["due_on"] = _iso(_decision_deadline(case).due_on)


# ----------------------------------------------------------------------------- payment and enforcement


def _eff_payment_defer(case: Case, *, actor, data, on) -> None:
    ctx = guards.GuardContext(case=case, actor=actor, data=data, on=on)
    guards.payment_defer_valid(ctx)  # recomputed here: the plan the guard accepted
    deferral: rules.Deferral = ctx.cache["deferral"]
    case.payment_deferred_to = deferral.due
    case.instalments = [[d.isoformat(), str(a)] for d, a in deferral.instalments]
    deadline_set(
        case,
        kind="payment",
        label=_("缴纳罚款期限（暂缓/分期）"),
        rule="APL-66/67",
        started_on=on,
        compute=lambda: deferral.due,
    )
    for n, (day, amount) in enumerate(deferral.instalments, start=1):
        deadline_set(
            case,
            kind=f"instalment:{n}",
            label=_("第%(n)s期缴款（%(amount)s元）") % {"n": n, "amount": amount},
            rule="APL-66/67",
            started_on=on,
            compute=lambda day=day: day,
        )
    data["due_on"] = deferral.due.isoformat()


def _eff_remedy_start(case: Case, *, actor, data, on) -> None:
    start = guards._date(guards.GuardContext(case, actor, data, on), "start", default=on)
    p = _period_open(
        case,
        actor=actor,
        purpose=CasePeriod.Purpose.SURCHARGE,
        kind=data["kind"],
        start=start,
        reason=str(data.get("reason") or ""),
    )
    data["period_id"] = p.pk


def _eff_remedy_end(case: Case, *, actor, data, on) -> None:
    ctx = guards.GuardContext(case, actor, data, on)
    p = guards.open_remedy(ctx)
    _period_close(p, actor=actor, end=guards._date(ctx, "end", default=on))
    data["period_id"] = p.pk


def _eff_enforcement_decide(case: Case, *, actor, data, on) -> None:
    ctx = guards.GuardContext(case, actor, data, on)
    case.enforcement_decided_on = guards._date(ctx, "decided_on", default=on)
    fine_left, extra = guards.owed(case, case.enforcement_decided_on)
    data["fine_owed"], data["surcharge"] = str(fine_left), str(extra)


def _eff_court_apply(case: Case, *, actor, data, on) -> None:
    case.court_applied_on = guards._date(guards.GuardContext(case, actor, data, on), "applied_on", default=on)


# ----------------------------------------------------------------------------- transfer and assistance


def _eff_transfer(case: Case, *, actor, data, on) -> None:
    _eff_end(case, actor=actor, data=data, on=on)
    judicial = bool(data.get("judicial"))
    t = Transfer.objects.create(
        case=case,
        to_agency_id=None if judicial else (int(data["to_agency_id"]) if data.get("to_agency_id") else None),
        to_organ=str(data.get("to_organ") or "").strip(),
        judicial=judicial,
        reason=str(data.get("reason") or "").strip(),
        sent_on=on,
        sent_by=actor,
    )
    if judicial:  # APL-57(四): 违法行为涉嫌犯罪的，移送司法机关
        case.outcome = Outcome.TRANSFERRED
    data["transfer_id"] = t.pk
    journal_append(actor=actor, action="cases:transfer:send", subject=t)


def transfer_accept(*, actor: Any, transfer_id: int, on: dt.date | None = None) -> Case:
    """移送受理: the receiving agency registers the transferred matter as its own lead (线索), with the
    parties and facts of the sending agency's case, its source "移送" and a link both ways.

    The receiver cannot read the sending agency's case; what it needs travels with the transfer.
    """
    on = on or _today()
    with transaction.atomic():
        t = (
            Transfer.objects.select_for_update()
            .select_related("case__domain", "case__region", "to_agency__division")
            .filter(pk=transfer_id, judicial=False, to_agency__isnull=False)
            .first()
        )
        if t is None or not user_has_perm(actor, Perm.CASE_VIEW, t.to_agency):
            raise NotFound(_("移送记录不存在或您无权查看。"), code="TRANSFER_NOT_FOUND")
        if t.accepted_case_id:
            raise Conflict(_("该移送已经受理（线索已登记）。"), code="TRANSFER_ALREADY_ACCEPTED")
        source = t.case
        agency = t.to_agency
        domain = (
            source.domain if agency.domains.filter(pk=source.domain_id).exists() else agency.domains.first()
        )
        if domain is None:
            raise ValidationFailed(_("接收机关未登记执法领域，无法受理。"), code="TRANSFER_NO_DOMAIN")
        region = source.region if source.region.path.startswith(agency.division.path) else agency.division
        lead = case_create(
            actor=actor,
            agency=agency,
            domain=domain,
            region=region,
            title=source.title,
            lead_on=on,
            source=str(_("移送（%(agency)s）") % {"agency": source.agency.name})[:32],
            facts=source.facts + ("\n" if source.facts else "") + str(_("移送理由：")) + t.reason,
            act_date=source.act_date,
            act_end_date=source.act_end_date,
            discovered_on=on,
        )
        for party in source.parties.all():
            _party_save(lead, actor=actor, **{f: getattr(party, f) for f in PARTY_FIELDS})
        before = journal_snapshot(t)
        t.accepted_case, t.accepted_on = lead, on
        t.save(update_fields=["accepted_case", "accepted_on"])
        journal_append(actor=actor, action="cases:transfer:accept", subject=t, before=before)
        _event(
            source,
            actor=actor,
            action="transfer_accepted",
            from_state=source.state,
            to_state=source.state,
            on=on,
            note=str(_("%(agency)s已受理移送") % {"agency": agency.name}),
            data={"transfer_id": t.pk},
        )
    return lead


def _eff_transfer_receipt(case: Case, *, actor, data, on) -> None:
    t = Transfer.objects.select_for_update().filter(case=case).order_by("-id").first()
    before = journal_snapshot(t)
    t.receipt_on = guards._date(guards.GuardContext(case, actor, data, on), "receipt_on", default=on)
    t.receipt_number = str(data.get("receipt_number") or "").strip()
    t.save(update_fields=["receipt_on", "receipt_number"])
    journal_append(actor=actor, action="cases:transfer:receipt", subject=t, before=before)


def _eff_assistance_request(case: Case, *, actor, data, on) -> None:
    a = Assistance.objects.create(
        case=case,
        to_agency_id=int(data["to_agency_id"]),
        request=str(data.get("request") or "").strip(),
        requested_on=on,
        requested_by=actor,
    )
    data["assistance_id"] = a.pk
    journal_append(actor=actor, action="cases:assistance:request", subject=a)


def _eff_assistance_reply(case: Case, *, actor, data, on) -> None:
    a = Assistance.objects.select_for_update().get(pk=int(data["assistance_id"]))
    before = journal_snapshot(a)
    a.reply, a.replied_on, a.replied_by = str(data.get("reply") or "").strip(), on, actor
    a.save(update_fields=["reply", "replied_on", "replied_by"])
    journal_append(actor=actor, action="cases:assistance:reply", subject=a, before=before)


EFFECTS: dict[str, Callable[..., None]] = {
    "transfer_receipt": _eff_transfer_receipt,
    "assistance_request": _eff_assistance_request,
    "assistance_reply": _eff_assistance_reply,
    "payment_defer": _eff_payment_defer,
    "remedy_start": _eff_remedy_start,
    "remedy_end": _eff_remedy_end,
    "enforcement_decide": _eff_enforcement_decide,
    "court_apply": _eff_court_apply,
    "suspend": _eff_suspend,
    "resume": _eff_resume,
    "hearing_schedule": _eff_hearing_schedule,
    "hearing_hold": _eff_hearing_hold,
    "review_submit": _eff_review_submit,
    "recusal_request": _eff_recusal_request,
    "recusal_decide": _eff_recusal_decide,
    "officer_assign": _eff_officer_assign,
    "extension_request": _eff_extension_request,
    "extension_approve": _eff_extension_approve,
    "extension_reject": _eff_extension_reject,
    "exclusion_start": _eff_exclusion_start,
    "exclusion_end": _eff_exclusion_end,
    "measure_request": _eff_measure_request,
    "measure_approve": _eff_measure_approve,
    "measure_reject": _eff_measure_reject,
    "measure_take": _eff_measure_take,
    "measure_extend": _eff_measure_extend,
    "measure_testing": _eff_measure_testing,
    "measure_release": _eff_measure_release,
    "preservation_dispose": _eff_preservation_dispose,
    "on_the_spot_file": _eff_on_the_spot_file,
    "cash_handover": _eff_cash_handover,
    "evidence_add": _eff_evidence_add,
    "evidence_examine": _eff_evidence_examine,
    "investigation_end": _eff_investigation_end,
    "notice_serve": _eff_notice_serve,
    "statement_record": _eff_statement_record,
    "hearing_request": _eff_hearing_request,
    "statement_close": _eff_statement_close,
    "review_pass": _eff_review_pass,
    "review_send_back": _eff_review_send_back,
    "deliberate": _eff_deliberate,
    "decision_serve": _eff_decision_serve,
    "payment_record": _eff_payment_record,
    "demand_serve": _eff_demand_serve,
    "close": _eff_close,
    "archive": _eff_archive,
    "decline": _eff_end,
    "terminate": _eff_end,
    "transfer": _eff_transfer,
}


# ----------------------------------------------------------------------------- approvals


def approval_chain_for(agency: Agency, action: str) -> list[str]:
    chain = ApprovalChain.objects.filter(agency=agency, action=action).first()
    return list(chain.levels) if chain else list(workflow.DEFAULT_CHAINS[action])


def approval_chain_set(*, actor: Any, agency: Agency, action: str, levels: list[str]) -> ApprovalChain:
    """Configure the agency's chain for one approval action (e.g. 承办机构负责人 → 主要负责人).
    The chains of extensions and measures end with the head (``rules.side_chain_check``)."""
    _require(actor, Perm.CASE_CONFIGURE, agency)
    if action not in workflow.DEFAULT_CHAINS:
        raise ValidationFailed(_("未知的审批事项。"), code="APPROVAL_ACTION_UNKNOWN")
    if not levels or any(level not in APPROVER_ROLES for level in levels) or len(set(levels)) != len(levels):
        raise ValidationFailed(
            _("审批层级须为不重复的审批角色（承办机构负责人、分管领导、主要负责人）。"),
            code="APPROVAL_CHAIN_INVALID",
        )
    rules.side_chain_check(action=action, levels=list(levels))
    with transaction.atomic():
        chain, _created = ApprovalChain.objects.select_for_update().get_or_create(
            agency=agency, action=action
        )
        before = None if _created else journal_snapshot(chain)
        chain.levels = levels
        chain.save()
        journal_append(actor=actor, action="cases:approval_chain:set", subject=chain, before=before)
    return chain


def _approval_open(
    case: Case, *, actor, action: str, data: dict, on: dt.date, measure_id: int | None = None
) -> Approval:
    """Submit ``data`` to the agency's chain for ``action`` (the chain in force now is copied)."""
    payload = _plain({k: v for k, v in data.items() if k != "approval_id"})
    payload["_on"] = on.isoformat()
    approval = Approval.objects.create(
        case=case,
        action=action,
        levels=approval_chain_for(case.agency, action),
        level=0,
        submitted_by=actor,
        submitted_at=timezone.now(),
        payload=payload,
        measure_id=measure_id,
    )
    journal_append(actor=actor, action="cases:approval:submit", subject=approval)
    data["approval_id"] = approval.pk
    return approval


def _approval_close(approval: Approval, *, actor, reasons: str) -> None:
    """End a side approval whose subject is gone (measure released, decision limit over)."""
    before = journal_snapshot(approval)
    ApprovalStep.objects.create(
        approval=approval,
        level=approval.level,
        decision="close",
        actor=actor,
        at=timezone.now(),
        reasons=reasons,
    )
    approval.status = Approval.Status.WITHDRAWN
    approval.save()
    journal_append(actor=actor, action="cases:approval:close", subject=approval, before=before)


def _pending(case: Case, approval_id: int | None = None) -> Approval:
    """The pending approval to act on: ``approval_id``, or the only one (several: it must be named)."""
    qs = case.approvals.select_for_update().filter(status=Approval.Status.PENDING).order_by("id")
    if approval_id is not None:
        approval = qs.filter(pk=approval_id).first()
    else:
        rows = list(qs[:2])
        if len(rows) > 1:
            raise ValidationFailed(
                _("案件有多项待审批事项，请指明要办理的审批（approval_id）。"),
                code="APPROVAL_ID_REQUIRED",
                details={"approval_ids": list(qs.values_list("pk", flat=True))},
            )
        approval = rows[0] if rows else None
    if approval is None:
        raise Conflict(_("案件没有待审批事项，可能已被他人处理。"), code="APPROVAL_NOT_PENDING")
    return approval


def _holds_level(actor: Any, agency: Agency, role: str) -> bool:
    return RoleGrant.objects.filter(user=actor, role=role, agency=agency).exists()


def _side_approve_check(case: Case, approval: Approval, *, actor, on: dt.date) -> None:
    """Each level of a side approval approves only what may still be approved: the approve row's
    states and guards (the measure still awaits approval, within 24 hours for an emergency one —
    ACL-19; the extension is asked before the limit ends — APL-60). The level is checked apart."""
    t = workflow.transition_for(workflow.SIDE_APPROVALS[approval.action][0])
    if case.state not in t.sources:
        raise Conflict(
            _("案件当前状态为“%(state)s”，不能“%(action)s”。")
            % {"state": State(case.state).label, "action": t.label},
            code="CASE_STATE_CONFLICT",
            details={"state": case.state, "action": t.action},
        )
    ctx = guards.GuardContext(case=case, actor=actor, data={"measure_id": approval.measure_id}, on=on)
    for guard in t.guards:
        if not getattr(guard, "chain_level", False):
            guard(ctx)


def _approval_decide(
    case: Case,
    approval: Approval,
    *,
    actor: Any,
    decision: str,
    reasons: str = "",
    to: str = "handler",
    assignee_id: int | None = None,
    data: dict[str, Any],
    on: dt.date,
) -> bool:
    """One decision on a locked case's pending approval; True when the approval ended. A blocking
    approval moves the case (target or back to the source); a side approval applies its approve
    row's effect at the last level, and its reject row's effect when sent back or withdrawn.
    ``data`` receives what the event records (approval, level, role and the effect's data)."""
    acting_level = approval.level  # the step records the level it acted at
    role = approval.levels[acting_level]
    before_ap = journal_snapshot(approval)
    side = workflow.SIDE_APPROVALS.get(approval.action)
    t = None if side else next(t for t in workflow.TABLE if t.approval == approval.action)
    if side:
        data.setdefault("reason", reasons)
        if approval.measure_id:
            data["measure_id"] = approval.measure_id
    ended = False
    if decision == "withdraw":
        if actor.pk != approval.submitted_by_id:
            raise PermissionDenied(_("只有提交人可以取回。"), code="APPROVAL_WITHDRAW_NOT_SUBMITTER")
        if approval.steps.exists():
            raise Conflict(_("审批人已经办理，不能取回。"), code="APPROVAL_ALREADY_ACTED")
        if side and approval.measure_id and approval.measure.status == Measure.Status.TAKEN:
            raise Conflict(
                _(
                    "紧急实施的强制措施须在24小时内补办批准，不能取回；不再需要的，应当立即解除（《行政强制法》第十九条）。"
                ),
                code="MEASURE_POST_APPROVAL_NO_WITHDRAW",
                rule="ACL-19",
            )
        approval.status, ended = Approval.Status.WITHDRAWN, True
        if side:
            EFFECTS[side[1]](case, actor=actor, data=data, on=on)
        else:
            case.state = t.sources[0]
    else:
        if not _holds_level(actor, case.agency, role):
            raise PermissionDenied(
                _("该审批事项当前由“%(role)s”办理。") % {"role": Role(role).label},
                code="APPROVAL_NOT_YOUR_LEVEL",
            )
        if approval.assignee_id and approval.assignee_id != actor.pk:
            raise PermissionDenied(_("该审批事项已指派给其他审批人。"), code="APPROVAL_ASSIGNED_TO_OTHER")
        if actor.pk == approval.submitted_by_id:
            raise PermissionDenied(_("不能审批本人提交的事项。"), code="APPROVAL_SELF")
        if decision == "approve":
            if approval.level + 1 < len(approval.levels):
                approval.level += 1
                approval.assignee = None
            else:
                approval.status, ended = Approval.Status.APPROVED, True
                if side:
                    EFFECTS[side[0]](case, actor=actor, data=data, on=on)
                else:
                    override = APPROVAL_EFFECTS[approval.action](case, approval=approval, actor=actor, on=on)
                    case.state = override or t.target
        elif decision == "send_back":
            if not reasons.strip():
                raise ValidationFailed(_("退回须写明理由。"), code="REASON_REQUIRED")
            if to == "previous" and approval.level > 0:
                approval.level -= 1
                approval.assignee = None
            else:
                approval.status, ended = Approval.Status.SENT_BACK, True
                if side:  # the request ends as a refusal does (ACL-19: an emergency measure is released)
                    EFFECTS[side[1]](case, actor=actor, data=data, on=on)
                else:
                    case.state = t.sources[0]
        elif decision == "reassign":
            target = Staff.objects.filter(user_id=assignee_id, agency=case.agency).first()
            if target is None or not _holds_level(target.user, case.agency, role):
                raise ValidationFailed(
                    _("改派对象须为本机关同一审批层级的人员。"), code="APPROVAL_REASSIGN_INVALID"
                )
            approval.assignee_id = assignee_id
        else:
            raise ValidationFailed(_("未知的审批操作。"), code="APPROVAL_DECISION_UNKNOWN")
    ApprovalStep.objects.create(
        approval=approval,
        level=acting_level,
        decision=decision,
        actor=actor,
        at=timezone.now(),
        reasons=reasons,
    )
    approval.save()
    journal_append(actor=actor, action=f"cases:approval:{decision}", subject=approval, before=before_ap)
    data.update(approval=approval.action, approval_id=approval.pk, level=approval.level, role=role)
    return ended


def approval_act(
    *,
    actor: Any,
    case_id: int,
    decision: str,
    reasons: str = "",
    to: str = "handler",
    assignee_id: int | None = None,
    expected_level: int | None = None,
    approval_id: int | None = None,
    on: dt.date | None = None,
) -> Case:
    """Act on a pending approval of the case: ``approve``, ``send_back`` (to the previous level or
    to the handler, with reasons), ``withdraw`` (取回, by the submitter before the next level acts)
    or ``reassign`` (改派 the current level to another approver of that level). ``approval_id``
    names the approval when the case has several pending (an extension or a measure beside the
    case's own approval); without it the only pending one is meant."""
    on = on or _today()
    with transaction.atomic():
        case = _lock(case_id)
        if not user_has_perm(actor, Perm.CASE_VIEW, case.agency):
            raise NotFound(_("案件不存在或您无权查看。"), code="CASE_NOT_FOUND")
        approval = _pending(case, approval_id)
        if expected_level is not None and expected_level != approval.level:
            raise Conflict(_("审批已被他人处理，请刷新后重试。"), code="APPROVAL_STALE")
        if decision == "approve" and approval.action in workflow.SIDE_APPROVALS:
            _side_approve_check(case, approval, actor=actor, on=on)
        before_case = journal_snapshot(case)
        data: dict[str, Any] = {}
        _approval_decide(
            case,
            approval,
            actor=actor,
            decision=decision,
            reasons=reasons,
            to=to,
            assignee_id=assignee_id,
            data=data,
            on=on,
        )
        case.save()
        journal_append(
            actor=actor, action=f"cases:case:approval_{decision}", subject=case, before=before_case
        )
        data.pop("reason", None)
        _event(
            case,
            actor=actor,
            action=f"approval_{decision}",
            from_state=before_case["state"],
            to_state=case.state,
            on=on,
            note=reasons,
            data=_plain(data),
        )
    return case


def _ap_filing(case: Case, *, approval: Approval, actor, on: dt.date) -> None:
    year = on.year
    case.year, case.seq = year, case_number_next(agency=case.agency, year=year)
    case.number = case_number_format(case.agency, year, case.seq, on)
    case.filed_on = on
    _decision_deadline(case)


def _ap_proposal(case: Case, *, approval: Approval, actor, on: dt.date) -> State | None:
    p = approval.payload
    case.proposed_outcome = p.get("outcome", "")
    case.proposed_kinds = p.get("kinds") or []
    case.proposed_amount = _decimal(p.get("amount"), "amount")
    case.benchmark_tier = p.get("tier", "")
    case.tier_deviation_reason = p.get("deviation_reason", "")
    case.review_required = case.review_required or bool(p.get("review_required"))
    from lawtrail.review.services import route_case  # APL-58, G118-12: match the 目录清单

    route_case(case, actor=actor, on=on, trigger="proposal")
    # APL-44: only a proposed penalty is notified; the other outcomes go straight to the decision
    return None if case.proposed_outcome == Outcome.PENALTY else State.READY


def _ap_decision(case: Case, *, approval: Approval, actor, on: dt.date) -> None:
    p = approval.payload
    if p.get("amount") not in (None, ""):  # lowered after 复核 (the guard refused any increase)
        case.proposed_amount = _decimal(p["amount"], "amount")
    if p.get("kinds"):
        case.proposed_kinds = list(p["kinds"])
    case.outcome = case.proposed_outcome
    case.penalty_kinds = case.proposed_kinds
    case.fine_amount = case.proposed_amount if case.outcome == Outcome.PENALTY else None
    case.decided_on = on
    for p in case.periods.filter(purpose=CasePeriod.Purpose.DECISION, end__isnull=True):
        _period_close(p, actor=actor, end=on - dt.timedelta(days=1))  # the decision ends every pause
    deadline_meet(case, "decision", on)
    _extension_close(case, actor=actor, reasons=_("已作出处罚决定，延长办案期限的申请不再审批"))
    deadline_set(
        case,
        kind="service",
        label=_("送达处罚决定书期限"),
        rule="APL-61",
        started_on=on,
        compute=lambda: rules.service_due(decided_on=on, is_working=guards.is_working),
    )


APPROVAL_EFFECTS = {"filing": _ap_filing, "proposal": _ap_proposal, "decision": _ap_decision}
