"""Case file API, mounted at /api/v1/archive/ (names ``archive-<noun>[-<verb>]``): the package of
a case (what it holds, its digests, who downloaded it) and its download (查阅留痕)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from lawtrail.core.errors import NotFound

from . import selectors, services
from .views import package_response

TAG = ["一案一卷"]


class ArchiveErrorOut(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    rule = serializers.CharField(required=False)
    details = serializers.JSONField(required=False)


ERRORS = {403: ArchiveErrorOut, 404: ArchiveErrorOut, 409: ArchiveErrorOut}


class AccessOut(serializers.Serializer):
    actor = serializers.CharField()
    at = serializers.DateTimeField()
    via = serializers.CharField()


class PackageOut(serializers.Serializer):
    case = serializers.IntegerField(source="case_id")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    archive_number = serializers.CharField()
    file_count = serializers.IntegerField()
    entry_count = serializers.IntegerField()
    manifest_sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    sealed_at = serializers.DateTimeField(allow_null=True)
    checkpoint_size = serializers.IntegerField(allow_null=True)
    sha256 = serializers.SerializerMethodField()
    sm3 = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()
    accesses = serializers.SerializerMethodField()

    def get_sha256(self, p) -> str | None:
        return p.blob.sha256 if p.blob_id else None

    def get_sm3(self, p) -> str | None:
        return p.blob.sm3 if p.blob_id else None

    def get_size(self, p) -> int | None:
        return p.blob.size if p.blob_id else None

    def get_accesses(self, p) -> list[dict]:
        return AccessOut(
            [{"actor": str(a.actor), "at": a.at, "via": a.via} for a in selectors.accesses_of(p)], many=True
        ).data


class CasePackageView(APIView):
    @extend_schema(tags=TAG, summary="案件的案卷档案包（一案一卷）", responses={200: PackageOut, **ERRORS})
    def get(self, request, case_id: int):
        case = selectors.case_for(request.user, case_id)
        package = selectors.package_of(case)
        if package is None:
            raise NotFound("该案件尚未归档，没有案卷档案包。", code="ARCHIVE_NOT_FOUND")
        return Response(PackageOut(package).data)


class CasePackageDownloadView(APIView):
    @extend_schema(
        tags=TAG,
        summary="下载案卷档案包（ZIP；下载留痕）",
        responses={(200, "application/zip"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request, case_id: int):
        case = selectors.case_for(request.user, case_id)
        package = services.package_for_download(actor=request.user, case=case, via="api")
        return package_response(package)
