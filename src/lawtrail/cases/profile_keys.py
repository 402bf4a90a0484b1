"""Rule-profile keys that case handling adds (ARCHITECTURE.md, "Rule profiles")."""

from lawtrail.core.profiles.keys import KEYS, ProfileKey, register


def _pattern_error(value) -> str | None:
    try:
        value.format(short="石市监", year=2026, seq=12)
    except (KeyError, IndexError, ValueError, AttributeError):
        return "只能使用 {short}、{year}、{seq} 三个占位符"
    if "{seq}" not in value or "{year}" not in value:
        return "须包含 {year} 与 {seq}"
    return None


if "case.number_pattern" not in KEYS:
    register(
        ProfileKey(
            "case.number_pattern",
            "立案编号格式",
            "str",
            "",
            "GB/T 9704",
            "{short}立〔{year}〕{seq}号",
            "案号格式：{short} 机关代字，{year} 四位年份，{seq} 顺序号（不编虚位、不加“第”字），如“石市监立〔2026〕12号”。",
            validator=_pattern_error,
        )
    )
