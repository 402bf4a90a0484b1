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


def _document_pattern_error(value) -> str | None:
    try:
        value.format(short="石市监", year=2026, seq=12)
    except (KeyError, IndexError, ValueError, AttributeError):
        return "只能使用 {short}、{year}、{seq} 三个占位符"
    if "{seq" not in value or "{year}" not in value:
        return "须包含 {year} 与 {seq}"
    return None


#: Numbers of the papers a case issues (GB/T 9704 文号; DA/T 22 档号): one per agency, kind and
#: year, gapless (``cases.numbers.document_number_issue``). The legal-documents capability adds
#: the patterns of the other numbered papers the same way.
_NUMBER_KEYS = [
    ProfileKey(
        "case.decision_number_pattern",
        "行政处罚决定书文号格式",
        "str",
        "",
        "GB/T 9704",
        "{short}处罚〔{year}〕{seq}号",
        "行政处罚决定书文号：{short} 机关代字，{year} 四位年份，{seq} 顺序号（按机关、年度连续编号，不编虚位、不加“第”字），"
        "如“石市监处罚〔2026〕12号”。",
        validator=_document_pattern_error,
    ),
    ProfileKey(
        "case.no_penalty_number_pattern",
        "不予行政处罚决定书文号格式",
        "str",
        "",
        "GB/T 9704",
        "{short}不罚〔{year}〕{seq}号",
        "不予行政处罚决定书文号（不予处罚、违法事实不能成立）：占位符同行政处罚决定书文号，如“石市监不罚〔2026〕3号”。",
        validator=_document_pattern_error,
    ),
    ProfileKey(
        "case.archive_number_pattern",
        "案卷档号格式",
        "str",
        "",
        "DA/T 22-2015",
        "{short}-{year}-D30-{seq:04d}",
        "归档案卷的档号，按“全宗号—年度—保管期限—件号”编制（DA/T 22-2015）：{short} 处填本机关全宗号或代字，"
        "{year} 归档年度，D30 为定期30年（永久保存的改为 Y），{seq:04d} 为四位件号，如“石市监-2026-D30-0012”。",
        validator=_document_pattern_error,
    ),
]
for _key in _NUMBER_KEYS:
    if _key.name not in KEYS:
        register(_key)


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
        "recording.late_entry_window",
        "办理日期补录时限",
        "int",
        "日",
        "APL-47",
        3,
        "已经发生的办理行为（送达、缴款、通知、申请、交款、实施、解除等）的日期早于录入当日的，"
        "只能在该天数内补录，并记明补录人和补录时间；超过的不予录入。法律未规定天数，此为解释性默认值。",
        interpretive=True,
        min_value=0,
        max_value=30,
    ),
    ProfileKey(
        "deliberation.quorum",
        "集体讨论最少负责人人数",
        "int",
        "人",
        "APL-57",
        3,
        "《行政处罚法》第五十七条“行政机关负责人集体讨论”的最少参加人数。只有本机关负责人（分管领导、主要负责人）计入，"
        "内设机构负责人不计入。法律未规定人数，此为解释性默认值。",
        interpretive=True,
        min_value=2,
        max_value=20,
    ),
    ProfileKey(
        "enforcement.acl43_measures",
        "夜间、法定节假日限制适用的强制措施",
        "list",
        "",
        "ACL-43",
        ["seal", "seize", "freeze"],
        "《行政强制法》第四十三条规定的是行政强制执行；是否同样限制夜间、法定节假日实施行政强制措施，"
        "法律未明文规定。此处列出适用该限制的措施种类（查封、扣押、冻结），"
        "默认不包括先行登记保存（preservation）。此为解释性设置，须由部署单位确认。",
        interpretive=True,
    ),
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
