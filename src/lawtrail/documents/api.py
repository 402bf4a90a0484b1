"""Legal documents API (法律文书), mounted at /api/v1/documents/: thin views over selectors and
services. PDFs are answered as ``application/pdf``; everything else as JSON."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from lawtrail.cases.selectors import case_get_for
from lawtrail.core.errors import NotFound, ValidationFailed
from lawtrail.core.vault import vault_open

from . import selectors, services, word

TAG = ["法律文书"]


class DocumentsErrorOut(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    rule = serializers.CharField(required=False)
    details = serializers.JSONField(required=False)


ERRORS = {400: DocumentsErrorOut, 403: DocumentsErrorOut, 404: DocumentsErrorOut, 409: DocumentsErrorOut}


class DocumentsSignatureOut(serializers.Serializer):
    role = serializers.CharField()
    signer = serializers.CharField()
    signed_at = serializers.DateTimeField()
    timestamped = serializers.BooleanField()
    sha256 = serializers.CharField(source="blob.sha256")


class DocumentsServiceOut(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.CharField()
    served_on = serializers.DateField()
    recipient = serializers.CharField()
    place = serializers.CharField()
    note = serializers.CharField()
    # the scanned 送达回证 attached as proof (services/{id}/receipt), if any
    receipt_sha256 = serializers.CharField(source="receipt.sha256", allow_null=True, default=None)


class DocDocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField()
    version = serializers.IntegerField()
    reason = serializers.CharField()
    issued_on = serializers.DateField()
    issued_at = serializers.DateTimeField()
    step = serializers.CharField()
    token = serializers.UUIDField()
    pdf_ready = serializers.BooleanField(help_text="PDF已生成并加盖印章；为 false 时文书正在制作，稍后可下载")
    status = serializers.SerializerMethodField(help_text="“已签发”或“正在制作”（PDF尚未生成）")
    sha256 = serializers.CharField(source="blob.sha256", allow_null=True)
    sm3 = serializers.CharField(source="blob.sm3", allow_null=True)
    size = serializers.IntegerField(source="blob.size", allow_null=True)

    def get_status(self, doc) -> str:
        return str(_("已签发")) if doc.pdf_ready else str(_("正在制作"))

    signatures = DocumentsSignatureOut(many=True, source="signatures.all")
    services = DocumentsServiceOut(many=True, source="services.all")


class CaseDocumentsView(APIView):
    @extend_schema(tags=TAG, summary="案件的法律文书", responses={200: DocDocumentOut(many=True), **ERRORS})
    def get(self, request, case_id: int):
        case = case_get_for(request.user, case_id)
        return Response(DocDocumentOut(selectors.documents_of(case), many=True).data)


class PreviewView(APIView):
    @extend_schema(
        tags=TAG,
        summary="预览文书（PDF，不编号、不签章，不写入）",
        parameters=[OpenApiParameter("kind", str, required=True)],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request, case_id: int):
        case = case_get_for(request.user, case_id)
        rendered = services.preview(actor=request.user, case=case, kind=request.query_params.get("kind", ""))
        return HttpResponse(rendered.pdf, content_type="application/pdf")


class DocumentsIssueIn(serializers.Serializer):
    kind = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class IssueView(APIView):
    @extend_schema(
        tags=TAG,
        summary="签发文书（已签发的：写明理由签发新版本）",
        request=DocumentsIssueIn,
        responses={201: DocDocumentOut, **ERRORS},
    )
    def post(self, request, case_id: int):
        case = case_get_for(request.user, case_id)
        data = _valid(DocumentsIssueIn, request.data)
        doc = services.issue_by_officer(
            actor=request.user, case=case, kind=data["kind"], reason=data["reason"]
        )
        return Response(DocDocumentOut(doc).data, status=201)


class DocumentsDraftIn(serializers.Serializer):
    texts = serializers.DictField(child=serializers.CharField(allow_blank=True))


class DocumentsDraftOut(serializers.Serializer):
    kind = serializers.CharField()
    texts = serializers.DictField(child=serializers.CharField())


class DraftView(APIView):
    @extend_schema(
        tags=TAG,
        summary="保存文书可编辑部分（签发前）",
        request=DocumentsDraftIn,
        responses={200: DocumentsDraftOut, **ERRORS},
    )
    def put(self, request, case_id: int, kind: str):
        case = case_get_for(request.user, case_id)
        data = _valid(DocumentsDraftIn, request.data)
        draft = services.draft_save(actor=request.user, case=case, kind=kind, texts=data["texts"])
        return Response(DocumentsDraftOut(draft).data)


class DocumentView(APIView):
    @extend_schema(tags=TAG, summary="文书详情", responses={200: DocDocumentOut, **ERRORS})
    def get(self, request, pk: int):
        return Response(DocDocumentOut(selectors.document_get_for(request.user, pk)).data)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentPdfView(APIView):
    @extend_schema(
        tags=TAG,
        summary="下载文书（最新签章版本的PDF）",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request, pk: int):
        doc = selectors.document_get_for(request.user, pk)
        with vault_open(services.file_blob(doc)) as f:  # DOC_PDF_PENDING (409) while it is being made
            data = f.read()
        resp = HttpResponse(data, content_type="application/pdf")
        resp["Content-Disposition"] = f"attachment; filename=document-{doc.pk}-v{doc.version}.pdf"
        return resp


class DocumentDocxView(APIView):
    @extend_schema(
        tags=TAG,
        summary="下载文书的可编辑Word副本（非法律文书正本，以签章PDF为准）",
        responses={(200, DOCX): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request, pk: int):
        doc = selectors.document_get_for(request.user, pk)
        resp = HttpResponse(word.docx_of(doc), content_type=DOCX)
        resp["Content-Disposition"] = f"attachment; filename=document-{doc.pk}-v{doc.version}-editable.docx"
        return resp


class DocumentsServiceIn(serializers.Serializer):
    method = serializers.CharField()
    served_on = serializers.DateField(required=False)
    recipient = serializers.CharField()
    place = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ServiceView(APIView):
    @extend_schema(
        tags=TAG,
        summary="登记送达（文书、方式、日期、受送达人）",
        request=DocumentsServiceIn,
        responses={201: DocumentsServiceOut, **ERRORS},
    )
    def post(self, request, pk: int):
        doc = selectors.document_get_for(request.user, pk)
        services._may_handle(request.user, doc.case)
        data = _valid(DocumentsServiceIn, request.data)
        row = services.service_record(
            actor=request.user,
            document=doc,
            method=data["method"],
            served_on=data.get("served_on") or dt.date.today(),
            recipient=data["recipient"],
            place=data["place"],
            note=data["note"],
        )
        return Response(DocumentsServiceOut(row).data, status=201)


def _valid(cls, data) -> dict:
    s = cls(data=data)
    if not s.is_valid():
        field = next(iter(s.errors))
        code = "DOC_DATE_INVALID" if field == "served_on" else "DOC_FIELD_INVALID"
        raise ValidationFailed(_("%(f)s 填写有误。") % {"f": field}, code=code, details=s.errors)
    return s.validated_data


class DocumentsSignatureReportOut(serializers.Serializer):
    field = serializers.CharField()
    signer = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    intact = serializers.BooleanField()
    valid = serializers.BooleanField()
    trusted = serializers.BooleanField()
    timestamped = serializers.BooleanField()
    coverage = serializers.CharField()
    modification_level = serializers.CharField()
    test_ca = serializers.BooleanField()


class DocumentsPublicDocumentOut(serializers.Serializer):
    title = serializers.CharField()
    number = serializers.CharField()
    version = serializers.IntegerField()
    agency = serializers.CharField(source="case.agency.name")
    issued_on = serializers.DateField()


class DocumentsVerifyOut(serializers.Serializer):
    sha256 = serializers.CharField()
    known = serializers.BooleanField()
    document = DocumentsPublicDocumentOut(allow_null=True)
    signatures = DocumentsSignatureReportOut(many=True)


class DocumentsVerifyIn(serializers.Serializer):
    file = serializers.FileField()


class VerifyView(APIView):
    """Anyone may check a PDF: who signed it, when, and whether it is intact."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAG,
        summary="核验电子文书（上传PDF）",
        request={"multipart/form-data": DocumentsVerifyIn},
        responses={200: DocumentsVerifyOut, 400: DocumentsErrorOut},
    )
    def post(self, request):
        f = request.FILES.get("file")
        if f is None or f.size > 50 * 1024 * 1024:
            raise ValidationFailed(_("请上传PDF文件。"), code="DOC_VERIFY_NOT_PDF")
        return Response(DocumentsVerifyOut(services.verify_upload(f.read())).data)


