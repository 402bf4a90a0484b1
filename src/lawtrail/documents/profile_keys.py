"""Rule-profile keys of legal documents (ARCHITECTURE.md, "Rule profiles"): the number pattern,
the remedy body and court, the payment channel, the font map and catalogue overrides."""

from __future__ import annotations

from typing import Any

from lawtrail.profiles.keys import KEYS, ProfileKey, register

from .catalogue import KINDS


def _number_pattern_error(value: Any) -> str | None:
    try:
        value.format(short="石市监", year=2026, seq=12)
    except (KeyError, IndexError, ValueError, AttributeError):
        return "只能使用 {short}、{year}、{seq} 三个占位符"
    if "{seq}" not in value or "{year}" not in value:
        return "须包含 {year} 与 {seq}"
    return None


def _division_error(value: Any) -> str | None:
    try:
        value.format(区划="长安区", division="长安区")
    except (KeyError, IndexError, ValueError, AttributeError):
        return "只能使用 {区划} 占位符"
    return None


FONT_ROLES = ("song", "title", "hei", "kai")


def _fonts_error(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "须为对象"
    for role in FONT_ROLES:
        if not isinstance(value.get(role), str) or not value[role].strip():
            return f"须设置 {role} 字体族名"
    files = value.get("files", {})
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in files.items()
    ):
        return "files 须为 {字体族名: 字体文件路径}"
    return None


def _catalogue_error(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "须为对象"
    for kind, over in value.items():
        if not isinstance(over, dict) or set(over) - {"title", "template"}:
            return f"{kind}：只能覆盖 title、template"
    return None


DEFAULT_FONTS = {
    "song": "Noto Serif CJK SC",
    "title": "Noto Serif CJK SC",
    "hei": "Noto Sans CJK SC",
    "kai": "LXGW WenKai",
    "files": {},
}

_KEYS = [
    ProfileKey(
        "documents.reconsideration_body",
        "行政复议机关",
        "str",
        "",
        "APL-59",
        "{区划}人民政府",
        "决定书救济条款中的行政复议机关；{区划} 为本机关所在行政区划名称。"
        "2023年修订的《行政复议法》施行后，县级以上地方各级人民政府工作部门的复议机关一般为本级人民政府，请核实。",
        interpretive=True,
        validator=_division_error,
    ),
    ProfileKey(
        "documents.court",
        "行政诉讼管辖法院",
        "str",
        "",
        "APL-59",
        "{区划}人民法院",
        "决定书救济条款中的人民法院；{区划} 为本机关所在行政区划名称。",
        interpretive=True,
        validator=_division_error,
    ),
    ProfileKey(
        "documents.payment_channel",
        "罚款缴纳方式",
        "str",
        "",
        "APL-67",
        "到指定的银行或者通过电子支付系统缴纳罚款",
        "决定书履行条款中缴纳罚款的方式（《行政处罚法》第六十七条）。",
    ),
    ProfileKey(
        "documents.fonts",
        "文书字体",
        "json",
        "",
        "GB/T 9704",
        DEFAULT_FONTS,
        "文书字体映射：song 正文（宋体/仿宋）、title 标题（小标宋）、hei 黑体、kai 楷体，"
        "files 为本机关取得授权的字体文件 {字体族名: 路径}（如仿宋_GB2312）。",
        validator=_fonts_error,
    ),
    ProfileKey(
        "documents.catalogue",
        "文书目录覆盖",
        "json",
        "",
        "SAMR 2021",
        {},
        "对国家市场监管文书格式范本（2021年修订）默认目录的覆盖：{文书种类: {title, template}}。",
        validator=_catalogue_error,
    ),
]

# The patterns of the numbered papers other than the decisions (whose 文号 the case step hands out:
# ``case.decision_number_pattern``, ``case.no_penalty_number_pattern``), numbered by
# ``cases.numbers.document_number_issue`` per agency, kind and year.
for _kind in KINDS.values():
    if _kind.word and not _kind.case_number:
        _KEYS.append(
            ProfileKey(
                f"documents.number_pattern.{_kind.code}",
                f"{_kind.title}文号格式",
                "str",
                "",
                "GB/T 9704",
                "{short}" + _kind.word + "〔{year}〕{seq}号",
                "文号：{short} 机关代字，{year} 四位年份，{seq} 顺序号（按机关、文书种类、年度连续编号，"
                "不编虚位、不加“第”字）。",
                validator=_number_pattern_error,
            )
        )

for _key in _KEYS:
    if _key.name not in KEYS:
        register(_key)
