"""Rules of legal documents: amounts in Chinese capitals, GB/T 9704 numbers and dates, and the
APL-59 pre-issue check of a decision. Pure functions (no database); each cites its rule."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from lawtrail.core.errors import ValidationFailed

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _group_caps(g: int) -> str:
    out, zero, started = "", False, False
    for pos in range(3, -1, -1):
        d = g // 10**pos % 10
        if d == 0:
            zero = started
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + _UNITS[pos]
        started = True
    return out


def amount_in_capitals(amount: Decimal | int | str) -> str:
    """DOC-AMOUNT (《支付结算办法》附一 正确填写票据和结算凭证的基本规定): an amount of money in
    Chinese capitals as documents and receipts write it — 80000 → 捌万元整, 10005.5 → 壹万零伍元伍角,
    1000000.07 → 壹佰万元零柒分. Rounded to the fen; negative amounts are refused."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("negative amount")
    fen_total = int(value * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if yuan >= 10**16:
        raise ValueError("amount too large")
    out = ""
    if yuan:
        groups = []
        n = yuan
        while n:
            groups.append(n % 10000)
            n //= 10000
        pending_zero = False
        for i in range(len(groups) - 1, -1, -1):
            g = groups[i]
            if g == 0:
                pending_zero = bool(out)
                continue
            if out and (g < 1000 or pending_zero):
                out += "零"
            out += _group_caps(g) + _GROUPS[i]
            pending_zero = False
        out += "元"
    if not jiao and not fen:
        return (out or "零元") + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    return out


def amount_in_figures(amount: Decimal | int | str) -> str:
    """An amount in figures with thousands separators and two decimals: 80000 → 80,000.00."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:,.2f}"


def date_cn(day: dt.date | None) -> str:
    """GB/T 9704 §7.3.5.4: 成文日期 in Arabic numerals, year in full, month and day not padded."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


#: GB/T 9704 §7.2.4: 发文字号 — 机关代字〔年份〕序号号: the year in full in 〔〕, no 第, no leading zero.
NUMBER_RE = re.compile(r"^(（[^）]+）)?[\u4e00-\u9fa5]+〔\d{4}〕[1-9]\d*号$")


def number_format(pattern: str, *, short: str, year: int, seq: int) -> str:
    """DOC-NUMBER (GB/T 9704 §7.2.4): a document number from the profile's pattern."""
    return pattern.format(short=short, year=year, seq=seq)


def number_valid(number: str) -> bool:
    return bool(NUMBER_RE.match(number))


# ----------------------------------------------------------------------------- APL-59


SURCHARGE_CLAUSE = "逾期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超过罚款本数"
REMEDY_PERIODS = ("六十日内", "六个月内")


@dataclass(frozen=True)
class Expected:
    """What the case says a decision must carry (APL-59), as the document must show it."""

    parties: tuple[tuple[str, str, str], ...]  # (name, ID/credit code, address)
    facts: str
    evidence: tuple[str, ...]
    bases: tuple[str, ...]  # 《law》第…条 of the violations and penalties
    kinds: tuple[str, ...]  # penalty kinds (Chinese)
    amount: Decimal | None
    payment: bool  # a fine to pay: manner and time limit, surcharge clause
    reconsideration_body: str
    court: str
    agency: str
    date: dt.date | None
    number: str = ""
    extra: tuple[str, ...] = field(default=())
    # 当场处罚 (APL-52): its elements are the act, the kind, basis and amount, time and place, the
    # remedy and the agency — no address or evidence list is required (shown when the case has them)
    on_the_spot: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    element: str  # the Chinese name of the element
    detail: str = ""


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def decision_findings(text: str, exp: Expected) -> list[Finding]:
    """APL-59 (《行政处罚法》第五十九条), APL-72: what a decision's text lacks or gets wrong. ``text``
    is the document's text (extracted from the PDF); each finding names the element."""
    t = _squash(text)
    out: list[Finding] = []

    def need(ok: bool, code: str, element: str, detail: str = "") -> None:
        if not ok:
            out.append(Finding(code, element, detail))

    need(bool(exp.parties), "DOC_APL59_PARTY", _("当事人的姓名或者名称、地址"))
    for name, code, address in exp.parties:
        need(bool(name) and _squash(name) in t, "DOC_APL59_PARTY", _("当事人的姓名或者名称"), name)
        if address or not exp.on_the_spot:
            need(bool(address) and _squash(address) in t, "DOC_APL59_PARTY", _("当事人的地址"), name)
        if code:
            need(_squash(code) in t, "DOC_MISMATCH", _("当事人的身份证件号码或统一社会信用代码"), code)
    need(bool(_squash(exp.facts)) and "经查" in t, "DOC_APL59_FACTS", _("违反法律、法规、规章的事实"))
    need(bool(exp.evidence) or exp.on_the_spot, "DOC_APL59_EVIDENCE", _("证据"))
    for title in exp.evidence:
        need(_squash(title) in t, "DOC_APL59_EVIDENCE", _("证据"), title)
    need(bool(exp.bases), "DOC_APL59_BASIS", _("行政处罚的依据"))
    for basis in exp.bases:
        need(_squash(basis) in t, "DOC_APL59_BASIS", _("行政处罚的依据"), basis)
    need(bool(exp.kinds), "DOC_APL59_PENALTY", _("行政处罚的种类"))
    for kind in exp.kinds:
        need(kind in t, "DOC_APL59_PENALTY", _("行政处罚的种类"), kind)
    if exp.amount is not None:
        figures, caps = amount_in_figures(exp.amount), amount_in_capitals(exp.amount)
        need(figures in t and caps in t, "DOC_MISMATCH", _("罚款金额（小写与大写）"), f"{figures} {caps}")
    if exp.payment:
        need("收到本决定书之日起十五日内" in t, "DOC_APL59_PERFORMANCE", _("行政处罚的履行方式和期限"))
        need(_squash(SURCHARGE_CLAUSE) in t, "DOC_APL72_SURCHARGE", _("逾期缴纳罚款加处罚款的告知"))
    remedy = all(p in t for p in REMEDY_PERIODS) and "行政复议" in t and "行政诉讼" in t
    need(remedy, "DOC_APL59_REMEDY", _("申请行政复议、提起行政诉讼的途径和期限"))
    need(
        bool(exp.reconsideration_body) and _squash(exp.reconsideration_body) in t,
        "DOC_APL59_REMEDY",
        _("行政复议机关"),
        exp.reconsideration_body,
    )
    need(bool(exp.court) and _squash(exp.court) in t, "DOC_APL59_REMEDY", _("行政诉讼的人民法院"), exp.court)
    need(bool(exp.agency) and _squash(exp.agency) in t, "DOC_APL59_AGENCY", _("作出决定的行政机关名称"))
    need(
        exp.date is not None and date_cn(exp.date) in t,
        "DOC_APL59_DATE",
        _("作出决定的日期"),
        date_cn(exp.date),
    )
    if exp.number:
        need(exp.number in t, "DOC_MISMATCH", _("文书编号"), exp.number)
    for s in exp.extra:
        need(_squash(s) in t, "DOC_MISMATCH", _("案件信息"), s)
    return out


def decision_check(text: str, exp: Expected) -> None:
    """APL-59: refuse a decision that lacks an element or disagrees with the case; the refusal
    names the first element (and lists every finding in ``details``)."""
    found = decision_findings(text, exp)
    if found:
        first = found[0]
        spot = exp.on_the_spot and first.code != "DOC_APL72_SURCHARGE"
        message = _("决定书缺少或不符：%(element)s%(detail)s（《行政处罚法》%(article)s）。") % {
            "element": first.element,
            "detail": f"（{first.detail}）" if first.detail else "",
            "article": _("第五十二条") if spot else _("第五十九条"),
        }
        raise ValidationFailed(
            message,
            code=first.code,
            rule="APL-72" if first.code == "DOC_APL72_SURCHARGE" else ("APL-52" if spot else "APL-59"),
            details={"findings": [f.__dict__ for f in found]},
        )


# ----------------------------------------------------------------------------- APL-44/45


@dataclass(frozen=True)
class NoticeExpected:
    """What a 行政处罚告知书 must tell the party (APL-44/45, APL-63), as the case says it."""

    parties: tuple[str, ...]  # names
    facts: str
    bases: tuple[str, ...]  # 《law》第…条 of the proposed penalty
    kinds: tuple[str, ...]  # proposed penalty kinds (Chinese)
    amount: Decimal | None  # the proposed fine, None when there is none
    period_wd: int  # 陈述、申辩 period in working days (profile ``statement.period``)
    hearing: bool  # APL-63 gives the right to a hearing
    agency: str


def notice_findings(text: str, exp: NoticeExpected) -> list[Finding]:
    """APL-44/45 (《行政处罚法》第四十四条、第四十五条), APL-63: what a 告知书's text lacks — the
    party, the facts, reasons and basis, the proposed penalty, the right to state and defend (and
    to ask for a hearing where APL-63 gives it) with the period, and the agency."""
    t = _squash(text)
    out: list[Finding] = []

    def need(ok: bool, code: str, element: str, detail: str = "") -> None:
        if not ok:
            out.append(Finding(code, element, detail))

    need(bool(exp.parties), "DOC_APL44_PARTY", _("当事人的姓名或者名称"))
    for name in exp.parties:
        need(bool(name) and _squash(name) in t, "DOC_APL44_PARTY", _("当事人的姓名或者名称"), name)
    need(bool(_squash(exp.facts)) and "经查" in t, "DOC_APL44_FACTS", _("拟作出行政处罚的事实、理由"))
    need(bool(exp.bases), "DOC_APL44_BASIS", _("拟作出行政处罚的依据"))
    for basis in exp.bases:
        need(_squash(basis) in t, "DOC_APL44_BASIS", _("拟作出行政处罚的依据"), basis)
    need(bool(exp.kinds), "DOC_APL44_PENALTY", _("拟作出的行政处罚内容"))
    for kind in exp.kinds:
        need(kind in t, "DOC_APL44_PENALTY", _("拟作出的行政处罚内容"), kind)
    if exp.amount is not None:
        figures, caps = amount_in_figures(exp.amount), amount_in_capitals(exp.amount)
        need(figures in t and caps in t, "DOC_MISMATCH", _("拟罚款金额（小写与大写）"), f"{figures} {caps}")
    need("陈述" in t and "申辩" in t, "DOC_APL45_RIGHTS", _("当事人陈述、申辩的权利"))
    if exp.hearing:
        need("要求听证" in t and "申请听证" in t, "DOC_APL63_HEARING", _("当事人要求听证的权利"))
    need(
        f"收到本告知书之日起{exp.period_wd}个工作日内" in t,
        "DOC_APL45_PERIOD",
        _("行使权利的期限"),
        _("%(n)s个工作日") % {"n": exp.period_wd},
    )
    need(bool(exp.agency) and _squash(exp.agency) in t, "DOC_APL44_AGENCY", _("告知的行政机关名称"))
    return out


def notice_check(text: str, exp: NoticeExpected) -> None:
    """APL-44/45: refuse to serve a 告知书 that lacks an element; the refusal names the first
    element and the article (every finding in ``details``)."""
    found = notice_findings(text, exp)
    if found:
        first = found[0]
        rule = {"DOC_APL45_RIGHTS": "APL-45", "DOC_APL45_PERIOD": "APL-45", "DOC_APL63_HEARING": "APL-63"}
        article = {"APL-45": "第四十五条", "APL-63": "第六十三条"}.get(rule.get(first.code, ""), "第四十四条")
        message = _("告知书缺少或不符：%(element)s%(detail)s（《行政处罚法》%(article)s）。") % {
            "element": first.element,
            "detail": f"（{first.detail}）" if first.detail else "",
            "article": article,
        }
        raise ValidationFailed(
            message,
            code=first.code,
            rule=rule.get(first.code, "APL-44"),
            details={"findings": [f.__dict__ for f in found]},
        )


def joined(items: Iterable[str], sep: str = "、") -> str:
    return sep.join(i for i in items if i)
