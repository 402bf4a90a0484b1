"""Pure rules of law for case handling: dates and numbers in, a decision out.

No database, no request, no settings. Three kinds of input:

* numbers the law fixes are module constants below, each with its article;
* numbers the law leaves to local rules (hearing thresholds, on-the-spot limits, the
  statement period …) are parameters: the caller reads them with
  ``profile_value(agency, key, on=date)`` (keys in ``lawtrail.profiles.keys``) and
  passes them in;
* working days come from an ``is_working(date) -> bool`` callable (WD-1). In production
  pass ``lawtrail.core.calendar.selectors.CalendarView().is_working`` (it fails closed for a
  year without data); tests pass a pure fake. Counting reuses the pure helpers of
  ``lawtrail.core.calendar.rules`` (first day not counted; WD-3 roll-forward).

A rule refuses by raising ``ValidationFailed`` (or ``Conflict`` for a state conflict) with a
stable ``code``, a Chinese message naming the article, and ``rule=<RULES.md ID>``; a rule
that computes something returns a small frozen dataclass.
"""

from __future__ import annotations

import calendar as _stdcal
import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from lawtrail.core.calendar import rules as cal
from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed

IsWorking = Callable[[dt.date], bool]
IsHoliday = Callable[[dt.date], bool]

ONE_DAY = dt.timedelta(days=1)
CENT = Decimal("0.01")

# --- numbers fixed by law ------------------------------------------------------------------
#: APL Art. 36: 违法行为在二年内未被发现的，不再给予行政处罚。
LIMITATION_YEARS = 2
#: APL Art. 36: 涉及公民生命健康安全、金融安全且有危害后果的，上述期限延长至五年。
LIMITATION_YEARS_SERIOUS = 5
#: APL Art. 42: 执法人员不得少于两人。ACL Art. 18(二): 由两名以上行政执法人员实施。
MIN_OFFICERS = 2
#: APL Art. 30: 不满十四周岁 → 不予处罚; 已满十四周岁不满十八周岁 → 从轻或者减轻。
AGE_NO_PENALTY = 14
AGE_ADULT = 18
#: APL Art. 56: 先行登记保存后七日内（工作日, Art. 85）作出处理决定。
PRESERVATION_DISPOSAL_WD = 7
#: APL Art. 60: 自立案之日起九十日内作出处罚决定（自然日）。
DECISION_LIMIT_DAYS = 90
#: APL Art. 61: 当事人不在场的，七日内（工作日）送达。
SERVICE_WD = 7
#: APL Art. 64(一): 当事人要求听证的，应当在行政机关告知后五日内（工作日）提出。
HEARING_REQUEST_WD = 5
#: APL Art. 64(二): 在举行听证的七日前（工作日）通知当事人。
HEARING_NOTICE_WD = 7
#: APL Art. 67: 自收到处罚决定书之日起十五日内缴纳罚款（自然日）。
PAYMENT_DAYS = 15
#: APL Art. 71: 当场收缴的罚款二日内交至行政机关，行政机关二日内缴付指定银行（工作日）。
CASH_TO_AGENCY_WD = 2
AGENCY_TO_BANK_WD = 2
#: APL Art. 72(一): 每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额。
SURCHARGE_RATE = Decimal("0.03")
#: ACL Art. 19: 紧急情况当场实施的，二十四小时内向负责人报告并补办批准手续。
EMERGENCY_APPROVAL_HOURS = 24
#: ACL Art. 25: 查封、扣押的期限不得超过三十日；情况复杂的，经批准可延长，延长期限不得超过三十日。
SEIZURE_DAYS = 30
SEIZURE_EXTENSION_DAYS = 30
SEIZURE_MAX_EXTENSIONS = 1
#: ACL Art. 54: 催告书送达十日后（工作日, Art. 69）当事人仍未履行的，可申请法院强制执行。
DEMAND_BEFORE_COURT_WD = 10
#: ACL Art. 53: 自期限届满之日起三个月内申请人民法院强制执行。
COURT_APPLICATION_MONTHS = 3

# --- interpretive defaults (the law gives no number; callers may override) ----------------
#: ACL Art. 43 says "夜间" without hours. 22:00–06:00 follows the common reading (cf.
#: 《噪声污染防治法》第八十八条 "夜间" = 22:00–次日6:00); **interpretive**, a parameter.
NIGHT_START = dt.time(22, 0)
NIGHT_END = dt.time(6, 0)


class PartyKind(enum.StrEnum):
    PERSON = "person"  # 公民（自然人）
    ORGANISATION = "organisation"  # 法人或者其他组织


class PenaltyKind(enum.StrEnum):
    """APL-9 (APL Art. 9): the closed list of penalty types."""

    WARNING = "warning"  # 警告
    CRITICISM = "criticism"  # 通报批评
    FINE = "fine"  # 罚款
    CONFISCATE_GAINS = "confiscate_gains"  # 没收违法所得
    CONFISCATE_PROPERTY = "confiscate_property"  # 没收非法财物
    SUSPEND_LICENCE = "suspend_licence"  # 暂扣许可证件
    LOWER_QUALIFICATION = "lower_qualification"  # 降低资质等级
    REVOKE_LICENCE = "revoke_licence"  # 吊销许可证件
    RESTRICT_BUSINESS = "restrict_business"  # 限制开展生产经营活动
    SUSPEND_BUSINESS = "suspend_business"  # 责令停产停业
    CLOSE = "close"  # 责令关闭
    RESTRICT_PRACTICE = "restrict_practice"  # 限制从业
    DETENTION = "detention"  # 行政拘留
    OTHER = "other"  # 法律、行政法规规定的其他行政处罚


class Outcome(enum.StrEnum):
    """APL-57 (APL Art. 57): the four outcomes of a case after investigation."""

    PENALTY = "penalty"  # 给予行政处罚
    NO_PENALTY = "no_penalty"  # 违法行为轻微，依法可以不予行政处罚的，不予行政处罚
    DISMISSED = "dismissed"  # 违法事实不能成立的，不予行政处罚
    TRANSFERRED = "transferred"  # 违法行为涉嫌犯罪的，移送司法机关


class ServiceMethod(enum.StrEnum):
    """APL-61: ways to serve a decision (民事诉讼法 送达方式; electronic only with consent)."""

    ON_THE_SPOT = "on_the_spot"  # 宣告后当场交付
    DIRECT = "direct"  # 直接送达
    RETAINED = "retained"  # 留置送达
    ENTRUSTED = "entrusted"  # 委托送达
    MAIL = "mail"  # 邮寄送达
    ANNOUNCEMENT = "announcement"  # 公告送达
    ELECTRONIC = "electronic"  # 传真、电子邮件等（须当事人同意并签订确认书）


class Tier(enum.StrEnum):
    """裁量阶次 (G27-6), the same names as ``registry.BenchmarkTier.Tier``."""

    EXEMPT = "exempt"
    REDUCED = "reduced"
    LENIENT = "lenient"
    NORMAL = "normal"
    SEVERE = "severe"


class DeviationApproval(enum.StrEnum):
    """G27-12: who may approve applying a fine outside the benchmark tier."""

    HEAD = "head"  # 主要负责人批准
    DELIBERATION = "deliberation"  # 集体讨论决定


@dataclasses.dataclass(frozen=True)
class Period:
    """An inclusive run of calendar days; ``end=None`` means still running."""

    start: dt.date
    end: dt.date | None = None

    def end_or(self, as_of: dt.date) -> dt.date:
        return self.end if self.end is not None else as_of

    def days(self, as_of: dt.date | None = None) -> int:
        end = self.end if self.end is not None else as_of
        if end is None:
            raise ValueError("an open period needs as_of")
        return max((end - self.start).days + 1, 0)


def _refuse(code: str, message: str, rule: str, details=None) -> ValidationFailed:
    return ValidationFailed(message, code=code, rule=rule, details=details)


def _conflict(code: str, message: str, rule: str, details=None) -> Conflict:
    return Conflict(message, code=code, rule=rule, details=details)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same month and day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the last day of that month when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _stdcal.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


# =============================================================================================
# APL-47 the dates of acts that happened
# =============================================================================================


def act_date_check(
    *,
    what: str,
    act_on: dt.date,
    recorded_on: dt.date,
    not_before: Sequence[tuple[dt.date | None, str]] = (),
    late_entry_days: int,
) -> bool:
    """APL-47 (APL Art. 47, 全过程记录; G118-9): the date of an act that has happened is a fact of
    the record — not in the future (``CASE_DATE_IN_FUTURE``), not before the act it follows
    (``CASE_DATE_BEFORE_PREDECESSOR``: a payment not before service, a service not before the
    decision …), and earlier than the day it is recorded only within the profile's late-entry
    window ``recording.late_entry_window`` (``CASE_DATE_LATE_ENTRY_EXPIRED``). Returns True for
    a late entry, which the step records with who entered it and when."""
    if act_on > recorded_on:
        raise _refuse(
            "CASE_DATE_IN_FUTURE",
            _("%(what)s（%(on)s）不能晚于今天。") % {"what": what, "on": act_on},
            "APL-47",
            details={"date": act_on.isoformat()},
        )
    for before, label in not_before:
        if before is not None and act_on < before:
            raise _refuse(
                "CASE_DATE_BEFORE_PREDECESSOR",
                _("%(what)s（%(on)s）不能早于%(label)s（%(before)s）。")
                % {"what": what, "on": act_on, "label": label, "before": before},
                "APL-47",
                details={"date": act_on.isoformat(), "not_before": before.isoformat()},
            )
    late_days = (recorded_on - act_on).days
    if late_days > late_entry_days:
        raise _refuse(
            "CASE_DATE_LATE_ENTRY_EXPIRED",
            _(
                "%(what)s（%(on)s）早于今天%(n)s日，超过补录时限（%(limit)s日）；纸质文书的办理情况应及时录入（全过程记录）。"
            )
            % {"what": what, "on": act_on, "n": late_days, "limit": late_entry_days},
            "APL-47",
            details={"date": act_on.isoformat(), "window_days": late_entry_days},
        )
    return late_days > 0


# =============================================================================================
# APL-54/55 filing time limit; APL-41 evidence
# =============================================================================================


def filing_due(*, lead_on: dt.date, sla_wd: int, is_working: IsWorking, extension_wd: int = 0) -> dt.date:
    """APL-54/55 (APL Art. 54 "及时立案"): the day by which to decide whether to file, ``sla_wd``
    working days after the lead was registered (profile ``filing.sla``; e.g. SAMR Art. 18:
    15 WD), plus an approved ``extension_wd`` (``filing.sla_extension``)."""
    return cal.add_working_days(lead_on, sla_wd + extension_wd, is_working)[0]


def filing_extension_check(
    *, running: bool, extended: bool, due_on: dt.date | None, requested_on: dt.date
) -> None:
    """APL-54/55 (e.g. SAMR 令第2号第十八条): the time to decide whether to file may be extended once
    (``CASE_FILING_EXTENSION_USED``), by the leaders' approval, before it has run out
    (``CASE_FILING_DEADLINE_PASSED``); a lead without a running filing time has none to extend
    (``CASE_FILING_DEADLINE_NONE``)."""
    if not running:
        raise _conflict("CASE_FILING_DEADLINE_NONE", _("本线索没有正在计算的立案期限。"), "APL-54/55")
    if extended:
        raise _conflict(
            "CASE_FILING_EXTENSION_USED", _("立案期限只能延长一次，本线索已经延长过。"), "APL-54/55"
        )
    if due_on is not None and requested_on > due_on:
        raise _conflict(
            "CASE_FILING_DEADLINE_PASSED",
            _("立案期限已于%(due)s届满，不能再延长；请及时作出是否立案的决定。") % {"due": due_on},
            "APL-54/55",
        )


class EvidenceKind(enum.StrEnum):
    """The eight kinds of evidence (《行政诉讼法》第三十三条)."""

    DOCUMENTARY = "documentary"  # 书证
    PHYSICAL = "physical"  # 物证
    AUDIOVISUAL = "audiovisual"  # 视听资料
    ELECTRONIC = "electronic"  # 电子数据
    WITNESS = "witness"  # 证人证言
    PARTY_STATEMENT = "party_statement"  # 当事人的陈述
    EXPERT_OPINION = "expert_opinion"  # 鉴定意见
    INSPECTION_RECORD = "inspection_record"  # 勘验笔录、现场笔录


@dataclasses.dataclass(frozen=True)
class EvidenceFacts:
    evidence_id: object
    kind: str
    from_monitoring_device: bool = False  # 电子技术监控设备 record (APL-41)
    reviewed: bool = False  # APL-41 review of a monitoring record passed
    cross_examined: bool = False


