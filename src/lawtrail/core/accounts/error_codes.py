"""Error codes of 账号与登录安全 (accounts), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "accounts",
    "账号与登录安全",
    {
        "AUTH_EVENTS_FORBIDDEN": (403, "您没有查看登录安全日志的权限。"),
        "OTP_ENROLMENT_STALE": (400, "绑定请求已失效，请重新开始。"),
        "OTP_INVALID": ((400, 403), "动态码或恢复码不正确。"),
        "PASSWORD_OLD_WRONG": (400, "原密码不正确。"),
        "PASSWORD_TOO_WEAK": (400, "密码不符合要求（至少 10 个字符，包含 4 类字符中的至少 3 类）。"),
        "PASSWORD_UNCHANGED": (400, "新密码不能与原密码相同。"),
        "TOKEN_NOT_OWN": (403, "只能吊销自己的令牌。"),
    },
)
