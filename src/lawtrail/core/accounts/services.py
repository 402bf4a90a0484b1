"""Every write of the accounts app: auth events, passwords, API tokens, second factors.

Each is one transaction with its journal entries. Action tags ``accounts:<noun>:<verb>``.
The user row's authentication columns (password hash, last login, active flag) are
journaled too: whenever they change here, the user's state is appended
(``accounts:user:auth_state``), so ``lawtrail verify`` names a password hash or a login
time changed behind the application's back.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from axes.helpers import get_client_ip_address, get_client_user_agent
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lawtrail.core.errors import PermissionDenied, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot, journal_state

from .journal_actions import AccountsJournal
from .models import ApiToken, AuthEvent, token_digest

RECOVERY_CODES = 10


def request_ip(request: Any) -> str | None:
    if request is None:
        return None
    try:
        return get_client_ip_address(request) or None
    except Exception:  # a malformed header must not stop a login record
        return None


def staff_agency_id(user: Any) -> int | None:
    if user is None or not getattr(user, "pk", None):
        return None
    try:
        return user.staff.agency_id
    except (ObjectDoesNotExist, AttributeError):
        return None


def auth_event_record(
    *,
    kind: str,
    channel: str,
    request: Any = None,
    user: Any = None,
    username: str = "",
    success: bool = True,
    detail: str = "",
    user_changed: bool = False,
) -> AuthEvent:
    """Record one authentication event (and, with ``user_changed``, the user's new state)."""
    with transaction.atomic():
        event = AuthEvent.objects.create(
            kind=kind,
            channel=channel,
            success=success,
            user=user if getattr(user, "pk", None) else None,
            username=(username or getattr(user, "username", "") or "")[:150],
            ip_address=request_ip(request),
            user_agent=(get_client_user_agent(request) if request is not None else "")[:200],
            agency_id=staff_agency_id(user),
            detail=detail[:200],
        )
        actor = user if getattr(user, "pk", None) else None
        journal_append(actor=actor, action=AccountsJournal.auth(kind), subject=event, note=detail)
        if user_changed and actor is not None:
            journal_state(actor=actor, action=AccountsJournal.USER_AUTH_STATE, subject=user, note=kind)
    return event


# --------------------------------------------------------------------------- passwords


def validate_new_password(password: str, user: Any = None) -> None:
    """``validate_password`` with the refusal as ``ValidationFailed(PASSWORD_TOO_WEAK)``."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            "密码不符合要求：" + "".join(exc.messages),
            code="PASSWORD_TOO_WEAK",
            details=[{"field": "password", "code": "PASSWORD_TOO_WEAK", "message": m} for m in exc.messages],
        ) from None


def password_expired(user: Any, now: dt.datetime | None = None) -> bool:
    days = settings.LAWTRAIL_PASSWORD_MAX_AGE_DAYS
    if not days or not user.has_usable_password():
        return False
    changed = user.password_changed_at
    if changed is None:
        return False
    return (now or timezone.now()) - changed > dt.timedelta(days=days)


def password_change_required(user: Any) -> bool:
    return bool(getattr(user, "must_change_password", False)) or password_expired(user)


def password_set(
    *,
    actor: Any,
    user: Any,
    new_password: str,
    old_password: str | None = None,
    request: Any = None,
    must_change: bool = False,
) -> Any:
    """Set ``user``'s password: validated, tokens revoked, journaled.

    The user themself (``old_password`` given) clears ``must_change_password``; an
    administrator setting it (``must_change``) makes the user change it at the next login.
    """
    if old_password is not None and not user.check_password(old_password):
        raise ValidationFailed("原密码不正确。", code="PASSWORD_OLD_WRONG")
    if old_password is not None and old_password == new_password:
        raise ValidationFailed("新密码不能与原密码相同。", code="PASSWORD_UNCHANGED")
    validate_new_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.must_change_password = must_change
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        token_revoke_all(actor=actor, user=user, reason="password_changed")
        auth_event_record(
            kind=AuthEvent.Kind.PASSWORD_CHANGED,
            channel=AuthEvent.Channel.PAGE if request is not None else AuthEvent.Channel.SYSTEM,
            request=request,
            user=user,
            detail="本人修改" if old_password is not None else "管理员设置",
            user_changed=True,
        )
    return user


# --------------------------------------------------------------------------- API tokens


def token_issue(*, user: Any, request: Any = None, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user`` (already authenticated by the caller). Returns (row, secret)."""
    key = "lt_" + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            digest=token_digest(key),
            prefix=key[:10],
            name=name[:64],
            created_at=now,
            expires_at=now + dt.timedelta(hours=settings.LAWTRAIL_API_TOKEN_TTL_HOURS),
        )
        journal_append(actor=user, action=AccountsJournal.TOKEN_ISSUE, subject=token)
        auth_event_record(
            kind=AuthEvent.Kind.TOKEN_ISSUED,
            channel=AuthEvent.Channel.API,
            request=request,
            user=user,
            detail=f"令牌 {token.prefix}…",
            user_changed=True,  # a password re-hash on this login is journaled with it
        )
    return token, key