def evidence_grounds_check(*, evidence: Sequence[EvidenceFacts], cross_examination_required: bool) -> None:
    """APL-41 (APL Art. 41) and APL Art. 40: the evidence grounding a decision exists
    (``CASE_EVIDENCE_REQUIRED``), is of one of the eight kinds (``CASE_EVIDENCE_KIND_UNKNOWN``),
    a monitoring-device record has passed its review (``CASE_MONITORING_RECORD_UNREVIEWED``:
    unreviewed or failed records are not evidence), and, where the profile requires it
    (``hearing.cross_examination_required``), has been cross-examined
    (``CASE_EVIDENCE_NOT_CROSS_EXAMINED``)."""
    if not evidence:
        raise _refuse(
            "CASE_EVIDENCE_REQUIRED",
            _("违法事实不清、证据不足的，不得给予行政处罚（《行政处罚法》第四十条）。"),
            "APL-41",
        )
    kinds = {k.value for k in EvidenceKind}
    bad = [e.evidence_id for e in evidence if str(e.kind) not in kinds]
    if bad:
        raise _refuse(
            "CASE_EVIDENCE_KIND_UNKNOWN",
            _(
                "证据种类须为书证、物证、视听资料、电子数据、证人证言、当事人的陈述、鉴定意见、勘验笔录和现场笔录之一。"
            ),
            "APL-41",
            details={"evidence": bad},
        )
    unreviewed = [e.evidence_id for e in evidence if e.from_monitoring_device and not e.reviewed]
    if unreviewed:
        raise _refuse(
            "CASE_MONITORING_RECORD_UNREVIEWED",
            _(
                "电子技术监控设备记录的违法事实未经审核或者经审核不符合要求的，不得作为行政处罚的证据（《行政处罚法》第四十一条）。"
            ),
            "APL-41",
            details={"evidence": unreviewed},
        )
    if cross_examination_required:
        open_ = [e.evidence_id for e in evidence if not e.cross_examined]
        if open_:
            raise _refuse(
                "CASE_EVIDENCE_NOT_CROSS_EXAMINED",
                _("作为定案依据的证据应当经过质证（《行政处罚法》第六十四条及本地规定）。"),
                "APL-64",
                details={"evidence": open_},
            )


# =============================================================================================
# APL-36 limitation
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class Limitation:
    counted_from: dt.date
    years: int
    expires_on: dt.date  # the last day on which discovery still allows a penalty
    rule: str = "APL-36"


def limitation_period(
    *,
    act_on: dt.date,
    act_ended_on: dt.date | None = None,
    life_health_or_financial_safety: bool = False,
    harm_occurred: bool = False,
    other_law_years: int | None = None,
) -> Limitation:
    """APL-36 (APL Art. 36): the limitation period of a violation.

    Two years; five years when the act concerns 公民生命健康安全 or 金融安全 **and** there was
    harm. Counted from the act, or for a 连续或者继续状态 from the day it ended
    (``act_ended_on``). ``other_law_years``: "法律另有规定的除外" — a period another law sets.
    The period ends on the anniversary (29 Feb → 28 Feb); it is not rolled forward (it is a
    substantive period, not a procedural one).
    """
    if act_ended_on is not None and act_ended_on < act_on:
        raise _refuse(
            "CASE_ACT_END_BEFORE_START",
            _("违法行为终了之日不得早于违法行为发生之日（《行政处罚法》第三十六条）。"),
            "APL-36",
        )
    start = act_ended_on or act_on
    if other_law_years is not None:
        years = other_law_years
    elif life_health_or_financial_safety and harm_occurred:
        years = LIMITATION_YEARS_SERIOUS
    else:
        years = LIMITATION_YEARS
    return Limitation(counted_from=start, years=years, expires_on=add_years(start, years))


def party_subject_check(
    *, parties: Sequence[tuple[str, str]], violations: Sequence[tuple[str, Sequence[str]]]
) -> None:
    """APL-57 (APL Art. 57(三)): a violation is charged to a party its provision applies to — a
    provision for organisations (e.g. 食品生产经营者 as a business) is not charged to a natural
    person, nor the reverse; otherwise the facts do not constitute that violation
    (``CASE_PARTY_NOT_SUBJECT``). ``parties``: (name, kind); ``violations``: (name, subject kinds)."""
    for v_name, kinds in violations:
        allowed = set(kinds or ("person", "organisation"))
        for p_name, p_kind in parties:
            if p_kind not in allowed:
                who = _("公民") if p_kind == PartyKind.PERSON else _("法人或者其他组织")
                raise _refuse(
                    "CASE_PARTY_NOT_SUBJECT",
                    _(
                        "当事人“%(party)s”是%(who)s，不是违法行为“%(v)s”的适用对象（《行政处罚法》第五十七条）。"
                    )
                    % {"party": p_name, "who": who, "v": v_name},
                    "APL-57",
                    details={"party": p_name, "violation": v_name},
                )


def lead_dates_check(
    *, act_date: dt.date | None, act_end_date: dt.date | None, discovered_on: dt.date | None, today: dt.date
) -> None:
    """APL-36 (APL Art. 36): the dates the limitation is counted from are facts, checked when the
    lead is registered: none in the future (``CASE_DATE_IN_FUTURE``), a continuing act does not end
    before it began (``CASE_ACT_END_BEFORE_START``), and it is not discovered before it happened
    (``CASE_DISCOVERY_BEFORE_ACT``)."""
    for day, what in (
        (act_date, _("违法行为发生日")),
        (act_end_date, _("违法行为终了日")),
        (discovered_on, _("发现日期")),
    ):
        if day is not None and day > today:
            raise _refuse(
                "CASE_DATE_IN_FUTURE",
                _("%(what)s（%(day)s）不能晚于今天。") % {"what": what, "day": day},
                "APL-36",
            )
    if act_date is not None and act_end_date is not None and act_end_date < act_date:
        raise _refuse(
            "CASE_ACT_END_BEFORE_START",
            _("违法行为终了日（%(end)s）不能早于发生日（%(start)s）。")
            % {"end": act_end_date, "start": act_date},
            "APL-36",
        )
    if act_date is not None and discovered_on is not None and discovered_on < act_date:
        raise _refuse(
            "CASE_DISCOVERY_BEFORE_ACT",
            _("发现日期（%(d)s）不能早于违法行为发生日（%(a)s）。") % {"d": discovered_on, "a": act_date},
            "APL-36",
        )


def limitation_check(
    *,
    act_on: dt.date,
    discovered_on: dt.date,
    act_ended_on: dt.date | None = None,
    life_health_or_financial_safety: bool = False,
    harm_occurred: bool = False,
    other_law_years: int | None = None,
) -> Limitation:
    """APL-36 (APL Art. 36): refuse filing when the violation was discovered after the
    limitation period (``CASE_LIMITATION_EXPIRED``). Returns the period when in time."""
    lim = limitation_period(
        act_on=act_on,
        act_ended_on=act_ended_on,
        life_health_or_financial_safety=life_health_or_financial_safety,
        harm_occurred=harm_occurred,
        other_law_years=other_law_years,
    )
    if discovered_on < act_on:
        raise _refuse(
            "CASE_DISCOVERY_BEFORE_ACT",
            _("发现违法行为的日期不得早于违法行为发生之日。"),
            "APL-36",
        )
    if discovered_on > lim.expires_on:
        raise _refuse(
            "CASE_LIMITATION_EXPIRED",
            _(
                "违法行为自%(start)s起%(years)s年内未被发现，已超过《行政处罚法》第三十六条规定的"
                "追责期限（%(expires)s届满），不再给予行政处罚，不得立案。"
            )
            % {"start": lim.counted_from, "years": lim.years, "expires": lim.expires_on},
            "APL-36",
            details={"counted_from": str(lim.counted_from), "expires_on": str(lim.expires_on)},
        )
    return lim


# =============================================================================================
# APL-42 two officers with valid credentials
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class CredentialFacts:
    """A 执法证 as the rule needs it. ``region_path`` is the credential region's
    ``Division.path`` ("130000/130100/")."""

    number: str
    status: str  # valid / suspended / revoked
    issued_on: dt.date
    expires_on: dt.date
    domain: str  # domain code or id, compared with the case's
    region_path: str


@dataclasses.dataclass(frozen=True)
class OfficerFacts:
    officer_id: object
    name: str
    credentials: tuple[CredentialFacts, ...] = ()


def credential_refusal(cred: CredentialFacts, *, on: dt.date, domain: str, division_path: str) -> str | None:
    """APL-42: None when ``cred`` lets its holder act on ``on`` in ``domain`` for a case in the
    division with ``division_path``; else why not: ``status`` / ``not_yet_valid`` /
    ``expired`` / ``domain`` / ``region``. The region covers the case when it is the
    case's division or one of its ancestors (path prefix)."""
    if cred.status != "valid":
        return "status"
    if on < cred.issued_on:
        return "not_yet_valid"
    if on > cred.expires_on:
        return "expired"
    if str(cred.domain) != str(domain):
        return "domain"
    if not cred.region_path or not division_path.startswith(cred.region_path):
        return "region"
    return None


_CRED_REASON = {
    "status": "执法证非有效状态",
    "not_yet_valid": "执法证尚未生效",
    "expired": "执法证已过有效期",
    "domain": "执法证执法领域与案件不符",
    "region": "执法证执法区域不覆盖案件所在区划",
    "none": "未持有执法证",
}


def officers_check(
    *,
    officers: Sequence[OfficerFacts],
    on: dt.date,
    domain: str,
    division_path: str,
    rule: str = "APL-42",
    minimum: int = MIN_OFFICERS,
) -> None:
    """APL-42 (APL Art. 42; also ACL Art. 18(二) with ``rule="ACL-17/18"``): at least two
    distinct officers, and every officer named holds a credential valid on ``on``, in the
    case's domain, whose region is the case's division or an ancestor. ``minimum`` is lower
    only where a law provides otherwise (Art. 42 "法律另有规定的除外"; profile
    ``on_the_spot.min_officers``).

    Refusals: ``CASE_OFFICERS_LT_2``, ``CASE_OFFICER_CREDENTIAL_INVALID`` (details: each
    officer without a usable credential and the reason found on their best credential).
    """
    distinct = {o.officer_id for o in officers}
    if len(distinct) < max(minimum, 1):
        raise _refuse(
            "CASE_OFFICERS_LT_2",
            _("执法人员不得少于两人（《行政处罚法》第四十二条、《行政强制法》第十八条）。")
            if minimum == MIN_OFFICERS
            else _("执法人员不得少于%(n)s人（《行政处罚法》第四十二条）。") % {"n": minimum},
            rule,
            details={"count": len(distinct), "minimum": minimum},
        )
    invalid = []
    for officer in officers:
        reasons = [
            credential_refusal(c, on=on, domain=domain, division_path=division_path)
            for c in officer.credentials
        ]
        if None in reasons:
            continue
        reason = reasons[0] if reasons else "none"
        invalid.append({"officer_id": officer.officer_id, "name": officer.name, "reason": reason})
    if invalid:
        names = "、".join(f"{i['name']}（{_CRED_REASON[i['reason']]}）" for i in invalid)
        raise _refuse(
            "CASE_OFFICER_CREDENTIAL_INVALID",
            _(
                "以下执法人员不具备执法资格：%(names)s。执法人员应持有当日有效、领域和区域相符的执法证（《行政处罚法》第四十二条）。"
            )
            % {"names": names},
            rule,
            details={"officers": invalid},
        )


def actor_check(
    *,
    actor: OfficerFacts,
    case_officer_ids: Iterable[object],
    on: dt.date,
    domain: str,
    division_path: str,
) -> None:
    """APL-42 (APL Art. 42: penalties are imposed by personnel with enforcement qualification,
    two officers with credentials; also APL-54/55, Art. 55: officers show their 执法证 when
    investigating): a case-handling step is taken by one of the case's officers — its handler
    or a co-officer — who holds a credential usable on the step's date, in the case's domain,
    for the case's division (the same test as ``credential_refusal``). Being in scope of the
    agency (``cases.handle``) is not enough: a colleague not on the case, or an officer whose
    执法证 has lapsed, is refused.

    Refusals (403): ``CASE_ACTOR_NOT_OFFICER``, ``CASE_ACTOR_CREDENTIAL_INVALID``.
    """
    if actor.officer_id not in set(case_officer_ids):
        raise PermissionDenied(
            _("只有本案的主办或协办执法人员才能办理此项操作（《行政处罚法》第四十二条）。"),
            code="CASE_ACTOR_NOT_OFFICER",
            rule="APL-42",
        )
    reasons = [
        credential_refusal(c, on=on, domain=domain, division_path=division_path) for c in actor.credentials
    ]
    if None not in reasons:
        reason = reasons[0] if reasons else "none"
        raise PermissionDenied(
            _("您在%(on)s没有可用的执法证（%(why)s），不能办理此项操作（《行政处罚法》第四十二条）。")
            % {"on": on.isoformat(), "why": _CRED_REASON[reason]},
            code="CASE_ACTOR_CREDENTIAL_INVALID",
            rule="APL-42",
            details={"reason": reason},
        )


