"""Intake: what starts a case — a lead registered (线索登记), a decision made on the spot (简易程序),
a matter transferred from another agency accepted (移送受理) — and the parties of a case.

Each is one transaction with its journal entries and the case's first event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.errors import Conflict, NotFound, ValidationFailed
from lawtrail.core.inputs import date_plausible
from lawtrail.core.journal.services import journal_append, journal_append_many, journal_snapshot
from lawtrail.core.permissions import Perm
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry import rules as registry_rules
from lawtrail.registry.models import Agency, Division, Domain, Staff, Violation
from lawtrail.registry.selectors import user_has_perm

from . import guards, inputs, rules, workflow
from .deadlines import deadline_set
from .engine import _event, plain, require
from .journal_actions import CaseJournal
from .models import Case, CaseViolation, Outcome, Party, Procedure, State, Transfer
from .tags import EventTag


def _today() -> dt.date:
    return timezone.localdate()


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
    require(actor, Perm.CASE_HANDLE, agency)
    if not str(title).strip():
        raise ValidationFailed(_("请填写案由。"), code="CASE_TITLE_REQUIRED")
    _dates_plausible(
        lead_on=lead_on, act_date=act_date, act_end_date=act_end_date, discovered_on=discovered_on
    )
    rules.lead_dates_check(
        act_date=act_date, act_end_date=act_end_date, discovered_on=discovered_on, today=_today()
    )
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
        _violations_add(case, actor=actor, violations=violations)
        journal_append(actor=actor, action=CaseJournal.CASE_REGISTER, subject=case)
        # APL-54/55: decide whether to file within the profile's time (filing.sla working days)
        deadline_set(
            case,
            kind="filing",
            label=_("立案期限"),
            rule="APL-54/55",
            started_on=case.lead_on,
            recipe="filing",
            args={
                "lead_on": case.lead_on.isoformat(),
                "sla": int(profile_value(agency, "filing.sla", on=case.lead_on)),
            },
        )
        _event(
            case,
            actor=actor,
            action="register",
            tag=EventTag.LEAD_REGISTERED,
            from_state="",
            to_state=State.LEAD,
            on=case.lead_on,
            note=title,
        )
    return case


def _violations_add(case: Case, *, actor: Any, violations: list[Violation]) -> None:
    rows = CaseViolation.objects.bulk_create([CaseViolation(case=case, violation=v) for v in violations])
    if any(r.pk is None for r in rows):  # a backend that returns no ids from bulk inserts
        rows = list(CaseViolation.objects.filter(case=case))
    journal_append_many(actor=actor, action=CaseJournal.VIOLATION_ADD, subjects=rows)


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
    require(actor, Perm.CASE_HANDLE, case.agency)
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


def _lead_locked(actor: Any, case_id: int) -> Case:
    """The lead, locked for an edit: only while it is a lead, by someone who may handle it."""
    case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).select_related("agency").first()
    if case is None:
        raise NotFound(_("案件不存在或您无权查看。"), code="CASE_NOT_FOUND")
    require(actor, Perm.CASE_HANDLE, case.agency)
    if case.state != State.LEAD:
        raise Conflict(
            _("案件已立案，承办人员、当事人、违法行为和违法事实不能再在线索登记中修改。"),
            code="CASE_NOT_LEAD",
        )
    return case


_LEAD_DATE_LABELS = {
    "lead_on": _("线索登记日"),
    "act_date": _("违法行为发生日"),
    "act_end_date": _("违法行为终了日"),
    "discovered_on": _("发现日期"),
}


def _dates_plausible(**dates: dt.date | None) -> None:
    """No date of a lead outside the plausible window (0001-01-01 is a typing error, not an act)."""
    for name, value in dates.items():
        date_plausible(value, label=str(_LEAD_DATE_LABELS[name]))


def lead_update(
    *,
    actor: Any,
    case_id: int,
    title: str | None = None,
    facts: str | None = None,
    officer_ids: Iterable[int] | None = None,
    violation_ids: Iterable[int] | None = None,
    act_date: dt.date | None = None,
    act_end_date: dt.date | None = None,
    discovered_on: dt.date | None = None,
) -> Case:
    """Edit a lead before filing (线索阶段): its 案由, facts, dates, co-officers and violations. The handler
    stays an officer; officers are active staff of the agency (APL-42 itself is checked when the
    lead is submitted for filing, as before). Fields left None are unchanged."""
    with transaction.atomic():
        case = _lead_locked(actor, case_id)
        before = journal_snapshot(case)
        if title is not None:
            if not str(title).strip():
                raise ValidationFailed(_("请填写案由。"), code="CASE_TITLE_REQUIRED")
            case.title = title.strip()
        if facts is not None:
            case.facts = facts
        if act_date or act_end_date or discovered_on:
            _dates_plausible(act_date=act_date, act_end_date=act_end_date, discovered_on=discovered_on)
            case.act_date = act_date or case.act_date
            case.act_end_date = act_end_date or case.act_end_date
            case.discovered_on = discovered_on or case.discovered_on
            rules.lead_dates_check(
                act_date=case.act_date,
                act_end_date=case.act_end_date,
                discovered_on=case.discovered_on,
                today=_today(),
            )
        if officer_ids is not None:
            ids = {int(i) for i in officer_ids} | {case.handler_id}
            staff_users = set(
                Staff.objects.filter(agency=case.agency, user_id__in=ids, is_active=True).values_list(
                    "user_id", flat=True
                )
            )
            if staff_users != ids:
                raise ValidationFailed(
                    _("承办人员须为本机关在岗工作人员的账号。"), code="CASE_OFFICER_NOT_STAFF"
                )
            old = set(case.officers.values_list("id", flat=True))
            if old != ids:
                case.officers.set(ids)
                case.officers_recheck = True
        if violation_ids is not None:
            wanted = {int(i) for i in violation_ids}
            violations = list(Violation.objects.filter(pk__in=wanted))
            if len(violations) != len(wanted):
                raise ValidationFailed(_("违法行为不存在。"), code="CASE_VIOLATION_UNKNOWN")
            current = {cv.violation_id: cv for cv in CaseViolation.objects.filter(case=case)}
            for vid, cv in current.items():
                if vid not in wanted:
                    snap = journal_snapshot(cv)
                    cv_pk = cv.pk
                    cv.delete()
                    cv.pk = cv_pk
                    journal_append(
                        actor=actor,
                        action=CaseJournal.VIOLATION_REMOVE,
                        subject=cv,
                        before=snap,
                        deleted=True,
                    )
            _violations_add(case, actor=actor, violations=[v for v in violations if v.pk not in current])
        case.save()
        journal_append(actor=actor, action=CaseJournal.LEAD_UPDATE, subject=case, before=before)
    return case


def party_update(*, actor: Any, case_id: int, party_id: int, **fields: Any) -> Party:
    """Correct a party of a lead (线索阶段): identity checked as when it was added."""
    with transaction.atomic():
        case = _lead_locked(actor, case_id)
        party = Party.objects.select_for_update().filter(pk=party_id, case=case).first()
        if party is None:
            raise NotFound(_("当事人不存在或您无权查看。"), code="PARTY_NOT_FOUND")
        kind = fields.get("kind") or party.kind
        id_number, credit_code, birth = _party_identity(
            kind, fields.get("name", ""), fields.get("id_number", ""), fields.get("credit_code", "")
        )
        before = journal_snapshot(party)
        party.kind, party.name = kind, fields.get("name", "").strip()
        party.id_number, party.credit_code, party.birth_date = id_number, credit_code, birth
        for name in ("legal_representative", "phone", "address"):
            setattr(party, name, fields.get(name, "") or "")
        party.save()
        journal_append(actor=actor, action=CaseJournal.PARTY_UPDATE, subject=party, before=before)
    return party


def party_remove(*, actor: Any, case_id: int, party_id: int) -> None:
    """Remove a party registered by mistake, while the case is a lead."""
    with transaction.atomic():
        case = _lead_locked(actor, case_id)
        party = Party.objects.select_for_update().filter(pk=party_id, case=case).first()
        if party is None:
            raise NotFound(_("当事人不存在或您无权查看。"), code="PARTY_NOT_FOUND")
        before = journal_snapshot(party)
        pk = party.pk
        party.delete()
        party.pk = pk
        journal_append(
            actor=actor, action=CaseJournal.PARTY_REMOVE, subject=party, before=before, deleted=True
        )


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
    journal_append(actor=actor, action=CaseJournal.PARTY_ADD, subject=party)
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
    tier: str = "",
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
    require(actor, Perm.CASE_HANDLE, agency)
    kinds = [str(k) for k in kinds]
    fine = inputs.parse_amount(amount, "amount") or Decimal(0)
    rules.on_the_spot_form_check(
        credentials_shown=credentials_shown,
        form_serial=str(form_serial or ""),
        party_signed=party_signed,
        refusal_noted=refusal_noted,
    )
    rules.on_the_spot_grounds_check(
        facts=str(facts), basis=str(basis), violation_count=len(list(violation_ids))
    )
    form_serial = str(form_serial or "").strip()
    _dates_plausible(act_date=act_date)
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
    if birth is not None:  # APL-30/33 as in the ordinary procedure: under 14 refused, 14–18 mitigated
        verdict = rules.party_age_check(birth_date=birth, violation_on=act_date)
        if verdict.must_mitigate:
            rules.minor_mitigation_check(age=verdict, tier=tier or None)
    # APL-36: the limitation applies on the spot too (discovered today)
    rules.limitation_check(
        act_on=act_date,
        discovered_on=on,
        act_ended_on=None,
        life_health_or_financial_safety=False,
        harm_occurred=False,
    )
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
    rules.party_subject_check(
        parties=[(party_name, party_kind)], violations=[(v.name, v.subject_kinds) for v in violations]
    )
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
                    benchmark_tier=tier,
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
        _violations_add(case, actor=actor, violations=violations)
        journal_append(actor=actor, action=CaseJournal.CASE_ON_THE_SPOT, subject=case)
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
            deadline_set(
                case,
                kind="cash_to_agency",
                label=_("当场收缴罚款交至行政机关"),
                rule="APL-68/71",
                started_on=on,
                recipe="cash_to_agency",
                args={"collected_on": on.isoformat()},
            )
            deadline_set(
                case,
                kind="cash_to_bank",
                label=_("当场收缴罚款缴付指定银行"),
                rule="APL-68/71",
                started_on=on,
                recipe="cash_to_bank",
                args={"collected_on": on.isoformat()},
            )
        elif fine_or_none:
            deadline_set(
                case,
                kind="payment",
                label=_("缴纳罚款期限"),
                rule="APL-67",
                started_on=on,
                recipe="payment",
                args={"from": on.isoformat()},
            )
        _event(
            case,
            actor=actor,
            action="on_the_spot",
            tag=EventTag.ON_THE_SPOT_DECIDED,
            from_state="",
            to_state=State.SERVED,
            on=on,
            note=facts,
            data=plain(
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


# ----------------------------------------------------------------------------- transfer accepted


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
        journal_append(actor=actor, action=CaseJournal.TRANSFER_ACCEPT, subject=t, before=before)
        _event(
            source,
            actor=actor,
            action="transfer_accepted",
            tag=EventTag.TRANSFER_ACCEPTED,
            from_state=source.state,
            to_state=source.state,
            on=on,
            note=str(_("%(agency)s已受理移送") % {"agency": agency.name}),
            data={"transfer_id": t.pk},
        )
    return lead
