"""Check digits (GB 32100, GB 11643), masking, credential transitions, benchmark tiers (G27-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lawtrail.registry import rules
from tests.factories import make_credit_code, make_id_number

VALID_CREDIT = make_credit_code(123, "130102")


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # 统一社会信用代码 of a real company, as published
        "11130102000000123" + rules.credit_code_check_char("11130102000000123"),
        VALID_CREDIT,
    ],
)
def test_gb32100_credit_code_valid(code):
    assert rules.credit_code_valid(code)


@pytest.mark.parametrize(
    "code,why",
    [
        (VALID_CREDIT[:-1], "length 17"),
        (VALID_CREDIT + "0", "length 19"),
        ("", "empty"),
        (VALID_CREDIT[:5] + "I" + VALID_CREDIT[6:], "I not in the charset"),
        (VALID_CREDIT[:10] + "O" + VALID_CREDIT[11:], "O not in the charset"),
        ("91350100m000100y43", "lower case"),
        ("11AB0102000000123" + rules.credit_code_check_char("11AB0102000000123"), "division not digits"),
        (VALID_CREDIT[:-1] + ("0" if VALID_CREDIT[-1] != "0" else "1"), "wrong check char"),
    ],
)
def test_gb32100_credit_code_invalid(code, why):
    assert not rules.credit_code_valid(code), why


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        "110105194912310029"[:17] + rules.id_number_check_char("11010519491231002"),
        make_id_number(5, "130102", dt.date(1990, 2, 28)),
    ],
)
def test_gb11643_id_number_valid(number):
    assert rules.id_number_valid(number)


@pytest.mark.parametrize(
    "number,why",
    [
        ("11010519491231002", "length 17"),
        ("11010519491231002XX", "length 19"),
        ("1101051949123100AX", "letter in body"),
        ("110105194912310021", "wrong check char"),
        ("130102" + "19900230" + "123" + rules.id_number_check_char("13010219900230123"), "30 February"),
        ("130102" + "18800101" + "123" + rules.id_number_check_char("13010218800101123"), "born before 1900"),
        (
            "130102" + "20990101" + "123" + rules.id_number_check_char("13010220990101123"),
            "born in the future",
        ),
        ("11010519491231002x", "lower-case x"),
    ],
)
def test_gb11643_id_number_invalid(number, why):
    assert not rules.id_number_valid(number, today=dt.date(2026, 1, 1)), why


def test_gb11643_gender_and_birth_date():
    male = make_id_number(3, born=dt.date(1985, 6, 1), male=True)
    female = make_id_number(3, born=dt.date(1985, 6, 1), male=False)
    assert rules.id_number_gender(male) == "M"
    assert rules.id_number_gender(female) == "F"
    assert rules.id_number_birth_date(male) == dt.date(1985, 6, 1)


@pytest.mark.parametrize(
    "raw,masked",
    [("11010519491231002X", "110105********002X"), ("", ""), ("12345", "*****")],
)
def test_id_number_mask(raw, masked):
    assert rules.id_number_mask(raw) == masked
    assert raw == "" or raw not in rules.id_number_mask(raw) or len(raw) <= 10


@pytest.mark.parametrize(
    "action,status,refusal",
    [
        ("suspend", "valid", None),
        ("suspend", "suspended", "CREDENTIAL_NOT_VALID"),
        ("suspend", "revoked", "CREDENTIAL_REVOKED"),
        ("reinstate", "suspended", None),
        ("reinstate", "valid", "CREDENTIAL_NOT_SUSPENDED"),
        ("reinstate", "revoked", "CREDENTIAL_REVOKED"),
        ("revoke", "valid", None),
        ("revoke", "suspended", None),
        ("revoke", "revoked", "CREDENTIAL_REVOKED"),
        ("renew", "valid", None),
        ("renew", "suspended", "CREDENTIAL_NOT_VALID"),
        ("renew", "revoked", "CREDENTIAL_REVOKED"),
    ],
)
def test_credential_transitions(action, status, refusal):
    assert rules.credential_transition_refusal(action, status) == refusal


D = Decimal
STAT = {"fine_min": D(5000), "fine_max": D(50000), "multiple_min": None, "multiple_max": None}


@pytest.mark.parametrize(
    "tiers,codes",
    [
        (
            [
                {"tier": "exempt"},
                {"tier": "lenient", "fine_min": D(5000), "fine_max": D(15000)},
                {"tier": "normal", "fine_min": D(15000), "fine_max": D(35000)},
                {"tier": "severe", "fine_min": D(35000), "fine_max": D(50000)},
                {"tier": "reduced", "fine_min": D(0), "fine_max": D(5000)},
            ],
            [],
        ),
        ([{"tier": "exempt", "fine_min": D(100)}], ["BENCHMARK_EXEMPT_WITH_FINE"]),
        ([{"tier": "reduced", "fine_min": D(1000), "fine_max": D(6000)}], ["BENCHMARK_REDUCED_NOT_BELOW"]),
        ([{"tier": "lenient", "fine_min": D(1000), "fine_max": D(6000)}], ["BENCHMARK_TIER_OUT_OF_RANGE"]),
        ([{"tier": "severe", "fine_min": D(40000), "fine_max": D(60000)}], ["BENCHMARK_TIER_OUT_OF_RANGE"]),
        ([{"tier": "normal", "fine_min": D(30000), "fine_max": D(20000)}], ["BENCHMARK_TIER_RANGE_INVERTED"]),
        ([{"tier": "normal", "multiple_min": D(1), "multiple_max": D(2)}], ["BENCHMARK_TIER_KIND_MISMATCH"]),
        ([{"tier": "normal"}, {"tier": "normal"}], ["BENCHMARK_TIER_DUPLICATE"]),
        ([{"tier": "gentle"}], ["BENCHMARK_TIER_UNKNOWN"]),
    ],
)
def test_g27_6_benchmark_tiers(tiers, codes):
    assert [e[2] for e in rules.benchmark_tier_errors(STAT, tiers)] == codes


def test_g27_6_multiples_inside_range():
    stat = {"fine_min": None, "fine_max": None, "multiple_min": D(1), "multiple_max": D(5)}
    ok = [{"tier": "lenient", "multiple_min": D(1), "multiple_max": D(2)}]
    bad = [{"tier": "severe", "multiple_min": D(4), "multiple_max": D(6)}]
    assert rules.benchmark_tier_errors(stat, ok) == []
    assert [e[2] for e in rules.benchmark_tier_errors(stat, bad)] == ["BENCHMARK_TIER_OUT_OF_RANGE"]
