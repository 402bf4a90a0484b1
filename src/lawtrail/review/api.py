"""Legal review API (法制审核), mounted at /api/v1/review/: thin views over selectors and services."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lawtrail.core.errors import ValidationFailed

from . import rules, selectors, services

TAG = ["法制审核"]


class ReviewErrorOut(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    rule = serializers.CharField(required=False)
    details = serializers.JSONField(required=False)


ERRORS = {400: ReviewErrorOut, 403: ReviewErrorOut, 404: ReviewErrorOut, 409: ReviewErrorOut}


class CriterionOut(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    title = serializers.CharField()
    basis = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    domain = serializers.CharField(source="domain.code", default="", allow_null=True)
    penalty_kinds = serializers.ListField(child=serializers.CharField())
    measure_kinds = serializers.ListField(child=serializers.CharField())
    amount_person = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    amount_organisation = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    owner = serializers.SerializerMethodField()
    active = serializers.BooleanField()

    def get_owner(self, c) -> str:
        return c.agency.name if c.agency_id else c.division.name


class PublicListOut(serializers.Serializer):
    agency = serializers.CharField()
    criteria = CriterionOut(many=True)


class PublicCriteriaView(APIView):
    """重大执法决定法制审核目录清单 of an agency (事前公开): anyone may read it."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAG, summary="公开的法制审核目录清单", responses={200: PublicListOut, 404: ReviewErrorOut}
    )
    def get(self, request, agency_id: int):
        agency, criteria = selectors.public_criteria(agency_id)
        return Response(PublicListOut({"agency": agency.name, "criteria": criteria}).data)


class CriterionIn(serializers.Serializer):
    agency_id = serializers.IntegerField(required=False)
    division_code = serializers.CharField(required=False)
    category = serializers.ChoiceField(choices=rules.Category.CHOICES)
    title = serializers.CharField(max_length=200)
    basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    levels = serializers.ListField(child=serializers.CharField(), required=False)
    domain = serializers.CharField(required=False, allow_blank=True)
    penalty_kinds = serializers.ListField(child=serializers.CharField(), required=False)
    measure_kinds = serializers.ListField(child=serializers.CharField(), required=False)
    amount_person = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    amount_organisation = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    active = serializers.BooleanField(required=False)