def token_revoke(*, actor: Any, token: ApiToken, reason: str = "revoked", request: Any = None) -> ApiToken:
    if actor is not None and actor.pk != token.user_id and not actor.is_superuser:
        raise PermissionDenied("只能吊销自己的令牌。", code="TOKEN_NOT_OWN")
    return _token_revoke(actor=actor, token=token, reason=reason, request=request)


def _token_revoke(*, actor: Any, token: ApiToken, reason: str, request: Any = None) -> ApiToken:
    """Revoke ``token`` (the caller has decided that ``actor`` may)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        before = journal_state_of(token)
        token.revoked_at = timezone.now()
        token.revoked_reason = reason[:64]
        token.save(update_fields=["revoked_at", "revoked_reason"])
        journal_append(
            actor=actor, action=AccountsJournal.TOKEN_REVOKE, subject=token, before=before, note=reason
        )
        auth_event_record(
            kind=AuthEvent.Kind.TOKEN_REVOKED,
            channel=AuthEvent.Channel.API if request is not None else AuthEvent.Channel.SYSTEM,
            request=request,
            user=token.user,
            detail=f"令牌 {token.prefix}…（{reason}）",
        )
    return token


def token_revoke_all(*, actor: Any, user: Any, reason: str) -> int:
    """Revoke every usable token of ``user`` (password change, deactivation — the caller has
    checked the actor's authority over the account). Returns how many."""
    n = 0
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
        _token_revoke(actor=actor, token=token, reason=reason)
        n += 1
    return n


def journal_state_of(instance: Any) -> dict:
    return journal_snapshot(instance)


# --------------------------------------------------------------------------- second factor


def totp_start(*, user: Any) -> TOTPDevice:
    """An unconfirmed TOTP device for enrolment (replaces an earlier unconfirmed one)."""
    with transaction.atomic():
        for old in TOTPDevice.objects.filter(user=user, confirmed=False):
            before = journal_state_of(old)
            journal_append(
                actor=user, action=AccountsJournal.TOTP_DISCARD, subject=old, before=before, deleted=True
            )
            old.delete()
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
        journal_append(actor=user, action=AccountsJournal.TOTP_START, subject=device)
    return device


def totp_confirm(*, user: Any, device: TOTPDevice, token: str, request: Any = None) -> list[str]:
    """Confirm enrolment with a first code; returns the new recovery codes (shown once)."""
    token = (token or "").strip().replace(" ", "")
    if device.user_id != user.pk or device.confirmed:
        raise ValidationFailed("绑定请求已失效，请重新开始。", code="OTP_ENROLMENT_STALE")
    if not device.verify_token(token):
        auth_event_record(
            kind=AuthEvent.Kind.OTP_FAILED,
            channel=AuthEvent.Channel.PAGE,
            request=request,
            user=user,
            success=False,
            detail="绑定时动态码错误",
        )
        raise ValidationFailed("动态码不正确，请核对手机时间后重试。", code="OTP_INVALID")
    with transaction.atomic():
        before = journal_state_of(TOTPDevice.objects.get(pk=device.pk))
        device.confirmed = True
        device.save()
        journal_append(actor=user, action=AccountsJournal.TOTP_CONFIRM, subject=device, before=before)
        codes = recovery_codes_reset(user=user)
        auth_event_record(
            kind=AuthEvent.Kind.OTP_ENROLLED,
            channel=AuthEvent.Channel.PAGE,
            request=request,
            user=user,
            detail="绑定身份验证器，生成恢复码",
        )
    return codes


def recovery_codes_reset(*, user: Any) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODES`` new ones (returned once)."""
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user, name="recovery").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
            journal_append(actor=user, action=AccountsJournal.RECOVERY_CREATE, subject=device)
        for tok in device.token_set.all():
            journal_append(
                actor=user,
                action=AccountsJournal.RECOVERY_DISCARD,
                subject=tok,
                before=journal_state_of(tok),
                deleted=True,
            )
            tok.delete()
        codes = []
        for _ in range(RECOVERY_CODES):
            code = StaticToken.random_token()
            tok = StaticToken.objects.create(device=device, token=code)
            journal_append(actor=user, action=AccountsJournal.RECOVERY_ISSUE, subject=tok)
            codes.append(code)
    return codes


def otp_verify(*, user: Any, token: str, request: Any = None) -> Any | None:
    """Check a TOTP code or a recovery code; the matching device, or None (recorded either way)."""
    token = (token or "").strip().replace(" ", "").replace("-", "")
    with transaction.atomic():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_is_allowed()[0] and device.verify_token(token):
                auth_event_record(
                    kind=AuthEvent.Kind.OTP_VERIFIED,
                    channel=AuthEvent.Channel.PAGE,
                    request=request,
                    user=user,
                )
                return device
        recovery = StaticDevice.objects.filter(user=user, name="recovery").first()
        if recovery is not None:
            used = recovery.token_set.filter(token=token).first()
            if used is not None and recovery.verify_is_allowed()[0]:
                before = journal_state_of(used)
                if recovery.verify_token(token):  # deletes the used code
                    journal_append(
                        actor=user,
                        action=AccountsJournal.RECOVERY_USE,
                        subject=used,
                        before=before,
                        deleted=True,
                    )
                    auth_event_record(
                        kind=AuthEvent.Kind.RECOVERY_USED,
                        channel=AuthEvent.Channel.PAGE,
                        request=request,
                        user=user,
                        detail=f"剩余恢复码 {recovery.token_set.count()} 个",
                    )
                    return recovery
    auth_event_record(
        kind=AuthEvent.Kind.OTP_FAILED,
        channel=AuthEvent.Channel.PAGE,
        request=request,
        user=user,
        success=False,
        detail="动态码或恢复码错误",
    )
    return None


def sessions_end(user: Any) -> int:
    """End every open session of ``user`` (database sessions: the rows are deleted, so the
    next request of that browser is anonymous). Returns how many."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0  # other engines: Django's ModelBackend refuses the inactive user on the next request
    key = str(user.pk)
    ended = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(s.get_decoded().get("_auth_user_id")) == key
    ]
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def access_revoke(*, actor: Any, user: Any, reason: str) -> None:
    """Deactivate a login account at once: inactive, tokens revoked, sessions ended.

    Called inside the caller's transaction (staff deactivation); the grants are the
    caller's to revoke (they belong to the registry).
    """
    with transaction.atomic():
        if user.is_active:
            before = journal_snapshot(user)
            user.is_active = False
            user.save(update_fields=["is_active"])
            journal_append(
                actor=actor, action=AccountsJournal.USER_DEACTIVATE, subject=user, before=before, note=reason
            )
        token_revoke_all(actor=actor, user=user, reason="access_revoked")
        ended = sessions_end(user)
        auth_event_record(
            kind=AuthEvent.Kind.ACCESS_REVOKED,
            channel=AuthEvent.Channel.SYSTEM,
            user=user,
            detail=f"{reason}（结束会话 {ended} 个）",
        )
    # Besides the rows deleted above, an inactive account is refused on its very next request
    # by Django's ModelBackend (sessions) and by the token authentication (is_active).


def access_restore(*, actor: Any, user: Any, reason: str) -> None:
    """Make a deactivated login account usable again (staff back in post). Grants are not
    restored: an administrator grants roles again."""
    with transaction.atomic():
        if not user.is_active:
            before = journal_snapshot(user)
            user.is_active = True
            user.save(update_fields=["is_active"])
            journal_append(
                actor=actor, action=AccountsJournal.USER_REACTIVATE, subject=user, before=before, note=reason
            )
