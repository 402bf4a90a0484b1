"""API of rule profiles: the key registry (public) and an agency's effective values (staff)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lawtrail.core.errors import NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.permissions import Perm
from lawtrail.registry.models import Agency
from lawtrail.registry.selectors import user_has_perm

from . import selectors
from .keys import KEYS


class ProfileErrorOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField(required=False)


class KeyOutput(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField()
    unit = serializers.CharField()
    source = serializers.CharField(help_text="RULES.md 规则编号")
    default = serializers.JSONField()
    description = serializers.CharField()
    interpretive = serializers.BooleanField(help_text="解释性/示例默认值，须由部署单位确认")


class KeysView(APIView):
    """规则配置项登记表（公开）。"""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(tags=["profiles"], summary="规则配置项", responses={200: KeyOutput(many=True)})
    def get(self, request):
        return Response(KeyOutput([KEYS[name] for name in sorted(KEYS)], many=True).data)


class EffectiveInput(serializers.Serializer):
    """Query parameters, parsed by ``EffectiveInput.parse`` so refusals carry stable codes."""

    agency = serializers.IntegerField()
    on = serializers.DateField(required=False)

    @staticmethod
    def parse(params) -> dict:
        raw = (params.get("agency") or "").strip()
        if not raw:
            raise ValidationFailed(
                _("缺少参数 agency。"), code="PROFILE_PARAM_MISSING", details={"param": "agency"}
            )
        if not raw.isdigit():
            raise ValidationFailed(
                _("参数 agency 须为单位编号。"), code="PROFILE_PARAM_INVALID", details={"param": "agency"}
            )
        on = None
        raw_on = (params.get("on") or "").strip()
        if raw_on:
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw_on):
                    raise ValueError(raw_on)
                on = dt.date.fromisoformat(raw_on)
            except ValueError:
                raise ValidationFailed(
                    _("参数 on 须为 YYYY-MM-DD 格式的日期。"),
                    code="PROFILE_PARAM_INVALID",
                    details={"param": "on"},
                ) from None
        return {"agency": int(raw), "on": on}


class ResolutionOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.JSONField()
    level = serializers.CharField(help_text="national / division / agency / builtin")
    level_label = serializers.CharField(help_text="国家默认 / 省 / 市 / 县 / 本单位 / 内置默认值")
    source_name = serializers.CharField()
    effective_from = serializers.DateField(allow_null=True)
    note = serializers.CharField()


class EffectiveOutput(serializers.Serializer):
    agency = serializers.IntegerField()
    agency_name = serializers.CharField()
    on = serializers.DateField()
    values = ResolutionOutput(many=True)


class EffectiveView(APIView):
    """某执法主体在某日适用的全部规则配置值及其来源（须登录的工作人员）。"""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["profiles"],
        summary="单位适用的规则配置",
        parameters=[
            OpenApiParameter("agency", OpenApiTypes.INT, required=True, description="执法主体编号"),
            OpenApiParameter("on", OpenApiTypes.DATE, description="日期（默认今天），YYYY-MM-DD"),
        ],
        responses={
            200: EffectiveOutput,
            400: OpenApiResponse(
                ProfileErrorOutput, description="PROFILE_PARAM_MISSING / PROFILE_PARAM_INVALID"
            ),
            401: OpenApiResponse(ProfileErrorOutput, description="NOT_AUTHENTICATED"),
            403: OpenApiResponse(ProfileErrorOutput, description="PERMISSION_DENIED（非工作人员）"),
            404: OpenApiResponse(ProfileErrorOutput, description="NOT_FOUND（单位不存在）"),
        },
    )
    def get(self, request):
        if not user_has_perm(request.user, Perm.PROFILE_VIEW):
            raise PermissionDenied(_("只有工作人员可以查看单位的规则配置。"), code="PERMISSION_DENIED")
        params = EffectiveInput.parse(request.query_params)
        agency = Agency.objects.select_related("division").filter(pk=params["agency"]).first()
        if agency is None:
            raise NotFound(_("执法主体不存在。"), code="NOT_FOUND")
        on = params["on"] or timezone.localdate()
        table = selectors.profile_effective_table(agency, on)
        data = {
            "agency": agency.pk,
            "agency_name": agency.name,
            "on": on,
            "values": [r.__dict__ for r in table],
        }
        return Response(EffectiveOutput(data).data)
