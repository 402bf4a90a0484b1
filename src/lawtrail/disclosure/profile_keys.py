"""Rule-profile keys that public disclosure adds (the deadlines and retention periods are in
``lawtrail.profiles.keys``, G118-6 / APL-48)."""

from lawtrail.profiles.keys import KEYS, ProfileKey, register

_KEYS = [
    ProfileKey(
        "disclosure.minor_age",
        "不予公开的未成年人年龄",
        "int",
        "周岁",
        "G118-6",
        18,
        "当事人在决定作出时未满该年龄的，执法决定不予公开（内蒙古自治区政府令第244号第十一条示例：未成年人；"
        "《个人信息保护法》第二十八条将不满十四周岁者的信息列为敏感个人信息）。",
        interpretive=True,
        min_value=14,
        max_value=18,
    ),
    ProfileKey(
        "disclosure.person_name",
        "公开自然人当事人姓名",
        "str",
        "",
        "G118-6",
        "full",
        "自然人当事人（成年人）姓名的公开方式：full 公开全名（执法对象应予公开，国办发〔2018〕118号第六项），"
        "surname 只公开姓氏（如“张某”）。",
        interpretive=True,
        validator=lambda v: None if v in ("full", "surname") else "须为 full 或 surname",
    ),
    ProfileKey(
        "disclosure.retention.person",
        "自然人处罚决定公示期",
        "int",
        "月",
        "G118-6",
        12,
        "当事人为自然人的处罚决定的公示期限，短于法人和其他组织（示例值，须由部署单位确认）。",
        interpretive=True,
        min_value=1,
        max_value=240,
    ),
]
for _key in _KEYS:
    if _key.name not in KEYS:
        register(_key)