# =============================================================================================
# APL-30/33 age of a natural-person party
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class AgeVerdict:
    age: int  # full years attained on the violation date
    minor: bool  # under 18
    must_mitigate: bool  # 14 ≤ age < 18: 应当从轻或者减轻
    rule: str = "APL-30/33"


def age_on(birth_date: dt.date, day: dt.date, *, birthday_counts: bool = False) -> int:
    """Full years (周岁) attained on ``day``.

    By default a year is attained **the day after** the birthday (最高人民法院
    法释〔2006〕1号第二条 "从周岁生日的第二天起算", applied by analogy — **interpretive**);
    ``birthday_counts=True`` attains it on the birthday itself. 29 Feb birthdays fall on
    28 Feb in common years.
    """
    years = day.year - birth_date.year
    anniversary = add_years(birth_date, years)
    attained = anniversary <= day if birthday_counts else anniversary < day
    return years if attained else years - 1


def party_age_check(
    *, birth_date: dt.date, violation_on: dt.date, birthday_counts: bool = False
) -> AgeVerdict:
    """APL-30/33 (APL Art. 30): the age of a natural person on the violation date.

    Under 14: no penalty (``CASE_PARTY_UNDER_14``; 责令监护人加以管教). 14 to under 18: a
    penalty must be 从轻或者减轻 (``must_mitigate``; see ``minor_mitigation_check``).
    """
    if birth_date > violation_on:
        raise _refuse(
            "CASE_PARTY_BORN_AFTER_ACT",
            _("当事人出生日期晚于违法行为发生日期，请核对身份信息。"),
            "APL-30/33",
        )
    age = age_on(birth_date, violation_on, birthday_counts=birthday_counts)
    if age < AGE_NO_PENALTY:
        raise _refuse(
            "CASE_PARTY_UNDER_14",
            _(
                "当事人违法时不满十四周岁（%(age)s周岁），依照《行政处罚法》第三十条不予行政处罚，应责令监护人加以管教。"
            )
            % {"age": age},
            "APL-30/33",
            details={"age": age},
        )
    minor = age < AGE_ADULT
    return AgeVerdict(age=age, minor=minor, must_mitigate=minor)


def minor_mitigation_check(*, age: AgeVerdict, tier: str | None) -> None:
    """APL-30/33 (APL Art. 30): a party aged 14–18 at the violation must be given a 从轻 or
    减轻 penalty (or none): ``CASE_MINOR_NOT_MITIGATED`` otherwise."""
    if age.must_mitigate and tier not in (Tier.LENIENT, Tier.REDUCED, Tier.EXEMPT):
        raise _refuse(
            "CASE_MINOR_NOT_MITIGATED",
            _("当事人违法时已满十四周岁不满十八周岁，依照《行政处罚法》第三十条应当从轻或者减轻行政处罚。"),
            "APL-30/33",
            details={"age": age.age, "tier": tier},
        )


# =============================================================================================
# APL-44/45/62 notice, statement period, no heavier penalty after the defence
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class Penalty:
    """A proposed or decided penalty, as far as "heavier" is concerned."""

    kinds: frozenset[str] = frozenset()
    fine: Decimal = Decimal(0)
    confiscation: Decimal = Decimal(0)  # 没收违法所得 + 非法财物价值

    @classmethod
    def of(cls, kinds: Iterable[str] = (), fine=0, confiscation=0) -> Penalty:
        return cls(frozenset(str(k) for k in kinds), Decimal(str(fine)), Decimal(str(confiscation)))


def penalty_heavier(new: Penalty, old: Penalty) -> list[str]:
    """APL-44/45/62: how ``new`` is heavier than ``old``: a higher fine, a higher
    confiscation, or a penalty kind the old one did not include. Empty when not heavier."""
    reasons = []
    if new.fine > old.fine:
        reasons.append("fine")
    if new.confiscation > old.confiscation:
        reasons.append("confiscation")
    if new.kinds - old.kinds:
        reasons.append("kinds")
    return reasons


def notice_before_decision_check(
    *, notice_served_on: dt.date | None, decided_on: dt.date, waived: bool = False
) -> None:
    """APL-44/45/62 (APL Arts. 44, 62): no decision without a served 事先告知书, unless the
    party expressly waived (a waiver record exists): ``CASE_NOTICE_REQUIRED``."""
    if waived:
        return
    if notice_served_on is None or notice_served_on > decided_on:
        raise _refuse(
            "CASE_NOTICE_REQUIRED",
            _(
                "作出行政处罚决定前，应当告知当事人拟作出的处罚内容及事实、理由、依据和陈述、申辩、"
                "听证权利，并已送达告知书（《行政处罚法》第四十四条、第六十二条）。"
            ),
            "APL-44/45/62",
        )


def statement_period_end(*, notice_served_on: dt.date, period_wd: int, is_working: IsWorking) -> dt.date:
    """APL-44/45/62: the last day of the statement period (``statement.period`` working days
    from service of the notice, WD-1)."""
    return cal.add_working_days(notice_served_on, period_wd, is_working)[0]


def statement_period_check(
    *,
    notice_served_on: dt.date,
    decided_on: dt.date,
    period_wd: int,
    is_working: IsWorking,
    stated: bool = False,
    waived: bool = False,
) -> None:
    """APL-44/45/62 (APL Arts. 44, 45): no decision before the statement period ends, unless
    the party has already stated their case (and it was reviewed) or waived:
    ``CASE_STATEMENT_PERIOD_RUNNING``. ``period_wd`` is the profile's ``statement.period``."""
    if stated or waived:
        return
    end = statement_period_end(notice_served_on=notice_served_on, period_wd=period_wd, is_working=is_working)
    if decided_on <= end:
        raise _refuse(
            "CASE_STATEMENT_PERIOD_RUNNING",
            _(
                "当事人陈述、申辩期限至%(end)s届满，期间内当事人未陈述申辩也未明确放弃的，"
                "不得作出处罚决定（《行政处罚法》第四十四条、第四十五条）。"
            )
            % {"end": end},
            "APL-44/45/62",
            details={"statement_period_ends_on": str(end)},
        )


def second_notice_check(*, previous: Penalty, proposed: Penalty, changed_facts_or_basis: str = "") -> None:
    """APL-44/45/62 (APL Art. 45): a second 告知书 may propose a heavier penalty only when it
    states the changed facts or legal basis (not the defence): ``CASE_RENOTICE_REASON_REQUIRED``."""
    if penalty_heavier(proposed, previous) and not changed_facts_or_basis.strip():
        raise _refuse(
            "CASE_RENOTICE_REASON_REQUIRED",
            _(
                "重新告知拟加重处罚的，应当载明据以加重的新的事实或者依据变化；不得因当事人陈述、"
                "申辩而加重处罚（《行政处罚法》第四十五条）。"
            ),
            "APL-44/45/62",
        )


def penalty_not_heavier_check(*, notified: Penalty, decided: Penalty) -> None:
    """APL-44/45/62 (APL Art. 45): the decision may not be heavier than the penalty in the
    last served notice — a heavier penalty needs a second notice stating changed facts or
    basis (``second_notice_check``), which then becomes ``notified``:
    ``CASE_PENALTY_INCREASED_AFTER_DEFENCE``."""
    how = penalty_heavier(decided, notified)
    if how:
        raise _refuse(
            "CASE_PENALTY_INCREASED_AFTER_DEFENCE",
            _(
                "处罚决定重于已告知的处罚内容。行政机关不得因当事人陈述、申辩而给予更重的处罚；"
                "事实或依据发生变化的，应当重新告知（《行政处罚法》第四十五条）。"
            ),
            "APL-44/45/62",
            details={"heavier_by": how},
        )


# =============================================================================================
# APL-51 on-the-spot penalty; APL-68/71 on-the-spot collection
# =============================================================================================

ON_THE_SPOT_KINDS = frozenset({PenaltyKind.WARNING, PenaltyKind.FINE})


def on_the_spot_check(
    *,
    party_kind: str,
    kinds: Iterable[str],
    fine: Decimal | int = 0,
    fine_max_person: Decimal | int,
    fine_max_organisation: Decimal | int,
) -> None:
    """APL-51 (APL Art. 51): the simple procedure allows only a warning or a fine of at most
    ``on_the_spot.fine_max.person`` (200 yuan) for a citizen or
    ``on_the_spot.fine_max.organisation`` (3000 yuan) for an organisation.

    Refusals: ``CASE_ON_THE_SPOT_KIND_NOT_ALLOWED``, ``CASE_ON_THE_SPOT_FINE_OVER_LIMIT``.
    """
    kinds = {str(k) for k in kinds}
    if not kinds or kinds - ON_THE_SPOT_KINDS:
        raise _refuse(
            "CASE_ON_THE_SPOT_KIND_NOT_ALLOWED",
            _("当场处罚只能给予警告或者罚款（《行政处罚法》第五十一条）。"),
            "APL-51",
            details={"kinds": sorted(kinds - ON_THE_SPOT_KINDS)},
        )
    fine = Decimal(str(fine))
    if fine < 0:
        raise _refuse("CASE_FINE_NEGATIVE", _("罚款数额不得为负数。"), "APL-51")
    if PenaltyKind.FINE not in kinds:
        return
    if fine <= 0:
        raise _refuse("CASE_FINE_REQUIRED", _("给予罚款的，应当写明罚款数额。"), "APL-51")
    limit = Decimal(str(fine_max_person if party_kind == PartyKind.PERSON else fine_max_organisation))
    if fine > limit:
        who = _("公民") if party_kind == PartyKind.PERSON else _("法人或者其他组织")
        raise _refuse(
            "CASE_ON_THE_SPOT_FINE_OVER_LIMIT",
            _(
                "当场处罚对%(who)s的罚款不得超过%(limit)s元（《行政处罚法》第五十一条），本案为%(fine)s元，应适用普通程序。"
            )
            % {"who": who, "limit": limit, "fine": fine},
            "APL-51",
            details={"limit": str(limit), "fine": str(fine)},
        )


def on_the_spot_grounds_check(*, facts: str, basis: str, violation_count: int) -> None:
    """APL-51 (APL Art. 51): the simple procedure needs facts that are clear (written down,
    ``CASE_FACTS_REQUIRED``) and a legal basis (a violation of the catalogue or the basis written,
    ``CASE_ON_THE_SPOT_BASIS_REQUIRED``)."""
    if not facts.strip():
        raise _refuse(
            "CASE_FACTS_REQUIRED",
            _("适用简易程序须违法事实确凿，请填写违法事实（《行政处罚法》第五十一条）。"),
            "APL-51",
        )
    if not basis.strip() and violation_count == 0:
        raise _refuse(
            "CASE_ON_THE_SPOT_BASIS_REQUIRED",
            _("适用简易程序须有法定依据，请选择违法行为或填写处罚依据（《行政处罚法》第五十一条）。"),
            "APL-51",
        )


def on_the_spot_form_check(
    *, credentials_shown: bool, form_serial: str, party_signed: bool, refusal_noted: bool
) -> None:
    """APL-52 (APL Art. 52): on the spot the officer shows the credential
    (``CASE_CREDENTIALS_NOT_SHOWN``), fills a pre-numbered form of the set format
    (``CASE_FORM_SERIAL_REQUIRED``) and hands it to the party, who signs it or whose refusal is
    noted on it (``CASE_ON_THE_SPOT_SIGNATURE``). Each serial is used once (a constraint of the
    case table, ``CASE_FORM_SERIAL_USED``); the copy is filed with the agency
    (``on_the_spot_filing_check``)."""
    if not credentials_shown:
        raise _refuse(
            "CASE_CREDENTIALS_NOT_SHOWN",
            _("当场作出行政处罚决定的，执法人员应当向当事人出示执法证件（《行政处罚法》第五十二条）。"),
            "APL-52",
        )
    if not party_signed and not refusal_noted:
        raise _refuse(
            "CASE_ON_THE_SPOT_SIGNATURE",
            _(
                "当场处罚决定书应当由当事人签收；当事人拒绝签收的，应当在决定书上注明（《行政处罚法》第五十二条、第六十一条）。"
            ),
            "APL-52",
        )
    if not form_serial.strip():
        raise _refuse(
            "CASE_FORM_SERIAL_REQUIRED",
            _("请填写预定格式、编有号码的当场处罚决定书编号（《行政处罚法》第五十二条）。"),
            "APL-52",
        )