class CriterionCreateView(APIView):
    @extend_schema(
        tags=TAG,
        summary="新增目录清单事项（机关或行政区划）",
        request=CriterionIn,
        responses={201: CriterionOut, **ERRORS},
    )
    def post(self, request):
        s = CriterionIn(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        c = services.criterion_create(
            actor=request.user,
            agency_id=data.pop("agency_id", None),
            division_code=data.pop("division_code", None),
            **data,
        )
        return Response(CriterionOut(c).data, status=201)


class CriterionUpdateIn(CriterionIn):
    category = serializers.ChoiceField(choices=rules.Category.CHOICES, required=False)
    title = serializers.CharField(max_length=200, required=False)


class CriterionView(APIView):
    @extend_schema(
        tags=TAG,
        summary="修改目录清单事项",
        request=CriterionUpdateIn,
        responses={200: CriterionOut, **ERRORS},
    )
    def patch(self, request, pk: int):
        s = CriterionUpdateIn(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        data = {k: v for k, v in s.validated_data.items() if k not in ("agency_id", "division_code")}
        return Response(
            CriterionOut(services.criterion_update(actor=request.user, criterion_id=pk, **data)).data
        )


class AssignmentOut(serializers.Serializer):
    reviewer = serializers.CharField()
    previous = serializers.CharField(allow_null=True)
    how = serializers.CharField()
    by = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()
    reason = serializers.CharField()


class ReviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.number")
    case_title = serializers.CharField(source="case.title")
    round = serializers.IntegerField()
    status = serializers.CharField()
    submitted_by = serializers.CharField()
    submitted_on = serializers.DateField()
    reviewer = serializers.CharField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    due_pending = serializers.CharField()
    extension_status = serializers.CharField()
    reasons = serializers.JSONField()
    materials = serializers.JSONField()
    changes = serializers.JSONField()
    snapshot = serializers.JSONField()
    checklist = serializers.JSONField()
    categories = serializers.ListField(child=serializers.CharField())
    opinion_text = serializers.CharField()
    decided_by = serializers.CharField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    assignments = AssignmentOut(many=True)


class ReviewDetailView(APIView):
    @extend_schema(
        tags=TAG,
        summary="一轮法制审核（材料、要点、意见、分配记录）",
        responses={200: ReviewOut, 404: ReviewErrorOut},
    )
    def get(self, request, pk: int):
        return Response(ReviewOut(selectors.review_get_for(request.user, pk)).data)


class QueueRowOut(serializers.Serializer):
    review = ReviewOut()
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    days_left = serializers.IntegerField(allow_null=True)


class QueueView(APIView):
    @extend_schema(
        tags=TAG,
        summary="审核待办（期限最近的在前，超期标记）",
        parameters=[OpenApiParameter("all", bool, description="全部在办（负责人、监督）而非仅本人")],
        responses={200: QueueRowOut(many=True), 403: ReviewErrorOut},
    )
    def get(self, request):
        mine = request.query_params.get("all") not in ("1", "true")
        return Response(QueueRowOut(selectors.review_queue_for(request.user, mine=mine), many=True).data)


class HistoryView(APIView):
    @extend_schema(
        tags=TAG, summary="案件的全部审核轮次", responses={200: ReviewOut(many=True), 404: ReviewErrorOut}
    )
    def get(self, request, case_id: int):
        return Response(ReviewOut(selectors.review_history_for(request.user, case_id), many=True).data)


def _no_date(data) -> None:
    """APL-47: the date of a submission or an opinion is the day it is made — never a client's."""
    if isinstance(data, dict) and "on" in data:
        raise ValidationFailed(
            _("送审和审核意见的日期为提交当日，不能另行指定。"),
            code="REVIEW_DATE_NOT_ACCEPTED",
            rule="APL-47",
        )


class SubmitIn(serializers.Serializer):
    def to_internal_value(self, data):
        _no_date(data)
        return super().to_internal_value(data)


class SubmitView(APIView):
    @extend_schema(
        tags=TAG,
        summary="提请法制审核（送审材料不全的拒绝）",
        request=SubmitIn,
        responses={201: ReviewOut, **ERRORS},
    )
    def post(self, request, case_id: int):
        s = SubmitIn(data=request.data)
        s.is_valid(raise_exception=True)
        review = services.review_submit(actor=request.user, case_id=case_id)
        return Response(ReviewOut(review).data, status=201)


class FlagIn(serializers.Serializer):
    kind = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)


class FlagOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    reason = serializers.CharField()


class FlagView(APIView):
    @extend_schema(
        tags=TAG,
        summary="提请审核的情形（重大公共利益、疑难复杂等）",
        request=FlagIn,
        responses={201: FlagOut, **ERRORS},
    )
    def post(self, request, case_id: int):
        s = FlagIn(data=request.data)
        s.is_valid(raise_exception=True)
        flag = services.review_flag(actor=request.user, case_id=case_id, **s.validated_data)
        return Response(FlagOut(flag).data, status=201)


class PointIn(serializers.Serializer):
    ok = serializers.BooleanField()
    finding = serializers.CharField(required=False, allow_blank=True)


class OpinionIn(serializers.Serializer):
    opinion = serializers.ChoiceField(choices=rules.OPINIONS)
    checklist = serializers.DictField(child=PointIn())
    categories = serializers.ListField(child=serializers.CharField(), required=False)
    text = serializers.CharField(allow_blank=True)

    def to_internal_value(self, data):
        _no_date(data)
        return super().to_internal_value(data)


class OpinionView(APIView):
    @extend_schema(
        tags=TAG,
        summary="作出审核意见：同意（通过）或存在问题（退回承办人）",
        request=OpinionIn,
        responses={200: ReviewOut, **ERRORS},
    )
    def post(self, request, pk: int):
        s = OpinionIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        review = services.review_opinion(
            actor=request.user,
            review_id=pk,
            opinion=d["opinion"],
            checklist=d["checklist"],
            categories=d.get("categories") or [],
            text=d["text"],
        )
        return Response(ReviewOut(review).data)


class AssignIn(serializers.Serializer):
    reviewer_id = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True)


class AssignView(APIView):
    @extend_schema(
        tags=TAG,
        summary="指定或改派审核人员（主要负责人）",
        request=AssignIn,
        responses={200: ReviewOut, **ERRORS},
    )
    def post(self, request, pk: int):
        s = AssignIn(data=request.data)
        s.is_valid(raise_exception=True)
        review = services.review_assign(actor=request.user, review_id=pk, **s.validated_data)
        return Response(ReviewOut(review).data)


class ExtensionIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class ExtensionView(APIView):
    @extend_schema(
        tags=TAG,
        summary="申请延长审核期限（一次）",
        request=ExtensionIn,
        responses={200: ReviewOut, **ERRORS},
    )
    def post(self, request, pk: int):
        s = ExtensionIn(data=request.data)
        s.is_valid(raise_exception=True)
        return Response(
            ReviewOut(
                services.review_extension_request(actor=request.user, review_id=pk, **s.validated_data)
            ).data
        )


class ExtensionDecideIn(serializers.Serializer):
    approve = serializers.BooleanField()


class ExtensionDecideView(APIView):
    @extend_schema(
        tags=TAG,
        summary="批准或不批准延长审核期限（主要负责人）",
        request=ExtensionDecideIn,
        responses={200: ReviewOut, **ERRORS},
    )
    def post(self, request, pk: int):
        s = ExtensionDecideIn(data=request.data)
        s.is_valid(raise_exception=True)
        review = services.review_extension_decide(
            actor=request.user, review_id=pk, approve=s.validated_data["approve"]
        )
        return Response(ReviewOut(review).data)


class FiguresQuery(serializers.Serializer):
    agency = serializers.IntegerField(required=False)
    division = serializers.CharField(required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class FiguresOut(serializers.Serializer):
    scope = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    reviews = serializers.IntegerField()
    cases_reviewed = serializers.IntegerField()
    cases_required = serializers.IntegerField()
    coverage = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    with_findings = serializers.IntegerField()
    correction_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    findings_by_category = serializers.DictField(child=serializers.IntegerField())
    average_days = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    reviewers = serializers.IntegerField()
    officers = serializers.IntegerField()
    reviewer_ratio = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    reviewer_ratio_min = serializers.DecimalField(max_digits=6, decimal_places=2)
    reviewer_ratio_met = serializers.BooleanField()
    per_agency = serializers.JSONField()


def figures_from(request) -> dict:
    q = FiguresQuery(data=request.query_params)
    q.is_valid(raise_exception=True)
    d = q.validated_data
    return selectors.figures_for(
        request.user,
        agency_id=d.get("agency"),
        division_code=d.get("division"),
        date_from=d.get("date_from"),
        date_to=d.get("date_to"),
    )


class FiguresView(APIView):
    @extend_schema(
        tags=TAG,
        summary="法制审核统计（覆盖率、纠错率、问题类别、平均用时、审核人员比例）",
        parameters=[FiguresQuery],
        responses={200: FiguresOut, **ERRORS},
    )
    def get(self, request):
        return Response(FiguresOut(figures_from(request)).data)


def figures_csv(figures: dict) -> str:
    """The figures as CSV (UTF-8 with BOM so that spreadsheet software reads the Chinese)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["指标", "数值"])
    labels = [
        ("scope", "范围"),
        ("date_from", "起始日期"),
        ("date_to", "截止日期"),
        ("reviews", "审核件次"),
        ("cases_reviewed", "审核案件数"),
        ("cases_required", "应审核案件数"),
        ("coverage", "审核覆盖率(%)"),
        ("with_findings", "存在问题件次"),
        ("correction_rate", "纠错率(%)"),
        ("average_days", "平均审核用时(天)"),
        ("reviewers", "法制审核人员数"),
        ("officers", "执法人员数"),
        ("reviewer_ratio", "审核人员比例(%)"),
        ("reviewer_ratio_min", "比例下限(%)"),
    ]
    for key, label in labels:
        value = figures[key]
        w.writerow([label, "" if value is None else value])
    for key, label in rules.FINDINGS:
        w.writerow([f"问题类别：{label}", figures["findings_by_category"][key]])
    return "\ufeff" + out.getvalue()


class FiguresCsvView(APIView):
    @extend_schema(
        tags=TAG,
        summary="法制审核统计 CSV 导出",
        parameters=[FiguresQuery],
        responses={(200, "text/csv"): str, **ERRORS},
    )
    def get(self, request):
        resp = HttpResponse(figures_csv(figures_from(request)), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = 'attachment; filename="review-figures.csv"'
        return resp
