"""Every write of public disclosure: keyword-only, ``actor`` first, one transaction with its journal
entry (``journal_append``).

- ``record_for_case`` — the outbox consumer's work: a served decision becomes a record, due within
  7 or 20 working days (G118-6), masked (``masking``), withheld when the party is a minor;
- ``record_edit`` — staff change one published field (before publication, or a correction);
- ``record_publish`` — the record goes public;
- ``record_change`` — the decision was changed, revoked or confirmed illegal/invalid (APL-48): the
  record must be withdrawn or annotated within 3 working days;
- ``record_withdraw`` / ``record_annotate`` — with a public explanation;
- ``records_expire`` — records past their retention period leave public view (nightly).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from lawtrail.core.calendar.selectors import add_working_days
from lawtrail.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.core.permissions import Perm, has_perm
from lawtrail.profiles.selectors import profile_value

from . import masking, proofs, rules
from .journal_actions import DisclosureJournal as J
from .models import FIELDS, Edit, Kind, PartyKind, Record, Status

# the labels of APL Art. 9 penalty kinds (cases' own labels live in its forms module, which a
# capability does not import): the same words
PENALTY_LABELS = {
    "warning": "警告",
    "criticism": "通报批评",
    "fine": "罚款",
    "confiscate_gains": "没收违法所得",
    "confiscate_property": "没收非法财物",
    "suspend_licence": "暂扣许可证件",
    "lower_qualification": "降低资质等级",
    "revoke_licence": "吊销许可证件",
    "restrict_business": "限制开展生产经营活动",
    "suspend_business": "责令停产停业",
    "close": "责令关闭",
    "restrict_practice": "限制从业",
    "detention": "行政拘留",
    "other": "其他行政处罚",
}
OUTCOME_TEXT = {
    "no_penalty": "不予行政处罚",
    "dismissed": "违法事实不能成立，不予行政处罚",
    "transferred": "移送司法机关",
}


def search_text_of(record: Record) -> str:
    """The public content as one string (what the search reads): agency, number, party and fields."""
    c = record.content or {}
    parts = [record.agency.name if record.agency_id else "", record.decision_number, record.credit_code]
    parts += [str(c.get(k, "")) for k in FIELDS]
    return "\n".join(p for p in parts if p)


def _due(start: dt.date, days: int) -> dt.date | None:
    try:
        return add_working_days(start, days)
    except ApplicationError:  # WD-1: a year without a holiday schedule — no date until it is defined
        return None


def _may_handle(actor: Any, record: Record) -> None:
    if not has_perm(actor, Perm.CASE_HANDLE, record.agency):
        raise PermissionDenied("您无权办理本机关的公示事项。", code="DISCLOSURE_FORBIDDEN")


def _lock(record_id: int) -> Record:
    record = Record.objects.select_for_update().select_related("agency").filter(pk=record_id).first()
    if record is None:
        raise NotFound("公示记录不存在。", code="DISCLOSURE_NOT_FOUND")
    return record


def content_for_case(
    case: Any, *, person_name: str, basis_text: str = ""
) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    """(original, masked content, facts) of a case's decision: what the public record says."""
    parties = list(case.parties.all())
    party = parties[0] if parties else None
    known: list[str] = []
    names = []
    for p in parties:
        known += [p.id_number, p.phone]
        if p.kind == PartyKind.PERSON:
            known.append(p.address)
        names.append(p.name)
    keep = [p.credit_code for p in parties] + [case.agency.name]
    violations = [cv.violation for cv in case.violations.all()]
    basis = []
    for v in violations:
        for b in v.bases.all():
            if b.role == "penalty":
                basis.append(f"《{b.law.strip('《》')}》{b.article}{b.clause}")
    kinds = list(case.penalty_kinds or [])
    if case.outcome == "penalty":
        penalty = rules.penalty_text([PENALTY_LABELS.get(k, k) for k in kinds], case.fine_amount)
    else:
        penalty = OUTCOME_TEXT.get(case.outcome, "")
    party_original = "、".join(names)
    original = {
        "party": party_original,
        "violation": "；".join(v.name for v in violations) or case.title,
        "facts": case.facts or "",
        # the catalogue's bases; an on-the-spot form's own basis when the catalogue gives none
        "basis": "；".join(dict.fromkeys(basis)) or basis_text.strip(),
        "penalty": penalty,
    }
    shown_names = [
        rules.published_name(p.name, party_kind=p.kind, person_name=person_name, mask=masking.mask_name)
        for p in parties
    ]
    content = {k: masking.mask_text(v, known=known, keep=keep) for k, v in original.items()}
    content["party"] = "、".join(shown_names)
    if person_name == "surname":
        for p, shown in zip(parties, shown_names, strict=True):
            if p.kind == PartyKind.PERSON:
                content = {k: v.replace(p.name, shown) for k, v in content.items()}
    facts = {
        "party": party,
        "parties": parties,
        "kinds": kinds,
    }
    return original, content, facts


