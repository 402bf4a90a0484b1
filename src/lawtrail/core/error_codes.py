"""Error codes of 内核（认证、权限、通用） (core), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "core",
    "内核（认证、权限、通用）",
    {
        "AUTHENTICATION_FAILED": (403, "身份验证失败，请检查令牌或重新登录。"),
        "INVALID_INPUT": (400, "提交的数据有误，请检查各字段。"),
        "LOGIN_FAILED": (403, "用户名或密码错误。"),
        "MALFORMED_REQUEST": (400, "请求格式错误，无法解析。"),
        "METHOD_NOT_ALLOWED": (405, "不支持该请求方法。"),
        "NOT_AUTHENTICATED": (403, "请先登录。"),
        "NOT_FOUND": (404, "请求的对象不存在或您无权查看。"),
        "PERMISSION_DENIED": (403, "您没有执行此操作的权限。"),
        "REASON_REQUIRED": (400, "请写明理由。"),
        "THROTTLED": (429, "请求过于频繁，请稍后再试。"),
        "UNSUPPORTED_MEDIA_TYPE": (415, "不支持的请求内容类型。"),
        # logging in and session gates (docs/security.md)
        "DATE_IMPLAUSIBLE": (400, "日期不在合理范围内，请核对。"),
        "INPUT_CONTROL_CHARACTER": (400, "输入中含有不允许的控制字符（如空字符 NUL），请删除后重新提交。"),
        "LOGIN_LOCKED": (429, "登录失败次数过多，账号或来源地址已被暂停登录。"),
        "OTP_REQUIRED": (403, "请先完成二次验证（动态码）。"),
        "OTP_INVALID": ((400, 403), "动态码或恢复码不正确。"),
        "OTP_ENROLMENT_REQUIRED": (403, "您的角色须使用二次验证：请先在网页端绑定身份验证器。"),
        "PASSWORD_CHANGE_REQUIRED": (403, "请先修改密码（首次登录或密码已过期）。"),
        "SESSION_EXPIRED": (403, "会话已因长时间未操作而结束，请重新登录。"),
    },
)
