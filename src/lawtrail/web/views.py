from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lawtrail.core.calendar import selectors as calendar_selectors
from lawtrail.core.notifications import selectors as notification_selectors
from lawtrail.core.notifications import services as notification_services
from lawtrail.core.permissions import EVERYWHERE, Perm, has_perm


def portal(request):
    """公众门户首页."""
    return render(request, "web/portal.html")


@login_required
def home(request):
    """后台工作台. An administrator is told, from the first working day of December, that next
    year's holiday schedule is missing (issue 8); nobody else is."""
    manager = has_perm(request.user, Perm.CALENDAR_MANAGE, EVERYWHERE)
    missing = calendar_selectors.next_year_missing(timezone.localdate()) if manager else None
    return render(request, "web/home.html", {"calendar_missing_year": missing})


# --- 站内消息 ----------------------------------------------------------------------------


@login_required
def notifications(request):
    """The person's notifications, newest first (unread ones only with ?unread=1)."""
    unread_only = request.GET.get("unread") == "1"
    paginator = Paginator(notification_selectors.notifications_for(request.user, unread_only=unread_only), 30)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "web/notifications.html",
        {
            "rows": page.object_list,
            "page": page,
            "unread_only": unread_only,
            "unread": notification_selectors.unread_count(request.user),
        },
    )


@login_required
@require_POST
def notifications_read(request):
    """标为已读: the ones named (``id``), or all unread."""
    ids = request.POST.getlist("id")
    n = notification_services.mark_read(user=request.user, ids=ids or None)
    messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": n})
    return redirect("web:notifications")


@login_required
@require_POST
def notification_open(request, pk: int):
    """Open a notification: it is marked read and the page it is about opens."""
    url = notification_selectors.notification_get(request.user, pk).url
    notification_services.mark_read(user=request.user, ids=[pk])
    if not url or not url_has_allowed_host_and_scheme(url, {request.get_host()}):
        return redirect("web:notifications")
    return redirect(url)


# --- error pages -------------------------------------------------------------------------
# Pages get a Chinese page with the navigation and a way back; the API (and any client asking
# for JSON) gets the same {"code", "message"} body as every other refusal — even on a 500.

ERRORS = {
    400: ("BAD_REQUEST", _("请求有误"), _("请求无法处理，请检查地址或提交的内容。")),
    403: (
        "PERMISSION_DENIED",
        _("无权访问"),
        _("您没有访问此页面的权限。如需权限，请联系本单位系统管理员。"),
    ),
    404: ("NOT_FOUND", _("页面不存在"), _("您访问的页面不存在或已被移除，请检查地址是否正确。")),
    500: (
        "SERVER_ERROR",
        _("服务器内部错误"),
        _("系统处理时出错，已记录在案。请稍后再试；如仍出错，请把请求编号告知管理员。"),
    ),
}


def _wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


def error_response(request, status: int, *, code: str | None = None, message: str | None = None):
    default_code, title, default_message = ERRORS[status]
    request_id = getattr(request, "id", "")
    if _wants_json(request):
        body = {"code": code or default_code, "message": str(message or default_message)}
        if status >= 500 and request_id:
            body["request_id"] = request_id
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    # "back" without JavaScript (a Content-Security-Policy may forbid javascript: links), and
    # only to a page of this site: never send someone on to the site that linked here
    referer = request.headers.get("Referer", "")
    back = referer if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}) else ""
    context = {
        "status": status,
        "title": title,
        "message": message or default_message,
        "request_id": request_id,
        "back_url": back,
    }
    try:
        return render(request, "web/http_error.html", context, status=status)
    except Exception:  # a 500 may come from the database or templates themselves: still answer
        return HttpResponse(
            f"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>{title}</title>"
            f"<h1>{title}</h1><p>{escape(str(context['message']))}</p>"
            f"<p>请求编号：{escape(request_id)}</p><p><a href='/'>返回首页</a></p></html>",
            status=status,
        )


def bad_request(request, exception=None):
    return error_response(request, 400)


def permission_denied(request, exception=None):
    return error_response(request, 403)


def page_not_found(request, exception=None):
    return error_response(request, 404)


def server_error(request):
    return error_response(request, 500)


def csrf_failure(request, reason=""):
    return error_response(
        request, 403, code="CSRF_FAILED", message=_("页面已过期或表单校验失败，请刷新页面后重新提交。")
    )
