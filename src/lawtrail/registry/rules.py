"""Pure rules of the registry: check digits and masking. No database, no request."""

from __future__ import annotations

import datetime as dt

# GB 32100-2015 统一社会信用代码: 18 characters from this 31-character set
# (I, O, Z, S, V are not used); the 18th is a check character.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11643-1999 公民身份号码: 17 digits + check character (ISO 7064 MOD 11-2).
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK = "10X98765432"


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters (GB 32100-2015 §5)."""
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def credit_code_valid(code: str) -> bool:
    """True when ``code`` is a well-formed 统一社会信用代码 with a correct check character."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(c not in CREDIT_CODE_CHARSET for c in code):
        return False
    if not code[2:8].isdigit():  # the registering authority's division code
        return False
    return credit_code_check_char(code[:17]) == code[17]


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character (MOD 11-2) for 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_NUMBER_CHECK[total % 11]


def id_number_birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    """Full years attained on ``day`` (None without a birth date). PIPL Art. 51(3) 去标识化: a page
    showing a masked ID number shows this instead of the birth date, which the mask hides."""
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def id_number_valid(number: str, *, today: dt.date | None = None) -> bool:
    """True when ``number`` is an 18-character 公民身份号码 with a real birth date and check char."""
    if not isinstance(number, str) or len(number) != 18:
        return False
    if not number[:17].isdigit() or number[17] not in "0123456789X":
        return False
    born = id_number_birth_date(number)
    if born is None or born.year < 1900 or born > (today or dt.date.today()):
        return False
    return id_number_check_char(number[:17]) == number[17]


def id_number_mask(number: str) -> str:
    """Masked display of an ID number: the first 6 and last 4 kept (110101********123X)."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def phone_mask(phone: str) -> str:
    """Masked display of a phone number: 138****5678."""
    if not phone or len(phone) < 7:
        return "*" * len(phone or "")
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def id_number_gender(number: str) -> str:
    """'M' or 'F' from the 17th digit of a 公民身份号码 (odd = male; GB 11643-1999 §4.2)."""
    return "M" if int(number[16]) % 2 == 1 else "F"


# Credential status transitions: action → (statuses it may start from, status it leads to).
# A revoked (注销) credential is final; a holder needs a new one.
CREDENTIAL_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "renew": (frozenset({"valid"}), None),  # None: status unchanged
    "suspend": (frozenset({"valid"}), "suspended"),
    "reinstate": (frozenset({"suspended"}), "valid"),
    "revoke": (frozenset({"valid", "suspended"}), "revoked"),
}


def credential_transition_refusal(action: str, status: str) -> str | None:
    """None when ``action`` is allowed from ``status``, else the refusal code."""
    allowed, _to = CREDENTIAL_TRANSITIONS[action]
    if status in allowed:
        return None
    if status == "revoked":
        return "CREDENTIAL_REVOKED"
    if action == "reinstate":
        return "CREDENTIAL_NOT_SUSPENDED"
    return "CREDENTIAL_NOT_VALID"


# 裁量阶次 names as people write them, and the code names (GLOSSARY).
TIER_NAMES = {
    "不予处罚": "exempt",
    "不予": "exempt",
    "免予处罚": "exempt",
    "减轻处罚": "reduced",
    "减轻": "reduced",
    "从轻处罚": "lenient",
    "从轻": "lenient",
    "一般处罚": "normal",
    "一般": "normal",
    "从重处罚": "severe",
    "从重": "severe",
}


def benchmark_tier_errors(statutory: dict, tiers: list[dict]) -> list[tuple[int, str, str, str]]:
    """Check 裁量阶次 against the violation's statutory range (G27-6, 国办发〔2022〕27号 §(六)).

    ``statutory`` has fine_min/fine_max/multiple_min/multiple_max (Decimal or None);
    each tier has ``tier`` and the same four keys. Returns (tier index, field, code,
    Chinese reason) for every problem:

    * 不予处罚 carries no fine;
    * 减轻处罚 goes below the statutory minimum (its upper bound may not exceed it);
    * 从轻/一般/从重 stay inside the statutory range, for amounts and for multiples;
    * a range has min ≤ max; a tier uses amounts (or multiples) only where the statute does;
    * each tier appears once.
    """
    errors: list[tuple[int, str, str, str]] = []
    seen: set[str] = set()
    for i, t in enumerate(tiers):
        name = t.get("tier")
        if name not in {"exempt", "reduced", "lenient", "normal", "severe"}:
            errors.append((i, "tier", "BENCHMARK_TIER_UNKNOWN", f"未知的裁量阶次“{name}”。"))
            continue
        if name in seen:
            errors.append((i, "tier", "BENCHMARK_TIER_DUPLICATE", "同一裁量基准中裁量阶次重复。"))
        seen.add(name)
        if name == "exempt":
            if any(
                t.get(k) not in (None, 0) for k in ("fine_min", "fine_max", "multiple_min", "multiple_max")
            ):
                errors.append(
                    (i, "fine_min", "BENCHMARK_EXEMPT_WITH_FINE", "不予处罚阶次不得设定罚款（G27-6）。")
                )
            continue
        for lo_key, hi_key, label in (
            ("fine_min", "fine_max", "罚款"),
            ("multiple_min", "multiple_max", "倍数"),
        ):
            lo, hi = t.get(lo_key), t.get(hi_key)
            if lo is None and hi is None:
                continue
            s_lo, s_hi = statutory.get(lo_key), statutory.get(hi_key)
            if s_lo is None and s_hi is None:
                errors.append(
                    (
                        i,
                        lo_key,
                        "BENCHMARK_TIER_KIND_MISMATCH",
                        f"该违法行为未规定{label}幅度，阶次不得按{label}设定。",
                    )
                )
                continue
            if lo is not None and lo < 0 or hi is not None and hi < 0:
                errors.append((i, lo_key, "BENCHMARK_TIER_NEGATIVE", f"{label}不得为负数。"))
                continue
            if lo is not None and hi is not None and lo > hi:
                errors.append((i, hi_key, "BENCHMARK_TIER_RANGE_INVERTED", f"{label}上限不得低于下限。"))
                continue
            if name == "reduced":
                if s_lo is not None and hi is not None and hi > s_lo:
                    errors.append(
                        (
                            i,
                            hi_key,
                            "BENCHMARK_REDUCED_NOT_BELOW",
                            f"减轻处罚应低于法定{label}下限（{s_lo}），上限不得超过该下限（G27-6）。",
                        )
                    )
                continue
            if (
                s_lo is not None
                and lo is not None
                and lo < s_lo
                or s_hi is not None
                and hi is not None
                and hi > s_hi
            ):
                errors.append(
                    (
                        i,
                        lo_key if (s_lo is not None and lo is not None and lo < s_lo) else hi_key,
                        "BENCHMARK_TIER_OUT_OF_RANGE",
                        f"{label}幅度须在法定幅度（{s_lo if s_lo is not None else '—'}～{s_hi if s_hi is not None else '—'}）之内（G27-6）。",
                    )
                )
    return errors
