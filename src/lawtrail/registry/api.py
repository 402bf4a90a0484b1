"""Registry API (三库): thin views over ``selectors`` (reads) and ``services`` (writes).

The whole ID number is accepted on write and never returned: responses carry
``id_number_masked``, and only to those who may see staff private fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from lawtrail.core.errors import NotFound, ValidationFailed, status_of

from . import excel, selectors, services
from .models import (
    Agency,
    Benchmark,
    BenchmarkTier,
    Credential,
    CredentialChange,
    Division,
    Domain,
    LegalBasis,
    PowerItem,
    RoleGrant,
    Staff,
    Violation,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------- errors in the schema


class ErrorOut(serializers.Serializer):
    code = serializers.CharField(help_text="稳定的错误码，如 PERMISSION_DENIED")
    message = serializers.CharField(help_text="中文说明")
    rule = serializers.CharField(required=False, help_text="拒绝所依据的规则编号（RULES.md）")
    details = serializers.JSONField(required=False)


def documented(ok: Any, *codes: str, status: int = 200, media: str | None = None, **kwargs: Any) -> Any:
    """``extend_schema`` with the success body (of ``media`` when not JSON: a file) and every error
    code this endpoint can answer, each under the status its app's catalogue declares
    (``error_codes.py``)."""
    by_status: dict[int, list[str]] = {}
    for code in ("NOT_AUTHENTICATED", *codes):
        by_status.setdefault(status_of(code), []).append(code)
    responses: dict[Any, Any] = {(status, media) if media else status: ok}
    for st, cs in sorted(by_status.items()):
        responses[st] = OpenApiResponse(ErrorOut, description="错误码：" + "、".join(f"`{c}`" for c in cs))
    desc = kwargs.pop("description", "")
    codes_text = "；".join(f"{st}: " + ", ".join(cs) for st, cs in sorted(by_status.items()))
    return extend_schema(responses=responses, description=f"{desc}\n\n错误码 — {codes_text}", **kwargs)


# --------------------------------------------------------------------------- list filters
# Every filter of a list is parsed by a serializer, as the case filters are: integers bounded
# (an id beyond the database's integer is refused, not passed to SQL), text bounded in length,
# booleans strict. A wrong filter answers 400 INVALID_INPUT and changes nothing.

_MAX_ID = 2**31 - 1


def _id(help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(required=False, min_value=1, max_value=_MAX_ID, help_text=help_text)


def _text(help_text: str = "", max_length: int = 100) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, help_text=help_text)


def _flag(help_text: str = "") -> serializers.BooleanField:
    return serializers.BooleanField(required=False, allow_null=True, default=None, help_text=help_text)


class DivisionListQuery(serializers.Serializer):
    parent = _text("上级区划代码", 12)
    level = serializers.ChoiceField(choices=Division.Level.choices, required=False, help_text="层级")


class DivisionTreeQuery(serializers.Serializer):
    root = _text("根区划代码", 12)


class AgencyListQuery(serializers.Serializer):
    division = _text("区划代码（含下级）", 12)
    domain = _text("领域代码", 32)
    q = _text("名称或信用代码")
    mine = _flag("只列本人权限范围内的单位")


class StaffListQuery(serializers.Serializer):
    agency = _id("执法主体 id")
    q = _text("姓名")
    active = _flag("在岗")
    has_credential = _flag("持有执法证")
    mine = _flag("只列本人权限范围内单位的人员")


class CredentialListQuery(serializers.Serializer):
    agency = _id("执法主体 id")
    staff = _id("工作人员 id")
    status = serializers.ChoiceField(choices=Credential.Status.choices, required=False, help_text="状态")
    number = _text("执法证号", 32)


class CredentialVerifyQuery(serializers.Serializer):
    number = serializers.CharField(max_length=32, allow_blank=True, help_text="执法证号")


class RoleGrantListQuery(serializers.Serializer):
    user = _id("账号 id")
    agency = _id("执法主体 id")


class PowerListQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PowerItem.Kind.choices, required=False, help_text="类型")
    domain = _text("领域代码", 32)
    q = _text("名称或编码")


class ViolationListQuery(serializers.Serializer):
    power = _id("权力事项 id")
    q = _text("名称或编码")


class LegalBasisListQuery(serializers.Serializer):
    power = _id("权力事项 id")
    violation = _id("违法行为 id")


class BenchmarkListQuery(serializers.Serializer):
    violation = _id("违法行为 id")
    division = _text("区划代码", 12)


def _query(serializer_class: type[serializers.Serializer], request) -> dict[str, Any]:
    """The request's filters parsed by ``serializer_class`` (400 INVALID_INPUT when wrong)."""
    s = serializer_class(data=request.query_params)
    s.is_valid(raise_exception=True)
    return {k: v for k, v in s.validated_data.items() if v not in (None, "")}


