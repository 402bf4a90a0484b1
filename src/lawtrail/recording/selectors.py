"""Every read a person makes of recording's tables, scoped to what the actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lawtrail.cases.selectors import cases_in_scope
from lawtrail.core.errors import NotFound
from lawtrail.core.permissions import Perm
from lawtrail.registry.selectors import agency_ids_in_scope

from .models import CustodyEvent, Device, Disposal, EvidenceFile
from .transcript_models import Transcript


def files_of_case(case: Any) -> QuerySet[EvidenceFile]:
    """The files of a case the caller already may see (the case page, the case file)."""
    return (
        EvidenceFile.objects.filter(case=case)
        .select_related("blob", "evidence", "device", "captured_by", "uploaded_by")
        .order_by("id")
    )


def file_get_for(actor: Any, file_id: int) -> EvidenceFile:
    file = (
        EvidenceFile.objects.filter(pk=file_id, case__in=cases_in_scope(actor))
        .select_related(
            "blob",
            "case__agency",
            "evidence",
            "device",
            "captured_by",
            "uploaded_by",
            "thumb",
            "poster",
            "playable",
        )
        .first()
    )
    if file is None:
        raise NotFound(_("证据文件不存在或您无权查看。"), code="RECORDING_FILE_NOT_FOUND")
    return file


def disposal_get_for(actor: Any, disposal_id: int) -> Disposal:
    disposal = (
        Disposal.objects.filter(pk=disposal_id, file__case__in=cases_in_scope(actor))
        .select_related("file__case__agency", "file__blob", "requested_by")
        .first()
    )
    if disposal is None:
        raise NotFound(_("处置申请不存在或已办结。"), code="RECORDING_DISPOSAL_NOT_FOUND")
    return disposal


def custody_of(file: EvidenceFile) -> QuerySet[CustodyEvent]:
    return CustodyEvent.objects.filter(file=file).select_related("actor").order_by("id")


def devices_for(actor: Any) -> QuerySet[Device]:
    qs = Device.objects.select_related("agency", "holder", "case").order_by("agency_id", "serial")
    ids = agency_ids_in_scope(actor, Perm.CASE_VIEW)
    return qs if ids is None else qs.filter(agency_id__in=ids)


def device_get_for(actor: Any, device_id: int) -> Device:
    device = devices_for(actor).filter(pk=device_id).first()
    if device is None:
        raise NotFound(_("设备不存在或您无权查看。"), code="RECORDING_DEVICE_NOT_FOUND")
    return device


def public_devices(agency_id: int | None = None) -> QuerySet[Device]:
    """APL-41: the monitoring devices whose locations are published (reviewed, notice given)."""
    qs = Device.objects.filter(
        kind__in=Device.MONITORING,
        active=True,
        review_status=Device.Review.PASSED,
        notice_published_on__isnull=False,
    ).select_related("agency")
    return qs if agency_id is None else qs.filter(agency_id=agency_id)


def transcripts_of_case(case: Any) -> QuerySet[Transcript]:
    """The 笔录 of a case the caller has already read through ``case_get_for``."""
    return (
        Transcript.objects.filter(case=case)
        .select_related("officer_1", "officer_2", "recorder", "pdf")
        .prefetch_related("signatures__blob", "signatures__taken_by")
        .order_by("started_at", "id")
    )


def transcript_get_for(actor: Any, transcript_id: int) -> Transcript:
    """A 笔录 of a case ``actor`` may see."""
    t = (
        Transcript.objects.filter(pk=transcript_id, case__in=cases_in_scope(actor))
        .select_related("case__agency", "officer_1", "officer_2", "recorder", "pdf")
        .prefetch_related("signatures__blob", "signatures__taken_by")
        .first()
    )
    if t is None:
        raise NotFound(_("笔录不存在或您无权查看。"), code="RECORDING_TRANSCRIPT_NOT_FOUND")
    return t