def on_the_spot_filing_check(*, on_the_spot: bool, filed_on: dt.date | None, closing: bool = False) -> None:
    """APL-52 (APL Art. 52 para. 2): the copy of an on-the-spot decision is filed (备案) with the
    agency — once (``CASE_NOT_ON_THE_SPOT``, ``CASE_ON_THE_SPOT_FILED``); ``closing``: a case
    whose copy is not filed cannot be closed (``CASE_ON_THE_SPOT_NOT_FILED``)."""
    if closing:
        if on_the_spot and filed_on is None:
            raise _conflict(
                "CASE_ON_THE_SPOT_NOT_FILED",
                _("当场处罚决定书尚未报所属行政机关备案，不能结案（《行政处罚法》第五十二条）。"),
                "APL-52",
            )
        return
    if not on_the_spot:
        raise _conflict("CASE_NOT_ON_THE_SPOT", _("本案不是当场处罚案件。"), "APL-52")
    if filed_on is not None:
        raise _conflict("CASE_ON_THE_SPOT_FILED", _("当场处罚决定书已备案。"), "APL-52")


def on_the_spot_collection_check(
    *,
    fine: Decimal | int,
    collection_max: Decimal | int,
    hard_to_collect_later: bool = False,
    remote_area: bool = False,
    receipt_number: str = "",
) -> None:
    """APL-68/71 (APL Arts. 68–70): fines may be collected on the spot only when at most
    ``on_the_spot.collection_max`` (100 yuan), or when collection later would be hard
    (Art. 68(二)), or in remote areas on the party's request (Art. 69); an official
    receipt number is required (Art. 70).

    Refusals: ``CASE_COLLECTION_OVER_LIMIT``, ``CASE_COLLECTION_RECEIPT_REQUIRED``.
    """
    fine = Decimal(str(fine))
    if fine > Decimal(str(collection_max)) and not (hard_to_collect_later or remote_area):
        raise _refuse(
            "CASE_COLLECTION_OVER_LIMIT",
            _(
                "罚款%(fine)s元超过当场收缴限额%(limit)s元，且不属于事后难以执行或边远地区情形，不得当场收缴（《行政处罚法》第六十八条、第六十九条）。"
            )
            % {"fine": fine, "limit": collection_max},
            "APL-68/71",
        )
    if not receipt_number.strip():
        raise _refuse(
            "CASE_COLLECTION_RECEIPT_REQUIRED",
            _("当场收缴罚款必须出具专用票据，请填写票据号码（《行政处罚法》第七十条）。"),
            "APL-68/71",
        )


@dataclasses.dataclass(frozen=True)
class Handover:
    collected_on: dt.date
    to_agency_due: dt.date
    handed_to_agency_on: dt.date | None
    to_bank_due: dt.date  # from the actual hand-over when known, else from the agency due date
    to_agency_late: bool
    rule: str = "APL-68/71"


def collection_handover(
    *, collected_on: dt.date, is_working: IsWorking, handed_to_agency_on: dt.date | None = None
) -> Handover:
    """APL-68/71 (APL Art. 71): cash collected on the spot goes to the agency within 2 WD of
    collection, and from the agency to the bank within 2 WD of receipt."""
    to_agency_due = cal.add_working_days(collected_on, CASH_TO_AGENCY_WD, is_working)[0]
    base = handed_to_agency_on or to_agency_due
    return Handover(
        collected_on=collected_on,
        to_agency_due=to_agency_due,
        handed_to_agency_on=handed_to_agency_on,
        to_bank_due=cal.add_working_days(base, AGENCY_TO_BANK_WD, is_working)[0],
        to_agency_late=handed_to_agency_on is not None and handed_to_agency_on > to_agency_due,
    )


# =============================================================================================
# APL-47 closing the case; ACL-35 the demand (催告); ACL-24 the inventory of a measure
# =============================================================================================


def closing_check(
    *, penalty_unexecuted: bool, on_the_spot: bool, filed_on: dt.date | None, open_measures: int
) -> None:
    """APL-47 (APL Art. 47; with APL-52, ACL-28, APL-56): a case is closed (结案) once what it
    decided has been carried out (``CASE_NOT_EXECUTED``), an on-the-spot decision's copy is filed
    (``on_the_spot_filing_check``) and no compulsory measure or preservation still holds property
    (``CASE_MEASURES_OPEN``); the archive (归档) then keeps the whole record."""
    if penalty_unexecuted:
        raise _conflict("CASE_NOT_EXECUTED", _("处罚决定尚未执行完毕，不能结案。"), "APL-47")
    on_the_spot_filing_check(on_the_spot=on_the_spot, filed_on=filed_on, closing=True)
    if open_measures:
        raise _conflict(
            "CASE_MEASURES_OPEN",
            _(
                "案件尚有未解除或未处理的强制措施、先行登记保存，不能结案（《行政强制法》第二十八条、《行政处罚法》第五十六条）。"
            ),
            "ACL-25/27/28",
        )


def ending_with_measures_check(*, open_measures: int, release_in_step: bool) -> None:
    """APL-57, ACL-28 (ACL Art. 28): a case that ends without a penalty — not filed, terminated,
    transferred — does not leave property held: the measures in force are released in the same
    step (the ACL-28 解除决定), or the case cannot end yet (``CASE_MEASURES_OPEN``)."""
    if open_measures and not release_in_step:
        raise _conflict(
            "CASE_MEASURES_OPEN",
            _(
                "本案尚有%(n)s项强制措施或先行登记保存未解除；案件终结的，应当依法解除（《行政强制法》第二十八条），"
                "请先解除，或在本步骤中选择“同时解除强制措施”。"
            )
            % {"n": open_measures},
            "ACL-25/27/28",
            details={"open_measures": open_measures},
        )


def demand_check(*, payment_due: dt.date, served_on: dt.date, perform_by: dt.date | None) -> None:
    """ACL-35 (ACL Art. 35): a written demand (催告) is served only once the time to pay has run
    out (``CASE_DEMAND_PREMATURE``), and the time it gives to perform is not before its own
    service (``CASE_DATE_INVALID``)."""
    if perform_by is not None and perform_by < served_on:
        raise _refuse("CASE_DATE_INVALID", _("催告书载明的履行期限不得早于送达日期。"), "ACL-35")
    if served_on <= payment_due:
        raise _conflict(
            "CASE_DEMAND_PREMATURE",
            _("缴款期限（%(due)s）尚未届满，不能催告（行政强制法第三十五条）。") % {"due": payment_due},
            "ACL-35",
        )


def measure_request_check(*, items: str, reason: str) -> None:
    """ACL-24 (ACL Art. 24; APL-56): a measure names the property it takes (the 清单 delivered on
    the spot, ``MEASURE_ITEMS_REQUIRED``) and the reasons and basis (ACL-17/18,
    ``REASON_REQUIRED``)."""
    if not items.strip():
        raise _refuse(
            "MEASURE_ITEMS_REQUIRED",
            _("请填写查封、扣押、冻结或登记保存的财物清单（《行政强制法》第二十四条）。"),
            "ACL-24",
        )
    if not reason.strip():
        raise _refuse("REASON_REQUIRED", _("请写明实施的理由和依据（《行政强制法》第十八条）。"), "ACL-17/18")


# =============================================================================================
# APL-56 先行登记保存
# =============================================================================================


def preservation_disposal_due(*, preserved_on: dt.date, is_working: IsWorking) -> dt.date:
    """APL-56 (APL Art. 56): the disposal decision is due 7 WD after 先行登记保存."""
    return cal.add_working_days(preserved_on, PRESERVATION_DISPOSAL_WD, is_working)[0]


def preservation_check(*, head_approved: bool) -> None:
    """APL-56 (APL Art. 56): 先行登记保存 needs the agency head's approval:
    ``CASE_PRESERVATION_APPROVAL_REQUIRED``."""
    if not head_approved:
        raise _refuse(
            "CASE_PRESERVATION_APPROVAL_REQUIRED",
            _("先行登记保存证据应当经行政机关负责人批准（《行政处罚法》第五十六条）。"),
            "APL-56",
        )


def preservation_disposal_check(
    *, preserved_on: dt.date, disposed_on: dt.date, is_working: IsWorking
) -> dt.date:
    """APL-56 (APL Art. 56): the disposal decision must be made within 7 WD; after that the
    preservation can no longer ground a disposal (``CASE_PRESERVATION_DISPOSAL_LATE``).
    Returns the due date."""
    due = preservation_disposal_due(preserved_on=preserved_on, is_working=is_working)
    if disposed_on < preserved_on:
        raise _refuse(
            "CASE_PRESERVATION_DISPOSAL_BEFORE",
            _("处理决定日期不得早于先行登记保存日期。"),
            "APL-56",
        )
    if disposed_on > due:
        raise _refuse(
            "CASE_PRESERVATION_DISPOSAL_LATE",
            _("先行登记保存后应当在七个工作日内（至%(due)s）及时作出处理决定（《行政处罚法》第五十六条）。")
            % {"due": due},
            "APL-56",
            details={"due": str(due)},
        )
    return due


# =============================================================================================
# APL-57 outcomes and collective discussion
# =============================================================================================


def outcome_check(*, outcome: str, kinds: Iterable[str] = ()) -> None:
    """APL-57 (APL Art. 57): one of the four outcomes; a penalty outcome names at least one
    penalty kind (APL-9), the other outcomes none. Codes ``CASE_OUTCOME_UNKNOWN``,
    ``CASE_OUTCOME_PENALTY_MISSING``, ``CASE_OUTCOME_PENALTY_UNEXPECTED``."""
    try:
        outcome = Outcome(outcome)
    except ValueError:
        raise _refuse(
            "CASE_OUTCOME_UNKNOWN",
            _(
                "处理结果须为给予处罚、不予处罚、违法事实不能成立或移送司法机关之一（《行政处罚法》第五十七条）。"
            ),
            "APL-57",
        ) from None
    kinds = {str(k) for k in kinds}
    unknown = kinds - {k.value for k in PenaltyKind}
    if unknown:
        raise _refuse(
            "CASE_PENALTY_KIND_UNKNOWN",
            _("处罚种类须为《行政处罚法》第九条规定的种类。"),
            "APL-9",
            details={"kinds": sorted(unknown)},
        )
    if outcome == Outcome.PENALTY and not kinds:
        raise _refuse(
            "CASE_OUTCOME_PENALTY_MISSING",
            _("决定给予行政处罚的，应当写明处罚种类（《行政处罚法》第五十七条）。"),
            "APL-57",
        )
    if outcome != Outcome.PENALTY and kinds:
        raise _refuse(
            "CASE_OUTCOME_PENALTY_UNEXPECTED",
            _("不予处罚、违法事实不能成立或移送司法机关的，不得同时给予处罚（《行政处罚法》第五十七条）。"),
            "APL-57",
        )


#: APL-57 "行政机关的负责人": the agency's leaders — 分管领导 and 主要负责人 — not the heads of its
#: internal departments (承办机构负责人, approver_1).
AGENCY_LEADER_ROLES = frozenset({"approver_2", "approver_3"})


def deliberation_quorum_check(*, attendees: Iterable[object], leaders: Iterable[object], quorum: int) -> None:
    """APL-57 (APL Art. 57 para. 2): 负责人集体讨论 is held by the agency's leaders — every
    attendee is one (``leaders``: holders of 分管领导/主要负责人 in the agency) and at least
    ``deliberation.quorum`` (3 by default) take part; the heads of internal departments do not count
    (``CASE_DELIBERATION_ATTENDEES``)."""
    attendees, leaders = set(attendees), set(leaders)
    outsiders = attendees - leaders
    if outsiders or len(attendees) < quorum:
        raise _refuse(
            "CASE_DELIBERATION_ATTENDEES",
            _(
                "集体讨论须由本机关负责人（分管领导、主要负责人）参加，至少%(n)s人；承办机构负责人等内设机构负责人不计入（《行政处罚法》第五十七条）。"
            )
            % {"n": quorum},
            "APL-57",
            details={"not_leaders": sorted(str(x) for x in outsiders), "quorum": quorum},
        )


