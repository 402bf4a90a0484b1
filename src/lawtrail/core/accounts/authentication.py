"""API token authentication: ``Authorization: Token <key>`` (or ``Bearer <key>``).

Only the SHA-256 of a token is stored. A token is refused once expired or revoked, and
when its account is inactive; a password change revokes all of a user's tokens.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from lawtrail.core.precompiled import Precompiled

from .models import ApiToken, token_digest

#: the token with its account, by digest: compiled to SQL once per thread (every API request runs it)
_TOKEN = Precompiled(lambda digest: ApiToken.objects.select_related("user").filter(digest=digest))


class ApiTokenAuthentication(BaseAuthentication):
    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("令牌格式错误。")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("令牌格式错误。") from None
        token = _TOKEN.first(token_digest(key))
        if token is None or not token.usable(timezone.now()) or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效、已过期或已被吊销。")
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


from axes.backends import AxesStandaloneBackend  # noqa: E402


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first of the authentication backends.

    Every way in (login page, admin, token endpoint) passes the request; a call without
    one (Django's test client ``login``, a shell) has no source address to count and is
    left to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


from drf_spectacular.extensions import OpenApiAuthenticationExtension  # noqa: E402


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "lawtrail.core.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "“Token <令牌>”，令牌由 POST /api/v1/auth/token 签发，到期或吊销后失效。",
        }
