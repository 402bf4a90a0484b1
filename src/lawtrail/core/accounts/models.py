"""Authentication events and API tokens.

``AuthEvent`` rows are the record 等保 2.0 三级 (安全审计) asks for: who, when, from where,
what, with which outcome — every login, logout, failed login, lockout, second-factor
enrolment and token issue. Each is journaled in the same transaction, so the record cannot
be edited or thinned without ``lawtrail verify`` naming it. They are kept at least
``LAWTRAIL_AUTH_EVENT_RETENTION_DAYS`` (default 400, ≥ 180 enforced by a system check).

``ApiToken`` replaces DRF's authtoken: only a hash of the token is stored, every token
expires, a revoked or expired token is refused, and a password change revokes them all.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuthEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        LOGOUT = "logout", _("退出")
        SESSION_EXPIRED = "session_expired", _("会话超时")
        OTP_VERIFIED = "otp_verified", _("二次验证通过")
        OTP_FAILED = "otp_failed", _("二次验证失败")
        OTP_ENROLLED = "otp_enrolled", _("绑定二次验证")
        OTP_REMOVED = "otp_removed", _("解除二次验证")
        RECOVERY_USED = "recovery_used", _("使用恢复码")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        TOKEN_ISSUED = "token_issued", _("签发令牌")
        TOKEN_REVOKED = "token_revoked", _("吊销令牌")
        ACCESS_REVOKED = "access_revoked", _("撤销访问权限")

    class Channel(models.TextChoices):
        PAGE = "page", _("登录页")
        API = "api", _("API 令牌")
        ADMIN = "admin", _("系统管理后台")
        SYSTEM = "system", _("系统")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件"), max_length=24, choices=Kind.choices)
    channel = models.CharField(_("途径"), max_length=8, choices=Channel.choices)
    success = models.BooleanField(_("结果"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        verbose_name=_("账号"),
    )
    username = models.CharField(_("登录名"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=200, blank=True)
    # agency of the account's staff record, so an agency admin reads only their agency's events
    agency_id = models.BigIntegerField(null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("登录安全事件")
        verbose_name_plural = _("登录安全事件")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "-id"], name="authevent_user"),
            models.Index(fields=["agency_id", "-id"], name="authevent_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username}"


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """An API token: SHA-256 of the secret, a prefix to recognise it, an expiry, a revocation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("账号")
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("令牌前缀"), max_length=12)
    name = models.CharField(_("用途"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("签发时间"))
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("吊销原因"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at