def deliberation_check(*, complex_or_serious: bool, deliberation_recorded: bool) -> None:
    """APL-57 (APL Art. 57 para. 2): 情节复杂或者重大违法 cases are decided by the heads
    collectively; a record of the discussion is required: ``CASE_DELIBERATION_REQUIRED``."""
    if complex_or_serious and not deliberation_recorded:
        raise _refuse(
            "CASE_DELIBERATION_REQUIRED",
            _(
                "情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定，请先录入集体讨论记录（《行政处罚法》第五十七条）。"
            ),
            "APL-57",
        )


# =============================================================================================
# APL-60 decision time limit
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class DecisionDeadline:
    filed_on: dt.date
    limit_days: int
    extension_days: int
    excluded_days: int
    nominal_due: dt.date  # filing + all the days, before WD-3 roll-forward
    due: dt.date
    rolled_forward_from: dt.date | None
    rule: str = "APL-60"


#: What a run of days is, for the messages and codes of ``periods_validate``.
_PERIOD_KINDS = {
    "decision": ("CASE_EXCLUDED_PERIOD", "不计入办案期限的期间", "《行政处罚法》第六十条", "APL-60"),
    "surcharge": ("CASE_SURCHARGE_PAUSE", "复议、诉讼期间", "《行政处罚法》第七十三条", "APL-72/73"),
    "testing": (
        "MEASURE_TESTING_PERIOD",
        "检测、检验、检疫或者技术鉴定期间",
        "《行政强制法》第二十五条",
        "ACL-25/27/28",
    ),
}


def periods_validate(periods: Sequence[Period], *, kind: str = "decision") -> None:
    """Runs of days that are not counted (APL-60 excluded periods, APL-72/73 surcharge pauses,
    ACL-25 testing periods) are well-formed and do not overlap, so no day is deducted twice.

    Codes ``<PREFIX>_INVERTED`` and ``<PREFIX>_OVERLAP`` with the prefix of ``kind``:
    ``CASE_EXCLUDED_PERIOD`` (decision), ``CASE_SURCHARGE_PAUSE`` (surcharge),
    ``MEASURE_TESTING_PERIOD`` (testing).
    """
    prefix, what, article, rule = _PERIOD_KINDS[kind]
    far = dt.date.max
    ordered = sorted(periods, key=lambda p: p.start)
    for p in ordered:
        if p.end is not None and p.end < p.start:
            raise _refuse(
                f"{prefix}_INVERTED",
                _("%(what)s的结束日期不得早于开始日期（%(article)s）。") % {"what": what, "article": article},
                rule,
            )
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start <= (a.end or far):
            raise _refuse(
                f"{prefix}_OVERLAP",
                _("%(what)s相互重叠（%(a)s 起与 %(b)s 起），同一日期不得重复扣除（%(article)s）。")
                % {"what": what, "a": a.start, "b": b.start, "article": article},
                rule,
                details={"a": str(a.start), "b": str(b.start)},
            )


def excluded_periods_validate(periods: Sequence[Period]) -> None:
    """APL-60: excluded periods are well-formed and do not overlap
    (``CASE_EXCLUDED_PERIOD_INVERTED``, ``CASE_EXCLUDED_PERIOD_OVERLAP``)."""
    periods_validate(periods, kind="decision")


def decision_deadline(
    *,
    filed_on: dt.date,
    is_working: IsWorking,
    extension_days: Sequence[int] = (),
    excluded: Sequence[Period] = (),
    as_of: dt.date | None = None,
    limit_days: int = DECISION_LIMIT_DAYS,
) -> DecisionDeadline:
    """APL-60 (APL Art. 60): the decision is due ``limit_days`` (90) calendar days after
    filing (first day not counted), plus the approved extensions, plus the days of the
    excluded periods (鉴定、检测、检验、听证、公告 … per ``decision.limit_excluded_periods``);
    if the last day is not a working day it moves to the next one (WD-3).

    ``limit_days`` defaults to the statutory 90; pass the profile's ``decision.limit`` where
    a law, regulation or rule provides otherwise. An excluded period still running
    (``end=None``) counts up to ``as_of`` (required then).
    """
    excluded_periods_validate(excluded)
    if any(p.start <= filed_on for p in excluded):
        raise _refuse(
            "CASE_EXCLUDED_PERIOD_BEFORE_FILING",
            _("不计入办案期限的期间应在立案之后（《行政处罚法》第六十条）。"),
            "APL-60",
        )
    if any(p.end is None for p in excluded) and as_of is None:
        raise ValueError("an open excluded period needs as_of")
    ext = sum(extension_days)
    if ext < 0 or any(d < 0 for d in extension_days):
        raise ValueError("extension days must be >= 0")
    excl = sum(p.days(as_of) for p in excluded)
    total = limit_days + ext + excl
    due, rolled_from, _skipped = cal.add_calendar_days(filed_on, total, is_working)
    return DecisionDeadline(
        filed_on=filed_on,
        limit_days=limit_days,
        extension_days=ext,
        excluded_days=excl,
        nominal_due=filed_on + dt.timedelta(days=total),
        due=due,
        rolled_forward_from=rolled_from,
    )


def excluded_period_add_check(
    *,
    new: Period,
    existing: Sequence[Period],
    recorded_on: dt.date,
    filed_on: dt.date,
    current_due: dt.date | None = None,
) -> None:
    """APL-60: a new excluded period starts after filing, is not back-dated (starts on or
    after the day it is recorded), does not overlap an existing one, and is not recorded
    once the current deadline (``current_due``, when given) has passed — an expired limit
    cannot be revived by an exclusion.

    Codes: ``CASE_EXCLUDED_PERIOD_BEFORE_FILING``, ``CASE_EXCLUDED_PERIOD_BACKDATED``,
    ``CASE_EXCLUDED_PERIOD_INVERTED``, ``CASE_EXCLUDED_PERIOD_OVERLAP``,
    ``CASE_DEADLINE_PASSED`` (a conflict).
    """
    if current_due is not None and (recorded_on > current_due or new.start > current_due):
        raise _conflict(
            "CASE_DEADLINE_PASSED",
            _("办案期限已于%(due)s届满，不能再登记不计入办案期限的期间（《行政处罚法》第六十条）。")
            % {"due": current_due},
            "APL-60",
        )
    if new.start <= filed_on:
        raise _refuse(
            "CASE_EXCLUDED_PERIOD_BEFORE_FILING",
            _("不计入办案期限的期间应在立案之后（《行政处罚法》第六十条）。"),
            "APL-60",
        )
    if new.start < recorded_on:
        raise _refuse(
            "CASE_EXCLUDED_PERIOD_BACKDATED",
            _("不计入办案期限的期间不得倒签：开始日期（%(start)s）不得早于登记日期（%(on)s）。")
            % {"start": new.start, "on": recorded_on},
            "APL-60",
        )
    excluded_periods_validate([*existing, new])


def decision_extension_check(
    *,
    requested_days: int,
    already_extended_days: int,
    max_extension_days: int,
    requested_on: dt.date,
    current_due: dt.date,
) -> None:
    """APL-60 (APL Art. 60 "法律、法规、规章另有规定的，从其规定"; e.g. SAMR Art. 64): an
    extension is asked before the current deadline passes (``CASE_DEADLINE_PASSED``), and the
    extensions together stay within ``decision.limit_extension`` (``CASE_EXTENSION_OVER_LIMIT``).
    Approval by the head is the caller's step."""
    if requested_days <= 0:
        raise _refuse("CASE_EXTENSION_DAYS_INVALID", _("延长天数应为正整数。"), "APL-60")
    if requested_on > current_due:
        raise _conflict(
            "CASE_DEADLINE_PASSED",
            _("办案期限已于%(due)s届满，不能再申请延长（《行政处罚法》第六十条）。") % {"due": current_due},
            "APL-60",
        )
    if already_extended_days + requested_days > max_extension_days:
        raise _refuse(
            "CASE_EXTENSION_OVER_LIMIT",
            _("办案期限延长累计不得超过%(max)s日（已延长%(done)s日）（《行政处罚法》第六十条及相关规定）。")
            % {"max": max_extension_days, "done": already_extended_days},
            "APL-60",
        )


# =============================================================================================
# APL-61 service of the decision
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class ServiceVerdict:
    due: dt.date
    late: bool
    rule: str = "APL-61"


def service_due(*, decided_on: dt.date, is_working: IsWorking) -> dt.date:
    """APL-61 (APL Art. 61): a decision not handed over on the spot is served within 7 WD."""
    return cal.add_working_days(decided_on, SERVICE_WD, is_working)[0]


def service_check(
    *,
    decided_on: dt.date,
    served_on: dt.date,
    method: str,
    is_working: IsWorking,
    e_consent: bool = False,
    electronic_allowed: bool = True,
) -> ServiceVerdict:
    """APL-61 (APL Art. 61): service by fax/e-mail/other electronic means only when the
    party agreed and signed a 确认书 (``CASE_E_SERVICE_CONSENT_REQUIRED``) and the profile's
    ``service.electronic_allowed`` is on (``CASE_E_SERVICE_DISABLED``); not before the decision
    (``CASE_SERVICE_BEFORE_DECISION``). Returns the 7-WD due date and whether service was late
    (a late service is recorded and flagged, not refused: the service happened)."""
    try:
        method = ServiceMethod(method)
    except ValueError:
        raise _refuse("CASE_SERVICE_METHOD_UNKNOWN", _("未知的送达方式。"), "APL-61") from None
    if served_on < decided_on:
        raise _refuse(
            "CASE_SERVICE_BEFORE_DECISION",
            _("送达日期不得早于决定日期（《行政处罚法》第六十一条）。"),
            "APL-61",
        )
    if method == ServiceMethod.ELECTRONIC:
        if not electronic_allowed:
            raise _refuse(
                "CASE_E_SERVICE_DISABLED", _("本机关未启用电子送达（《行政处罚法》第六十一条）。"), "APL-61"
            )
        if not e_consent:
            raise _refuse(
                "CASE_E_SERVICE_CONSENT_REQUIRED",
                _("当事人同意并签订确认书的，方可采用传真、电子邮件等方式送达（《行政处罚法》第六十一条）。"),
                "APL-61",
            )
    due = (
        decided_on
        if method == ServiceMethod.ON_THE_SPOT
        else service_due(decided_on=decided_on, is_working=is_working)
    )
    return ServiceVerdict(due=due, late=served_on > due)


# =============================================================================================
# APL-63/64 hearing
# =============================================================================================

HEARING_KINDS = frozenset(
    {
        PenaltyKind.LOWER_QUALIFICATION,
        PenaltyKind.REVOKE_LICENCE,
        PenaltyKind.SUSPEND_BUSINESS,
        PenaltyKind.CLOSE,
        PenaltyKind.RESTRICT_PRACTICE,
    }
)


@dataclasses.dataclass(frozen=True)
class HearingRight:
    required: bool
    reasons: tuple[str, ...]
    rule: str = "APL-63"


def hearing_right(
    *,
    party_kind: str,
    penalty: Penalty,
    fine_threshold_person: Decimal | int,
    fine_threshold_organisation: Decimal | int,
    confiscation_threshold_person: Decimal | int,
    confiscation_threshold_organisation: Decimal | int,
    other_serious: bool = False,
) -> HearingRight:
    """APL-63 (APL Art. 63): whether the notice must state the right to a hearing.

    Fine ≥ the ``hearing.fine_threshold.*`` for the party kind (较大数额罚款, "达到"), or
    confiscation ≥ ``hearing.confiscation_threshold.*``; or 降低资质等级、吊销许可证件、责令
    停产停业、责令关闭、限制从业; or ``other_serious`` (其他较重的行政处罚 / law, regulation,
    rule). The thresholds are profile values, not constants.
    """
    person = party_kind == PartyKind.PERSON
    fine_t = Decimal(str(fine_threshold_person if person else fine_threshold_organisation))
    conf_t = Decimal(str(confiscation_threshold_person if person else confiscation_threshold_organisation))
    reasons = []
    if penalty.fine > 0 and penalty.fine >= fine_t:
        reasons.append("fine")
    if penalty.confiscation > 0 and penalty.confiscation >= conf_t:
        reasons.append("confiscation")
    reasons.extend(sorted(str(k) for k in penalty.kinds & HEARING_KINDS))
    if other_serious:
        reasons.append("other_serious")
    return HearingRight(required=bool(reasons), reasons=tuple(reasons))


