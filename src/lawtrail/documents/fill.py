"""Filling a document from the case: every field comes from the case, the registry and the rule
profile; the officer's edits replace only the free-text parts (``EDITABLE``). The result is plain
JSON (stored on the issued ``Document``, read by the APL-59 check and the .docx export)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from lawtrail.cases.forms import PENALTY_KIND_LABELS, SERVICE_METHOD_LABELS
from lawtrail.cases.guards import officer_names
from lawtrail.cases.models import Case, CaseEvent, CaseViolation, Evidence, Outcome
from lawtrail.core.precompiled import Precompiled
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.models import BenchmarkTier, LegalBasis

from . import papers, rules
from .catalogue import DocKind

#: The free-text parts an officer may edit before issue, per kind (others: none).
EDITABLE: dict[str, tuple[str, ...]] = {
    "penalty_decision": ("facts", "reasoning"),
    "on_the_spot_decision": ("facts",),
    "no_penalty_decision": ("facts", "reasoning"),
    "notice": ("facts", "reasoning"),
}
TEXT_LABELS = {"facts": _("违法事实"), "reasoning": _("裁量说明"), "body": _("正文")}
MAX_TEXT = 20000


def _basis(law: str, article: str, clause: str) -> str:
    law = law if law.startswith("《") else f"《{law}》"
    return f"{law}{article}{clause}"


def parties_of(case: Case) -> list[dict[str, Any]]:
    out = []
    for p in case.party_list():
        org = p.kind == p.Kind.ORGANISATION
        out.append(
            {
                "kind": p.kind,
                "name": p.name,
                "code_label": str(_("统一社会信用代码") if org else _("公民身份号码")),
                "code": p.credit_code if org else p.id_number,
                "legal_representative": p.legal_representative,
                "address": p.address,
                "phone": p.phone,
            }
        )
    return out


def _with_bases(violations):
    """A case's violations with their legal bases, one row per basis (a violation without any: one
    row of NULLs): in the order the violations were recorded (their rows' ids — the case's
    violations have no ordering of their own), each one's bases as ``Violation.bases`` orders
    them (by id)."""
    return violations.order_by("pk", "violation__bases__id").values_list(
        "pk",
        "violation__name",
        "violation__bases__role",
        "violation__bases__law",
        "violation__bases__article",
        "violation__bases__clause",
    )


#: read when a step drafts a paper — one query instead of one for the violations and one per
#: violation for its bases, compiled once per thread
_VIOLATIONS = Precompiled(lambda case_id: _with_bases(CaseViolation.objects.filter(case_id=case_id)))


def violations_of(case: Case) -> list[dict[str, Any]]:
    """Each violation of the case: its name, its violated and its penalty provisions."""
    if case.pk is None:  # as the ORM refuses it
        rows = list(_with_bases(case.violations.all()))
    else:
        rows = _VIOLATIONS.all(case.pk)
    out: dict[int, dict[str, Any]] = {}
    for pk, name, role, law, article, clause in rows:
        v = out.get(pk)
        if v is None:
            v = out[pk] = {"name": name, "violated": [], "penalty": []}
        if role == LegalBasis.Role.VIOLATION:
            v["violated"].append(_basis(law, article, clause))
        elif role == LegalBasis.Role.PENALTY:
            v["penalty"].append(_basis(law, article, clause))
    return list(out.values())


#: the case's last 调查终结报告 event: read when a step drafts a paper — compiled once per thread
_INVESTIGATION_END = Precompiled(
    lambda case_id: CaseEvent.objects.filter(case_id=case_id, action="investigation_end").order_by("-id")[:1]
)


#: the case's evidence in its order (``Evidence.Meta.ordering``), as ``case.evidence.all()`` gives
#: it: read when a step drafts a paper — compiled once per thread
_EVIDENCE = Precompiled(lambda case_id: Evidence.objects.filter(case_id=case_id))


def evidence_of(case: Case) -> list[Evidence]:
    if case.pk is None:  # as the ORM refuses it
        return list(case.evidence.all())
    return _EVIDENCE.all(case.pk)


def facts_of(case: Case) -> str:
    """The facts as found: the case's facts, else the last 调查终结报告 (APL-57)."""
    if case.facts.strip():
        return case.facts
    if case.pk is None:  # as the ORM refuses it
        event = case.events.filter(action="investigation_end").order_by("-id").first()
    else:
        event = _INVESTIGATION_END.first(case.pk)
    return str((event.data or {}).get("report") or event.note) if event else ""


def _division_text(case: Case, key: str, on: dt.date) -> str:
    pattern = profile_value(case.agency, key, on=on)
    name = case.agency.division.name
    return pattern.format(区划=name, division=name)  # {division}: the placeholder's earlier name


def _officers(case: Case) -> dict[str, Any]:
    """The handler's and the officers' names. In a step, whose row lock read the officers' ids,
    from the step's credentials memo (the APL-42 guards read their names) — no account loaded."""
    ids = getattr(case, "officer_ids_read", None)
    if ids is None:
        return {"handler": str(case.handler), "officers": [str(o) for o in case.officers.all()]}
    names = officer_names([case.handler_id, *ids])
    return {
        "handler": names.get(case.handler_id, ""),
        "officers": [names[i] for i in sorted(ids) if i in names],
    }


