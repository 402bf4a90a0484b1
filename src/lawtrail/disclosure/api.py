"""The open-data API of disclosure (no login), mounted at /api/v1/public/.

``GET /api/v1/public/disclosures?q=&agency=&domain=&division=&kind=&from=&to=&sort=&page=``: JSON
with ``count`` (exact below 10,000; ``count_capped`` above) and ``results``; a bad parameter is a
400 with the code ``DISCLOSURE_PARAM_INVALID`` and the parameter named. Rate-limited per client.
"""

from __future__ import annotations

from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import limits, search

TAG = ["行政执法公示"]


class DisclosureRecordOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    decision_number = serializers.CharField(help_text="决定书文号")
    agency = serializers.CharField(source="agency.name", help_text="执法机关")
    domain = serializers.CharField(source="domain.name", help_text="执法领域")
    kind = serializers.CharField(source="get_kind_display", help_text="执法类别")
    party = serializers.CharField(source="party_name", help_text="行政相对人")
    violation = serializers.SerializerMethodField(help_text="违法行为")
    basis = serializers.SerializerMethodField(help_text="处罚依据")
    penalty = serializers.SerializerMethodField(help_text="处罚内容")
    decided_on = serializers.DateField(help_text="决定日期")

    def get_url(self, r) -> str:
        return f"/disclosure/{r.pk}/"

    def get_violation(self, r) -> str:
        return r.content.get("violation", "")

    def get_basis(self, r) -> str:
        return r.content.get("basis", "")

    def get_penalty(self, r) -> str:
        return r.content.get("penalty", "")


class DisclosureListOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="结果数（超过 10000 时为 10000，count_capped 为 true）")
    count_capped = serializers.BooleanField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = DisclosureRecordOut(many=True)


class DisclosureErrorOut(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField(required=False)


PARAMS = [
    OpenApiParameter("q", str, description="关键词（一个字及以上）"),
    OpenApiParameter("agency", int, description="执法机关 id"),
    OpenApiParameter("domain", str, description="执法领域代码"),
    OpenApiParameter("division", str, description="行政区划代码（含下级）"),
    OpenApiParameter("kind", str, description="执法类别：penalty / licence / other"),
    OpenApiParameter("from", str, description="决定日期起（YYYY-MM-DD）"),
    OpenApiParameter("to", str, description="决定日期止（YYYY-MM-DD）"),
    OpenApiParameter("sort", str, description="date（默认）或 relevance"),
    OpenApiParameter("page", int, description="页码，每页 20 条"),
]


def param_error(errors: dict[str, str]) -> Response:
    first = next(iter(errors))
    return Response(
        {
            "code": "DISCLOSURE_PARAM_INVALID",
            "message": f"查询参数无效：{first}（{errors[first]}）。",
            "details": errors,
        },
        status=400,
    )


@method_decorator(limits.public("api"), name="get")
class DisclosureListView(APIView):
    """已公示的执法决定（开放数据）。"""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAG,
        parameters=PARAMS,
        responses={200: DisclosureListOut, 400: DisclosureErrorOut, 429: DisclosureErrorOut},
        summary="执法决定公示查询",
    )
    def get(self, request):
        params, errors = search.parse(request.query_params)
        if errors:
            return param_error(errors)
        result = search.run(params)
        return Response(
            {
                "count": result.count,
                "count_capped": result.capped,
                "page": result.page,
                "pages": result.pages,
                "results": DisclosureRecordOut(result.rows, many=True).data,
            }
        )