def hearing_right_notified_check(*, right: HearingRight, notice_states_hearing_right: bool) -> None:
    """APL-63 (APL Art. 63): a notice for a penalty that carries the hearing right must state
    it: ``CASE_HEARING_RIGHT_NOT_NOTIFIED``."""
    if right.required and not notice_states_hearing_right:
        raise _refuse(
            "CASE_HEARING_RIGHT_NOT_NOTIFIED",
            _("拟作出的处罚属于《行政处罚法》第六十三条规定的情形，告知书应当告知当事人有要求听证的权利。"),
            "APL-63",
            details={"reasons": list(right.reasons)},
        )


def hearing_request_due(*, notice_served_on: dt.date, is_working: IsWorking) -> dt.date:
    """APL-64 (APL Art. 64(一)): the last day to request a hearing — 5 WD after the notice."""
    return cal.add_working_days(notice_served_on, HEARING_REQUEST_WD, is_working)[0]


def hearing_request_check(
    *,
    notice_served_on: dt.date,
    requested_on: dt.date,
    is_working: IsWorking,
    right: HearingRight | None = None,
) -> dt.date:
    """APL-64 (APL Art. 64(一)): a hearing request is made within 5 WD of the notice
    (``CASE_HEARING_REQUEST_LATE``) and only where the right exists
    (``CASE_HEARING_NOT_AVAILABLE``). Returns the last day."""
    if right is not None and not right.required:
        raise _refuse(
            "CASE_HEARING_NOT_AVAILABLE",
            _("拟作出的处罚不属于《行政处罚法》第六十三条规定的听证范围。"),
            "APL-63",
        )
    due = hearing_request_due(notice_served_on=notice_served_on, is_working=is_working)
    if requested_on < notice_served_on:
        raise _refuse(
            "CASE_HEARING_REQUEST_BEFORE_NOTICE", _("听证申请日期不得早于告知书送达日期。"), "APL-64"
        )
    if requested_on > due:
        raise _refuse(
            "CASE_HEARING_REQUEST_LATE",
            _("当事人应当在告知后五个工作日内（至%(due)s）提出听证要求（《行政处罚法》第六十四条）。")
            % {"due": due},
            "APL-64",
            details={"due": str(due)},
        )
    return due


def hearing_held_check(*, scheduled_on: dt.date | None, held_on: dt.date) -> None:
    """APL-64 (APL Art. 64): the hearing is held at the time notified — not recorded as held before
    its scheduled day (``CASE_HEARING_NOT_YET``)."""
    if scheduled_on is not None and held_on < scheduled_on:
        raise _conflict(
            "CASE_HEARING_NOT_YET",
            _("听证定于%(day)s举行，不能在此之前记录听证已举行（《行政处罚法》第六十四条）。")
            % {"day": scheduled_on},
            "APL-64",
        )


def hearing_earliest_date(*, notified_on: dt.date, is_working: IsWorking) -> dt.date:
    """APL-64 (APL Art. 64(二)): the earliest hearing date — the 7th working day after the
    day the party is notified (the notification day not counted, WD-1)."""
    return cal.add_working_days(notified_on, HEARING_NOTICE_WD, is_working)[0]


def hearing_schedule_check(
    *,
    notified_on: dt.date,
    hearing_on: dt.date,
    is_working: IsWorking,
    chair_id: object,
    investigator_ids: Iterable[object],
) -> dt.date:
    """APL-64 (APL Art. 64(二)(四)): the party is told of the time and place at least 7 WD
    before (``CASE_HEARING_NOTICE_TOO_LATE``), and the chair is not an investigator of the
    case (``CASE_HEARING_CHAIR_IS_INVESTIGATOR``). Returns the earliest allowed date."""
    if chair_id in set(investigator_ids):
        raise _refuse(
            "CASE_HEARING_CHAIR_IS_INVESTIGATOR",
            _("听证由行政机关指定的非本案调查人员主持（《行政处罚法》第六十四条）。"),
            "APL-64",
        )
    earliest = hearing_earliest_date(notified_on=notified_on, is_working=is_working)
    if hearing_on < earliest:
        raise _refuse(
            "CASE_HEARING_NOTICE_TOO_LATE",
            _(
                "应当在举行听证的七个工作日前通知当事人；%(on)s通知的，听证最早于%(earliest)s举行（《行政处罚法》第六十四条）。"
            )
            % {"on": notified_on, "earliest": earliest},
            "APL-64",
            details={"earliest": str(earliest)},
        )
    return earliest


# =============================================================================================
# APL-66/67 payment; APL-72/73 surcharge
# =============================================================================================


def payment_due(*, served_on: dt.date, is_working: IsWorking, deferred_to: dt.date | None = None) -> dt.date:
    """APL-66/67 (APL Art. 67): the fine is paid within 15 calendar days of receiving the
    decision (first day not counted; WD-3 roll-forward). An approved deferral
    (Art. 66) replaces the due date."""
    if deferred_to is not None:
        return deferred_to
    return cal.add_calendar_days(served_on, PAYMENT_DAYS, is_working)[0]


@dataclasses.dataclass(frozen=True)
class Surcharge:
    due_on: dt.date
    as_of: dt.date
    overdue_days: int  # counted days, pauses excluded
    paused_days: int
    amount: Decimal
    capped: bool
    rule: str = "APL-72/73"


def surcharge(
    *, fine: Decimal | int, due_on: dt.date, as_of: dt.date, pauses: Sequence[Period] = ()
) -> Surcharge:
    """APL-72/73 (APL Arts. 72, 73; ACL Art. 45): 加处罚款 = min(fine × 3 % × days, fine).

    Days are counted from the day after ``due_on`` through ``as_of`` (the payment day or
    today); days inside a 复议/诉讼 pause (``pauses``, inclusive; ``end=None`` = still open)
    are not counted. The amount is rounded to the fen (half up).
    """
    fine = Decimal(str(fine))
    if fine < 0:
        raise ValueError("fine must be >= 0")
    periods_validate(pauses, kind="surcharge")
    if as_of <= due_on:
        return Surcharge(due_on, as_of, 0, 0, Decimal("0.00"), False)
    first = due_on + ONE_DAY
    paused = 0
    for p in pauses:
        lo = max(p.start, first)
        hi = min(p.end_or(as_of), as_of)
        if hi >= lo:
            paused += (hi - lo).days + 1
    days = (as_of - due_on).days - paused
    raw = fine * SURCHARGE_RATE * days
    capped = raw > fine
    amount = (fine if capped else raw).quantize(CENT, rounding=ROUND_HALF_UP)
    return Surcharge(due_on, as_of, days, paused, amount, capped)


# =============================================================================================
# G27-12 benchmark tier
# =============================================================================================


def benchmark_check(
    *,
    fine: Decimal | int,
    tier: str | None,
    tier_min: Decimal | int | None,
    tier_max: Decimal | int | None,
    deviation_approval: str | None = None,
    deviation_reasons: str = "",
) -> bool:
    """G27-12 (国办发〔2022〕27号 §十二): the decision records the applied benchmark tier
    (``CASE_BENCHMARK_TIER_REQUIRED``); a fine outside the tier's range
    [``tier_min``, ``tier_max``] needs the 主要负责人's approval or a 集体讨论
    (``CASE_FINE_OUTSIDE_TIER``) with the reasons stated (``CASE_DEVIATION_REASONS_REQUIRED``).
    Returns True when the fine deviates (with an approval)."""
    if not tier:
        raise _refuse(
            "CASE_BENCHMARK_TIER_REQUIRED",
            _("处罚决定应当说明适用的裁量基准及裁量阶次（国办发〔2022〕27号第十二项）。"),
            "G27-12",
        )
    fine = Decimal(str(fine))
    below = tier_min is not None and fine < Decimal(str(tier_min))
    above = tier_max is not None and fine > Decimal(str(tier_max))
    if not (below or above):
        return False
    if deviation_approval not in {a.value for a in DeviationApproval}:
        raise _refuse(
            "CASE_FINE_OUTSIDE_TIER",
            _(
                "罚款%(fine)s元超出所适用裁量阶次的幅度（%(lo)s～%(hi)s元），需经主要负责人批准或者集体讨论决定（国办发〔2022〕27号第十二项）。"
            )
            % {
                "fine": fine,
                "lo": tier_min if tier_min is not None else "—",
                "hi": tier_max if tier_max is not None else "—",
            },
            "G27-12",
            details={"tier": tier, "tier_min": str(tier_min), "tier_max": str(tier_max)},
        )
    if not deviation_reasons.strip():
        raise _refuse(
            "CASE_DEVIATION_REASONS_REQUIRED",
            _("不适用裁量基准的，应当在决定书中说明理由并附卷（国办发〔2022〕27号第十二项）。"),
            "G27-12",
        )
    return True


def deviation_approved_check(
    *, deviates: bool, approval_way: str, deliberated: bool, decision_chain_ends_with_head: bool
) -> None:
    """G27-12 (国办发〔2022〕27号 §十二): a fine outside its tier is decided only with the approval of
    the 主要负责人 — the head is the last level of the decision's approval chain — or after a
    recorded 集体讨论, as the proposal said; checked at the decision, not taken on the handler's word
    (``CASE_DEVIATION_NOT_APPROVED``)."""
    if not deviates:
        return
    if approval_way == DeviationApproval.DELIBERATION and deliberated:
        return
    if approval_way == DeviationApproval.HEAD and decision_chain_ends_with_head:
        return
    if approval_way == DeviationApproval.DELIBERATION:
        why = _("处理意见载明由集体讨论决定，但尚无集体讨论记录")
    else:
        why = _("处理意见载明由主要负责人批准，但本机关处罚决定审批流程的末级不是主要负责人")
    raise _refuse(
        "CASE_DEVIATION_NOT_APPROVED",
        _("罚款超出所适用的裁量阶次：%(why)s（国办发〔2022〕27号第十二项）。") % {"why": why},
        "G27-12",
    )


# =============================================================================================
# ACL-17/18/19 compulsory measures: procedure checklist and emergency post-approval
# =============================================================================================


def measure_missing(
    *,
    approved: bool,
    emergency: bool,
    officer_count: int,
    onsite_record: bool,
    party_present: bool,
    party_signed_or_refusal_noted: bool = False,
    witness_signed: bool = False,
) -> list[str]:
    """ACL-17/18 (ACL Arts. 17, 18): the codes of the steps a measure still lacks, in order.

    Prior approval by the head (unless an emergency, then ACL-19 post-approval); at least two
    qualified officers; a 现场笔录; signed by the party or their refusal noted when present, or
    by a 见证人 when the party is absent.
    """
    missing = []
    if not approved and not emergency:
        missing.append("MEASURE_APPROVAL_REQUIRED")
    if officer_count < MIN_OFFICERS:
        missing.append("MEASURE_OFFICERS_LT_2")
    if not onsite_record:
        missing.append("MEASURE_ONSITE_RECORD_REQUIRED")
    if party_present and not party_signed_or_refusal_noted:
        missing.append("MEASURE_PARTY_SIGNATURE_REQUIRED")
    if not party_present and not witness_signed:
        missing.append("MEASURE_WITNESS_REQUIRED")
    return missing


_MEASURE_TEXT = {
    "MEASURE_APPROVAL_REQUIRED": "实施行政强制措施前须向行政机关负责人报告并经批准",
    "MEASURE_OFFICERS_LT_2": "由两名以上行政执法人员实施",
    "MEASURE_ONSITE_RECORD_REQUIRED": "制作现场笔录",
    "MEASURE_PARTY_SIGNATURE_REQUIRED": "现场笔录由当事人和行政执法人员签名或者盖章，当事人拒绝的在笔录中注明",
    "MEASURE_WITNESS_REQUIRED": "当事人不到场的，邀请见证人到场，由见证人和行政执法人员在现场笔录上签名或者盖章",
}


def measure_check(
    *,
    approved: bool,
    emergency: bool,
    officer_count: int,
    onsite_record: bool,
    party_present: bool,
    party_signed_or_refusal_noted: bool = False,
    witness_signed: bool = False,
) -> None:
    """ACL-17/18 (ACL Arts. 17, 18): refuse a measure that lacks a step of the checklist
    (``measure_missing``); the code is the first missing step, ``details`` lists all."""
    facts = dict(
        approved=approved,
        emergency=emergency,
        officer_count=officer_count,
        onsite_record=onsite_record,
        party_present=party_present,
        party_signed_or_refusal_noted=party_signed_or_refusal_noted,
        witness_signed=witness_signed,
    )
    missing = measure_missing(**facts)
    if missing:
        raise _refuse(
            missing[0],
            _("实施行政强制措施不符合法定程序：%(steps)s（《行政强制法》第十八条）。")
            % {"steps": "；".join(_MEASURE_TEXT[c] for c in missing)},
            "ACL-17/18",
            details={"missing": missing},
        )