def case_fields(case: Case, on: dt.date) -> dict[str, Any]:
    """What every document of the case says about it."""
    tiers = dict(BenchmarkTier.Tier.choices)
    return {
        "agency": {"name": case.agency.name, "short": case.agency.short_name or case.agency.name},
        "case": {
            "number": case.number,
            "title": case.title,
            "filed_on": rules.date_cn(case.filed_on),
            "act_date": rules.date_cn(case.act_date),
            "region": case.region.name,
            **_officers(case),
        },
        "parties": parties_of(case),
        "facts": facts_of(case),
        "evidence": [
            {"kind": str(e.get_kind_display()), "title": e.title, "on": rules.date_cn(e.collected_on)}
            for e in evidence_of(case)
        ],
        "violations": violations_of(case),
        "tier": str(tiers.get(case.benchmark_tier, "")) if case.benchmark_tier else "",
        "tier_reason": case.tier_deviation_reason,
        "date": rules.date_cn(on),
        "on": on.isoformat(),
    }


def decision_fields(case: Case, on: dt.date, *, amount: Decimal | None = None, kinds=None) -> dict[str, Any]:
    """A decision (APL-59): penalty, amounts in figures and capitals, performance and remedy."""
    out = case_fields(case, on)
    outcome = case.outcome or case.proposed_outcome
    kinds = list(kinds or case.penalty_kinds or case.proposed_kinds or [])
    if amount is None:
        amount = case.fine_amount if case.fine_amount is not None else case.proposed_amount
    fine = outcome == Outcome.PENALTY and amount is not None and Decimal(amount) > 0
    out.update(
        {
            "outcome": outcome,
            "kinds": [str(PENALTY_KIND_LABELS.get(k, k)) for k in kinds],
            "fine": fine,
            "amount": str(Decimal(amount)) if fine else None,
            "amount_figures": rules.amount_in_figures(amount) if fine else "",
            "amount_caps": rules.amount_in_capitals(amount) if fine else "",
            "payment_channel": profile_value(case.agency, "documents.payment_channel", on=on),
            "surcharge_clause": rules.SURCHARGE_CLAUSE,
            "reconsideration_body": _division_text(case, "documents.reconsideration_body", on),
            "court": _division_text(case, "documents.court", on),
            "statement": case.statement_status,
            "hearing_offered": case.hearing_offered,
            "reasoning": "",
        }
    )
    return out


def service_fields(case: Case, on: dt.date) -> dict[str, Any]:
    out = case_fields(case, on)
    out["methods"] = {k.value: str(v) for k, v in SERVICE_METHOD_LABELS.items()}
    return out


def fill(case: Case, kind: DocKind, *, on: dt.date, texts: dict[str, str] | None = None, **extra) -> dict:
    """The fields of ``kind`` for ``case`` on ``on``, the officer's ``texts`` applied."""
    if kind.decision or kind.code in ("no_penalty_decision", "notice"):
        amount, kinds = extra.get("amount"), extra.get("kinds")
        if kind.code == "notice":  # what was (or is being) notified, not what was decided later
            amount = amount if amount is not None else (case.notified_amount or case.proposed_amount)
            kinds = kinds or list(case.proposed_kinds or [])
        fields = decision_fields(case, on, amount=amount, kinds=kinds)
        if extra.get("hearing_offered") is not None:
            fields["hearing_offered"] = bool(extra["hearing_offered"])
        if kind.code == "on_the_spot_decision":  # APL-52, APL-68/71: collected on the spot or not
            fields["collected"] = bool(case.collected_on_spot)
            fields["receipt_number"] = case.receipt_number
    else:
        fields = case_fields(case, on)
    fields["kind"] = kind.code
    fields["title"] = str(kind.title)
    for name, value in (texts or {}).items():
        if name in EDITABLE.get(kind.code, ()) and value is not None and str(value).strip():
            fields[name] = str(value)
    if not kind.decision and kind.code != "no_penalty_decision":
        fields = papers.build(case, kind.code, on, fields)
    return fields


def expected_of(fields: dict[str, Any], number: str) -> rules.Expected:
    """What the APL-59 check looks for in the issued text, from the filled fields (which come from
    the case: names, codes, amounts, dates and the number)."""
    bases: list[str] = []
    for v in fields["violations"]:
        bases += v["violated"] + v["penalty"]
    return rules.Expected(
        on_the_spot=fields["kind"] == "on_the_spot_decision",
        parties=tuple((p["name"], p["code"], p["address"]) for p in fields["parties"]),
        facts=fields["facts"],
        evidence=tuple(e["title"] for e in fields["evidence"]),
        bases=tuple(bases),
        kinds=tuple(fields["kinds"]),
        amount=Decimal(fields["amount"]) if fields.get("amount") else None,
        payment=bool(fields.get("fine")) and not fields.get("collected"),
        reconsideration_body=fields["reconsideration_body"],
        court=fields["court"],
        agency=fields["agency"]["name"],
        date=dt.date.fromisoformat(fields["on"]),
        number=number,
    )
