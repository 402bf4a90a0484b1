from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import PermissionDenied


class TokenInput(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TokenView(APIView):
    """Exchange a username and password for an API token (for mobile and other clients)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenInput, responses={200: TokenOutput})
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None:
            raise PermissionDenied("用户名或密码错误。", code="LOGIN_FAILED")
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
