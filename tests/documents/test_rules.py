"""The documents' rules, table-driven: amounts in capitals (DOC-AMOUNT), GB/T 9704 numbers and
dates, and the APL-59 check naming the missing element."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lawtrail.core.errors import ValidationFailed
from lawtrail.documents import rules


@pytest.mark.parametrize(
    ("amount", "caps"),
    [
        ("0", "零元整"),
        ("0.5", "伍角"),
        ("0.07", "柒分"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("100", "壹佰元整"),
        ("101", "壹佰零壹元整"),
        ("1010", "壹仟零壹拾元整"),
        ("1001", "壹仟零壹元整"),
        ("10005.5", "壹万零伍元伍角"),
        ("10005.05", "壹万零伍元零伍分"),
        ("70000", "柒万元整"),
        ("80000.00", "捌万元整"),
        ("100000", "壹拾万元整"),
        ("100001", "壹拾万零壹元整"),
        ("105000", "壹拾万伍仟元整"),
        ("1000000.07", "壹佰万元零柒分"),
        ("12345678.9", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("1000000001", "壹拾亿零壹元整"),
        ("20.456", "贰拾元肆角陆分"),  # rounded half up to the fen
    ],
)
def test_amount_in_capitals(amount, caps):
    assert rules.amount_in_capitals(Decimal(amount)) == caps


def test_amount_negative_refused():
    with pytest.raises(ValueError):
        rules.amount_in_capitals(Decimal("-1"))


@pytest.mark.parametrize(
    ("amount", "figures"), [("70000", "70,000.00"), ("0.5", "0.50"), ("1234567.891", "1,234,567.89")]
)
def test_amount_in_figures(amount, figures):
    assert rules.amount_in_figures(amount) == figures


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("石市监处罚〔2026〕12号", True),
        ("（杭临）市监处罚〔2024〕131号", True),
        ("石市监处罚〔2026〕012号", False),  # leading zero
        ("石市监处罚〔26〕12号", False),  # year not in full
        ("石市监处罚[2026]12号", False),  # not 〔〕
        ("石市监处罚〔2026〕第12号", False),  # no 第
    ],
)
def test_number_form(number, ok):
    assert rules.number_valid(number) is ok


def test_number_format_from_pattern():
    assert (
        rules.number_format("{short}处罚〔{year}〕{seq}号", short="石市监", year=2026, seq=12)
        == "石市监处罚〔2026〕12号"
    )


def test_date_cn_not_padded():
    assert rules.date_cn(dt.date(2026, 9, 1)) == "2026年9月1日"


EXP = rules.Expected(
    parties=(("某某有限公司", "91130102MA00000001", "长安区中山路1号"),),
    facts="经查事实",
    evidence=("现场笔录",),
    bases=("《食品安全法》第一百二十二条",),
    kinds=("罚款",),
    amount=Decimal("70000"),
    payment=True,
    reconsideration_body="长安区人民政府",
    court="长安区人民法院",
    agency="长安区市场监督管理局",
    date=dt.date(2026, 9, 1),
    number="长市监处罚〔2026〕1号",
)
FULL = (
    "长市监处罚〔2026〕1号 当事人：某某有限公司 统一社会信用代码：91130102MA00000001 住所：长安区中山路1号 "
    "经查，经查事实 以上事实有以下证据证明：1．现场笔录 依据《食品安全法》第一百二十二条 "
    "罚款人民币70,000.00元（大写：柒万元整） 当事人应当自收到本决定书之日起十五日内缴纳罚款。"
    + rules.SURCHARGE_CLAUSE
    + "。如不服本决定，可以在收到本决定书之日起六十日内向长安区人民政府申请行政复议，"
    "也可以在六个月内依法向长安区人民法院提起行政诉讼。长安区市场监督管理局 2026年9月1日"
)


def test_complete_decision_passes():
    assert rules.decision_findings(FULL, EXP) == []
    rules.decision_check(FULL, EXP)


@pytest.mark.parametrize(
    ("remove", "code", "element"),
    [
        ("当事人：某某有限公司", "DOC_APL59_PARTY", "当事人的姓名或者名称"),
        ("住所：长安区中山路1号", "DOC_APL59_PARTY", "当事人的地址"),
        ("91130102MA00000001", "DOC_MISMATCH", "当事人的身份证件号码或统一社会信用代码"),
        ("经查，经查事实", "DOC_APL59_FACTS", "违反法律、法规、规章的事实"),
        ("1．现场笔录", "DOC_APL59_EVIDENCE", "证据"),
        ("依据《食品安全法》第一百二十二条", "DOC_APL59_BASIS", "行政处罚的依据"),
        ("（大写：柒万元整）", "DOC_MISMATCH", "罚款金额（小写与大写）"),
        (
            "当事人应当自收到本决定书之日起十五日内缴纳罚款。",
            "DOC_APL59_PERFORMANCE",
            "行政处罚的履行方式和期限",
        ),
        (rules.SURCHARGE_CLAUSE, "DOC_APL72_SURCHARGE", "逾期缴纳罚款加处罚款的告知"),
        ("六十日内", "DOC_APL59_REMEDY", "申请行政复议、提起行政诉讼的途径和期限"),
        ("向长安区人民政府", "DOC_APL59_REMEDY", "行政复议机关"),
        ("长安区市场监督管理局 2026年9月1日", "DOC_APL59_AGENCY", "作出决定的行政机关名称"),
        ("长市监处罚〔2026〕1号", "DOC_MISMATCH", "文书编号"),
    ],
)
def test_missing_element_is_named(remove, code, element):
    text = FULL.replace(remove, "")
    with pytest.raises(ValidationFailed) as e:
        rules.decision_check(text, EXP)
    assert e.value.code == code and element in e.value.message
    assert e.value.rule in ("APL-59", "APL-72")


def test_amount_differing_from_the_case_is_refused():
    with pytest.raises(ValidationFailed) as e:
        rules.decision_check(FULL.replace("70,000.00", "60,000.00"), EXP)
    assert e.value.code == "DOC_MISMATCH"


def test_case_without_party_or_evidence():
    exp = rules.Expected(**{**EXP.__dict__, "parties": (), "evidence": ()})
    codes = [f.code for f in rules.decision_findings(FULL, exp)]
    assert codes[:2] == ["DOC_APL59_PARTY", "DOC_APL59_EVIDENCE"]
