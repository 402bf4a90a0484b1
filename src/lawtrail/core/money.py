"""Amounts in Chinese capitals (大写金额), as decisions and receipts print them: 壹仟贰佰元整."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CAPS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ["", "拾", "佰", "仟"]
GROUPS = ["", "万", "亿", "万亿"]


def _four(n: int) -> str:
    """0..9999 in capitals, with 零 for inner gaps (1005 → 壹仟零伍)."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += CAPS[d] + UNITS[pos]
    return out


def rmb_upper(amount: Decimal) -> str:
    """``Decimal("1200.50")`` → 壹仟贰佰元伍角; ``100`` → 壹佰元整; negative amounts get 负."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if amount < 0 else ""
    amount = abs(amount)
    yuan = int(amount)
    fen_total = int((amount - yuan) * 100)
    jiao, fen = divmod(fen_total, 10)
    parts: list[str] = []
    groups: list[int] = []
    n = yuan
    while n:
        groups.append(n % 10000)
        n //= 10000
    text = ""
    pending_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or g < 1000):
            text += "零"
        text += _four(g) + GROUPS[i]
        pending_zero = False
    if text:
        parts.append(text + "元")
    if jiao == 0 and fen == 0:
        return sign + ("".join(parts) or "零元") + "整"
    if jiao:
        parts.append(CAPS[jiao] + "角")
    elif text:
        parts.append("零")
    if fen:
        parts.append(CAPS[fen] + "分")
    return sign + "".join(parts)
