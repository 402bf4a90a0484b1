"""Template context shared by every page: the back-office navigation for this user."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from lawtrail.core.accounts.twofactor import demo_exempt, required_for
from lawtrail.registry.selectors import user_has_perm

# (label, url name, permission needed or None). Apps add their entries here.
BACKOFFICE_NAV: list[tuple[str, str, str | None]] = [
    (_("工作台"), "web:home", None),
    (_("工作日历"), "workcalendar:overview", None),
    (_("规则配置"), "profiles:effective", "profiles.view"),
    (_("执法主体"), "registry:agency-list", "registry.view"),
    (_("工作人员"), "registry:staff-list", "registry.view"),
    (_("权力事项"), "registry:power-list", "registry.view"),
    (_("导入导出"), "registry:io", "registry.view"),
    (_("待办"), "cases:todo", "cases.view"),
    (_("案件"), "cases:list", "cases.view"),
    (_("移送受理"), "cases:transfers", "cases.view"),
    (_("法制审核"), "review:queue", "cases.review"),
    (_("审核统计"), "review:figures", "cases.view"),
    (_("登录安全日志"), "auth-events", "journal.view"),
    (_("账号安全"), "accounts:account", None),
]


def navigation(request):
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for label, name, perm in BACKOFFICE_NAV:
            if perm and not user_has_perm(user, perm):
                continue
            try:
                items.append({"label": label, "url": reverse(name)})
            except NoReverseMatch:
                continue
    exempt = bool(user is not None and user.is_authenticated and required_for(user) and demo_exempt(user))
    return {"nav_items": items, "demo_2fa_exempt": exempt}
