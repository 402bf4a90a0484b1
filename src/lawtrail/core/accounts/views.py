"""Pages: login (password, then the second factor), 2FA enrolment, password change, the
account's security page (tokens, recovery codes) and the authentication-event log."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lawtrail.core.errors import ApplicationError

from . import selectors, services, twofactor
from .forms import OtpForm, PasswordChangeForm
from .models import ApiToken, AuthEvent


def _next(request, default: str = "/backoffice/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["expired"] = self.request.GET.get("expired") == "1"
        return ctx


def lockout_response(request, original_response=None, credentials=None):
    """django-axes: what a locked-out account or address is answered (every way in)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = f"登录失败次数过多，账号或来源地址已被暂停登录 {minutes} 分钟。"
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "LOGIN_LOCKED", "message": message}, status=429)
    return render(request, "web/login.html", {"locked_message": message, "next": _next(request)}, status=429)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Second step of the login: a code from the authenticator app, or a recovery code."""
    if not twofactor.enrolled(request.user):
        return redirect("accounts:otp-setup")
    form = OtpForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        device = services.otp_verify(user=request.user, token=form.cleaned_data["token"], request=request)
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        error = "动态码或恢复码不正确。"
    return render(request, "accounts/otp_verify.html", {"form": form, "error": error, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = request.user
    if twofactor.enrolled(user) and not request.user.is_verified():
        return redirect("accounts:otp-verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None or request.GET.get("restart"):
        device = services.totp_start(user=user)
    form = OtpForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_confirm(
                user=user, device=device, token=form.cleaned_data["token"], request=request
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
    secret = _base32(device)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "error": error,
            "qr": mark_safe(qr),  # generated SVG markup, no user input in it
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": twofactor.required_for(user),
            "next": _next(request),
        },
    )


def _base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@login_required
@require_http_methods(["POST"])
def recovery_regenerate(request):
    codes = services.recovery_codes_reset(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/account/"})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(
                actor=request.user,
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except ApplicationError as exc:
            error = exc
        else:
            update_session_auth_hash(request, request.user)
            return redirect(_next(request, "/account/") + ("" if request.GET.get("next") else "?changed=1"))
    return render(
        request,
        "accounts/password.html",
        {
            "form": form,
            "error": error,
            "required": services.password_change_required(request.user),
            "next": _next(request, ""),
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """本人的账号安全：二次验证、恢复码、API 令牌、最近的登录记录。"""
    if request.method == "POST" and request.POST.get("revoke"):
        token = ApiToken.objects.filter(user=request.user, pk=request.POST.get("revoke", "0")).first()
        if token is not None:
            services.token_revoke(actor=request.user, token=token, reason="本人吊销", request=request)
        return redirect("accounts:account")
    recovery = twofactor.recovery_device(request.user)
    return render(
        request,
        "accounts/account.html",
        {
            "enrolled": twofactor.enrolled(request.user),
            "required": twofactor.required_for(request.user),
            "recovery_left": recovery.token_set.count() if recovery else 0,
            "tokens": selectors.token_list_for(request.user)[:20],
            "events": AuthEvent.objects.filter(user=request.user).order_by("-id")[:10],
            "changed": request.GET.get("changed") == "1",
        },
    )


@login_required
def auth_events(request):
    """登录安全日志 (administrators, within their scope)."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in AuthEvent.Kind.values else ""
    username = request.GET.get("username", "").strip()[:150]
    qs = selectors.auth_event_list_for(request.user, kind=kind, username=username)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/events.html",
        {"page": page, "kinds": AuthEvent.Kind.choices, "kind": kind, "username": username},
    )
