"""Rule-profile keys that case handling adds (ARCHITECTURE.md, "Rule profiles")."""

from lawtrail.profiles.keys import KEYS, ProfileKey, register


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


def _hhmm_error(value) -> str | None:
    try:
        hh, mm = str(value).split(":")
        if len(hh) == 2 and len(mm) == 2 and 0 <= int(hh) < 24 and 0 <= int(mm) < 60:
            return None
    except ValueError:
        pass
    return "须为 HH:MM 格式的时刻，如 22:00"


_CASE_KEYS = [
    ProfileKey(
        "on_the_spot.min_officers",
        "当场处罚执法人员最少人数",
        "int",
        "人",
        "APL-42",
        2,
        "执法人员不得少于两人，法律另有规定的除外（《行政处罚法》第四十二条）。"
        "仅当法律规定当场处罚可由一名执法人员实施时，才可设为1。",
        min_value=1,
        max_value=10,
    ),
    ProfileKey(
        "enforcement.night_start",
        "夜间开始时刻",
        "str",
        "",
        "ACL-43",
        "22:00",
        "除情况紧急外，不得在夜间实施行政强制执行（《行政强制法》第四十三条）。法律未规定“夜间”的钟点，"
        "默认参照《噪声污染防治法》第八十八条（22:00至次日6:00），须由部署单位确认。",
        interpretive=True,
        validator=_hhmm_error,
    ),
    ProfileKey(
        "enforcement.night_end",
        "夜间结束时刻",
        "str",
        "",
        "ACL-43",
        "06:00",
        "夜间结束的钟点（次日），见“夜间开始时刻”。",
        interpretive=True,
        validator=_hhmm_error,
    ),
    ProfileKey(
        "enforcement.weekend_is_holiday",
        "周末视同法定节假日",
        "bool",
        "",
        "ACL-43",
        True,
        "《行政强制法》第四十三条“法定节假日”是否包括周六、周日休息日。默认从严理解为包括（调休上班日除外），须由部署单位确认。",
        interpretive=True,
    ),
]
for _key in _CASE_KEYS:
    if _key.name not in KEYS:
        register(_key)
