"""笔录 API, mounted at /api/v1/recording/ beside the evidence files (APL-55, ACL-18): list and
make the 笔录 of a case, read one with its signatures and what is still missing, sign it (the
tablet's PNG, as a ``data:image/png;base64,…`` URL or plain base64) and note a party's refusal.
Thin: the case and the 笔录 are read through the scoped selectors, writes go through
``transcript_services`` (which check who may handle the case before anything else)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from lawtrail.cases.selectors import case_get_for

from . import selectors
from . import transcript_services as ts
from .api import ERRORS, TAG
from .transcript_models import Transcript, TranscriptSignature


class RecordingTranscriptSignatureOut(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display")
    sha256 = serializers.CharField(source="blob.sha256", help_text="签名图像（PNG）在保管库中的 SHA-256")
    taken_by = serializers.StringRelatedField()

    class Meta:
        model = TranscriptSignature
        fields = ["id", "role", "role_label", "name", "user", "sha256", "signed_at", "taken_by"]


class RecordingTranscriptOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status = serializers.CharField(help_text="draft 待签名；signed 已签名确认（已生成PDF，纳入案卷）")
    status_label = serializers.CharField(source="get_status_display")
    officer_1_name = serializers.CharField(source="officer_1")
    officer_2_name = serializers.CharField(source="officer_2")
    recorder_name = serializers.CharField(source="recorder", default="", allow_null=True)
    pdf_sha256 = serializers.CharField(source="pdf.sha256", default=None, allow_null=True)
    missing = serializers.SerializerMethodField(help_text="尚缺的签名（为空即已齐备）")
    signatures = RecordingTranscriptSignatureOut(many=True)

    class Meta:
        model = Transcript
        fields = [
            "id",
            "case",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "started_at",
            "ended_at",
            "place",
            "officer_1",
            "officer_1_name",
            "officer_2",
            "officer_2_name",
            "recorder",
            "recorder_name",
            "subject_name",
            "subject_detail",
            "present",
            "credentials_shown",
            "content",
            "party_refused",
            "refusal_note",
            "witness_name",
            "created_at",
            "signed_at",
            "pdf_sha256",
            "missing",
            "signatures",
        ]

    def get_missing(self, t) -> list[str]:
        return [str(m) for m in ts.missing_of(t)] if t.status == Transcript.Status.DRAFT else []


class RecordingTranscriptIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Transcript.Kind.choices, label=_("笔录种类"))
    started_at = serializers.DateTimeField(label=_("开始时间"))
    ended_at = serializers.DateTimeField(required=False, allow_null=True, label=_("结束时间"))
    place = serializers.CharField(max_length=200, label=_("地点"))
    officer_ids = serializers.ListField(
        child=serializers.IntegerField(), label=_("执法人员"), help_text="两名执法人员的用户编号（APL-42）"
    )
    recorder_id = serializers.IntegerField(required=False, allow_null=True, label=_("记录人"))
    subject_name = serializers.CharField(max_length=100, label=_("当事人"))
    subject_detail = serializers.CharField(required=False, allow_blank=True, label=_("基本情况"))
    present = serializers.CharField(required=False, allow_blank=True, label=_("在场人"))
    credentials_shown = serializers.BooleanField(
        label=_("已出示执法证件并告知权利义务"), help_text="须为 true（《行政处罚法》第五十五条）"
    )
    content = serializers.CharField(label=_("笔录内容"))
    witness_name = serializers.CharField(required=False, allow_blank=True, label=_("见证人"))


class RecordingTranscriptSignIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=TranscriptSignature.Role.choices, label=_("签名人身份"))
    png = serializers.CharField(
        label=_("手写签名"), help_text="平板上手写的签名：PNG，data:image/png;base64,… 或 base64"
    )
    user = serializers.IntegerField(
        required=False, allow_null=True, label=_("执法人员"), help_text="role=officer 时：签名的执法人员"
    )
    name = serializers.CharField(required=False, allow_blank=True, label=_("见证人"))


class RecordingTranscriptRefusalIn(serializers.Serializer):
    note = serializers.CharField(label=_("拒签情况"))
    witness_name = serializers.CharField(label=_("见证人"))


def _valid(serializer: serializers.Serializer) -> dict[str, Any]:
    """Typed input, or the 笔录's own refusal naming the field in Chinese (never its key)."""
    if not serializer.is_valid():
        field = next(iter(serializer.errors))
        label = serializer.fields[field].label if field in serializer.fields else None
        raise ts._invalid(str(label or _("笔录内容")))
    return dict(serializer.validated_data)


def _png(value: str) -> str | bytes:
    """The canvas's data URL as it is, or plain base64 decoded to the PNG's bytes."""
    value = value.strip()
    if value.startswith(ts.DATA_URL_PREFIX):
        return value
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value  # refused by the service with its own message


class CaseTranscriptsView(APIView):
    """The 笔录 of a case; POST makes one (APL-55), to be signed next."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(tags=TAG, responses={200: RecordingTranscriptOut(many=True), **ERRORS})
    def get(self, request, case_id: int):
        case = case_get_for(request.user, case_id)
        return Response(RecordingTranscriptOut(selectors.transcripts_of_case(case), many=True).data)

    @extend_schema(tags=TAG, request=RecordingTranscriptIn, responses={201: RecordingTranscriptOut, **ERRORS})
    def post(self, request, case_id: int):
        case = case_get_for(request.user, case_id)
        ts._may_handle(request.user, case)  # who may make one is answered before what is wrong in it
        data = _valid(RecordingTranscriptIn(data=request.data))
        t = ts.transcript_create(actor=request.user, case=case, **data)
        return Response(
            RecordingTranscriptOut(selectors.transcript_get_for(request.user, t.pk)).data, status=201
        )


class TranscriptView(APIView):
    @extend_schema(tags=TAG, responses={200: RecordingTranscriptOut, **ERRORS})
    def get(self, request, pk: int):
        return Response(RecordingTranscriptOut(selectors.transcript_get_for(request.user, pk)).data)


class TranscriptSignaturesView(APIView):
    """A signature on the 笔录 (ACL-18): the officers and the party, or — the refusal noted — a
    witness. The last one needed completes it: rendered to PDF, stored, in the case file."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        tags=TAG, request=RecordingTranscriptSignIn, responses={201: RecordingTranscriptOut, **ERRORS}
    )
    def post(self, request, pk: int):
        t = selectors.transcript_get_for(request.user, pk)
        ts._may_handle(request.user, t.case)
        data = _valid(RecordingTranscriptSignIn(data=request.data))
        ts.transcript_sign(
            actor=request.user,
            transcript=t,
            role=data["role"],
            png=_png(data["png"]),
            user_id=data.get("user"),
            name=data.get("name", ""),
        )
        return Response(
            RecordingTranscriptOut(selectors.transcript_get_for(request.user, pk)).data, status=201
        )


class TranscriptRefusalView(APIView):
    """The party refuses to sign: noted in the 笔录, and a witness is to sign (ACL-18)."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        tags=TAG, request=RecordingTranscriptRefusalIn, responses={200: RecordingTranscriptOut, **ERRORS}
    )
    def post(self, request, pk: int):
        t = selectors.transcript_get_for(request.user, pk)
        ts._may_handle(request.user, t.case)
        data = _valid(RecordingTranscriptRefusalIn(data=request.data))
        ts.transcript_refusal(
            actor=request.user, transcript=t, note=data["note"], witness_name=data["witness_name"]
        )
        return Response(RecordingTranscriptOut(selectors.transcript_get_for(request.user, pk)).data)
