"""Every login, logout, failed login and lockout becomes a journaled ``AuthEvent``.

Django and django-axes send these signals on every way in (the login page, the admin,
the API token endpoint — all go through ``django.contrib.auth.authenticate``/``login``).
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .middleware import touch
from .models import AuthEvent
from .services import auth_event_record


def channel_of(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return AuthEvent.Channel.ADMIN
    if path.startswith("/api/"):
        return AuthEvent.Channel.API
    return AuthEvent.Channel.PAGE if request is not None else AuthEvent.Channel.SYSTEM


def _user_named(username: str):
    if not username:
        return None
    return get_user_model()._default_manager.filter(username=username).first()


@receiver(user_logged_in, dispatch_uid="lawtrail-auth-login")
def _logged_in(sender, request, user, **kwargs):
    # runs after Django's update_last_login (connected first), so the journaled state has it
    if request is not None and hasattr(request, "session"):
        touch(request)
    auth_event_record(
        kind=AuthEvent.Kind.LOGIN, channel=channel_of(request), request=request, user=user, user_changed=True
    )


@receiver(user_logged_out, dispatch_uid="lawtrail-auth-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    expired = bool(getattr(request, "_lawtrail_idle_logout", False))
    auth_event_record(
        kind=AuthEvent.Kind.SESSION_EXPIRED if expired else AuthEvent.Kind.LOGOUT,
        channel=channel_of(request),
        request=request,
        user=user,
        detail="空闲超时，会话结束" if expired else "",
    )


@receiver(user_login_failed, dispatch_uid="lawtrail-auth-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", "") or "")[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    auth_event_record(
        kind=AuthEvent.Kind.LOGIN_FAILED,
        channel=channel_of(request),
        request=request,
        user=_user_named(username),
        username=username,
        success=False,
        detail="账号或来源地址已锁定" if locked else "用户名或密码错误",
    )


@receiver(user_locked_out, dispatch_uid="lawtrail-auth-lockout")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:150]
    auth_event_record(
        kind=AuthEvent.Kind.LOCKOUT,
        channel=channel_of(request),
        request=request,
        user=_user_named(username),
        username=username,
        success=False,
        detail="连续登录失败次数达到上限，暂停登录",
    )
