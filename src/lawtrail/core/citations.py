"""Rule IDs (RULES.md: ``APL-42``, ``ACL-17/18``, ``G118-12/13/14``) as a reader cites them:
《行政处罚法》第四十二条. Pages show the citation; the ID itself is for support staff only
(tucked into a detail), so that no rule ID reaches a user as the text they read."""

from __future__ import annotations

import re

DIGITS = "零一二三四五六七八九"

#: source prefix → (how the source is named, whether its numbers are 条 or 项 (a 文件's sections))
SOURCES: dict[str, tuple[str, str]] = {
    "APL": ("《行政处罚法》", "article"),
    "ACL": ("《行政强制法》", "article"),
    "G118": (
        "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》",
        "section",
    ),
    "G27": ("《国务院办公厅关于进一步规范行政裁量权基准制定和管理工作的意见》", "section"),
}
#: IDs that are not "source-numbers"
FIXED: dict[str, str] = {
    "WD-1": "《行政处罚法》第八十五条、《行政强制法》第六十九条",
    "WD-2": "《全国年节及纪念日放假办法》",
    "WD-3": "《民事诉讼法》第八十五条",
    "DISC-EX": "行政处罚裁量权基准",
}


def chinese_number(n: int) -> str:
    """1..999 in Chinese numerals as article numbers are written (十二, 四十二, 一百二十二)."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + DIGITS[rest]
    if rest < 20:
        return head + "一十" + (DIGITS[rest % 10] if rest % 10 else "")
    return head + chinese_number(rest)


def _one(rule_id: str) -> str:
    rule_id = rule_id.strip()
    if rule_id in FIXED:
        return FIXED[rule_id]
    m = re.fullmatch(r"([A-Z0-9]+?)-([0-9][0-9/–\-]*)", rule_id)
    if not m or m.group(1) not in SOURCES:
        return ""
    name, kind = SOURCES[m.group(1)]
    nums = m.group(2)
    parts = []
    for piece in nums.split("/"):
        span = re.split(r"[–\-]", piece)
        if not all(s.isdigit() for s in span):
            return ""
        words = [chinese_number(int(s)) for s in span]
        if kind == "article":
            parts.append("至".join(f"第{w}条" for w in words))
        else:
            parts.append("至".join(f"（{w}）" for w in words))
    return name + "、".join(parts)


def cite(rule: str) -> str:
    """``"APL-42, APL-43"`` → 《行政处罚法》第四十二条；《行政处罚法》第四十三条 (unknown IDs are left out)."""
    if not rule:
        return ""
    out = []
    for rid in re.split(r"[,，;；]\s*", str(rule)):
        text = _one(rid)
        if text and text not in out:
            out.append(text)
    return "；".join(out)
