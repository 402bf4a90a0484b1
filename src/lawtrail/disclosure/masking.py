"""Removing personal information from a published decision (RULES.md "Removing personal
information from published decisions"; G118 §二, PIPL Arts. 28/34/73, NMG Order 244 Art. 10).

Pure functions: no database, no request. ``mask_text`` masks, in order,

1. the party's own known values (ID number, phone, home address, bank account, …) wherever they
   appear, whatever the form they were written in;
2. by scanning the free text: 公民身份号码, phone numbers (mobile and fixed line), bank accounts
   and other long digit runs, 不动产/房产/土地 certificate numbers, vehicle plate numbers;
3. addresses, recognised by a Chinese address parser (``cpca``: province/city/district names
   with their positions) and by the words that introduce a home address (住、住址、家住 …): the
   division stays (the public may know the district), the street and door number go.

What is kept on purpose: the party's name when the profile publishes adults' names (G118-6: the
执法对象 is published), an organisation's name and 统一社会信用代码, the agency, the decision
number and the amounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import cpca

MASK = "*"

# 公民身份号码 (GB 11643): 17 digits and a check digit or X; the 15-digit first generation
_ID18 = r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
_ID15 = r"[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
ID_RE = re.compile(rf"(?<![0-9A-Za-z])(?:{_ID18}|{_ID15})(?![0-9A-Za-z])")
# any ID-like run: 17 digits and X (a wrong date still identifies someone)
ID_X_RE = re.compile(r"(?<!\d)\d{17}[Xx](?![0-9A-Za-z])")
# mobile (11 digits from 13–19, optionally +86 / spaced 3-4-4) and fixed line (area code + 7–8 digits)
MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")
# bank accounts and any other long digit run (12 digits or more, in groups of 4 or not)
LONG_DIGITS_RE = re.compile(r"(?<![\dA-Za-z])\d{4}(?:[\s-]?\d){8,24}(?![\dA-Za-z])")
# 不动产权证书 / 房屋所有权证 / 土地使用证 numbers: the number after the certificate's name
CERT_RE = re.compile(
    r"((?:不动产权|不动产证明|房权证|房产证|房屋所有权证|土地使用证|土地证|产权证|权属证书)"
    r"[^，。；;,\n]{0,24}?(?:第|号码?[:：]?|编号[:：]?)\s*)([0-9A-Za-z\-－]{3,30})"
)
# 机动车号牌 (GA 36): province, letter, 5 (or 6 for new-energy) characters
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_RE = re.compile(
    rf"([{_PROVINCES}][A-HJ-NP-Z])[·•.\s-]?([A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳])(?![A-Za-z0-9])"
)
# what ends the detailed part of an address (street, building, door)
_ADDR_TAIL = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9\-－#（）()]*?"
    r"(?:\d+|[一二三四五六七八九十百]+)(?:号院|号楼|号|室|栋|幢|单元|层|楼|户|组|弄|巷)"
    r"(?:[\u4e00-\u9fffA-Za-z0-9\-－#]*?(?:\d+|[一二三四五六七八九十]+)(?:号|室|栋|幢|单元|层|楼|户))*"
)
# words that introduce a person's address, followed by the address itself
_HOME_RE = re.compile(r"(家庭住址|户籍地址|现住址|居住地|住址|住所地|住所|家住|现住|住)[:：]?")


def _keep_tail(text: str, keep: int) -> str:
    digits = [i for i, ch in enumerate(text) if ch.isalnum()]
    masked = set(digits[:-keep] if keep else digits)
    return "".join(MASK if i in masked else ch for i, ch in enumerate(text))


def mask_id(text: str) -> str:
    """110101********123X: the first six and the last four kept, like ``registry.rules.id_number_mask``."""
    return text[:6] + MASK * (len(text) - 10) + text[-4:] if len(text) > 10 else MASK * len(text)


def mask_phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 11:
        return digits[-11:-8] + MASK * 4 + digits[-4:]
    return MASK * max(len(digits) - 4, 0) + digits[-4:]


def mask_name(name: str) -> str:
    """张三 → 张某, 欧阳小明 → 欧阳某某 (the surname kept, one 某 per other character, at most two)."""
    if not name:
        return name
    compound = len(name) >= 4
    surname = name[:2] if compound else name[:1]
    return surname + "某" * min(max(len(name) - len(surname), 1), 2)


def _variants(value: str) -> set[str]:
    """The forms a known value may be written in: as stored, without spaces or hyphens, in groups of four."""
    value = (value or "").strip()
    if not value:
        return set()
    out = {value, re.sub(r"[\s-]", "", value), value.upper(), value.lower()}
    compact = re.sub(r"[\s-]", "", value)
    if compact.isdigit() and len(compact) > 8:
        out.add(" ".join(compact[i : i + 4] for i in range(0, len(compact), 4)))
        out.add("-".join(compact[i : i + 4] for i in range(0, len(compact), 4)))
        out.add(f"{compact[:3]} {compact[3:7]} {compact[7:]}")
        out.add(f"{compact[:3]}-{compact[3:7]}-{compact[7:]}")
    return {v for v in out if len(v) >= 2}


def mask_known(text: str, known: Iterable[str]) -> str:
    """Every occurrence of a known private value (the party's ID number, phone, address …)."""
    values = sorted({v for k in known for v in _variants(k)}, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, MASK * min(len(value), 8))
    return text


def _address_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the street-and-door part of each address in ``text``.

    The parser finds where a province, city or district name begins; the detail after it ends at
    the last door, building or room number before punctuation. An address introduced by 住/住址/家住
    without a division name is found by those words."""
    spans: list[tuple[int, int]] = []
    # the parser, clause by clause (it reports the first address of each string it is given)
    pos = 0
    for clause in re.split(r"([，。；;,\n（）()、])", text):
        if clause and not re.fullmatch(r"[，。；;,\n（）()、]", clause) and len(clause) >= 4:
            row = cpca.transform([clause], pos_sensitive=True).iloc[0]
            starts = [int(row[k]) for k in ("省_pos", "市_pos", "区_pos") if int(row[k]) >= 0]
            if starts:
                detail_start = _division_end(clause, min(starts))
                m = _ADDR_TAIL.match(clause, detail_start)
                if m and m.end() > detail_start:
                    spans.append((pos + detail_start, pos + m.end()))
        pos += len(clause)
    for m in _HOME_RE.finditer(text):
        start = _division_end(text, m.end())
        tail = _ADDR_TAIL.match(text, start)
        if tail and tail.end() > start:
            spans.append((start, tail.end()))
    return spans


_DIVISION_WORD = re.compile(r"[\u4e00-\u9fff]{1,12}?(?:自治区|自治州|自治县|特别行政区|省|市|区|县|旗|盟|州)")


def _division_end(clause: str, start: int) -> int:
    """The end of the run of division names that begins at ``start`` (长安区, 石家庄市长安区 …)."""
    end = start
    while True:
        m = _DIVISION_WORD.match(clause, end)
        if not m or m.end() - end > 12:
            return end
        end = m.end()


def _mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            if chars[i] not in "，。；;,\n":
                chars[i] = MASK
    return "".join(chars)


def mask_text(text: str, known: Iterable[str] = (), keep: Iterable[str] = ()) -> str:
    """``text`` with the party's known private values and every detected personal detail masked.

    ``keep``: values that must survive as they are (the organisation's credit code, the decision
    number): they are set aside before the scan and put back after it."""
    if not text:
        return text
    kept = [k for k in keep if k]
    for i, k in enumerate(kept):
        text = text.replace(k, f"\x00{i}\x00")
    text = mask_known(text, known)
    text = ID_RE.sub(lambda m: mask_id(m.group()), text)
    text = ID_X_RE.sub(lambda m: mask_id(m.group()), text)
    text = CERT_RE.sub(lambda m: m.group(1) + MASK * len(m.group(2)), text)
    text = LONG_DIGITS_RE.sub(lambda m: _keep_tail(m.group(), 4), text)
    text = MOBILE_RE.sub(lambda m: mask_phone(m.group()), text)
    text = LANDLINE_RE.sub(lambda m: mask_phone(m.group()), text)
    text = PLATE_RE.sub(lambda m: m.group(1) + MASK * len(m.group(2)), text)
    text = _mask_spans(text, _address_spans(text))
    for i, k in enumerate(kept):
        text = text.replace(f"\x00{i}\x00", k)
    return text
