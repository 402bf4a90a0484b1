"""Demo legal review: the city's 目录清单 and review rounds with realistic findings.

Runs after the demo cases (``load_demo_cases``), through the services only: the city
(石家庄市) list is published as division defaults, every agency inherits it; cases waiting
for a review opinion or ready for the decision with a review still required are submitted
and answered — about a third with 存在问题 (sent back to the handler), the rest 同意 — so the
figures page shows a correction rate that is neither 0 nor 100 %.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from lawtrail.cases.models import Case, State
from lawtrail.core.errors import ApplicationError
from lawtrail.registry.models import Division
from lawtrail.review import rules
from lawtrail.review import services as svc
from lawtrail.review.models import Review, ReviewCriterion

SEED = 58
#: the demo accounts' agency: part of its reviews stay open so `reviewer` has a queue
HOME_AGENCY = "石家庄市长安区市场监督管理局"
LEFT_OPEN_EVERY = 3  # every third review at the home agency stays open

CITY_LIST = [
    dict(
        category="amount",
        title="较大数额罚款",
        basis="《行政处罚法》第五十八条；本市重大执法决定法制审核目录",
        amount_person="10000",
        amount_organisation="100000",
    ),
    dict(
        category="penalty_kind",
        title="吊销许可证件、责令停产停业、责令关闭、限制从业",
        basis="《行政处罚法》第五十八条第一款第二项",
        penalty_kinds=["revoke_licence", "suspend_business", "close", "restrict_practice"],
    ),
    dict(
        category="measure",
        title="查封、扣押、冻结财物",
        basis="《行政强制法》第二十三条",
        measure_kinds=["seal", "seize", "freeze"],
    ),
    dict(
        category="hearing", title="经过听证程序作出的处罚决定", basis="《行政处罚法》第五十八条第一款第二项"
    ),
    dict(
        category="complex",
        title="案件情况疑难复杂、涉及多个法律关系",
        basis="《行政处罚法》第五十八条第一款第三项",
    ),
    dict(category="public_interest", title="涉及重大公共利益", basis="《行政处罚法》第五十八条第一款第一项"),
    dict(category="flagged", title="可能造成重大社会影响或引发社会风险", basis="国办发〔2018〕118号第十二项"),
]

#: Realistic findings: (point, finding text, category, opinion text).
FINDINGS = [
    (
        "discretion",
        "罚款金额处于从重阶次，但案卷未载明从重情节",
        "discretion",
        "裁量阶次适用不当，请补充从重情节的证据或调整罚款金额。",
    ),
    (
        "evidence",
        "违法所得计算缺少销售台账和进货凭证",
        "facts_evidence",
        "违法所得认定证据不足，请补充调取销售台账、进货凭证。",
    ),
    (
        "procedure",
        "事先告知书未告知当事人要求听证的权利",
        "procedure",
        "告知程序不完整，请重新送达事先告知书并告知听证权利。",
    ),
    (
        "documents",
        "处罚决定书未载明申请行政复议、提起行政诉讼的途径和期限",
        "documents",
        "文书不规范，请按文书格式补正。",
    ),
    (
        "law",
        "适用法律条款项不准确，应适用第一百二十四条第一款第三项",
        "law",
        "定性准确但适用条款有误，请更正法律依据。",
    ),
]
AGREE_TEXT = "经审核，执法主体合法，程序合法，事实清楚，证据确凿，适用依据正确，裁量适当，文书规范，同意。"


@dataclass
class ReviewDemo:
    criteria: int = 0
    agreed: int = 0
    findings: int = 0
    waiting: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _checklist(point: str | None = None, finding: str = "") -> dict[str, dict]:
    out = {k: {"ok": True, "finding": ""} for k in rules.POINT_KEYS}
    if point:
        out[point] = {"ok": False, "finding": finding}
    return out


def load_demo_reviews(
    *, today: dt.date, city_code: str = "130100", stdout=None, seed: int = SEED
) -> ReviewDemo:
    """Publish the city's list and review the cases waiting for it (see the module docstring)."""
    rng = random.Random(seed)
    out = ReviewDemo()
    city = Division.objects.filter(code=city_code).first()
    if city is not None and not ReviewCriterion.objects.filter(division=city).exists():
        for spec in CITY_LIST:
            svc.criterion_create(actor=None, division_code=city_code, **spec)
            out.criteria += 1
    candidates = list(
        Case.objects.filter(state__in=(State.REVIEWING, State.READY), review_requirement__required=True)
        .exclude(review_requirement__passed=True)
        .select_related("agency", "handler")
        .order_by("id")
    )
    home_seen = 0
    for case in candidates:
        try:
            if case.state == State.READY:
                review = svc.review_submit(actor=case.handler, case_id=case.pk, on=today)
            else:
                review = Review.objects.get(case=case, status=Review.Status.OPEN)
            reviewer_id = review.reviewer_id or next(iter(svc.eligible_reviewers(case)), None)
            if reviewer_id is None:
                out.skipped.append((case.pk, "NO_REVIEWER"))
                continue

            reviewer = get_user_model().objects.get(pk=reviewer_id)
            if case.agency.name == HOME_AGENCY:
                home_seen += 1
                if home_seen % LEFT_OPEN_EVERY == 0:
                    out.waiting += 1  # left in the demo reviewer's queue (待办), as on a real working day
                    continue
            if rng.random() < 0.35:
                point, text, cat, opinion = rng.choice(FINDINGS)
                svc.review_opinion(
                    actor=reviewer,
                    review_id=review.pk,
                    opinion="findings",
                    checklist=_checklist(point, text),
                    categories=[cat],
                    text=opinion,
                    on=today,
                )
                out.findings += 1
            else:
                svc.review_opinion(
                    actor=reviewer,
                    review_id=review.pk,
                    opinion="agree",
                    checklist=_checklist(),
                    categories=[],
                    text=AGREE_TEXT,
                    on=today,
                )
                out.agreed += 1
        except ApplicationError as exc:
            out.skipped.append((case.pk, exc.code))
    if stdout is not None:
        stdout.write(
            f"法制审核：目录清单 {out.criteria} 项；审核意见 同意 {out.agreed} 件、存在问题 {out.findings} 件"
            + f"；待审核 {out.waiting} 件"
            + (f"；跳过 {len(out.skipped)} 件" if out.skipped else "")
        )
    return out
