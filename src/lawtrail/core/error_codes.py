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
    },
)
