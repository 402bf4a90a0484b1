"""Template context shared by every page: the back-office navigation for this user."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from lawtrail.core.accounts.twofactor import demo_exempt, required_for
from lawtrail.core.notifications.selectors import unread_count
from lawtrail.registry.selectors import user_has_perm

# (label, url name, permission needed — or a tuple: any of them — or None). Apps add their entries here.
BACKOFFICE_NAV: list[tuple[str, str, str | tuple[str, ...] | None]] = [
    (_("工作台"), "web:home", None),
    (_("消息"), "web:notifications", None),
    (_("工作日历"), "workcalendar:overview", None),
    (_("规则配置"), "profiles:effective", "profiles.view"),
    (_("执法主体"), "registry:agency-list", "registry.view"),
    (_("工作人员"), "registry:staff-list", "registry.view"),
    (_("权力事项"), "registry:power-list", "registry.view"),
    # offered to who may import (catalogue or staff); the page itself stays open to readers for the exports
    (_("导入导出"), "registry:io", ("registry.catalog.manage", "registry.staff.manage")),
    (_("待办"), "cases:todo", "cases.view"),
    (_("案件"), "cases:list", "cases.view"),
    (_("移送受理"), "cases:transfers", "cases.view"),
    (_("审批流程"), "cases:approval-chains", "cases.configure"),
    (_("法制审核"), "review:queue", "cases.review"),
    (_("审核统计"), "review:figures", "cases.view"),
    (_("现场直播"), "live:live", ("cases.handle", "cases.approve")),
    (_("登录安全日志"), "auth-events", "journal.view"),
    (_("账号安全"), "accounts:account", None),
]


# the public portal's sections (公示栏目), for everyone
PUBLIC_NAV: list[tuple[str, str]] = [
    (_("执法主体"), "disclosure_public:bodies"),
    (_("权力清单"), "disclosure_public:powers"),
    (_("随机抽查事项"), "disclosure_public:inspections"),
    (_("执法结果"), "disclosure_public:search"),
    (_("亮证查验"), "disclosure_public:credential-lookup"),
    (_("统计"), "disclosure_public:stats"),
    (_("验证"), "disclosure_public:verify"),
]


def _current(items: list[dict], path: str) -> None:
    """aria-current on the entry whose address is the longest prefix of this page's."""
    best = max((i for i in items if path.startswith(i["url"])), key=lambda i: len(i["url"]), default=None)
    if best is not None:
        best["current"] = True


def _public_nav(path: str) -> list[dict]:
    items = []
    for label, name in PUBLIC_NAV:
        try:
            items.append({"label": label, "url": reverse(name), "current": False})
        except NoReverseMatch:
            continue
    _current(items, path)
    return items


def navigation(request):
    items = []
    path = getattr(request, "path", "")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for label, name, perm in BACKOFFICE_NAV:
            perms = perm if isinstance(perm, tuple) else (perm,) if perm else ()
            if perms and not any(user_has_perm(user, p) for p in perms):
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            item = {"label": label, "url": url, "current": False, "count": 0}
            if name == "web:notifications":
                item["count"] = unread_count(user)  # the unread count beside 消息, on every page
            items.append(item)
    _current(items, path)
    exempt = bool(user is not None and user.is_authenticated and required_for(user) and demo_exempt(user))
    unread = sum(i["count"] for i in items)
    return {
        "nav_items": items,
        "nav_unread": unread,
        "demo_2fa_exempt": exempt,
        "public_nav": _public_nav(path),
    }