def record_for_case(*, actor: Any, case: Any, on: dt.date | None = None, basis: str = "") -> Record:
    """G118-6: the record of a served decision — created once per case (a second delivery finds it).
    ``basis``: the legal basis written on an on-the-spot form (used when the catalogue has none)."""
    existing = Record.objects.filter(case=case).first()
    if existing is not None:
        return existing
    agency = case.agency
    decided_on = case.decided_on or on or timezone.localdate()
    person_name = profile_value(agency, "disclosure.person_name", on=decided_on)
    original, content, facts = content_for_case(case, person_name=person_name, basis_text=basis)
    party = facts["party"]
    kind = rules.kind_of(case.outcome)
    due_on = _due(decided_on, profile_value(agency, rules.deadline_key(kind), on=decided_on))
    minor_age = profile_value(agency, "disclosure.minor_age", on=decided_on)
    minors = [
        p
        for p in facts["parties"]
        if p.kind == PartyKind.PERSON
        and rules.is_minor(birth=p.birth_date, id_number=p.id_number, on=decided_on, minor_age=minor_age)
    ]
    with transaction.atomic():
        record = Record(
            case=case,
            agency=agency,
            domain=case.domain,
            division=agency.division,
            division_path=agency.division.path,
            kind=kind,
            status=Status.WITHHELD if minors else Status.DRAFT,
            withheld_reason="当事人为未成年人，依规定不予公开" if minors else "",
            decision_number=getattr(case, "decision_number", "") or case.number or f"案件{case.pk}",
            party_kind=party.kind if party else PartyKind.ORGANISATION,
            party_name=content["party"],
            credit_code=party.credit_code if party and party.kind == PartyKind.ORGANISATION else "",
            fine_amount=case.fine_amount if case.outcome == "penalty" else None,
            decided_on=decided_on,
            due_on=None if minors else due_on,
            original=original,
            content=content,
        )
        record.search_text = search_text_of(record)
        record.save()
        journal_append(
            actor=actor, action=J.RECORD_CREATE if not minors else J.RECORD_WITHHOLD, subject=record
        )
    return record


def record_edit(*, actor: Any, record_id: int, field: str, text: str, reason: str = "") -> Edit:
    """Staff change one public field by hand; the change is an ``Edit`` row and both are journaled
    (RULES.md: "keep an unmasked original and a published version with a diff audit")."""
    if field not in FIELDS:
        raise ValidationFailed("未知的公示字段。", code="DISCLOSURE_FIELD_UNKNOWN")
    with transaction.atomic():
        record = _lock(record_id)
        _may_handle(actor, record)
        if record.status not in (Status.DRAFT, Status.PUBLISHED):
            raise Conflict("该记录已公示或不予公开，不能再按待公示处理。", code="DISCLOSURE_NOT_DRAFT")
        if record.status == Status.PUBLISHED and not reason.strip():
            raise ValidationFailed("请填写理由。", code="DISCLOSURE_REASON_REQUIRED")
        before_text = str(record.content.get(field, ""))
        before = journal_snapshot(record)
        record.content = {**record.content, field: text}
        if field == "party":
            record.party_name = text
        record.search_text = search_text_of(record)
        record.save()
        edit = Edit.objects.create(
            record=record,
            field=field,
            before=before_text,
            after=text,
            reason=reason.strip(),
            actor=actor,
            at=timezone.now(),
        )
        journal_append(actor=actor, action=J.EDIT_CREATE, subject=edit)
        # a correction of a published record commits the new public text (proofs.public_note)
        note = proofs.public_note(record) if record.status == Status.PUBLISHED else ""
        journal_append(actor=actor, action=J.RECORD_EDIT, subject=record, before=before, note=note)
    return edit


def _expires(record: Record, on: dt.date) -> dt.date:
    kinds = (record.case.penalty_kinds if record.case_id else []) or []
    key = rules.retention_key(party_kind=record.party_kind, penalty_kinds=kinds)
    return rules.add_months(on, profile_value(record.agency, key, on=on))


