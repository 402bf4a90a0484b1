"""Session gates for every page and every session-authenticated API call.

In order: the idle timeout (``LAWTRAIL_SESSION_IDLE_MINUTES``), the second factor (for
those who must or chose to use one), then a password that must be changed (first login,
expired). A page is redirected to the step to take; an API call gets a JSON 403 with a
stable code. Token-authenticated API calls are checked by ``ApiTokenAuthentication``.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import twofactor
from .services import password_change_required

LAST_SEEN = "lawtrail_last_seen"
_TOUCH_EVERY = 30  # seconds: write the session at most this often for the idle clock


def touch(request: HttpRequest) -> None:
    request.session[LAST_SEEN] = int(time.time())


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


# paths a signed-in user may reach before passing the gates
_OPEN_PREFIXES = ("/static/", "/login/", "/logout/", "/account/", "/verify/", "/api/schema/", "/favicon")


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            gate = self._gate(request)
            if gate is not None:
                return gate
        return self.get_response(request)

    def _gate(self, request: HttpRequest) -> HttpResponse | None:
        now = int(time.time())
        last = request.session.get(LAST_SEEN)
        idle = settings.LAWTRAIL_SESSION_IDLE_MINUTES * 60
        if last is not None and idle and now - int(last) > idle:
            request._lawtrail_idle_logout = True
            logout(request)
            if _is_api(request):
                return JsonResponse(
                    {"code": "SESSION_EXPIRED", "message": "会话已因长时间未操作而结束，请重新登录。"},
                    status=403,
                )
            return redirect(
                f"{reverse('web:login')}?{urlencode({'next': request.get_full_path(), 'expired': 1})}"
            )
        if last is None or now - int(last) >= _TOUCH_EVERY:
            touch(request)
        if request.path.startswith(_OPEN_PREFIXES) or request.path == "/":
            return None
        user = request.user
        if not twofactor.satisfied(request):
            if _is_api(request):
                return JsonResponse(
                    {"code": "OTP_REQUIRED", "message": "请先完成二次验证（动态码）。"}, status=403
                )
            step = "accounts:otp-verify" if twofactor.enrolled(user) else "accounts:otp-setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        if password_change_required(user):
            if _is_api(request):
                return JsonResponse(
                    {"code": "PASSWORD_CHANGE_REQUIRED", "message": "请先修改密码（首次登录或密码已过期）。"},
                    status=403,
                )
            return redirect(f"{reverse('accounts:password')}?{urlencode({'next': request.get_full_path()})}")
        return None


class ServerHeaderMiddleware:
    """No server name or version in the ``Server`` header (the WSGI server adds its own otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Server"] = "LawTrail"
        return response
