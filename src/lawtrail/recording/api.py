"""Recording API, mounted at /api/v1/recording/ (names ``recording-<noun>[-<verb>]``): thin views
over selectors and services. The resumable uploads (tus 1.0) are in ``tus.py``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from lawtrail.cases.models import Case
from lawtrail.cases.selectors import case_get_for
from lawtrail.core.errors import ValidationFailed
from lawtrail.registry.models import Agency

from . import selectors, services
from .models import CustodyEvent, Device, Disposal, EvidenceFile
from .panels import step_choices

TAG = ["执法全过程记录"]


class RecordingErrorOut(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    rule = serializers.CharField(required=False)
    details = serializers.JSONField(required=False)


ERRORS = {400: RecordingErrorOut, 403: RecordingErrorOut, 404: RecordingErrorOut, 409: RecordingErrorOut}


def _invalid(field: str) -> ValidationFailed:
    return ValidationFailed(
        _("设备信息不完整或有误：%(field)s。") % {"field": field}, code="RECORDING_DEVICE_INVALID"
    )


def parse_datetime(value: Any) -> dt.datetime | None:
    """An ISO date-time (a browser's ``datetime-local`` is local time)."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(
            _("拍摄（录制）时间不能晚于上传时间。"),
            code="RECORDING_CAPTURED_AT_INVALID",
            details={"value": str(value)},
        ) from None
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def parse_date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _invalid(_("日期")) from None


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise _invalid(field) from None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def upload_params(data: Any, case: Case) -> dict[str, Any]:
    """The description of an upload (form fields or tus metadata) as service arguments."""
    evidence = None
    eid = _int(data.get("evidence_id"))
    if data.get("evidence_id") not in (None, ""):
        evidence = case.evidence.filter(pk=eid).first() if eid else None
        if evidence is None:
            raise ValidationFailed(_("请选择本案的证据。"), code="RECORDING_EVIDENCE_UNKNOWN")
    device = None
    if data.get("device_id") not in (None, ""):
        device = Device.objects.filter(pk=_int(data.get("device_id")) or 0, agency=case.agency).first()
        if device is None:
            raise _invalid(_("设备"))
    step = str(data.get("step") or "")
    if step and step not in {s for s, _label in _steps()}:
        raise ValidationFailed(
            _("上传请求有误：%(field)s。") % {"field": "step"}, code="RECORDING_UPLOAD_INVALID"
        )
    return {
        "evidence": evidence,
        "device": device,
        "step": step,
        "captured_at": parse_datetime(data.get("captured_at")),
        "place": str(data.get("place") or ""),
        "latitude": _decimal(data.get("latitude"), _("纬度")),
        "longitude": _decimal(data.get("longitude"), _("经度")),
        "note": str(data.get("note") or ""),
        "late_reason": str(data.get("late_reason") or ""),
    }


def _steps():
    return step_choices()


# ----------------------------------------------------------------------------- serializers


class RecordingCustodyOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    actor = serializers.CharField(default="", allow_null=True)

    class Meta:
        model = CustodyEvent
        fields = ["id", "kind", "kind_label", "actor", "at", "note", "data"]


class RecordingFileOut(serializers.ModelSerializer):
    sha256 = serializers.CharField(source="blob.sha256")
    sm3 = serializers.CharField(
        source="blob.sm3",
        help_text="SM3 (GB/T 32905)；断点续传上传的文件在应答后由保管库计算，计算完成前为空字符串",
    )
    size = serializers.IntegerField(source="blob.size")
    media_type = serializers.CharField(source="blob.media_type")
    media_label = serializers.CharField(source="get_media_display")
    evidence_kind = serializers.CharField(source="evidence.kind", default="", allow_null=True)
    device = serializers.CharField(source="device.serial", default="", allow_null=True)
    captured_by = serializers.CharField(default="", allow_null=True)
    uploaded_by = serializers.CharField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "case",
            "evidence",
            "evidence_kind",
            "name",
            "media",
            "media_label",
            "media_type",
            "size",
            "sha256",
            "sm3",
            "step",
            "captured_by",
            "device",
            "captured_at",
            "captured_at_source",
            "place",
            "latitude",
            "longitude",
            "duration",
            "width",
            "height",
            "note",
            "uploaded_by",
            "uploaded_at",
            "late",
            "late_reason",
            "record_review",
            "thumbnail",
        ]

    def get_thumbnail(self, f) -> bool:
        return bool(f.thumb_id)


class RecordingFileDetailOut(RecordingFileOut):
    custody = serializers.SerializerMethodField()

    class Meta(RecordingFileOut.Meta):
        fields = [*RecordingFileOut.Meta.fields, "custody"]

    def get_custody(self, f) -> list[dict]:
        return RecordingCustodyOut(selectors.custody_of(f), many=True).data