class VerifyTokenView(APIView):
    """What a document's QR code names: the document and its signatures as stored."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAG, summary="按二维码核验文书", responses={200: DocumentsVerifyOut, 404: DocumentsErrorOut}
    )
    def get(self, request, token):
        doc = selectors.document_by_token(token)
        return Response(DocumentsVerifyOut(services.verify_upload(services.current_pdf(doc))).data)


class CountersignView(APIView):
    @extend_schema(
        tags=TAG,
        summary="执法人员签名（追加签名修订）",
        request=None,
        responses={201: DocumentsSignatureOut, **ERRORS},
    )
    def post(self, request, pk: int):
        doc = selectors.document_get_for(request.user, pk)
        return Response(
            DocumentsSignatureOut(services.countersign(actor=request.user, document=doc)).data, status=201
        )


class DocumentsPartySignIn(serializers.Serializer):
    name = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="签名的当事人（受送达人）姓名"
    )
    png = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="手写签名图像：data:image/png;base64,…（平板签名板画布导出的PNG）",
    )


class PartySignView(APIView):
    """The party signs a paper on the officer's tablet (笔录, 清单, 送达回证, 送达地址确认书): the
    handwriting becomes the widget of a signature appended as a later revision
    (``services.party_sign``, as the page /backoffice/documents/{id}/party-sign/)."""

    @extend_schema(
        tags=TAG,
        summary="当事人在平板上签名（追加签名修订）",
        request=DocumentsPartySignIn,
        responses={201: DocumentsSignatureOut, **ERRORS},
    )
    def post(self, request, pk: int):
        doc = selectors.document_get_for(request.user, pk)
        services._may_handle(request.user, doc.case)
        data = _valid(DocumentsPartySignIn, request.data)
        sig = services.party_sign(actor=request.user, document=doc, name=data["name"], png=data["png"])
        return Response(DocumentsSignatureOut(sig).data, status=201)


class DocumentsReceiptIn(serializers.Serializer):
    file = serializers.FileField(help_text="送达回证扫描件：PDF、JPG或PNG，20MB以内")


RECEIPT_MEDIA = ("application/pdf", "image/jpeg", "image/png")


class ServiceReceiptView(APIView):
    """The scanned 送达回证 of a service record: GET downloads it, POST attaches it (once)
    (``services.receipt_attach``, as the page /backoffice/documents/services/{id}/receipt/)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAG,
        summary="下载送达回证扫描件",
        responses={**{(200, m): OpenApiTypes.BINARY for m in RECEIPT_MEDIA}, **ERRORS},
    )
    def get(self, request, pk: int):
        row = selectors.service_get_for(request.user, pk)
        if row.receipt is None:
            raise NotFound(_("该次送达尚未附送达回证扫描件。"), code="DOC_RECEIPT_MISSING")
        with vault_open(row.receipt) as f:
            data = f.read()
        resp = HttpResponse(data, content_type=row.receipt.media_type)
        resp["Content-Disposition"] = (
            f"attachment; filename=service-{row.pk}-receipt.{row.receipt.name.rsplit('.', 1)[-1]}"
        )
        resp["X-Content-Type-Options"] = "nosniff"
        return resp

    @extend_schema(
        tags=TAG,
        summary="上传送达回证扫描件（每次送达一份）",
        request={"multipart/form-data": DocumentsReceiptIn},
        responses={201: DocumentsServiceOut, **ERRORS},
    )
    def post(self, request, pk: int):
        row = selectors.service_get_for(request.user, pk)
        services._may_handle(request.user, row.document.case)
        f = request.FILES.get("file")
        row = services.receipt_attach(
            actor=request.user,
            service=row,
            data=f.read(services.MAX_RECEIPT_BYTES + 1) if f is not None else b"",
            filename=getattr(f, "name", ""),
        )
        return Response(DocumentsServiceOut(row).data, status=201)
