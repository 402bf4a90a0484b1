"""What the forms of the case page carry so they can be filled without leaving it (issue 9).

- ``sheet``: the 审批表 an approver reads before deciding — the case in brief and what is
  submitted (the approval's payload, in words, amounts also in Chinese capitals);
- ``benchmark``: the 裁量基准 of the case's violations (tiers and ranges) beside the 拟处理意见
  form, with the tier suggested;
- ``initial``: what a form starts with — 提请作出决定 from the approved proposal, 同意 as the
  approver's opinion, the suggested tier.

Pages only: nothing here decides; the guards check what is submitted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from lawtrail.core.money import rmb_upper
from lawtrail.registry.models import BenchmarkTier

from . import inputs, rules, workflow
from .forms import _choices
from .models import Approval, Outcome, Party

#: The row that opens each approval (its input type names and labels the payload's fields).
_OPENED_BY = {t.approval or t.opens: t for t in workflow.TABLE if t.approval or t.opens}


def _money(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return _("%(amount)s 元（大写：%(upper)s）") % {"amount": f"{amount:,.2f}", "upper": rmb_upper(amount)}


def _words(value: Any, choices: list[tuple[Any, Any]]) -> str:
    labels = {str(k): str(v) for k, v in choices}
    if isinstance(value, list | tuple):
        return "、".join(labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), str(value))


def _payload_rows(approval: Approval, ctx: dict[str, Any]) -> list[tuple[str, str]]:
    """The submitted input in words: each field's label, its value as the form offered it."""
    row = _OPENED_BY.get(approval.action)
    if row is None:
        return []
    hints = typing.get_type_hints(row.input)
    out = []
    for fld in dataclasses.fields(row.input):
        value = approval.payload.get(fld.name)
        if value in (None, "", [], ()) or fld.name.startswith("_"):
            continue
        spec = inputs.spec_of(fld)
        base, _nullable = inputs._base(hints[fld.name])
        if base is Decimal:
            text = _money(value)
        elif base is bool:
            text = _("是") if value else _("否")
        elif spec.source:
            text = _words(value, _choices(spec.source, ctx))
        elif base is dt.date or isinstance(value, int | float | str):
            text = str(value)
        else:
            continue  # structured values (lists of ids, JSON) are shown by their own sections
        out.append((str(spec.label), text))
    return out


def sheet(case: Any, approval: Approval, ctx: dict[str, Any]) -> dict[str, Any]:
    """The 审批表 of ``approval``: the case in brief, then what the approver approves."""
    parties = "；".join(
        f"{p.name}（{p.get_kind_display()}）" for p in case.parties.all() if p.kind in Party.Kind.values
    )
    violations = "；".join(cv.violation.name for cv in case.violations.all())
    officers = "、".join(str(o) for o in case.officers.all() if o.pk != case.handler_id)
    summary = [
        (_("案号"), case.number or _("（未立案）")),
        (_("案由"), case.title),
        (_("当事人"), parties or "—"),
        (_("违法行为"), violations or "—"),
        (_("违法事实"), case.facts or "—"),
        (_("主办人"), str(case.handler)),
        (_("协办人员"), officers or "—"),
    ]
    if approval.action == "decision":
        # what the decision will say when the form left it blank: the approved proposal
        if case.proposed_outcome:
            summary.append((_("拟处理意见"), Outcome(case.proposed_outcome).label))
        if case.proposed_amount is not None and not approval.payload.get("amount"):
            summary.append((_("罚款金额"), _money(case.proposed_amount)))
        if case.notified_amount is not None:
            summary.append((_("告知罚款金额"), _money(case.notified_amount)))
    submitted = _payload_rows(approval, ctx)
    return {
        "title": _("%(what)s表") % {"what": workflow.APPROVAL_LABELS.get(approval.action, "")},
        "summary": summary,
        "submitted": submitted,
        "submitted_by": approval.submitted_by,
        "submitted_on": approval.payload.get("_on", ""),
    }


# ----------------------------------------------------------------------------- 裁量基准


def _range(lo: Decimal | None, hi: Decimal | None, unit: str) -> str:
    if lo is None and hi is None:
        return ""
    lo_s = f"{lo.normalize():f}" if lo is not None else "—"
    hi_s = f"{hi.normalize():f}" if hi is not None else "—"
    return f"{lo_s}～{hi_s}{unit}"


def _suggested_tier(case: Any, tiers: set[str]) -> str:
    """一般处罚 unless a party was 14–18 at the act (APL-30: 从轻 or 减轻, 从轻 suggested)."""
    if case.act_date:
        for p in case.parties.all():
            if p.kind == Party.Kind.PERSON and p.birth_date:
                verdict = rules.party_age_check(birth_date=p.birth_date, violation_on=case.act_date)
                if verdict.must_mitigate:
                    return BenchmarkTier.Tier.LENIENT if BenchmarkTier.Tier.LENIENT in tiers else ""
    return BenchmarkTier.Tier.NORMAL if BenchmarkTier.Tier.NORMAL in tiers else ""


def benchmark(case: Any, *, on: dt.date) -> dict[str, Any] | None:
    """The 裁量基准 in force on the act's date for each violation of the case (as the G27-12 guard
    reads them), its tiers and ranges, and the suggested tier; None when the case has none."""
    when = case.act_date or on
    tables = []
    names: set[str] = set()
    for cv in case.violations.all():
        bm = (
            cv.violation.benchmarks.filter(effective_from__lte=when)
            .order_by("-effective_from")
            .prefetch_related("tiers")
            .first()
        )
        if bm is None:
            continue
        rows = []
        for t in sorted(bm.tiers.all(), key=lambda t: list(BenchmarkTier.Tier.values).index(t.tier)):
            names.add(t.tier)
            rows.append(
                {
                    "tier": t.tier,
                    "label": t.get_tier_display(),
                    "conditions": t.conditions,
                    "fine": _range(t.fine_min, t.fine_max, _("元")),
                    "multiple": _range(t.multiple_min, t.multiple_max, _("倍")),
                    "min": "" if t.fine_min is None else str(t.fine_min),
                    "max": "" if t.fine_max is None else str(t.fine_max),
                    "other": t.other_measures,
                }
            )
        tables.append(
            {
                "violation": cv.violation.name,
                "issuer": bm.issuer,
                "effective_from": bm.effective_from,
                "tiers": rows,
            }
        )
    if not tables:
        return None
    suggested = _suggested_tier(case, names)
    return {
        "tables": tables,
        "suggested": suggested,
        "suggested_label": BenchmarkTier.Tier(suggested).label if suggested else "",
    }


def initial(action: str, case: Any, *, benchmark_table: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the form of ``action`` starts with."""
    if action == "approve":
        return {"reasons": _("同意")}
    if action == "decision_submit":
        amount = case.notified_amount if case.notified_amount is not None else case.proposed_amount
        return {"amount": amount, "kinds": list(case.proposed_kinds or [])}
    if action == "proposal_submit" and benchmark_table and benchmark_table["suggested"]:
        return {"outcome": Outcome.PENALTY, "tier": benchmark_table["suggested"]}
    return {}