def record_publish(*, actor: Any, record_id: int, on: dt.date | None = None) -> Record:
    """The record goes public (G118-6); its retention period starts."""
    on = on or timezone.localdate()
    with transaction.atomic():
        record = _lock(record_id)
        _may_handle(actor, record)
        if record.status == Status.WITHHELD:
            raise Conflict(
                "该案件依规定不予公开（如当事人为未成年人），不能公示。", code="DISCLOSURE_WITHHELD"
            )
        if record.status != Status.DRAFT:
            raise Conflict("该记录已公示或不予公开，不能再按待公示处理。", code="DISCLOSURE_NOT_DRAFT")
        before = journal_snapshot(record)
        record.status = Status.PUBLISHED
        record.published_on = on
        record.published_at = timezone.now()
        record.expires_on = _expires(record, on)
        record.save()
        journal_append(
            actor=actor,
            action=J.RECORD_PUBLISH,
            subject=record,
            before=before,
            note=proofs.public_note(record),
        )
    return record


def record_change(*, actor: Any, record_id: int, change_kind: str, changed_on: dt.date) -> Record:
    """APL-48: the decision was changed, revoked or confirmed illegal/invalid — the record is due to
    be withdrawn or annotated within the profile's working days (``disclosure.withdrawal_deadline``)."""
    if change_kind not in rules.CHANGE_KINDS:
        raise ValidationFailed(
            "决定变动情形须为变更、撤销、确认违法或确认无效。", code="DISCLOSURE_CHANGE_UNKNOWN"
        )
    if changed_on > timezone.localdate():
        raise ValidationFailed("日期无效。", code="DISCLOSURE_DATE_INVALID")
    with transaction.atomic():
        record = _lock(record_id)
        if actor is not None:
            _may_handle(actor, record)
        if record.status == Status.WITHDRAWN:
            raise Conflict("该记录已撤回。", code="DISCLOSURE_ALREADY_WITHDRAWN")
        before = journal_snapshot(record)
        record.change_kind = change_kind
        record.changed_on = changed_on
        record.withdrawal_due_on = _due(
            changed_on, profile_value(record.agency, "disclosure.withdrawal_deadline", on=changed_on)
        )
        record.save()
        journal_append(actor=actor, action=J.RECORD_CHANGE, subject=record, before=before, note=change_kind)
    return record


def record_withdraw(
    *, actor: Any, record_id: int, explanation: str, annotate: bool = False, on: dt.date | None = None
) -> Record:
    """APL-48: withdraw the record (or keep it with a public note, ``annotate``) and explain why."""
    if not explanation.strip():
        raise ValidationFailed(
            "撤回或更正公示须公开说明理由（《行政处罚法》第四十八条）。",
            code="DISCLOSURE_EXPLANATION_REQUIRED",
        )
    on = on or timezone.localdate()
    with transaction.atomic():
        record = _lock(record_id)
        _may_handle(actor, record)
        if record.status == Status.WITHDRAWN:
            raise Conflict("该记录已撤回。", code="DISCLOSURE_ALREADY_WITHDRAWN")
        if record.status != Status.PUBLISHED:
            raise Conflict("该记录未处于公示状态。", code="DISCLOSURE_NOT_PUBLISHED")
        before = journal_snapshot(record)
        record.explanation = explanation.strip()
        if annotate:
            record.annotated = True
        else:
            record.status = Status.WITHDRAWN
            record.withdrawn_on = on
        record.save()
        journal_append(
            actor=actor,
            action=J.RECORD_ANNOTATE if annotate else J.RECORD_WITHDRAW,
            subject=record,
            before=before,
            note=proofs.public_note(record),  # the withdrawing entry commits the explanation shown
        )
    return record


def records_expire(*, today: dt.date | None = None, limit: int = 10000) -> int:
    """G118-6: published records past their retention period leave public view (nightly)."""
    today = today or timezone.localdate()
    n = 0
    ids = list(
        Record.objects.filter(status=Status.PUBLISHED, expires_on__lt=today).values_list("pk", flat=True)[
            :limit
        ]
    )
    for pk in ids:
        with transaction.atomic():
            record = Record.objects.select_for_update().get(pk=pk)
            before = journal_snapshot(record)
            record.status = Status.EXPIRED
            record.save()
            journal_append(actor=None, action=J.RECORD_EXPIRE, subject=record, before=before)
            n += 1
    return n


__all__ = [
    "Kind",
    "record_for_case",
    "record_edit",
    "record_publish",
    "record_change",
    "record_withdraw",
    "records_expire",
]