class RecordingUploadIn(serializers.Serializer):
    file = serializers.FileField()
    evidence_id = serializers.IntegerField(required=False, allow_null=True)
    step = serializers.CharField(required=False, allow_blank=True)
    device_id = serializers.IntegerField(required=False, allow_null=True)
    captured_at = serializers.CharField(required=False, allow_blank=True, help_text="ISO 8601")
    place = serializers.CharField(required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    late_reason = serializers.CharField(required=False, allow_blank=True)


class CaseFilesView(APIView):
    """The evidence files of a case; POST uploads one file (multipart) into the vault."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=TAG, responses={200: RecordingFileOut(many=True), **ERRORS})
    def get(self, request, case_id: int):
        case = case_get_for(request.user, case_id)
        return Response(RecordingFileOut(selectors.files_of_case(case), many=True).data)

    @extend_schema(
        tags=TAG,
        request={"multipart/form-data": RecordingUploadIn},
        responses={201: RecordingFileOut, **ERRORS},
    )
    def post(self, request, case_id: int):
        case = case_get_for(request.user, case_id)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(_("请选择要上传的文件。"), code="RECORDING_FILE_REQUIRED")
        params = upload_params(request.data, case)
        with services.local_path(upload) as path:
            file = services.evidence_file_add(
                actor=request.user,
                case=case,
                path=path,
                name=upload.name,
                media_type=None,
                **params,
            )
        return Response(RecordingFileOut(file).data, status=201)


class FileView(APIView):
    """One evidence file with its chain of custody (reading it is recorded: 查阅留痕)."""

    @extend_schema(tags=TAG, responses={200: RecordingFileDetailOut, **ERRORS})
    def get(self, request, pk: int):
        file = selectors.file_get_for(request.user, pk)
        services.file_access_record(actor=request.user, file=file, kind=CustodyEvent.Kind.VIEWED, note="API")
        return Response(RecordingFileDetailOut(file).data)


class RecordingLateReasonIn(serializers.Serializer):
    reason = serializers.CharField()


class LateReasonView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAG, request=RecordingLateReasonIn, responses={200: RecordingFileOut, **ERRORS})
    def post(self, request, pk: int):
        file = selectors.file_get_for(request.user, pk)
        file = services.late_reason_give(
            actor=request.user, file=file, reason=str(request.data.get("reason") or "")
        )
        return Response(RecordingFileOut(file).data)


class RecordingLinkIn(serializers.Serializer):
    evidence_id = serializers.IntegerField()


class LinkView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAG, request=RecordingLinkIn, responses={200: RecordingFileOut, **ERRORS})
    def post(self, request, pk: int):
        file = selectors.file_get_for(request.user, pk)
        evidence = file.case.evidence.filter(pk=_int(request.data.get("evidence_id")) or 0).first()
        if evidence is None:
            raise ValidationFailed(_("请选择本案的证据。"), code="RECORDING_EVIDENCE_UNKNOWN")
        return Response(
            RecordingFileOut(
                services.evidence_file_link(actor=request.user, file=file, evidence=evidence)
            ).data
        )


class RecordingRecordReviewIn(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True)


class RecordReviewView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAG, request=RecordingRecordReviewIn, responses={200: RecordingFileOut, **ERRORS})
    def post(self, request, pk: int):
        file = selectors.file_get_for(request.user, pk)
        s = RecordingRecordReviewIn(data=request.data)
        s.is_valid(raise_exception=True)
        file = services.record_review(
            actor=request.user,
            file=file,
            passed=s.validated_data["passed"],
            note=s.validated_data.get("note", ""),
        )
        return Response(RecordingFileOut(file).data)


# ----------------------------------------------------------------------------- disposal (G118-9)


class RecordingDisposalOut(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="requested 待批准；approved 已批准并处置；rejected 不予批准"
    )
    requested_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = Disposal
        fields = [
            "id",
            "file",
            "status",
            "reason",
            "basis",
            "retention_ends_on",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class RecordingDisposalIn(serializers.Serializer):
    reason = serializers.CharField(help_text="处置理由")


class RecordingDisposalDecisionIn(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 批准并处置；false 不予批准")
    note = serializers.CharField(required=False, allow_blank=True, help_text="批准意见（不予批准时必填）")


class FileDisposalsView(APIView):
    """The disposals of an evidence file (G118-9): asked for after the retention period of an
    archived case, approved by a 负责人."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAG, responses={200: RecordingDisposalOut(many=True), **ERRORS})
    def get(self, request, pk: int):
        file = selectors.file_get_for(request.user, pk)
        return Response(RecordingDisposalOut(file.disposals.order_by("id"), many=True).data)

    @extend_schema(tags=TAG, request=RecordingDisposalIn, responses={201: RecordingDisposalOut, **ERRORS})
    def post(self, request, pk: int):
        file = selectors.file_get_for(request.user, pk)
        disposal = services.disposal_request(
            actor=request.user, file=file, reason=str(request.data.get("reason") or "")
        )
        return Response(RecordingDisposalOut(disposal).data, status=201)


class DisposalDecisionView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        tags=TAG, request=RecordingDisposalDecisionIn, responses={200: RecordingDisposalOut, **ERRORS}
    )
    def post(self, request, pk: int):
        disposal = selectors.disposal_get_for(request.user, pk)
        data = _valid(RecordingDisposalDecisionIn(data=request.data))
        disposal = services.disposal_decide(
            actor=request.user, disposal=disposal, approve=data["approve"], note=data.get("note", "")
        )
        return Response(RecordingDisposalOut(disposal).data)


