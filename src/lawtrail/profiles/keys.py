"""The registry of rule-profile keys: every number or switch the law leaves to local rules.

Each key has a name, a Chinese label, a type, a unit, the RULES.md ID it comes from, a
national default and a description. A capability that needs a new locally-set number
registers it here (or calls ``register`` from its own module at import time) — a rule
never reads a literal or a Django setting for such a number, only
``profile_value(agency, key, on=date)``.

Defaults marked ``interpretive`` are seed values the deployment must confirm (RULES.md
says "interpretive" / "unverified" / "example" for them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

# Types a value may have; the stored JSON form is: int → int, decimal → string ("5.0"),
# bool → bool, str → str, list → list of str, json → dict or list.
TYPES = ("int", "decimal", "bool", "str", "list", "json")

#: National defaults are seeded in force from the day the 2021 APL took effect.
NATIONAL_EFFECTIVE_FROM = dt.date(2021, 7, 15)


@dataclasses.dataclass(frozen=True)
class ProfileKey:
    name: str
    label: str
    type: str
    unit: str
    source: str  # RULES.md ID(s)
    default: Any
    description: str
    interpretive: bool = False
    min_value: int | None = None
    max_value: int | None = None
    validator: Callable[[Any], str | None] | None = None  # extra check: returns an error message or None

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"profile key {self.name}: unknown type {self.type}")


KEYS: dict[str, ProfileKey] = {}


def register(key: ProfileKey) -> ProfileKey:
    """Add a key to the registry (idempotent for the same definition)."""
    existing = KEYS.get(key.name)
    if existing is not None and existing != key:
        raise ValueError(f"profile key {key.name} registered twice with different definitions")
    KEYS[key.name] = key
    return key


def _bands_error(value: Any) -> str | None:
    """Discretion bands: {"range": {tier: [lo, hi]}, "max_only": {tier: [lo, hi]} | null},
    percentages of the statutory range, 0 ≤ lo < hi ≤ 100."""
    if not isinstance(value, dict) or "range" not in value:
        return "须为含 range 的对象"
    tiers = {"reduced", "lenient", "normal", "severe"}
    for part in ("range", "max_only"):
        bands = value.get(part)
        if bands is None and part == "max_only":
            continue
        if not isinstance(bands, dict) or not bands:
            return f"{part} 须为非空对象"
        for tier, band in bands.items():
            if tier not in tiers:
                return f"未知的裁量阶次 {tier}"
            if (
                not isinstance(band, list)
                or len(band) != 2
                or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in band)
                or not 0 <= band[0] < band[1] <= 100
            ):
                return f"{part}.{tier} 须为 [下限, 上限]，0 ≤ 下限 < 上限 ≤ 100"
    return None


_SAMR_BANDS = {"range": {"lenient": [0, 30], "normal": [30, 70], "severe": [70, 100]}, "max_only": None}

for _key in [
    # --- hearing (APL-63) -----------------------------------------------------------------
    ProfileKey(
        "hearing.fine_threshold.person",
        "听证告知罚款数额（自然人）",
        "int",
        "元",
        "APL-63",
        10000,
        "对自然人罚款达到该数额的，应告知听证权利（《行政处罚法》第六十三条“较大数额”；市场监管总局令第3号第五条示例）。",
        min_value=0,
    ),
    ProfileKey(
        "hearing.fine_threshold.organisation",
        "听证告知罚款数额（法人或其他组织）",
        "int",
        "元",
        "APL-63",
        100000,
        "对法人或其他组织罚款达到该数额的，应告知听证权利（市场监管总局令第3号第五条示例）。",
        min_value=0,
    ),
    ProfileKey(
        "hearing.confiscation_threshold.person",
        "听证告知没收数额（自然人）",
        "int",
        "元",
        "APL-63",
        10000,
        "没收违法所得或非法财物价值达到该数额的，应告知听证权利。RULES.md 未给出没收数额，暂与罚款标准同值，须由部署单位确认。",
        interpretive=True,
        min_value=0,
    ),
    ProfileKey(
        "hearing.confiscation_threshold.organisation",
        "听证告知没收数额（法人或其他组织）",
        "int",
        "元",
        "APL-63",
        100000,
        "没收违法所得或非法财物价值达到该数额的，应告知听证权利。RULES.md 未给出没收数额，暂与罚款标准同值，须由部署单位确认。",
        interpretive=True,
        min_value=0,
    ),
    ProfileKey(
        "hearing.cross_examination_required",
        "听证须经质证",
        "bool",
        "",
        "APL-64",
        True,
        "听证中案件调查人员提出证据后，当事人进行申辩和质证（《行政处罚法》第六十四条）。",
    ),
    # --- on-the-spot procedure (APL-51, APL-68) --------------------------------------------
    ProfileKey(
        "on_the_spot.fine_max.person",
        "当场处罚罚款上限（公民）",
        "int",
        "元",
        "APL-51",
        200,
        "简易程序当场处罚：对公民处二百元以下罚款（《行政处罚法》第五十一条；其他法律另有规定的从其规定）。",
        min_value=0,
    ),
    ProfileKey(
        "on_the_spot.fine_max.organisation",
        "当场处罚罚款上限（法人或其他组织）",
        "int",
        "元",
        "APL-51",
        3000,
        "简易程序当场处罚：对法人或其他组织处三千元以下罚款（《行政处罚法》第五十一条）。",
        min_value=0,
    ),
    ProfileKey(
        "on_the_spot.collection_max",
        "当场收缴罚款上限",
        "int",
        "元",
        "APL-68",
        100,
        "依法给予一百元以下罚款的，可以当场收缴（《行政处罚法》第六十八条）。",
        min_value=0,
    ),
    # --- periods ---------------------------------------------------------------------------
    ProfileKey(
        "statement.period",
        "陈述申辩期限",
        "int",
        "工作日",
        "APL-44/45/62",
        5,
        "事先告知后当事人提出陈述、申辩的期限。法律未规定天数，此为解释性默认值，须由部署单位确认。",
        interpretive=True,
        min_value=1,
        max_value=60,
    ),
    ProfileKey(
        "filing.sla",
        "立案期限",
        "int",
        "工作日",
        "APL-54/55",
        15,
        "自发现线索或收到材料之日起决定是否立案的期限（市场监管总局令第2号第十八条示例：十五个工作日）。",
        min_value=1,
        max_value=365,
    ),
    ProfileKey(
        "filing.sla_extension",
        "立案期限延长",
        "int",
        "工作日",
        "APL-54/55",
        15,
        "特殊情况经批准可延长的立案期限（市场监管总局令第2号第十八条示例：再延长十五个工作日）。",
        min_value=0,
        max_value=365,
    ),
    ProfileKey(
        "decision.limit",
        "作出处罚决定期限",
        "int",
        "日",
        "APL-60",
        90,
        "自立案之日起九十日内作出行政处罚决定；法律、法规、规章另有规定的，从其规定（《行政处罚法》第六十条）。",
        min_value=1,
        max_value=3650,
    ),
    ProfileKey(
        "decision.limit_extension",
        "处罚决定期限延长",
        "int",
        "日",
        "APL-60",
        30,
        "案情复杂不能按期作出决定的，经负责人批准可延长的天数（市场监管总局令第2号第六十四条示例：三十日）。",
        min_value=0,
        max_value=3650,
    ),
    ProfileKey(
        "decision.limit_excluded_periods",
        "不计入办案期限的期间",
        "list",
        "",
        "APL-60",
        ["鉴定", "检测", "检验", "听证", "公告"],
        "办案期限内不计算的期间（市场监管总局令第2号第六十四条示例：听证、检测等期间不计入）。",
    ),
    ProfileKey(
        "review.time_limit",
        "法制审核期限",
        "int",
        "工作日",
        "G118-12/13/14",
        5,
        "法制审核机构完成审核的期限。国家未统一规定，默认取内蒙古自治区政府令第244号第三十一条示例：五个工作日。",
        interpretive=True,
        min_value=1,
        max_value=60,
    ),
    ProfileKey(
        "review.time_limit_extension",
        "法制审核期限延长",
        "int",
        "工作日",
        "G118-12/13/14",
        5,
        "案情复杂的，经批准法制审核可延长的期限（内蒙古自治区政府令第244号第三十一条示例：五个工作日）。",
        interpretive=True,
        min_value=0,
        max_value=60,
    ),
    ProfileKey(
        "review.reviewer_ratio_min",
        "法制审核人员比例下限",
        "decimal",
        "%",
        "G118-11",
        "5",
        "法制审核人员原则上不少于本单位执法人员总数的5%（国办发〔2018〕118号第十一项）。",
        min_value=0,
        max_value=100,
    ),
    # --- discretion (G27-6, DISC-EX) --------------------------------------------------------
    ProfileKey(
        "discretion.bands",
        "罚款裁量阶次区间",
        "json",
        "%",
        "G27-6, DISC-EX",
        _SAMR_BANDS,
        "罚款幅度内各裁量阶次占法定幅度的百分比区间，分“有上下限的罚款”和“只规定上限的罚款”两种情形。"
        "默认取市场监管总局示例（国市监法规〔2022〕2号第十条：从轻为最低30%，从重为最高30%）。",
        interpretive=True,
        validator=_bands_error,
    ),
    # --- disclosure (G118-6, APL-48) --------------------------------------------------------
    ProfileKey(
        "disclosure.deadline.penalty_licence",
        "行政许可、行政处罚决定公示期限",
        "int",
        "工作日",
        "G118-6",
        7,
        "行政许可、行政处罚的执法决定信息自作出决定之日起七个工作日内公开（国办发〔2018〕118号第六项）。",
        min_value=1,
        max_value=60,
    ),
    ProfileKey(
        "disclosure.deadline.general",
        "其他执法决定公示期限",
        "int",
        "工作日",
        "G118-6",
        20,
        "其他行政执法决定信息自作出决定之日起二十个工作日内公开（国办发〔2018〕118号第六项）。",
        min_value=1,
        max_value=60,
    ),
    ProfileKey(
        "disclosure.retention.warning",
        "警告、通报批评公示期",
        "int",
        "月",
        "G118-6",
        3,
        "警告、通报批评类处罚决定的公示期限（示例值，各地规定不一，须由部署单位确认）。",
        interpretive=True,
        min_value=1,
        max_value=120,
    ),
    ProfileKey(
        "disclosure.retention.other",
        "其他处罚决定公示期",
        "int",
        "月",
        "G118-6",
        36,
        "其他行政处罚决定的公示期限（示例值，各地规定不一，须由部署单位确认）。",
        interpretive=True,
        min_value=1,
        max_value=240,
    ),
    ProfileKey(
        "disclosure.withdrawal_deadline",
        "撤回公示期限",
        "int",
        "工作日",
        "APL-48",
        3,
        "公开的处罚决定被依法变更、撤销、确认违法或者确认无效的，应在三日（工作日）内撤回并公开说明理由（《行政处罚法》第四十八条、第八十五条）。",
        min_value=1,
        max_value=60,
    ),
    # --- service (APL-61) -------------------------------------------------------------------
    ProfileKey(
        "service.electronic_allowed",
        "允许电子送达处罚决定书",
        "bool",
        "",
        "APL-61",
        True,
        "当事人同意并签订确认书的，可以采用传真、电子邮件等方式送达（《行政处罚法》第六十一条）。",
    ),
    # --- audio/video recording (G118-8) -----------------------------------------------------
    ProfileKey(
        "recording.whole_process_acts",
        "全过程音像记录事项",
        "list",
        "",
        "G118-8",
        [
            "查封扣押财产",
            "强制拆除",
            "直接涉及人身自由的现场执法",
            "直接涉及生命健康的现场执法",
            "直接涉及重大财产权益的现场执法",
            "执法办案场所",
        ],
        "应当进行全过程音像记录的执法行为（国办发〔2018〕118号第八项）。",
    ),
    ProfileKey(
        "recording.as_needed_acts",
        "根据需要音像记录的事项",
        "list",
        "",
        "G118-8",
        ["现场执法", "调查取证", "举行听证", "留置送达", "公告送达"],
        "根据实际情况进行音像记录的执法行为（国办发〔2018〕118号第八项）。",
    ),
    ProfileKey(
        "recording.upload_window",
        "音像记录上传时限",
        "int",
        "小时",
        "G118-8",
        24,
        "执法音像记录应在执法结束后该时限内上传存储（内蒙古自治区政府令第244号第二十条示例：24小时）。",
        interpretive=True,
        min_value=1,
        max_value=720,
    ),
]:
    register(_key)
