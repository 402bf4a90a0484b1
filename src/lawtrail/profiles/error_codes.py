"""Error codes of 规则配置 (profiles), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "profiles",
    "规则配置",
    {
        "PROFILE_BACKDATE_REFUSED": (
            400,
            "生效日期不能早于今天；更正已施行的规定须由区划管理员选择“追溯录入”并注明依据。",
        ),
        "PROFILE_DATE_INVALID": (400, "生效日期须为日期。"),
        "PROFILE_KEY_UNKNOWN": (400, "未知的规则配置项：%(key)s。"),
        "PROFILE_LEVEL_INVALID": (400, "规则配置的层级与所属区划或单位不一致。"),
        "PROFILE_NOTE_REQUIRED": (400, "追溯录入须注明依据文件。"),
        "PROFILE_PARAM_INVALID": (400, "参数 agency 须为单位编号。"),
        "PROFILE_PARAM_MISSING": (400, "缺少参数 agency。"),
        "PROFILE_VALUE_INVALID": (400, "配置项“%(label)s”（%(key)s）的值无效：%(why)s。"),
        "PROFILE_VALUE_IN_FORCE": (409, "该配置项在 %(d)s 已有生效的值，不能覆盖；请以新的生效日期录入。"),
    },
)
