"""Error codes of 公示 (disclosure), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "disclosure",
    "行政执法公示",
    {
        "DISCLOSURE_NOT_FOUND": (404, "公示记录不存在。"),
        "DISCLOSURE_FORBIDDEN": (403, "您无权办理本机关的公示事项。"),
        "DISCLOSURE_NOT_DRAFT": (409, "该记录已公示或不予公开，不能再按待公示处理。"),
        "DISCLOSURE_NOT_PUBLISHED": (409, "该记录未处于公示状态。"),
        "DISCLOSURE_WITHHELD": (409, "该案件依规定不予公开（如当事人为未成年人），不能公示。"),
        "DISCLOSURE_FIELD_UNKNOWN": (400, "未知的公示字段。"),
        "DISCLOSURE_REASON_REQUIRED": (400, "请填写理由。"),
        "DISCLOSURE_EXPLANATION_REQUIRED": (
            400,
            "撤回或更正公示须公开说明理由（《行政处罚法》第四十八条）。",
        ),
        "DISCLOSURE_CHANGE_UNKNOWN": (400, "决定变动情形须为变更、撤销、确认违法或确认无效。"),
        "DISCLOSURE_DATE_INVALID": (400, "日期无效。"),
        "DISCLOSURE_ALREADY_WITHDRAWN": (409, "该记录已撤回。"),
        "DISCLOSURE_PARAM_INVALID": (400, "查询参数无效：%(param)s。"),
        "DISCLOSURE_RATE_LIMITED": (429, "访问过于频繁，请稍后再试。"),
        "DISCLOSURE_PROOF_PENDING": (404, "该记录的日志条目尚未纳入已签名的检查点，请稍后再试。"),
        "CREDENTIAL_TOKEN_INVALID": (400, "该二维码不是真实有效的执法证二维码。"),
    },
)
