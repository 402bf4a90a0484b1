"""Who must use a second factor, and whether this request has passed it.

TOTP (RFC 6238) through django-otp; recovery codes are django-otp static tokens, each
usable once. Mandatory for the roles in ``LAWTRAIL_2FA_REQUIRED_ROLES`` (system admin,
unit admin, supervisor) and for every admin-site account; available to everyone.

The embedded demo may exempt its printed accounts (``LAWTRAIL_DEMO_2FA_EXEMPT``, on only
when the database is the embedded SQLite default and not set otherwise); pages then show
a banner saying so. docs/security.md records this choice.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

#: the demo accounts printed by `make run` (lawtrail.demo)
DEMO_USERNAMES = frozenset(
    {
        "admin",
        "officer",
        "officer2",
        "approver1",
        "approver2",
        "approver3",
        "reviewer",
        "unitadmin",
        "supervisor",
        "supervisor_changan",
    }
)


def required_for(user: Any) -> bool:
    """Whether ``user`` may not work without a second factor."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    roles = set(settings.LAWTRAIL_2FA_REQUIRED_ROLES)
    cached = getattr(user, "_lawtrail_role_grants", None)
    if cached is not None:
        return any(g.role in roles for g in cached)
    return user.role_grants.filter(role__in=roles).exists()


def demo_exempt(user: Any) -> bool:
    """The embedded demo's printed accounts, while they have no device of their own."""
    return (
        bool(getattr(settings, "LAWTRAIL_DEMO_2FA_EXEMPT", False))
        and getattr(user, "username", None) in DEMO_USERNAMES
        and not user_has_device(user, confirmed=True)
    )


def enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def satisfied(request: Any) -> bool:
    """The session's user has passed the second factor, or needs none."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_verified", lambda: False)():
        return True
    if user_has_device(user, confirmed=True):
        return False
    return not required_for(user) or demo_exempt(user)


def recovery_device(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name="recovery").first()
