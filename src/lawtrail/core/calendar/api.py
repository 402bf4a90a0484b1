"""Public API of the working-day calendar: deadline computation and the holiday list.

No authentication: the calendar is public law, and a deadline calculator is useful to
parties as much as to officers. Parameters are checked here and refused with stable
codes (``CALENDAR_PARAM_MISSING`` / ``CALENDAR_PARAM_INVALID``); the computation itself
is ``selectors.deadline``.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lawtrail.core.errors import ValidationFailed

from . import selectors

MAX_COUNT = 3650


class CalendarErrorOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    rule = serializers.CharField(required=False)
    details = serializers.JSONField(required=False)


def _missing(name: str) -> ValidationFailed:
    return ValidationFailed(
        _("缺少参数 %(p)s。") % {"p": name}, code="CALENDAR_PARAM_MISSING", details={"param": name}
    )


def _invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code="CALENDAR_PARAM_INVALID", details={"param": name})


def _date_param(params, name: str) -> dt.date:
    raw = (params.get(name) or "").strip()
    if not raw:
        raise _missing(name)
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise _invalid(name, _("参数 %(p)s 须为 YYYY-MM-DD 格式的日期。") % {"p": name}) from None


def _count_param(params, name: str, low: int = 0, high: int = MAX_COUNT) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    if not re.fullmatch(r"[+-]?\d{1,9}", raw):
        raise _invalid(name, _("参数 %(p)s 须为整数。") % {"p": name})
    value = int(raw)
    if not low <= value <= high:
        raise _invalid(
            name, _("参数 %(p)s 须在 %(lo)s 到 %(hi)s 之间。") % {"p": name, "lo": low, "hi": high}
        )
    return value


class DeadlineInput(serializers.Serializer):
    """Query parameters (parsed by ``DeadlineInput.parse`` so refusals carry our codes)."""

    start = serializers.DateField(help_text="起算日（不计入期间），YYYY-MM-DD")
    working_days = serializers.IntegerField(required=False, min_value=0, max_value=MAX_COUNT)
    days = serializers.IntegerField(required=False, min_value=0, max_value=MAX_COUNT)

    @staticmethod
    def parse(params) -> dict:
        start = _date_param(params, "start")
        working_days = _count_param(params, "working_days")
        days = _count_param(params, "days")
        if working_days is None and days is None:
            raise _invalid("working_days", _("须指定 working_days（工作日数）或 days（自然日数）之一。"))
        if working_days is not None and days is not None:
            raise _invalid("working_days", _("working_days 与 days 只能指定其一。"))
        return {"start": start, "working_days": working_days, "days": days}


class DeadlineOutput(serializers.Serializer):
    start = serializers.DateField()
    due = serializers.DateField(help_text="期间届满日")
    kind = serializers.ChoiceField(choices=["working_days", "calendar_days"])
    count = serializers.IntegerField()
    rule = serializers.CharField(help_text="RULES.md 规则编号：WD-1（工作日）或 WD-3（自然日顺延）")
    rule_text = serializers.CharField()
    rolled_forward_from = serializers.DateField(
        allow_null=True, help_text="自然日期间末日遇休息日顺延前的日期"
    )
    skipped_non_working_days = serializers.IntegerField(help_text="跳过的非工作日天数")


_ERRORS = {
    400: OpenApiResponse(
        CalendarErrorOutput,
        description="CALENDAR_PARAM_MISSING（缺少参数）、CALENDAR_PARAM_INVALID（日期格式错误、非整数、"
        "负数、超过 3650、working_days 与 days 同时给出或都未给出）、CALENDAR_YEAR_MISSING（涉及年度无日历数据）",
        examples=[
            OpenApiExample(
                "年度缺失",
                value={
                    "code": "CALENDAR_YEAR_MISSING",
                    "message": "2031年的工作日历尚无数据……",
                    "rule": "WD-1",
                },
            )
        ],
    )
}


class DeadlineView(APIView):
    """期限计算：起算日后 N 个工作日（WD-1）或 N 个自然日（WD-3，末日遇休息日顺延）。"""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["calendar"],
        summary="期限计算",
        parameters=[
            OpenApiParameter(
                "start", OpenApiTypes.DATE, required=True, description="起算日，YYYY-MM-DD（不计入）"
            ),
            OpenApiParameter(
                "working_days", OpenApiTypes.INT, description="工作日数（0–3650），与 days 二选一"
            ),
            OpenApiParameter(
                "days", OpenApiTypes.INT, description="自然日数（0–3650），与 working_days 二选一"
            ),
        ],
        responses={200: DeadlineOutput, **_ERRORS},
    )
    def get(self, request):
        params = DeadlineInput.parse(request.query_params)
        result = selectors.deadline(params["start"], working_days=params["working_days"], days=params["days"])
        return Response(DeadlineOutput(result.as_dict()).data)


class DayOutput(serializers.Serializer):
    date = serializers.DateField()
    weekday = serializers.IntegerField(help_text="1=周一 … 7=周日")
    kind = serializers.CharField(help_text="holiday（法定节假日）/ makeup（调休上班日）")
    kind_label = serializers.CharField()
    holiday_name = serializers.CharField()
    working = serializers.BooleanField()


class DaysOutput(serializers.Serializer):
    year = serializers.IntegerField()
    source = serializers.CharField()
    days = DayOutput(many=True)


class DaysView(APIView):
    """某年度的法定节假日与调休上班日（普通周末不列出）。"""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["calendar"],
        summary="年度节假日与调休",
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True, description="年度，如 2026")],
        responses={200: DaysOutput, **_ERRORS},
    )
    def get(self, request):
        year = _count_param(request.query_params, "year", low=1900, high=2200)
        if year is None:
            raise _missing("year")
        days = selectors.calendar_special_days(year)
        cal_year = next(y for y in selectors.calendar_years() if y.year == year)
        data = {
            "year": year,
            "source": cal_year.get_source_display(),
            "days": [
                {
                    "date": d.date,
                    "weekday": d.date.isoweekday(),
                    "kind": d.kind,
                    "kind_label": d.get_kind_display(),
                    "holiday_name": d.holiday_name,
                    "working": d.is_working,
                }
                for d in days
            ],
        }
        return Response(DaysOutput(data).data)


class YearOutput(serializers.Serializer):
    year = serializers.IntegerField()
    source = serializers.CharField()
    updated_at = serializers.DateTimeField()


class YearsView(APIView):
    """已录入工作日历的年度（未列出的年度不能计算期限）。"""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(tags=["calendar"], summary="已录入年度", responses={200: YearOutput(many=True)})
    def get(self, request):
        return Response(YearOutput(selectors.calendar_years(), many=True).data)
