"""Core API: exchange a password (and, where set up, a second factor) for an API token;
revoke the token in use."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .accounts import services as account_services
from .accounts import twofactor
from .accounts.authentication import ApiTokenAuthentication
from .accounts.models import ApiToken
from .errors import PermissionDenied

_ERROR = inline_serializer(
    "AuthError", fields={"code": serializers.CharField(), "message": serializers.CharField()}
)


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128)
    otp = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="动态码或恢复码（已绑定身份验证器的账号必填）",
    )


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenView(APIView):
    """Exchange a username and password for an API token (for mobile and other clients).

    The token expires after ``LAWTRAIL_API_TOKEN_TTL_HOURS``; DELETE revokes the token
    used for the request; a password change revokes them all. Failed attempts count
    towards the lockout of the account and of the source address (429 ``LOGIN_LOCKED``).
    """

    authentication_classes = [ApiTokenAuthentication]  # DELETE: the token to revoke
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        request=TokenInput,
        responses={
            200: TokenOutput,
            400: OpenApiResponse(_ERROR, description="INVALID_INPUT"),
            403: OpenApiResponse(
                _ERROR,
                description="LOGIN_FAILED、OTP_REQUIRED、OTP_INVALID、OTP_ENROLMENT_REQUIRED、PASSWORD_CHANGE_REQUIRED",
            ),
            429: OpenApiResponse(_ERROR, description="LOGIN_LOCKED、THROTTLED"),
        },
    )
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = authenticate(request._request, username=v["username"], password=v["password"])
        if user is None:
            raise PermissionDenied("用户名或密码错误。", code="LOGIN_FAILED")
        if twofactor.enrolled(user):
            if not v.get("otp"):
                raise PermissionDenied("该账号已绑定身份验证器，请同时提交动态码。", code="OTP_REQUIRED")
            if account_services.otp_verify(user=user, token=v["otp"], request=request._request) is None:
                raise PermissionDenied("动态码或恢复码不正确。", code="OTP_INVALID")
        elif twofactor.required_for(user) and not twofactor.demo_exempt(user):
            raise PermissionDenied(
                "您的角色须使用二次验证：请先在网页端绑定身份验证器。", code="OTP_ENROLMENT_REQUIRED"
            )
        if account_services.password_change_required(user):
            raise PermissionDenied(
                "请先在网页端修改密码（首次登录或密码已过期）。", code="PASSWORD_CHANGE_REQUIRED"
            )
        token, key = account_services.token_issue(user=user, request=request._request)
        return Response({"token": key, "expires_at": token.expires_at})

    @extend_schema(
        request=None, responses={204: None, 401: OpenApiResponse(_ERROR, description="NOT_AUTHENTICATED")}
    )
    def delete(self, request):
        token = request.auth
        if isinstance(token, ApiToken):
            account_services.token_revoke(
                actor=request.user, token=token, reason="客户端注销", request=request._request
            )
        return Response(status=204)
