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
