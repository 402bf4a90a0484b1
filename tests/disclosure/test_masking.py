"""Masking (RULES.md "Removing personal information"): a property test over generated texts — no ID
number, phone, account or plate survives, and the party's own known fields never appear — and the
rules of disclosure, table-driven."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawtrail.disclosure import masking, rules

D = dt.date
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
FILLER = st.text(
    alphabet="当事人经营销售食品未取得许可证于年月日在本店查获违法所得元，。；、的了和", max_size=30
)


@st.composite
def id_numbers(draw):
    area = draw(st.sampled_from(["130102", "110101", "440305", "510104"]))
    born = draw(st.dates(min_value=D(1940, 1, 1), max_value=D(2008, 12, 31)))
    seq = draw(st.integers(0, 999))
    check = draw(st.sampled_from("0123456789X"))
    return f"{area}{born:%Y%m%d}{seq:03d}{check}"


@st.composite
def phones(draw):
    return (
        "1"
        + draw(st.sampled_from("3456789"))
        + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    )


@st.composite
def accounts(draw):
    n = draw(st.integers(16, 19))
    return draw(st.sampled_from("64")) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=n - 1, max_size=n - 1))
    )


@st.composite
def plates(draw):
    tail = "".join(draw(st.lists(st.sampled_from(PLATE_CHARS), min_size=5, max_size=5)))
    return (
        draw(st.sampled_from(PROVINCES))
        + draw(st.sampled_from("ABCDEFGH"))
        + draw(st.sampled_from(["", "·"]))
        + tail
    )


@st.composite
def texts(draw):
    secrets = {
        "id": draw(id_numbers()),
        "phone": draw(phones()),
        "account": draw(accounts()),
        "plate": draw(plates()),
    }
    templates = [
        "公民身份号码{id}",
        "身份证号：{id}",
        "联系电话{phone}",
        "手机 {phone}",
        "收款账号{account}",
        "银行卡号 {account}",
        "驾驶{plate}号车辆",
        "车牌号{plate}",
    ]
    parts = draw(st.lists(st.sampled_from(templates), min_size=1, max_size=6))
    text = "".join(draw(FILLER) + p.format(**secrets) for p in parts) + draw(FILLER)
    used = {k for k in secrets if any("{" + k + "}" in p for p in parts)}
    return text, {k: v for k, v in secrets.items() if k in used}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_no_id_phone_account_or_plate_survives(sample):
    text, secrets = sample
    out = masking.mask_text(text)
    for kind, value in secrets.items():
        assert value not in out, (kind, value, out)
        if kind == "plate":
            assert value.replace("·", "") not in out.replace("·", "")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    id_numbers(),
    phones(),
    accounts(),
    st.sampled_from(
        ["石家庄市长安区建设北大街88号3单元501室", "和平西路5号院2号楼301室", "幸福小区5栋2单元301"]
    ),
    FILLER,
)
def test_the_partys_known_fields_never_appear(id_number, phone, account, address, filler):
    # written in the forms people write them: spaced, hyphenated, as stored
    spaced = " ".join(account[i : i + 4] for i in range(0, len(account), 4))
    text = f"{filler}当事人身份证{id_number}，电话{phone[:3]}-{phone[3:7]}-{phone[7:]}，住{address}，账户{spaced}。{filler}"
    out = masking.mask_text(text, known=[id_number, phone, address, account])
    for value in (id_number, phone, address, account, spaced):
        assert value not in out


def test_addresses_are_found_by_the_parser_and_the_district_kept():
    out = masking.mask_text("当事人在石家庄市桥西区中华南大街12号经营餐馆。")
    assert "石家庄市桥西区" in out and "中华南大街12号" not in out
    out = masking.mask_text("家住幸福小区5栋2单元301室")
    assert "301" not in out


def test_organisation_credit_code_and_amounts_are_kept():
    out = masking.mask_text(
        "统一社会信用代码91130102MA0ABCDE1X，罚款人民币70,000.00元。", keep=["91130102MA0ABCDE1X"]
    )
    assert "91130102MA0ABCDE1X" in out and "70,000.00" in out


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张某"), ("王小明", "王某某"), ("欧阳小明", "欧阳某某"), ("", "")]
)
def test_mask_name(name, masked):
    assert masking.mask_name(name) == masked


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("penalty", "disclosure.deadline.penalty_licence"),
        ("licence", "disclosure.deadline.penalty_licence"),
        ("other", "disclosure.deadline.general"),
    ],
)
def test_G118_6_deadline_key(kind, key):
    assert rules.deadline_key(kind) == key


@pytest.mark.parametrize(
    ("birth", "id_number", "on", "age", "minor"),
    [
        (D(2010, 5, 1), "", D(2026, 9, 1), 18, True),
        (D(2008, 9, 1), "", D(2026, 9, 1), 18, False),
        (D(2008, 9, 2), "", D(2026, 9, 1), 18, True),
        (None, "130102201001011234", D(2026, 9, 1), 18, True),
        (None, "130102199001011234", D(2026, 9, 1), 18, False),
        (D(2011, 1, 1), "", D(2026, 9, 1), 14, False),
        (None, "", D(2026, 9, 1), 18, False),
    ],
)
def test_minor_withheld(birth, id_number, on, age, minor):
    assert rules.is_minor(birth=birth, id_number=id_number, on=on, minor_age=age) is minor


@pytest.mark.parametrize(
    ("party", "kinds", "key"),
    [
        ("organisation", ["warning"], "disclosure.retention.warning"),
        ("person", ["warning", "criticism"], "disclosure.retention.warning"),
        ("person", ["fine"], "disclosure.retention.person"),
        ("organisation", ["fine", "warning"], "disclosure.retention.other"),
        ("organisation", [], "disclosure.retention.other"),
    ],
)
def test_retention_key(party, kinds, key):
    assert rules.retention_key(party_kind=party, penalty_kinds=kinds) == key


@pytest.mark.parametrize(
    ("due", "today", "done", "overdue"),
    [
        (D(2026, 9, 10), D(2026, 9, 10), False, False),
        (D(2026, 9, 10), D(2026, 9, 11), False, True),
        (D(2026, 9, 10), D(2026, 9, 11), True, False),
        (None, D(2026, 9, 11), False, False),
    ],
)
def test_overdue(due, today, done, overdue):
    assert rules.overdue(due, today, done) is overdue