# ----------------------------------------------------------------------------- devices


class RecordingDeviceOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    review_label = serializers.CharField(source="get_review_status_display")
    agency_name = serializers.CharField(source="agency.name")
    holder_name = serializers.CharField(source="holder", default="", allow_null=True)
    has_stream_key = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [
            "id",
            "serial",
            "kind",
            "kind_label",
            "model_name",
            "agency",
            "agency_name",
            "holder",
            "holder_name",
            "case",
            "task",
            "review_status",
            "review_label",
            "reviewed_on",
            "review_note",
            "location",
            "latitude",
            "longitude",
            "public_notice",
            "notice_published_on",
            "active",
            "has_stream_key",
            "stream_key_set_at",
        ]

    def get_has_stream_key(self, d) -> bool:
        return bool(d.stream_key_hash)


class RecordingDeviceIn(serializers.Serializer):
    serial = serializers.CharField(max_length=64)
    kind = serializers.ChoiceField(choices=Device.Kind.choices)
    agency = serializers.IntegerField()
    model_name = serializers.CharField(required=False, allow_blank=True)
    holder = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.CharField(required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    public_notice = serializers.CharField(required=False, allow_blank=True)
    notice_published_on = serializers.DateField(required=False, allow_null=True)


class RecordingDevicePatchIn(serializers.Serializer):
    serial = serializers.CharField(max_length=64, required=False)
    kind = serializers.ChoiceField(choices=Device.Kind.choices, required=False)
    model_name = serializers.CharField(required=False, allow_blank=True)
    holder = serializers.IntegerField(required=False, allow_null=True)
    case = serializers.IntegerField(required=False, allow_null=True)
    task = serializers.CharField(required=False, allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    public_notice = serializers.CharField(required=False, allow_blank=True)
    notice_published_on = serializers.DateField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False)


def _user(pk: int | None):
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise _invalid(_("持有人"))
    return user


def _valid(serializer: serializers.Serializer) -> dict[str, Any]:
    if not serializer.is_valid():
        field = next(iter(serializer.errors))
        raise _invalid(field)
    return dict(serializer.validated_data)


class DevicesView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAG, responses={200: RecordingDeviceOut(many=True), **ERRORS})
    def get(self, request):
        return Response(RecordingDeviceOut(selectors.devices_for(request.user), many=True).data)

    @extend_schema(tags=TAG, request=RecordingDeviceIn, responses={201: RecordingDeviceOut, **ERRORS})
    def post(self, request):
        data = _valid(RecordingDeviceIn(data=request.data))
        agency = Agency.objects.filter(pk=data.pop("agency")).first()
        if agency is None:
            raise _invalid(_("所属机关"))
        data["holder"] = _user(data.get("holder"))
        device = services.device_register(actor=request.user, agency=agency, **data)
        return Response(RecordingDeviceOut(device).data, status=201)


class DeviceView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAG, responses={200: RecordingDeviceOut, **ERRORS})
    def get(self, request, pk: int):
        return Response(RecordingDeviceOut(selectors.device_get_for(request.user, pk)).data)

    @extend_schema(tags=TAG, request=RecordingDevicePatchIn, responses={200: RecordingDeviceOut, **ERRORS})
    def patch(self, request, pk: int):
        device = selectors.device_get_for(request.user, pk)
        data = _valid(RecordingDevicePatchIn(data=request.data, partial=True))
        if "holder" in data:
            data["holder"] = _user(data["holder"])
        if "case" in data:
            data["case"] = (
                Case.objects.filter(pk=data["case"], agency=device.agency).first() if data["case"] else None
            )
        return Response(
            RecordingDeviceOut(services.device_update(actor=request.user, device=device, **data)).data
        )


class RecordingDeviceReviewIn(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True)


class DeviceReviewView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAG, request=RecordingDeviceReviewIn, responses={200: RecordingDeviceOut, **ERRORS})
    def post(self, request, pk: int):
        device = selectors.device_get_for(request.user, pk)
        data = _valid(RecordingDeviceReviewIn(data=request.data))
        device = services.device_review(
            actor=request.user, device=device, passed=data["passed"], note=data.get("note", "")
        )
        return Response(RecordingDeviceOut(device).data)


class RecordingStreamKeyOut(serializers.Serializer):
    device = RecordingDeviceOut()
    stream_key = serializers.CharField(help_text="只显示这一次")


class DeviceKeyView(APIView):
    @extend_schema(tags=TAG, request=None, responses={200: RecordingStreamKeyOut, **ERRORS})
    def post(self, request, pk: int):
        device = selectors.device_get_for(request.user, pk)
        device, key = services.device_stream_key_regenerate(actor=request.user, device=device)
        return Response({"device": RecordingDeviceOut(device).data, "stream_key": key})