@dataclasses.dataclass(frozen=True)
class EmergencyApproval:
    taken_at: dt.datetime
    due_at: dt.datetime
    overdue: bool  # no approval and the 24 hours have passed, or approved late
    must_release: bool  # disapproved, or not approved within 24 hours
    rule: str = "ACL-19"


def emergency_approval(
    *,
    taken_at: dt.datetime,
    now: dt.datetime,
    approved_at: dt.datetime | None = None,
    disapproved: bool = False,
) -> EmergencyApproval:
    """ACL-19 (ACL Art. 19): a measure taken on the spot in an emergency is reported to the
    head and approved within 24 hours; if not approved it is released at once."""
    due = taken_at + dt.timedelta(hours=EMERGENCY_APPROVAL_HOURS)
    if approved_at is not None and not disapproved:
        overdue = approved_at > due
    else:
        overdue = now > due
    must_release = disapproved or overdue
    return EmergencyApproval(taken_at=taken_at, due_at=due, overdue=overdue, must_release=must_release)


def emergency_approval_check(*, taken_at: dt.datetime, approved_at: dt.datetime) -> None:
    """ACL-19 (ACL Art. 19): an approval recorded more than 24 hours after an emergency measure
    is refused (``MEASURE_POST_APPROVAL_LATE``); the measure must be released instead."""
    if approved_at < taken_at:
        raise _refuse("MEASURE_APPROVAL_BEFORE_MEASURE", _("补办批准时间不得早于实施时间。"), "ACL-19")
    due = taken_at + dt.timedelta(hours=EMERGENCY_APPROVAL_HOURS)
    if approved_at > due:
        raise _refuse(
            "MEASURE_POST_APPROVAL_LATE",
            _(
                "紧急情况下当场实施行政强制措施的，应当在二十四小时内（%(due)s前）补办批准手续；逾期未批准的应当立即解除（《行政强制法》第十九条）。"
            )
            % {"due": due.strftime("%Y-%m-%d %H:%M")},
            "ACL-19",
        )


# =============================================================================================
# ACL-25 seizure period
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class SeizurePeriod:
    started_on: dt.date
    days: int  # 30, or 60 with the extension
    testing_days: int
    due: dt.date
    rolled_forward_from: dt.date | None
    rule: str = "ACL-25/27/28"


def seizure_period(
    *,
    started_on: dt.date,
    is_working: IsWorking,
    extension_days: int = 0,
    testing: Sequence[Period] = (),
) -> SeizurePeriod:
    """ACL-25 (ACL Art. 25): 查封、扣押 last at most 30 calendar days (Art. 69: periods over
    10 days are calendar days), plus one approved extension of at most 30 days; testing,
    inspection, quarantine or appraisal time is not counted (Art. 25(3)). WD-3 roll-forward.
    The same numbers apply to 冻结 (ACL Art. 32)."""
    if not 0 <= extension_days <= SEIZURE_EXTENSION_DAYS:
        raise _refuse(
            "MEASURE_EXTENSION_OVER_30",
            _("查封、扣押的延长期限不得超过三十日（《行政强制法》第二十五条）。"),
            "ACL-25/27/28",
        )
    periods_validate(testing, kind="testing")
    if any(p.end is None for p in testing):
        raise ValueError("testing periods must be closed to compute a due date")
    testing_days = sum(p.days() for p in testing)
    total = SEIZURE_DAYS + extension_days + testing_days
    due, rolled_from, _skipped = cal.add_calendar_days(started_on, total, is_working)
    return SeizurePeriod(
        started_on=started_on,
        days=SEIZURE_DAYS + extension_days,
        testing_days=testing_days,
        due=due,
        rolled_forward_from=rolled_from,
    )


def seizure_extension_check(
    *,
    extensions_so_far: int,
    requested_days: int,
    requested_on: dt.date,
    current_due: dt.date,
    head_approved: bool,
    reasons_notified: bool,
) -> None:
    """ACL-25 (ACL Art. 25): one extension only (``MEASURE_EXTENSION_ALREADY_USED``, a
    conflict), of at most 30 days (``MEASURE_EXTENSION_OVER_30``), before the period expires
    (``MEASURE_PERIOD_EXPIRED``), approved by the head (``MEASURE_APPROVAL_REQUIRED``) with the
    party told the reasons in writing (``MEASURE_EXTENSION_NOTICE_REQUIRED``)."""
    if extensions_so_far >= SEIZURE_MAX_EXTENSIONS:
        raise _conflict(
            "MEASURE_EXTENSION_ALREADY_USED",
            _("查封、扣押期限只能延长一次，本措施已经延长过（《行政强制法》第二十五条）。"),
            "ACL-25/27/28",
        )
    if not 0 < requested_days <= SEIZURE_EXTENSION_DAYS:
        raise _refuse(
            "MEASURE_EXTENSION_OVER_30",
            _("查封、扣押的延长期限不得超过三十日（《行政强制法》第二十五条）。"),
            "ACL-25/27/28",
        )
    if requested_on > current_due:
        raise _conflict(
            "MEASURE_PERIOD_EXPIRED",
            _("查封、扣押期限已于%(due)s届满，应当解除，不能再延长（《行政强制法》第二十五条、第二十八条）。")
            % {"due": current_due},
            "ACL-25/27/28",
        )
    if not head_approved:
        raise _refuse(
            "MEASURE_APPROVAL_REQUIRED",
            _("延长查封、扣押期限应当经行政机关负责人批准（《行政强制法》第二十五条）。"),
            "ACL-25/27/28",
        )
    if not reasons_notified:
        raise _refuse(
            "MEASURE_EXTENSION_NOTICE_REQUIRED",
            _("延长查封、扣押的决定应当及时书面告知当事人，并说明理由（《行政强制法》第二十五条）。"),
            "ACL-25/27/28",
        )


# =============================================================================================
# ACL-43 no enforcement at night or on holidays
# =============================================================================================


def _night_overlaps(start: dt.datetime, end: dt.datetime, night_start: dt.time, night_end: dt.time) -> bool:
    """Whether [start, end) meets a night window (which may cross midnight)."""
    day = start.date() - ONE_DAY
    while day <= end.date():
        if night_start > night_end:  # crosses midnight: day night_start → day+1 night_end
            lo = dt.datetime.combine(day, night_start, start.tzinfo)
            hi = dt.datetime.combine(day + ONE_DAY, night_end, start.tzinfo)
        else:
            lo = dt.datetime.combine(day, night_start, start.tzinfo)
            hi = dt.datetime.combine(day, night_end, start.tzinfo)
        if lo < end and start < hi:
            return True
        day += ONE_DAY
    return False


def enforcement_time_check(
    *,
    start: dt.datetime,
    is_holiday: IsHoliday,
    end: dt.datetime | None = None,
    emergency: bool = False,
    night_start: dt.time = NIGHT_START,
    night_end: dt.time = NIGHT_END,
) -> None:
    """ACL-43 (ACL Art. 43): no administrative enforcement at night or on 法定节假日, except
    in an emergency. ``is_holiday(date)``: the caller's reading of 法定节假日 (e.g. "not a
    working day" from the calendar, which also covers weekends — interpretive). The night
    window is a parameter (default 22:00–06:00, interpretive); times are local wall time.

    Codes: ``ENFORCEMENT_AT_NIGHT``, ``ENFORCEMENT_ON_HOLIDAY``.
    """
    if emergency:
        return
    end = end or start + dt.timedelta(minutes=1)
    if end <= start:
        raise _refuse("ENFORCEMENT_TIME_INVERTED", _("结束时间应晚于开始时间。"), "ACL-43")
    day = start.date()
    last = (end - dt.timedelta(microseconds=1)).date()
    while day <= last:
        if is_holiday(day):
            raise _refuse(
                "ENFORCEMENT_ON_HOLIDAY",
                _("除情况紧急外，不得在法定节假日实施行政强制执行（%(day)s）（《行政强制法》第四十三条）。")
                % {"day": day},
                "ACL-43",
                details={"day": str(day)},
            )
        day += ONE_DAY
    if _night_overlaps(start, end, night_start, night_end):
        raise _refuse(
            "ENFORCEMENT_AT_NIGHT",
            _("除情况紧急外，不得在夜间（%(lo)s至次日%(hi)s）实施行政强制执行（《行政强制法》第四十三条）。")
            % {"lo": night_start.strftime("%H:%M"), "hi": night_end.strftime("%H:%M")},
            "ACL-43",
        )


# =============================================================================================
# ACL-45/46 enforcement after the surcharge has run
# =============================================================================================

#: ACL Art. 46: 加处罚款或者滞纳金超过三十日，经催告当事人仍不履行的，可以强制执行。
SURCHARGE_BEFORE_ENFORCEMENT_DAYS = 30


def enforcement_after_surcharge_check(*, surcharge: Surcharge, demand_served_on: dt.date | None) -> None:
    """ACL-45/46 (ACL Arts. 45, 46): an agency with its own enforcement power may enforce
    only after the surcharge has run for more than 30 days (``ENFORCEMENT_SURCHARGE_UNDER_30_DAYS``;
    paused days not counted) and a 催告 was served (``ENFORCEMENT_DEMAND_REQUIRED``). The cap
    (surcharge ≤ the fine) is in ``surcharge``."""
    if surcharge.overdue_days <= SURCHARGE_BEFORE_ENFORCEMENT_DAYS:
        raise _refuse(
            "ENFORCEMENT_SURCHARGE_UNDER_30_DAYS",
            _(
                "加处罚款超过三十日，经催告当事人仍不履行的，方可强制执行；目前已计%(days)s日（《行政强制法》第四十六条）。"
            )
            % {"days": surcharge.overdue_days},
            "ACL-45/46",
        )
    if demand_served_on is None or demand_served_on > surcharge.as_of:
        raise _refuse(
            "ENFORCEMENT_DEMAND_REQUIRED",
            _("强制执行前应当书面催告当事人履行义务（《行政强制法》第三十五条、第四十六条）。"),
            "ACL-45/46",
        )


# =============================================================================================
# ACL-53/54 application to the court
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class CourtWindow:
    earliest: dt.date  # the day after the 10th working day after the demand was served
    opens_after: dt.date  # the expiry of the period (application from the next day)
    latest: dt.date  # three months after the expiry
    rule: str = "ACL-53/54"


def court_application_window(
    *, demand_served_on: dt.date, period_expired_on: dt.date, is_working: IsWorking
) -> CourtWindow:
    """ACL-53/54 (ACL Arts. 53, 54): an agency without enforcement power applies to the court
    after the 复议/诉讼 period and the performance period have expired
    (``period_expired_on``), within three months of that day, and only once the 催告书 has
    been served for ten days (working days, Art. 69) without performance — so from the day
    after the 10th working day after service."""
    tenth = cal.add_working_days(demand_served_on, DEMAND_BEFORE_COURT_WD, is_working)[0]
    return CourtWindow(
        earliest=max(tenth + ONE_DAY, period_expired_on + ONE_DAY),
        opens_after=period_expired_on,
        latest=add_months(period_expired_on, COURT_APPLICATION_MONTHS),
    )


def court_application_check(
    *,
    demand_served_on: dt.date | None,
    period_expired_on: dt.date,
    applied_on: dt.date,
    is_working: IsWorking,
) -> CourtWindow:
    """ACL-53/54: refuse an application without a served demand (``ENFORCEMENT_DEMAND_REQUIRED``),
    less than ten working days after the demand (``ENFORCEMENT_DEMAND_TOO_RECENT``), before the
    period expired (``ENFORCEMENT_COURT_TOO_EARLY``) or more than three months after
    (``ENFORCEMENT_COURT_WINDOW_PASSED``)."""
    if demand_served_on is None:
        raise _refuse(
            "ENFORCEMENT_DEMAND_REQUIRED",
            _("申请人民法院强制执行前，应当催告当事人履行义务并送达催告书（《行政强制法》第五十四条）。"),
            "ACL-53/54",
        )
    w = court_application_window(
        demand_served_on=demand_served_on, period_expired_on=period_expired_on, is_working=is_working
    )
    if applied_on <= period_expired_on:
        raise _refuse(
            "ENFORCEMENT_COURT_TOO_EARLY",
            _(
                "当事人申请复议、提起诉讼及履行的期限至%(day)s届满，届满后方可申请人民法院强制执行（《行政强制法》第五十三条）。"
            )
            % {"day": period_expired_on},
            "ACL-53/54",
        )
    if applied_on < w.earliest:
        raise _refuse(
            "ENFORCEMENT_DEMAND_TOO_RECENT",
            _(
                "催告书送达十个工作日后当事人仍未履行的，方可申请人民法院强制执行；最早可于%(day)s申请（《行政强制法》第五十四条）。"
            )
            % {"day": w.earliest},
            "ACL-53/54",
            details={"earliest": str(w.earliest)},
        )
    if applied_on > w.latest:
        raise _refuse(
            "ENFORCEMENT_COURT_WINDOW_PASSED",
            _("应当自期限届满之日起三个月内（至%(day)s）申请人民法院强制执行（《行政强制法》第五十三条）。")
            % {"day": w.latest},
            "ACL-53/54",
            details={"latest": str(w.latest)},
        )
    return w