def _renamed(filters: dict[str, Any], **names: str) -> dict[str, Any]:
    return {names.get(k, k): v for k, v in filters.items()}


class _View(GenericAPIView):
    """Paginates a selector's queryset with the default LimitOffset pagination."""

    queryset = Agency.objects.none()  # the selectors decide; this only satisfies GenericAPIView

    def page(self, qs, out_class, **context: Any) -> Response:
        page = self.paginate_queryset(qs)
        ctx = {"request": self.request, **context}
        if page is not None:
            return self.get_paginated_response(out_class(page, many=True, context=ctx).data)
        return Response(out_class(qs, many=True, context=ctx).data)


def _data(serializer_class, request) -> dict[str, Any]:
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


# --------------------------------------------------------------------------- divisions, domains


class DivisionOut(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Division
        fields = ["id", "code", "name", "level", "parent"]


class DivisionIn(serializers.Serializer):
    code = serializers.CharField(max_length=12)
    name = serializers.CharField(max_length=64)
    level = serializers.ChoiceField(choices=Division.Level.choices)
    parent = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.all(), required=False, allow_null=True
    )


class DivisionNode(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    children = serializers.ListField(child=serializers.DictField())


class DivisionListView(_View):
    @documented(
        DivisionOut(many=True),
        "INVALID_INPUT",
        parameters=[DivisionListQuery],
        summary="行政区划列表",
    )
    def get(self, request):
        f = _query(DivisionListQuery, request)
        qs = selectors.division_list_for(request.user, parent_code=f.get("parent"), level=f.get("level"))
        return self.page(qs, DivisionOut)

    @documented(
        DivisionOut,
        "PERMISSION_DENIED",
        "DIVISION_CODE_TAKEN",
        "INVALID_INPUT",
        status=201,
        request=DivisionIn,
        summary="新增行政区划",
    )
    def post(self, request):
        d = services.division_create(actor=request.user, **_data(DivisionIn, request))
        return Response(DivisionOut(d).data, status=201)


class DivisionTreeView(_View):
    pagination_class = None

    @documented(
        DivisionNode(many=True),
        "NOT_FOUND",
        "INVALID_INPUT",
        parameters=[DivisionTreeQuery],
        summary="行政区划树",
    )
    def get(self, request):
        f = _query(DivisionTreeQuery, request)
        return Response(selectors.division_tree(request.user, root_code=f.get("root")))


class DomainOut(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["id", "code", "name"]


class DomainListView(_View):
    @documented(DomainOut(many=True), summary="执法领域列表")
    def get(self, request):
        return self.page(selectors.domain_list_for(request.user), DomainOut)


# --------------------------------------------------------------------------- agencies


class AgencyOut(serializers.ModelSerializer):
    division = serializers.SlugRelatedField(slug_field="code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    domains = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "short_name",
            "credit_code",
            "division",
            "division_name",
            "level",
            "kind",
            "legal_status",
            "domains",
            "parent",
            "address",
            "phone",
            "is_active",
        ]


class AgencyIn(serializers.Serializer):
    name = serializers.CharField(max_length=128)
    short_name = serializers.CharField(max_length=16, required=False, allow_blank=True)
    credit_code = serializers.CharField(max_length=18)
    division = serializers.SlugRelatedField(slug_field="code", queryset=Division.objects.all())
    level = serializers.CharField()
    kind = serializers.CharField(required=False)
    legal_status = serializers.CharField()
    domains = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Domain.objects.all(), required=False
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)


class AgencyPatch(AgencyIn):
    is_active = serializers.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class AgencyListView(_View):
    @documented(
        AgencyOut(many=True),
        "INVALID_INPUT",
        parameters=[AgencyListQuery],
        summary="执法主体列表",
    )
    def get(self, request):
        f = _query(AgencyListQuery, request)
        qs = selectors.agency_list_for(
            request.user,
            division_code=f.get("division"),
            domain=f.get("domain"),
            q=f.get("q"),
            mine=bool(f.get("mine")),
        )
        return self.page(qs, AgencyOut)

    @documented(
        AgencyOut,
        "PERMISSION_DENIED",
        "CREDIT_CODE_INVALID",
        "AGENCY_NAME_TAKEN",
        "AGENCY_CREDIT_CODE_TAKEN",
        "AGENCY_ENTRUSTED_NEEDS_PARENT",
        "INVALID_INPUT",
        status=201,
        request=AgencyIn,
        summary="新增执法主体",
    )
    def post(self, request):
        data = _data(AgencyIn, request)
        agency = services.agency_create(actor=request.user, **data)
        return Response(AgencyOut(agency).data, status=201)


class AgencyDetailView(_View):
    @documented(AgencyOut, "NOT_FOUND", summary="执法主体详情")
    def get(self, request, pk: int):
        return Response(AgencyOut(selectors.agency_get_for(request.user, pk)).data)

    @documented(
        AgencyOut,
        "NOT_FOUND",
        "PERMISSION_DENIED",
        "CREDIT_CODE_INVALID",
        "AGENCY_NAME_TAKEN",
        "FIELD_NOT_EDITABLE",
        "INVALID_INPUT",
        request=AgencyPatch,
        summary="修改执法主体",
    )
    def patch(self, request, pk: int):
        agency = selectors.agency_get_for(request.user, pk)
        data = _data(AgencyPatch, request)
        domains = data.pop("domains", None)
        agency = services.agency_update(actor=request.user, agency=agency, domains=domains, **data)
        return Response(AgencyOut(agency).data)


# --------------------------------------------------------------------------- staff


class CredentialPublicOut(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain.name")
    region = serializers.CharField(source="region.code")

    class Meta:
        model = Credential
        fields = ["id", "number", "domain", "region", "issued_on", "expires_on", "status"]


class StaffOut(serializers.ModelSerializer):
    """Public fields always; ``phone``, ``id_number_masked``, ``gender``, ``age`` and
    ``legal_qualification_number`` only when the reader may see private fields (``private``).
    The birth date is never shown beside the mask: the mask hides exactly its eight digits, so
    the two together would rebuild the number (issue 13) — the reader sees the age instead."""

    agency_name = serializers.CharField(source="agency.name", read_only=True)
    credentials = CredentialPublicOut(many=True, read_only=True)
    private = serializers.SerializerMethodField()
    id_number_masked = serializers.CharField(read_only=True, required=False)
    phone = serializers.CharField(read_only=True, required=False)
    age = serializers.IntegerField(
        read_only=True, required=False, allow_null=True, help_text="周岁（不显示出生日期）"
    )
    username = serializers.SerializerMethodField()

    PRIVATE = ("phone", "id_number_masked", "gender", "age", "legal_qualification_number", "username")

    class Meta:
        model = Staff
        fields = [
            "id",
            "name",
            "agency",
            "agency_name",
            "posts",
            "legal_qualification",
            "is_active",
            "credentials",
            "private",
            "phone",
            "id_number_masked",
            "gender",
            "age",
            "legal_qualification_number",
            "username",
        ]

    def _private(self, obj: Staff) -> bool:
        request = self.context.get("request")
        actor = getattr(request, "user", None)
        private_ids = self.context.get("private_ids", False)
        return selectors.can_see_private(actor, obj, private_ids=private_ids)

    def get_private(self, obj: Staff) -> bool:
        return self._private(obj)

    def get_username(self, obj: Staff) -> str | None:
        return obj.user.username if obj.user_id else None

    def to_representation(self, obj: Staff) -> dict[str, Any]:
        data = super().to_representation(obj)
        if not data["private"]:
            for key in self.PRIVATE:
                data.pop(key, None)
        return data


class StaffIn(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(
        max_length=18, write_only=True, help_text="完整公民身份号码（只写，响应中只给掩码）"
    )
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    posts = serializers.CharField(max_length=128, required=False, allow_blank=True)
    legal_qualification = serializers.BooleanField(required=False)
    legal_qualification_number = serializers.CharField(max_length=64, required=False, allow_blank=True)


class StaffPatch(StaffIn):
    is_active = serializers.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


class StaffAccountIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(required=False, allow_blank=True, write_only=True)


class StaffAccountOut(serializers.Serializer):
    staff = serializers.IntegerField()
    username = serializers.CharField()


_STAFF_WRITE_ERRORS = (
    "PERMISSION_DENIED",
    "ID_NUMBER_INVALID",
    "STAFF_ID_NUMBER_TAKEN",
    "LEGAL_QUALIFICATION_NUMBER_REQUIRED",
    "INVALID_INPUT",
)


class StaffListView(_View):
    @documented(
        StaffOut(many=True),
        "INVALID_INPUT",
        parameters=[StaffListQuery],
        summary="工作人员列表（他单位人员只给公开字段）",
    )
    def get(self, request):
        f = _query(StaffListQuery, request)
        qs = selectors.staff_list_for(
            request.user,
            agency_id=f.get("agency"),
            q=f.get("q"),
            active=f.get("active"),
            has_credential=f.get("has_credential"),
            mine=bool(f.get("mine")),
        )
        return self.page(qs, StaffOut, private_ids=selectors.private_agency_ids(request.user))

    @documented(StaffOut, *_STAFF_WRITE_ERRORS, status=201, request=StaffIn, summary="新增工作人员")
    def post(self, request):
        staff = services.staff_create(actor=request.user, **_data(StaffIn, request))
        staff = selectors.staff_get_for(request.user, staff.pk)
        return Response(StaffOut(staff, context={"request": request}).data, status=201)


class StaffDetailView(_View):
    @documented(StaffOut, "NOT_FOUND", summary="工作人员详情")
    def get(self, request, pk: int):
        staff = selectors.staff_get_for(request.user, pk)
        return Response(StaffOut(staff, context={"request": request}).data)

    @documented(
        StaffOut,
        "NOT_FOUND",
        "FIELD_NOT_EDITABLE",
        *_STAFF_WRITE_ERRORS,
        request=StaffPatch,
        summary="修改工作人员（性别、出生日期由身份号码推出）",
    )
    def patch(self, request, pk: int):
        staff = selectors.staff_get_for(request.user, pk)
        services.staff_update(actor=request.user, staff=staff, **_data(StaffPatch, request))
        staff = selectors.staff_get_for(request.user, pk)
        return Response(StaffOut(staff, context={"request": request}).data)


class StaffAccountView(_View):
    @documented(
        StaffAccountOut,
        "NOT_FOUND",
        "PERMISSION_DENIED",
        "USERNAME_REQUIRED",
        "STAFF_ALREADY_LINKED",
        "USER_ALREADY_LINKED",
        "INVALID_INPUT",
        request=StaffAccountIn,
        summary="为工作人员创建或关联登录账号",
    )
    def post(self, request, pk: int):
        staff = selectors.staff_get_for(request.user, pk)
        data = _data(StaffAccountIn, request)
        user = services.staff_user_link(
            actor=request.user, staff=staff, username=data["username"], password=data.get("password") or None
        )
        return Response({"staff": staff.pk, "username": user.username})


# --------------------------------------------------------------------------- credentials


class CredentialOut(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name")
    agency = serializers.IntegerField(source="staff.agency_id")
    agency_name = serializers.CharField(source="staff.agency.name")
    domain = serializers.CharField(source="domain.code")
    domain_name = serializers.CharField(source="domain.name")
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = Credential
        fields = [
            "id",
            "number",
            "staff",
            "staff_name",
            "agency",
            "agency_name",
            "domain",
            "domain_name",
            "region",
            "region_name",
            "issued_on",
            "expires_on",
            "status",
            "issuer",
        ]


class CredentialIn(serializers.Serializer):
    staff = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.all())
    number = serializers.CharField(max_length=32)
    domain = serializers.SlugRelatedField(slug_field="code", queryset=Domain.objects.all())
    region = serializers.SlugRelatedField(slug_field="code", queryset=Division.objects.all())
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()
    issuer = serializers.CharField(max_length=128, required=False, allow_blank=True)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class RenewIn(serializers.Serializer):
    expires_on = serializers.DateField()
    issued_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CredentialChangeOut(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = CredentialChange
        fields = ["id", "kind", "from_status", "to_status", "expires_on", "reason", "actor", "at"]


class CredentialVerifyOut(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    agency = serializers.CharField()
    domain = serializers.CharField()
    region = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()
    usable_today = serializers.BooleanField(help_text="有效状态且在有效期内")


def verify_payload(cred: Credential) -> dict[str, Any]:
    """The public 亮证 answer: nothing private (no ID number, no phone)."""
    return {
        "number": cred.number,
        "name": cred.staff.name,
        "agency": cred.staff.agency.name,
        "domain": cred.domain.name,
        "region": cred.region.name,
        "status": cred.status,
        "status_display": str(cred.get_status_display()),
        "issued_on": cred.issued_on,
        "expires_on": cred.expires_on,
        "usable_today": cred.is_usable_on(timezone.localdate()),
    }


class CredentialListView(_View):
    @documented(
        CredentialOut(many=True),
        "INVALID_INPUT",
        parameters=[CredentialListQuery],
        summary="执法证列表",
    )
    def get(self, request):
        f = _query(CredentialListQuery, request)
        qs = selectors.credential_list_for(
            request.user,
            agency_id=f.get("agency"),
            staff_id=f.get("staff"),
            status=f.get("status"),
            number=f.get("number"),
        )
        return self.page(qs, CredentialOut)

    @documented(
        CredentialOut,
        "PERMISSION_DENIED",
        "CREDENTIAL_NUMBER_TAKEN",
        "CREDENTIAL_EXPIRY_NOT_AFTER_ISSUE",
        "DATE_IMPLAUSIBLE",
        "STAFF_INACTIVE",
        "INVALID_INPUT",
        status=201,
        request=CredentialIn,
        summary="发放执法证",
    )
    def post(self, request):
        data = _data(CredentialIn, request)
        selectors.staff_get_for(request.user, data["staff"].pk)
        cred = services.credential_issue(actor=request.user, **data)
        return Response(CredentialOut(selectors.credential_get_for(request.user, cred.pk)).data, status=201)


class CredentialDetailView(_View):
    @documented(CredentialOut, "NOT_FOUND", summary="执法证详情")
    def get(self, request, pk: int):
        return Response(CredentialOut(selectors.credential_get_for(request.user, pk)).data)


class CredentialHistoryView(_View):
    @documented(CredentialChangeOut(many=True), "NOT_FOUND", summary="执法证变更记录（本单位/辖区）")
    def get(self, request, pk: int):
        return self.page(selectors.credential_history_for(request.user, pk), CredentialChangeOut)


_TRANSITION_ERRORS = ("NOT_FOUND", "PERMISSION_DENIED", "CREDENTIAL_REVOKED", "INVALID_INPUT")


def _transition_view(action: str, summary: str, codes: tuple[str, ...]):
    in_class = RenewIn if action == "renew" else ReasonIn

    class View(_View):
        @documented(CredentialOut, *_TRANSITION_ERRORS, *codes, request=in_class, summary=summary)
        def post(self, request, pk: int):
            cred = selectors.credential_get_for(request.user, pk)
            data = _data(in_class, request)
            fn = getattr(services, f"credential_{action}")
            if action == "renew":
                fn(actor=request.user, credential=cred, **data)
            else:
                fn(actor=request.user, credential=cred, reason=data.get("reason", ""))
            return Response(CredentialOut(selectors.credential_get_for(request.user, pk)).data)

    View.__name__ = f"Credential{action.title()}View"
    View.__qualname__ = View.__name__
    return View


CredentialSuspendView = _transition_view("suspend", "暂扣执法证", ("CREDENTIAL_NOT_VALID", "REASON_REQUIRED"))
CredentialReinstateView = _transition_view("reinstate", "恢复执法证", ("CREDENTIAL_NOT_SUSPENDED",))
CredentialRevokeView = _transition_view("revoke", "注销执法证（最终状态）", ("REASON_REQUIRED",))
CredentialRenewView = _transition_view(
    "renew", "执法证换证/延期", ("CREDENTIAL_NOT_VALID", "CREDENTIAL_RENEW_NOT_LATER", "DATE_IMPLAUSIBLE")
)


class CredentialVerifyView(_View):
    """Public 亮证: anyone may check a credential number."""

    permission_classes = [AllowAny]
    pagination_class = None

    @documented(
        CredentialVerifyOut,
        "NUMBER_REQUIRED",
        "CREDENTIAL_NOT_FOUND",
        "INVALID_INPUT",
        parameters=[CredentialVerifyQuery],
        summary="亮证：公开查验执法证（无需登录）",
        auth=[],
    )
    def get(self, request):
        s = CredentialVerifyQuery(data={"number": request.query_params.get("number", "")})
        s.is_valid(raise_exception=True)
        number = s.validated_data["number"].strip()
        if not number:
            raise ValidationFailed("请输入执法证号。", code="NUMBER_REQUIRED")
        cred = selectors.credential_verify(number=number)
        if cred is None:
            raise NotFound("未查到该执法证号，请核对后重试。", code="CREDENTIAL_NOT_FOUND")
        return Response(CredentialVerifyOut(verify_payload(cred)).data)


# --------------------------------------------------------------------------- roles


class RoleGrantOut(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    agency_name = serializers.CharField(source="agency.name", allow_null=True, default=None)
    division = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "user", "username", "role", "agency", "agency_name", "division"]


class RoleGrantIn(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True
    )
    division = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.all(), required=False, allow_null=True
    )


class RoleGrantListView(_View):
    @documented(
        RoleGrantOut(many=True),
        "INVALID_INPUT",
        parameters=[RoleGrantListQuery],
        summary="角色授权列表（本人管理范围 + 本人的）",
    )
    def get(self, request):
        f = _query(RoleGrantListQuery, request)
        qs = selectors.role_grant_list_for(request.user, user_id=f.get("user"), agency_id=f.get("agency"))
        return self.page(qs, RoleGrantOut)

    @documented(
        RoleGrantOut,
        "PERMISSION_DENIED",
        "ROLE_UNKNOWN",
        "ROLE_SCOPE_INVALID",
        "ROLE_AGENCY_MISMATCH",
        "ROLE_GRANT_EXISTS",
        "USER_NOT_FOUND",
        "INVALID_INPUT",
        status=201,
        request=RoleGrantIn,
        summary="授予角色",
    )
    def post(self, request):
        data = _data(RoleGrantIn, request)
        user = get_user_model().objects.filter(username=data.pop("username")).first()
        if user is None:
            raise ValidationFailed("账号不存在。", code="USER_NOT_FOUND")
        grant = services.role_grant(actor=request.user, user=user, **data)
        return Response(RoleGrantOut(grant).data, status=201)


class RoleGrantDetailView(_View):
    @documented(RoleGrantOut, "NOT_FOUND", summary="角色授权详情")
    def get(self, request, pk: int):
        return Response(RoleGrantOut(selectors.role_grant_get_for(request.user, pk)).data)

    @documented(
        None, "NOT_FOUND", "PERMISSION_DENIED", "ROLE_REVOKE_SELF_ADMIN", status=204, summary="撤销角色"
    )
    def delete(self, request, pk: int):
        grant = selectors.role_grant_get_for(request.user, pk)
        services.role_revoke(actor=request.user, grant=grant)
        return Response(status=204)


# --------------------------------------------------------------------------- catalogue


class LegalBasisOut(serializers.ModelSerializer):
    class Meta:
        model = LegalBasis
        fields = ["id", "power", "violation", "role", "law", "article", "clause", "text"]


class LegalBasisIn(serializers.Serializer):
    power = serializers.PrimaryKeyRelatedField(
        queryset=PowerItem.objects.all(), required=False, allow_null=True
    )
    violation = serializers.PrimaryKeyRelatedField(
        queryset=Violation.objects.all(), required=False, allow_null=True
    )
    role = serializers.ChoiceField(choices=LegalBasis.Role.choices)
    law = serializers.CharField(max_length=120)
    article = serializers.CharField(max_length=120)
    clause = serializers.CharField(max_length=60, required=False, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True)


class PowerOut(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain.code")
    domain_name = serializers.CharField(source="domain.name")

    class Meta:
        model = PowerItem
        fields = ["id", "code", "name", "kind", "domain", "domain_name", "levels", "procedure", "is_active"]


class ViolationOut(serializers.ModelSerializer):
    power_code = serializers.CharField(source="power.code")

    class Meta:
        model = Violation
        fields = [
            "id",
            "power",
            "power_code",
            "code",
            "name",
            "penalty_types",
            "fine_min",
            "fine_max",
            "multiple_min",
            "multiple_max",
            "multiple_base",
            "subject_kinds",
        ]


class PowerDetailOut(PowerOut):
    bases = LegalBasisOut(many=True, read_only=True)
    violations = ViolationOut(many=True, read_only=True)

    class Meta(PowerOut.Meta):
        fields = [*PowerOut.Meta.fields, "bases", "violations"]


class PowerIn(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=300)
    kind = serializers.CharField()
    domain = serializers.SlugRelatedField(slug_field="code", queryset=Domain.objects.all())
    levels = serializers.CharField(max_length=64, required=False, allow_blank=True)
    procedure = serializers.CharField(required=False, allow_blank=True)


class PowerPatch(serializers.Serializer):
    name = serializers.CharField(max_length=300, required=False)
    kind = serializers.CharField(required=False)
    domain = serializers.SlugRelatedField(slug_field="code", queryset=Domain.objects.all(), required=False)
    levels = serializers.CharField(max_length=64, required=False, allow_blank=True)
    procedure = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class ViolationIn(serializers.Serializer):
    power = serializers.PrimaryKeyRelatedField(queryset=PowerItem.objects.all())
    code = serializers.CharField(max_length=48)
    name = serializers.CharField(max_length=300)
    penalty_types = serializers.CharField(max_length=300, required=False, allow_blank=True)
    fine_min = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    fine_max = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    multiple_min = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    multiple_max = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    multiple_base = serializers.CharField(max_length=120, required=False, allow_blank=True)
    subject_kinds = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="适用对象：person 公民；organisation 法人或者其他组织（省略为两者）",
    )


class TierOut(serializers.ModelSerializer):
    class Meta:
        model = BenchmarkTier
        fields = [
            "tier",
            "conditions",
            "fine_min",
            "fine_max",
            "multiple_min",
            "multiple_max",
            "other_measures",
        ]


class TierIn(serializers.Serializer):
    tier = serializers.CharField(help_text="exempt/reduced/lenient/normal/severe 或 不予/减轻/从轻/一般/从重")
    conditions = serializers.CharField(required=False, allow_blank=True)
    fine_min = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    fine_max = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    multiple_min = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    multiple_max = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    other_measures = serializers.CharField(max_length=200, required=False, allow_blank=True)


class BenchmarkOut(serializers.ModelSerializer):
    division = serializers.SlugRelatedField(slug_field="code", read_only=True)
    violation_code = serializers.CharField(source="violation.code")
    tiers = TierOut(many=True, read_only=True)

    class Meta:
        model = Benchmark
        fields = ["id", "violation", "violation_code", "division", "issuer", "effective_from", "tiers"]


class BenchmarkIn(serializers.Serializer):
    violation = serializers.PrimaryKeyRelatedField(queryset=Violation.objects.all())
    division = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.all(), required=False, allow_null=True
    )
    issuer = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    effective_from = serializers.DateField()
    tiers = TierIn(many=True)


class ViolationDetailOut(ViolationOut):
    bases = LegalBasisOut(many=True, read_only=True)
    benchmarks = BenchmarkOut(many=True, read_only=True)

    class Meta(ViolationOut.Meta):
        fields = [*ViolationOut.Meta.fields, "bases", "benchmarks"]


_CATALOG_ERRORS = ("PERMISSION_DENIED", "INVALID_INPUT")


class PowerListView(_View):
    @documented(
        PowerOut(many=True),
        "INVALID_INPUT",
        parameters=[PowerListQuery],
        summary="权力事项目录",
    )
    def get(self, request):
        f = _query(PowerListQuery, request)
        qs = selectors.power_list_for(request.user, kind=f.get("kind"), domain=f.get("domain"), q=f.get("q"))
        return self.page(qs, PowerOut)

    @documented(
        PowerOut,
        *_CATALOG_ERRORS,
        "POWERITEM_CODE_TAKEN",
        "KIND_INVALID",
        status=201,
        request=PowerIn,
        summary="新增权力事项",
    )
    def post(self, request):
        power = services.power_create(actor=request.user, **_data(PowerIn, request))
        return Response(PowerOut(power).data, status=201)


class PowerDetailView(_View):
    @documented(PowerDetailOut, "NOT_FOUND", summary="权力事项详情（含法律依据、违法行为）")
    def get(self, request, pk: int):
        return Response(PowerDetailOut(selectors.power_get_for(request.user, pk)).data)

    @documented(
        PowerOut, "NOT_FOUND", *_CATALOG_ERRORS, "KIND_INVALID", request=PowerPatch, summary="修改权力事项"
    )
    def patch(self, request, pk: int):
        power = selectors.power_get_for(request.user, pk)
        power = services.power_update(actor=request.user, power=power, **_data(PowerPatch, request))
        return Response(PowerOut(power).data)


class ViolationListView(_View):
    @documented(
        ViolationOut(many=True),
        "INVALID_INPUT",
        parameters=[ViolationListQuery],
        summary="违法行为列表",
    )
    def get(self, request):
        qs = selectors.violation_list_for(
            request.user, **_renamed(_query(ViolationListQuery, request), power="power_id")
        )
        return self.page(qs, ViolationOut)

    @documented(
        ViolationOut,
        *_CATALOG_ERRORS,
        "VIOLATION_CODE_TAKEN",
        "VIOLATION_POWER_NOT_PENALTY",
        "FINE_RANGE_INVERTED",
        "MULTIPLE_RANGE_INVERTED",
        status=201,
        request=ViolationIn,
        summary="新增违法行为",
    )
    def post(self, request):
        v = services.violation_create(actor=request.user, **_data(ViolationIn, request))
        return Response(ViolationOut(v).data, status=201)


class ViolationDetailView(_View):
    @documented(ViolationDetailOut, "NOT_FOUND", summary="违法行为详情（含处罚依据与裁量基准）")
    def get(self, request, pk: int):
        return Response(ViolationDetailOut(selectors.violation_get_for(request.user, pk)).data)


class LegalBasisListView(_View):
    @documented(
        LegalBasisOut(many=True),
        "INVALID_INPUT",
        parameters=[LegalBasisListQuery],
        summary="法律依据列表",
    )
    def get(self, request):
        qs = selectors.legal_basis_list_for(
            request.user,
            **_renamed(_query(LegalBasisListQuery, request), power="power_id", violation="violation_id"),
        )
        return self.page(qs, LegalBasisOut)

    @documented(
        LegalBasisOut,
        *_CATALOG_ERRORS,
        "LEGAL_BASIS_OWNER_INVALID",
        status=201,
        request=LegalBasisIn,
        summary="添加法律依据",
    )
    def post(self, request):
        basis = services.legal_basis_add(actor=request.user, **_data(LegalBasisIn, request))
        return Response(LegalBasisOut(basis).data, status=201)


class BenchmarkListView(_View):
    @documented(
        BenchmarkOut(many=True),
        "INVALID_INPUT",
        parameters=[BenchmarkListQuery],
        summary="裁量基准列表",
    )
    def get(self, request):
        qs = selectors.benchmark_list_for(
            request.user,
            **_renamed(
                _query(BenchmarkListQuery, request), violation="violation_id", division="division_code"
            ),
        )
        return self.page(qs, BenchmarkOut)

    @documented(
        BenchmarkOut,
        *_CATALOG_ERRORS,
        "BENCHMARK_TIERS_EMPTY",
        "DATE_IMPLAUSIBLE",
        "BENCHMARK_TIER_UNKNOWN",
        "BENCHMARK_TIER_DUPLICATE",
        "BENCHMARK_EXEMPT_WITH_FINE",
        "BENCHMARK_REDUCED_NOT_BELOW",
        "BENCHMARK_TIER_OUT_OF_RANGE",
        "BENCHMARK_TIER_RANGE_INVERTED",
        "BENCHMARK_TIER_KIND_MISMATCH",
        status=201,
        request=BenchmarkIn,
        summary="新增裁量基准（阶次须在法定幅度内，G27-6）",
    )
    def post(self, request):
        data = _data(BenchmarkIn, request)
        data["tiers"] = [dict(t) for t in data["tiers"]]
        data.setdefault("division", None)
        b = services.benchmark_create(actor=request.user, **data)
        return Response(BenchmarkOut(selectors.benchmark_get_for(request.user, b.pk)).data, status=201)


class BenchmarkDetailView(_View):
    @documented(BenchmarkOut, "NOT_FOUND", summary="裁量基准详情")
    def get(self, request, pk: int):
        return Response(BenchmarkOut(selectors.benchmark_get_for(request.user, pk)).data)


# --------------------------------------------------------------------------- import / export


class ImportIn(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx 工作簿（使用下载的模板）")


class ImportOut(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{dt.date.today():%Y%m%d}.xlsx"'
    return response


def _import_view(kind: str):
    class View(_View):
        parser_classes = [MultiPartParser, FormParser, JSONParser]

        @documented(
            ImportOut,
            "PERMISSION_DENIED",
            "IMPORT_INVALID",
            "IMPORT_FILE_INVALID",
            "INVALID_INPUT",
            request={"multipart/form-data": ImportIn},
            summary=f"导入{'权力事项目录' if kind == 'catalog' else '工作人员与执法证'}（全部或全不）",
            description="任何一行有错即整体拒绝（IMPORT_INVALID），details 列出每处错误："
            "sheet（工作表）、row（行号）、column（列名）、reason（原因）。",
        )
        def post(self, request):
            data = _data(ImportIn, request)
            service = services.catalog_import if kind == "catalog" else services.staff_import
            return Response({"counts": service(actor=request.user, fileobj=data["file"])})

    View.__name__ = View.__qualname__ = f"{kind.title()}ImportView"
    return View


CatalogImportView = _import_view("catalog")
StaffImportView = _import_view("staff")


class CatalogExportView(_View):
    @documented(OpenApiTypes.BINARY, "PERMISSION_DENIED", media=XLSX, summary="导出权力事项目录（.xlsx）")
    def get(self, request):
        return _xlsx(excel.export_catalog(actor=request.user), "catalog")


class StaffExportView(_View):
    @documented(
        OpenApiTypes.BINARY,
        "PERMISSION_DENIED",
        media=XLSX,
        summary="导出本人管理单位的工作人员与执法证（.xlsx，含完整身份号码）",
    )
    def get(self, request):
        return _xlsx(excel.export_staff(actor=request.user), "staff")


class TemplateView(_View):
    @documented(OpenApiTypes.BINARY, "NOT_FOUND", media=XLSX, summary="下载导入模板（catalog 或 staff）")
    def get(self, request, kind: str):
        if kind not in {"catalog", "staff"}:
            raise NotFound("没有这种模板。", code="NOT_FOUND")
        if not selectors.is_staff_user(request.user):
            raise NotFound("没有这种模板。", code="NOT_FOUND")
        data = excel.catalog_template() if kind == "catalog" else excel.staff_template()
        return _xlsx(data, f"{kind}-template")
