"""Pure rules of legal review (法制审核): no database, no request. Each cites RULES.md.

* routing against the agency's 目录清单 (APL-58, G118-12),
* the review materials (G118-14: the unit answers for complete materials),
* reviewer eligibility and independence (APL-58 para. 2; NMG Art. 27 办审分离),
* the opinion over the review points (G118-13),
* the review time limit and its one extension (G118-12/13/14: set by each agency),
* the figures (G118-11 reviewer ratio; coverage and correction rate).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed

# ----------------------------------------------------------------------------- vocabularies


class Category:
    """What a 目录清单 entry looks at (G118-12: 执法类别、执法层级、所属领域、涉案金额; APL-58 triggers)."""

    PENALTY_KIND = "penalty_kind"  # 处罚种类 (吊销许可证件, 责令停产停业 …)
    MEASURE = "measure"  # 行政强制措施 (查封, 扣押, 冻结)
    AMOUNT = "amount"  # 涉案金额 (separate thresholds for persons and organisations)
    HEARING = "hearing"  # APL-58(2): 重大权益 and a hearing was held
    COMPLEX = "complex"  # APL-58(3): 疑难复杂、涉及多个法律关系
    PUBLIC_INTEREST = "public_interest"  # APL-58(1): 重大公共利益
    FLAGGED = "flagged"  # free criterion flagged by the handler or a leader (APL-58(4), G118-12 社会影响)
    ALL = "all"  # every decision of the level/domain the entry names

    CHOICES = (
        (PENALTY_KIND, gettext_lazy("处罚种类")),
        (MEASURE, gettext_lazy("行政强制措施")),
        (AMOUNT, gettext_lazy("涉案金额")),
        (HEARING, gettext_lazy("经过听证程序")),
        (COMPLEX, gettext_lazy("案件疑难复杂、涉及多个法律关系")),
        (PUBLIC_INTEREST, gettext_lazy("涉及重大公共利益")),
        (FLAGGED, gettext_lazy("承办人或负责人认为需要审核的其他情形")),
        (ALL, gettext_lazy("该层级、领域的全部处罚决定")),
    )


#: G118-13: the review points, in the order of the 法制审核意见书.
POINTS: tuple[tuple[str, str], ...] = (
    ("subject", gettext_lazy("执法主体是否合法，执法人员是否具备执法资格")),
    ("authority", gettext_lazy("是否超越本机关执法权限")),
    ("procedure", gettext_lazy("执法程序是否合法")),
    ("facts", gettext_lazy("案件事实是否清楚")),
    ("evidence", gettext_lazy("证据是否合法充分")),
    ("law", gettext_lazy("适用法律、法规、规章是否准确")),
    ("discretion", gettext_lazy("裁量基准运用是否适当")),
    ("documents", gettext_lazy("执法文书是否完备、规范")),
    ("criminal", gettext_lazy("是否涉嫌犯罪需要移送司法机关")),
)
POINT_KEYS = tuple(k for k, _label in POINTS)

#: Finding categories of a 存在问题 opinion (G118-13).
FINDINGS: tuple[tuple[str, str], ...] = (
    ("facts_evidence", gettext_lazy("事实不清、证据不足")),
    ("law", gettext_lazy("定性或适用法律不准确")),
    ("discretion", gettext_lazy("裁量不当")),
    ("procedure", gettext_lazy("程序违法")),
    ("authority", gettext_lazy("超越职权")),
    ("documents", gettext_lazy("文书不规范")),
    ("criminal", gettext_lazy("涉嫌犯罪应移送司法机关")),
    ("other", gettext_lazy("其他问题")),
)
FINDING_KEYS = tuple(k for k, _label in FINDINGS)

AGREE = "agree"  # 同意
FINDINGS_OPINION = "findings"  # 存在问题
OPINIONS = ((AGREE, gettext_lazy("同意")), (FINDINGS_OPINION, gettext_lazy("存在问题")))

#: Review materials (G118-14: the responsible unit answers for their truth and completeness).
MATERIALS: tuple[tuple[str, str], ...] = (
    ("proposal", gettext_lazy("拟作出的处理决定（处理意见审批表）")),
    ("evidence", gettext_lazy("证据清单及证据材料")),
    ("report", gettext_lazy("调查终结报告")),
    ("notice", gettext_lazy("事先告知书及当事人陈述、申辩材料")),
    ("hearing", gettext_lazy("听证笔录及听证报告")),
)


# ----------------------------------------------------------------------------- routing (APL-58, G118-12)


@dataclasses.dataclass(frozen=True)
class CriterionFacts:
    id: int
    category: str
    title: str
    levels: tuple[str, ...] = ()  # agency levels the entry applies to; empty = every level
    domain: str = ""  # domain code; "" = every domain
    penalty_kinds: tuple[str, ...] = ()
    measure_kinds: tuple[str, ...] = ()
    amount_person: Decimal | None = None
    amount_organisation: Decimal | None = None


@dataclasses.dataclass(frozen=True)
class CaseFacts:
    agency_level: str
    domain: str
    penalty_kinds: tuple[str, ...] = ()
    measure_kinds: tuple[str, ...] = ()
    amount: Decimal | None = None
    party_kinds: tuple[str, ...] = ()  # "person" / "organisation"
    hearing_held: bool = False
    complex_case: bool = False
    public_interest: bool = False
    flagged: bool = False
    flag_reason: str = ""


def criterion_match(c: CriterionFacts, f: CaseFacts) -> str | None:
    """APL-58 / G118-12: the reason ``f`` falls under entry ``c`` of the 目录清单, or None.

    Amount thresholds are inclusive (涉案金额 **达到** the threshold: 10,000 matches a
    10,000 threshold, 9,999.99 does not); a party that is a person is compared with the
    person threshold, an organisation with the organisation threshold, and a case matches
    when any of its parties does. An entry without a threshold for a kind of party never
    matches that kind.
    """
    if c.levels and f.agency_level not in c.levels:
        return None
    if c.domain and f.domain != c.domain:
        return None
    if c.category == Category.PENALTY_KIND:
        hit = sorted(set(c.penalty_kinds) & set(f.penalty_kinds))
        return _("拟作出%(kinds)s处罚") % {"kinds": "、".join(hit)} if hit else None
    if c.category == Category.MEASURE:
        hit = sorted(set(c.measure_kinds) & set(f.measure_kinds))
        return _("采取了%(kinds)s强制措施") % {"kinds": "、".join(hit)} if hit else None
    if c.category == Category.AMOUNT:
        if f.amount is None:
            return None
        for kind, threshold, who in (
            ("person", c.amount_person, _("公民")),
            ("organisation", c.amount_organisation, _("法人或其他组织")),
        ):
            if threshold is not None and kind in f.party_kinds and f.amount >= threshold:
                return _("对%(who)s罚没金额%(amount)s元，达到%(threshold)s元") % {
                    "who": who,
                    "amount": f.amount,
                    "threshold": threshold,
                }
        return None
    if c.category == Category.HEARING:
        return _("已经听证程序") if f.hearing_held else None
    if c.category == Category.COMPLEX:
        return _("案件疑难复杂、涉及多个法律关系") if f.complex_case else None
    if c.category == Category.PUBLIC_INTEREST:
        return _("涉及重大公共利益") if f.public_interest else None
    if c.category == Category.FLAGGED:
        return (
            (_("承办人或负责人提请审核：%(why)s") % {"why": f.flag_reason or _("未写明")})
            if f.flagged
            else None
        )
    if c.category == Category.ALL:
        return _("属于目录清单所列事项")
    return None


def route(criteria: Iterable[CriterionFacts], facts: CaseFacts) -> list[dict[str, object]]:
    """APL-58 (APL Art. 58; G118 §十二): every entry of the list in force that the case meets,
    as ``{"criterion", "category", "title", "reason"}``. Review is required when not empty."""
    out: list[dict[str, object]] = []
    for c in criteria:
        why = criterion_match(c, facts)
        if why:
            out.append({"criterion": c.id, "category": c.category, "title": c.title, "reason": str(why)})
    return out


# ----------------------------------------------------------------------------- materials (G118-14)


def materials_required(*, penalty_proposed: bool, hearing_held: bool) -> tuple[str, ...]:
    """G118-14 / APL-58: what a submission needs — the proposal, the evidence list and the
    investigation report always; the notice and the party's statement when a penalty is
    proposed (APL-44/45); the hearing record when a hearing was held (APL-64)."""
    need = ["proposal", "evidence", "report"]
    if penalty_proposed:
        need.append("notice")
    if hearing_held:
        need.append("hearing")
    return tuple(need)


def materials_check(*, required: Sequence[str], present: Iterable[str]) -> None:
    """G118-14: refuse a submission with a required material missing (``REVIEW_MATERIALS_MISSING``)."""
    have = set(present)
    missing = [m for m in required if m not in have]
    if missing:
        labels = dict(MATERIALS)
        raise ValidationFailed(
            _("送审材料不全，缺少：%(list)s。") % {"list": "、".join(str(labels[m]) for m in missing)},
            code="REVIEW_MATERIALS_MISSING",
            rule="G118-12/13/14",
            details={"missing": missing},
        )


# ----------------------------------------------------------------------------- reviewers (APL-58)


def reviewer_eligibility_check(
    *, has_reviewer_role: bool, legal_qualification: bool, reviewed_before: bool
) -> None:
    """APL-58 (APL Art. 58 para. 2; G118-11): only the review body's staff — a reviewer grant in
    the agency (``REVIEWER_ROLE_REQUIRED``) — and a first-time reviewer must hold a 法律职业资格
    (``REVIEWER_UNQUALIFIED``). Someone who has reviewed before is not refused for lacking it."""
    if not has_reviewer_role:
        raise PermissionDenied(
            _("只有本机关法制审核机构的审核人员可以进行法制审核。"),
            code="REVIEWER_ROLE_REQUIRED",
            rule="APL-58",
        )
    if not legal_qualification and not reviewed_before:
        raise ValidationFailed(
            _(
                "初次从事行政处罚决定法制审核的人员，应当通过国家统一法律职业资格考试取得法律职业资格（《行政处罚法》第五十八条）。"
            ),
            code="REVIEWER_UNQUALIFIED",
            rule="APL-58",
        )


def reviewer_independence_check(*, reviewer_id: object, involved: dict[object, str]) -> None:
    """APL-58 (NMG Art. 27 办理与审核相分离): the reviewer did not handle, investigate or approve
    the case (``REVIEWER_INVOLVED``). ``involved`` maps account → how they took part."""
    if reviewer_id in involved:
        raise ValidationFailed(
            _("法制审核人员不得审核本人参与办理的案件（本案中担任：%(how)s；办理与审核相分离）。")
            % {"how": involved[reviewer_id]},
            code="REVIEWER_INVOLVED",
            rule="APL-58",
        )


def reviewer_check(
    *,
    reviewer_id: object,
    has_reviewer_role: bool,
    legal_qualification: bool,
    reviewed_before: bool,
    involved: dict[object, str],
) -> None:
    """APL-58 (APL Art. 58 para. 2; G118-11; NMG Art. 27 办理与审核相分离): who may review a case —
    the one rule, for the review page, the review API and the case API alike: a reviewer of the
    agency's review body, qualified when reviewing for the first time, and not involved in the
    case in any way (handler, officer, evidence collector, approver)."""
    reviewer_eligibility_check(
        has_reviewer_role=has_reviewer_role,
        legal_qualification=legal_qualification,
        reviewed_before=reviewed_before,
    )
    reviewer_independence_check(reviewer_id=reviewer_id, involved=involved)


def review_gate_check(*, review_required: bool, review_passed: bool | None) -> None:
    """APL-58 (APL Art. 58): when review is required, no decision without it
    (``CASE_REVIEW_REQUIRED``) or after a failed review (``CASE_REVIEW_NOT_PASSED``).
    ``review_passed``: None = no review opinion, False = 存在问题, True = 同意."""
    if not review_required:
        return
    if review_passed is None:
        raise ValidationFailed(
            _("本案属于应当进行法制审核的情形，未经法制审核的，不得作出决定（《行政处罚法》第五十八条）。"),
            code="CASE_REVIEW_REQUIRED",
            rule="APL-58",
        )
    if not review_passed:
        raise ValidationFailed(
            _("法制审核未通过，不得作出决定；请按审核意见处理后重新提交审核（《行政处罚法》第五十八条）。"),
            code="CASE_REVIEW_NOT_PASSED",
            rule="APL-58",
        )


def submission_check(*, required: bool, passed: bool | None) -> None:
    """APL-58, G118-12: only a case the 目录清单 (or a flag) requires to be reviewed is submitted
    (``CASE_REVIEW_NOT_REQUIRED``), and not once its review passed (``CASE_REVIEW_ALREADY_PASSED``)."""
    if not required:
        raise Conflict(_("本案不属于须法制审核的情形。"), code="CASE_REVIEW_NOT_REQUIRED", rule="APL-58")
    if passed:
        raise Conflict(_("本案已通过法制审核。"), code="CASE_REVIEW_ALREADY_PASSED", rule="APL-58")


#: States in which a flag routes the case at once (the proposal is approved, no decision yet).
FLAG_ROUTES_AT_ONCE = frozenset({"proposed", "notified", "hearing", "ready"})
#: States in which a case may be flagged for review (APL-58: before the decision).
FLAGGABLE_STATES = frozenset({"investigating", "investigated", "proposed", "notified", "hearing", "ready"})


def flag_state_check(*, state: str) -> None:
    """APL-58: legal review comes before the decision — a case is flagged while it is investigated
    or before its decision is submitted (``REVIEW_FLAG_STATE``), never after."""
    if state not in FLAGGABLE_STATES:
        raise Conflict(
            _(
                "案件已进入决定或执行阶段，不能再提请法制审核（《行政处罚法》第五十八条：法制审核应在作出决定之前）。"
            ),
            code="REVIEW_FLAG_STATE",
            rule="APL-58",
        )


def opinion_date_check(*, submitted_on: dt.date, opinion_on: dt.date) -> None:
    """APL-47, G118-13: an opinion is dated the day it is given, never before its submission
    (``REVIEW_OPINION_BEFORE_SUBMISSION``): the 纠错率 of a month counts what happened in it."""
    if opinion_on < submitted_on:
        raise ValidationFailed(
            _("审核意见的日期（%(on)s）不能早于送审日期（%(sub)s）。")
            % {"on": opinion_on, "sub": submitted_on},
            code="REVIEW_OPINION_BEFORE_SUBMISSION",
            rule="APL-47",
        )


def round_robin_pick(eligible: Sequence[int], last_assigned: int | None) -> int | None:
    """The next eligible reviewer after the one assigned last (ordered by account id)."""
    if not eligible:
        return None
    ordered = sorted(eligible)
    if last_assigned is None:
        return ordered[0]
    for uid in ordered:
        if uid > last_assigned:
            return uid
    return ordered[0]


# ----------------------------------------------------------------------------- the opinion (G118-13)


def opinion_check(*, opinion: str, checklist: dict[str, dict], categories: Sequence[str], text: str) -> None:
    """G118-13: every review point answered — passed, or a finding written —; 同意 only when all
    points passed and no finding category; 存在问题 with at least one category and one point with a
    finding; a written opinion (法制审核意见书) either way."""
    if opinion not in (AGREE, FINDINGS_OPINION):
        raise ValidationFailed(
            _("审核意见应为“同意”或“存在问题”。"), code="REVIEW_OPINION_INVALID", rule="G118-12/13/14"
        )
    missing = [k for k in POINT_KEYS if k not in checklist]
    if missing:
        raise ValidationFailed(
            _("请逐项填写审核要点：%(list)s。") % {"list": "、".join(str(dict(POINTS)[k]) for k in missing)},
            code="REVIEW_CHECKLIST_INCOMPLETE",
            rule="G118-12/13/14",
            details={"missing": missing},
        )
    failed = []
    for k in POINT_KEYS:
        item = checklist[k]
        if not item.get("ok"):
            if not str(item.get("finding") or "").strip():
                raise ValidationFailed(
                    _("审核要点“%(point)s”未通过的，应写明问题。") % {"point": dict(POINTS)[k]},
                    code="REVIEW_FINDING_TEXT_REQUIRED",
                    rule="G118-12/13/14",
                    details={"point": k},
                )
            failed.append(k)
    unknown = [c for c in categories if c not in FINDING_KEYS]
    if unknown:
        raise ValidationFailed(
            _("未知的问题类别。"), code="REVIEW_CATEGORY_INVALID", details={"unknown": unknown}
        )
    if opinion == AGREE and (failed or categories):
        raise ValidationFailed(
            _("审核要点存在问题的，审核意见不能为“同意”。"),
            code="REVIEW_AGREE_WITH_FINDINGS",
            rule="G118-12/13/14",
        )
    if opinion == FINDINGS_OPINION and (not failed or not categories):
        raise ValidationFailed(
            _("审核意见为“存在问题”的，应至少指出一项审核要点的问题并选择问题类别。"),
            code="REVIEW_FINDINGS_REQUIRED",
            rule="G118-12/13/14",
        )
    if not text.strip():
        raise ValidationFailed(
            _("请填写法制审核意见书内容。"), code="REVIEW_OPINION_TEXT_REQUIRED", rule="G118-12/13/14"
        )


# ----------------------------------------------------------------------------- what changed


PROPOSAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("outcome", gettext_lazy("处理结果")),
    ("kinds", gettext_lazy("处罚种类")),
    ("amount", gettext_lazy("罚款金额")),
    ("tier", gettext_lazy("裁量阶次")),
    ("deviation_reason", gettext_lazy("偏离裁量基准理由")),
    ("facts", gettext_lazy("违法事实")),
)


def resubmission_diff(previous: dict | None, current: dict) -> dict[str, object]:
    """G118-12/13/14 (a state loop after 存在问题): what changed since the last round — the proposal
    fields that differ (``{field, label, before, after}``) and the evidence added since."""
    if previous is None:
        return {"first": True, "fields": [], "evidence_added": []}
    fields = []
    for key, label in PROPOSAL_FIELDS:
        before, after = previous.get(key), current.get(key)
        if before != after:
            fields.append({"field": key, "label": str(label), "before": before, "after": after})
    prev_ids = {e["id"] for e in previous.get("evidence", [])}
    added = [e for e in current.get("evidence", []) if e["id"] not in prev_ids]
    return {"first": False, "fields": fields, "evidence_added": added}


# ----------------------------------------------------------------------------- time limit (G118-12/13/14)


def extension_check(*, already_extended: bool, extension_wd: int, reason: str) -> None:
    """G118-12/13/14 (NMG Art. 31 example: 5 WD, extendable once by 5 with approval): the
    time limit is extended at most once (``REVIEW_ALREADY_EXTENDED``), with a reason, and only
    where the agency allows an extension (``REVIEW_EXTENSION_NOT_ALLOWED``)."""
    if already_extended:
        raise Conflict(_("法制审核期限只能延长一次。"), code="REVIEW_ALREADY_EXTENDED", rule="G118-12/13/14")
    if extension_wd <= 0:
        raise Conflict(
            _("本机关未设置法制审核期限延长。"), code="REVIEW_EXTENSION_NOT_ALLOWED", rule="G118-12/13/14"
        )
    if not reason.strip():
        raise ValidationFailed(_("请写明延长审核期限的理由。"), code="REASON_REQUIRED")


def is_overdue(*, due_on: dt.date | None, today: dt.date, done: bool) -> bool:
    return not done and due_on is not None and due_on < today


# ----------------------------------------------------------------------------- figures (G118-11)


@dataclasses.dataclass(frozen=True)
class ReviewRow:
    case_id: int
    with_findings: bool
    categories: tuple[str, ...]
    days: int  # calendar days from submission to opinion


def figures(
    *,
    rows: Sequence[ReviewRow],
    required_case_ids: Iterable[int],
    reviewers: int,
    officers: int,
    ratio_min: Decimal,
) -> dict[str, object]:
    """G118-11 and the review figures over one scope and period:

    * cases reviewed — distinct cases with an opinion;
    * coverage = reviewed required cases ÷ cases required (None when none required);
    * correction rate (纠错率) = reviews with ≥1 finding ÷ reviews;
    * findings by category; average review time (calendar days);
    * reviewer ratio = reviewers ÷ enforcement officers, against the target (G118-11: ≥5 %
      "in principle", from the profile).
    """
    required = set(required_case_ids)
    reviewed = {r.case_id for r in rows}
    n = len(rows)
    corrected = sum(1 for r in rows if r.with_findings)
    cats = Counter(c for r in rows for c in r.categories)
    ratio = (Decimal(reviewers) * 100 / officers).quantize(Decimal("0.01")) if officers else None

    def pct(a: int, b: int) -> Decimal | None:
        return (Decimal(a) * 100 / b).quantize(Decimal("0.01")) if b else None

    return {
        "reviews": n,
        "cases_reviewed": len(reviewed),
        "cases_required": len(required),
        "coverage": pct(len(required & reviewed), len(required)),
        "with_findings": corrected,
        "correction_rate": pct(corrected, n),
        "findings_by_category": {k: cats.get(k, 0) for k in FINDING_KEYS},
        "average_days": (Decimal(sum(r.days for r in rows)) / n).quantize(Decimal("0.1")) if n else None,
        "reviewers": reviewers,
        "officers": officers,
        "reviewer_ratio": ratio,
        "reviewer_ratio_min": Decimal(ratio_min),
        "reviewer_ratio_met": ratio is not None and ratio >= Decimal(ratio_min),
    }