# =============================================================================================
# Procedure: who decides (APL-43 recusal; APL-60 suspension; ACL-17 measures; APL-66 deferral)
# =============================================================================================

#: Roles of an agency's leaders (负责人): 分管领导 and 主要负责人.
LEADER_ROLES = frozenset({"approver_2", "approver_3"})
HEAD_ROLE = "approver_3"


def leader_check(*, roles: Iterable[str], allowed: Iterable[str], what: str, rule: str) -> None:
    """The step needs the approval of the agency's 负责人: the actor acting must hold one of the
    ``allowed`` roles at the case's agency (``CASE_LEADER_REQUIRED``). Used for 中止/恢复/终止
    (APL-60, e.g. SAMR 令第2号第四十七、四十八条 "经负责人批准"), 延长办案期限 (APL-60),
    行政强制措施 (ACL-17/18 "经行政机关负责人批准"), 先行登记保存 (APL-56) and 延期/分期缴纳 (APL-66/67)."""
    if not set(roles) & set(allowed):
        raise _refuse(
            "CASE_LEADER_REQUIRED",
            _("%(what)s须经行政机关负责人批准，应由有权批准的负责人本人办理。") % {"what": what},
            rule,
            details={"allowed": sorted(allowed)},
        )


#: Side approvals whose last level must be the agency head (``side_chain_check``).
HEAD_LAST_CHAINS = frozenset({"extension", "measure"})


def side_chain_check(*, action: str, levels: list[str]) -> None:
    """APL-60 (SAMR 令第2号第六十四条: 延长办案期限 "经本行政机关负责人批准"), ACL-18(1) ("实施前须向
    行政机关负责人报告并经批准") and APL-56 (先行登记保存 "经行政机关负责人批准"): an agency may put
    levels before the head, but the chain of these approvals ends with the head (approver_3)."""
    if action not in HEAD_LAST_CHAINS or (levels and levels[-1] == HEAD_ROLE):
        return
    if action == "extension":
        rule = "APL-60"
        message = _(
            "延长办案期限须经行政机关负责人批准（《行政处罚法》第六十条，如《市场监督管理行政处罚程序规定》"
            "第六十四条），审批流程的最后一级须为主要负责人。"
        )
    else:
        rule = "ACL-17/18, APL-56"
        message = _(
            "实施行政强制措施前须向行政机关负责人报告并经批准（《行政强制法》第十八条第一项），先行登记保存须经"
            "行政机关负责人批准（《行政处罚法》第五十六条），审批流程的最后一级须为主要负责人。"
        )
    raise _refuse("APPROVAL_CHAIN_HEAD_LAST", message, rule, details={"levels": list(levels)})


def recusal_decider_check(
    *,
    account_id: int,
    account_is_head: bool,
    decider_id: int,
    decider_roles: Iterable[str],
    note: str = "",
) -> None:
    """APL-43 (APL Art. 43): 执法人员的回避，由行政机关负责人决定. The agency head
    (主要负责人, ``approver_3``) decides on officers, hearing hosts and reviewers. The law names
    no decider for the head's own recusal: then another 负责人 records the decision with a note
    of how it was reached (e.g. 负责人集体讨论, SAMR 令第2号 practice). Nobody decides on
    their own recusal.

    Codes: ``CASE_RECUSAL_SELF_DECISION``, ``CASE_RECUSAL_DECIDER``, ``CASE_RECUSAL_HEAD_NOTE``.
    """
    roles = set(decider_roles)
    if decider_id == account_id:
        raise _refuse(
            "CASE_RECUSAL_SELF_DECISION",
            _("被申请回避的人员不得决定本人的回避（《行政处罚法》第四十三条）。"),
            "APL-43",
        )
    if account_is_head:
        if not roles & LEADER_ROLES:
            raise _refuse(
                "CASE_RECUSAL_DECIDER",
                _("主要负责人的回避应由其他负责人决定（《行政处罚法》第四十三条）。"),
                "APL-43",
            )
        if not note.strip():
            raise _refuse(
                "CASE_RECUSAL_HEAD_NOTE",
                _(
                    "主要负责人的回避，法律未规定决定人，请注明决定方式（如负责人集体讨论）（《行政处罚法》第四十三条）。"
                ),
                "APL-43",
            )
        return
    if HEAD_ROLE not in roles:
        raise _refuse(
            "CASE_RECUSAL_DECIDER",
            _("执法人员的回避，由行政机关负责人决定（《行政处罚法》第四十三条）。"),
            "APL-43",
        )


class MeasureKind(enum.StrEnum):
    """ACL-9/12 measures of a penalty case, and APL-56 先行登记保存 of evidence."""

    SEAL = "seal"  # 查封
    SEIZE = "seize"  # 扣押
    FREEZE = "freeze"  # 冻结
    PRESERVATION = "preservation"  # 先行登记保存


#: ACL Art. 31: 冻结后三日内（工作日, Art. 69）向当事人交付冻结决定书.
FREEZE_DECISION_WD = 3


def freeze_decision_due(*, frozen_on: dt.date, is_working: IsWorking) -> dt.date:
    """ACL-31/32 (ACL Art. 31): the freezing decision is delivered to the party within 3 WD."""
    return cal.add_working_days(frozen_on, FREEZE_DECISION_WD, is_working)[0]


def measure_emergency_check(*, kind: str, emergency: bool) -> None:
    """ACL-19 allows an emergency measure approved afterwards; APL-56 先行登记保存 always needs
    the head's prior approval (``MEASURE_EMERGENCY_NOT_ALLOWED``)."""
    if emergency and kind == MeasureKind.PRESERVATION:
        raise _refuse(
            "MEASURE_EMERGENCY_NOT_ALLOWED",
            _("先行登记保存证据应当事先经行政机关负责人批准，不适用事后补批（《行政处罚法》第五十六条）。"),
            "APL-56",
        )


def measure_due(
    *,
    kind: str,
    started_on: dt.date,
    is_working: IsWorking,
    extension_days: int = 0,
    testing: Sequence[Period] = (),
) -> dt.date:
    """The day a measure must end: 7 WD for a disposal after 先行登记保存 (APL-56); 30 days
    (+ one extension ≤ 30, testing time excluded) for 查封、扣押、冻结 (ACL-25/27/28, ACL-31/32)."""
    if kind == MeasureKind.PRESERVATION:
        return preservation_disposal_due(preserved_on=started_on, is_working=is_working)
    return seizure_period(
        started_on=started_on, is_working=is_working, extension_days=extension_days, testing=testing
    ).due


# =============================================================================================
# APL-66/67 deferral and instalments; ACL-35..38 enforcement decision
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class Deferral:
    due: dt.date  # the new last day: the surcharge and the court clock start after it (APL-72)
    instalments: tuple[tuple[dt.date, Decimal], ...]
    rule: str = "APL-66/67"


def payment_deferral_check(
    *,
    owed: Decimal | int,
    current_due: dt.date,
    applied_on: dt.date,
    deferred_to: dt.date | None = None,
    instalments: Sequence[tuple[dt.date, Decimal | int | str]] = (),
) -> Deferral:
    """APL-66/67 (APL Art. 66: 当事人确有经济困难，需要延期或者分期缴纳罚款的，经当事人申请和
    行政机关批准，可以暂缓或者分期缴纳): the party applies before the payment period ends
    (``CASE_DEFERRAL_LATE``); either a later due date (``CASE_DEFERRAL_DATE_INVALID``) or an
    instalment plan with increasing dates after the application whose amounts add up to what
    is owed (``CASE_INSTALMENTS_INVALID``). APL-72: the surcharge, and the court-enforcement
    clock, start only after the end of the deferral (the returned ``due``)."""
    owed = Decimal(str(owed))
    if owed <= 0:
        raise _conflict("CASE_NOTHING_OWED", _("本案没有待缴的罚款。"), "APL-66/67")
    if applied_on > current_due:
        raise _conflict(
            "CASE_DEFERRAL_LATE",
            _("暂缓或者分期缴纳罚款应在缴款期限（%(due)s）届满前申请（《行政处罚法》第六十六条）。")
            % {"due": current_due},
            "APL-66/67",
        )
    if bool(deferred_to) == bool(instalments):
        raise _refuse(
            "CASE_DEFERRAL_MODE",
            _("请填写暂缓缴纳的截止日期或者分期缴纳计划（二者选一）（《行政处罚法》第六十六条）。"),
            "APL-66/67",
        )
    if deferred_to is not None:
        if deferred_to <= current_due:
            raise _refuse(
                "CASE_DEFERRAL_DATE_INVALID",
                _("暂缓缴纳的截止日期应晚于原缴款期限（%(due)s）。") % {"due": current_due},
                "APL-66/67",
            )
        return Deferral(due=deferred_to, instalments=())
    plan = []
    try:
        plan = [(d, Decimal(str(a))) for d, a in instalments]
    except Exception:
        plan = []
    dates = [d for d, _a in plan]
    if (
        len(plan) < 2
        or any(a <= 0 for _d, a in plan)
        or dates != sorted(set(dates))
        or dates[0] < applied_on
        or sum(a for _d, a in plan) != owed
    ):
        raise _refuse(
            "CASE_INSTALMENTS_INVALID",
            _(
                "分期缴纳计划应至少两期，日期依次在后，各期金额为正且合计等于应缴罚款%(owed)s元（《行政处罚法》第六十六条）。"
            )
            % {"owed": owed},
            "APL-66/67",
        )
    return Deferral(due=dates[-1], instalments=tuple(plan))


class EnforcementMode(enum.StrEnum):
    """ACL-9/12 (ACL Art. 12): the modes of 行政强制执行."""

    SURCHARGE = "surcharge"  # 加处罚款或者滞纳金
    TRANSFER_FUNDS = "transfer_funds"  # 划拨存款、汇款
    AUCTION = "auction"  # 拍卖或者依法处理查封、扣押的场所、设施或者财物
    REMOVE = "remove"  # 排除妨碍、恢复原状
    SUBSTITUTE = "substitute"  # 代履行
    OTHER = "other"  # 其他强制执行方式


def enforcement_decision_check(
    *, demand_served_on: dt.date | None, perform_by: dt.date | None, decided_on: dt.date
) -> None:
    """ACL-35–38 (ACL Arts. 35–37): an enforcement decision only after a written 催告 was served
    (``ENFORCEMENT_DEMAND_REQUIRED``) and the time it gave to perform has passed
    (``ENFORCEMENT_DEMAND_PERIOD_RUNNING``; the day of service when it stated none)."""
    if demand_served_on is None or demand_served_on > decided_on:
        raise _refuse(
            "ENFORCEMENT_DEMAND_REQUIRED",
            _("作出强制执行决定前，应当事先书面催告当事人履行义务（《行政强制法》第三十五条）。"),
            "ACL-35–38",
        )
    last = perform_by or demand_served_on
    if decided_on <= last:
        raise _refuse(
            "ENFORCEMENT_DEMAND_PERIOD_RUNNING",
            _(
                "催告书载明的履行期限（%(day)s）届满后，当事人仍不履行的，方可作出强制执行决定（《行政强制法》第三十七条）。"
            )
            % {"day": last},
            "ACL-35–38",
        )


# =============================================================================================
# APL-60 excluded periods: which kinds
# =============================================================================================

#: The kind of excluded period a suspension (中止) is stored as.
SUSPENSION_KIND = "中止"


def excluded_period_kind_check(*, kind: str, allowed: Iterable[str]) -> None:
    """APL-60: only the kinds of period the rule profile lists (``decision.limit_excluded_periods``,
    e.g. 鉴定、检测、检验、听证、公告) stop the decision clock (``CASE_EXCLUDED_PERIOD_KIND``)."""
    allowed = list(allowed)
    if kind not in allowed:
        raise _refuse(
            "CASE_EXCLUDED_PERIOD_KIND",
            _("“%(kind)s”不属于不计入办案期限的期间（可选：%(allowed)s）（《行政处罚法》第六十条）。")
            % {"kind": kind, "allowed": "、".join(allowed)},
            "APL-60",
        )
