"""Back-office pages of recording, mounted at /backoffice/recording/: a file's page (playback,
viewer, chain of custody, 查阅留痕), its content (every view and download recorded), the upload
form's plain-POST fallback, and the device register (APL-41).

Thin: reads through ``selectors``, writes through ``services``; a refusal the user can fix
(400/409) is shown on the page with its code and article; 403/404 go to the error page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lawtrail.cases import workflow
from lawtrail.cases.selectors import case_get_for
from lawtrail.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.permissions import Perm
from lawtrail.core.vault.services import vault_open
from lawtrail.registry.selectors import agencies_in_scope, roles_at, user_has_perm

from . import api, rules, selectors, services
from .models import CustodyEvent, Device, Disposal

FIXABLE = (ValidationFailed, Conflict)


def _step_label(action: str) -> str:
    row = workflow.transition_for(action) if action else None
    return str(row.label) if row is not None else ""


@login_required
def file_page(request, pk: int):
    file = selectors.file_get_for(request.user, pk)
    services.file_access_record(actor=request.user, file=file, kind=CustodyEvent.Kind.VIEWED)
    case = file.case
    may_handle = user_has_perm(request.user, Perm.CASE_HANDLE, case.agency)
    disposals = list(file.disposals.select_related("requested_by", "decided_by").order_by("id"))
    return render(
        request,
        "recording/file.html",
        {
            "file": file,
            "case": case,
            "custody": list(selectors.custody_of(file)),
            "step_label": _step_label(file.step),
            "may_handle": may_handle,
            "disposals": disposals,
            "disposal_open": any(d.status == Disposal.Status.REQUESTED for d in disposals),
            "may_decide_disposal": bool(rules.DISPOSAL_DECIDERS & roles_at(request.user, case.agency_id)),
            "evidence": list(case.evidence.all()) if may_handle else [],
            "error": request.session.pop("recording_error", None),
        },
    )


def _stream(blob, *, name: str, attachment: bool) -> FileResponse:
    response = FileResponse(
        vault_open(blob), content_type=blob.media_type, as_attachment=attachment, filename=name
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def file_content(request, pk: int):
    """The original bytes. Inline views count once per few minutes per person; downloads always."""
    file = selectors.file_get_for(request.user, pk)
    download = request.GET.get("download") == "1"
    kind = CustodyEvent.Kind.DOWNLOADED if download else CustodyEvent.Kind.VIEWED
    services.file_access_record(actor=request.user, file=file, kind=kind)
    response = _stream(file.blob, name=file.name, attachment=download)
    if not download and file.media == "scan":
        # the PDF viewer is an <iframe> of this page's own origin
        response["X-Frame-Options"] = "SAMEORIGIN"
        response._csp_replace = {"frame-ancestors": ["'self'"]}
    return response


@login_required
def file_playable(request, pk: int):
    file = selectors.file_get_for(request.user, pk)
    if file.playable_id is None:
        raise Http404
    services.file_access_record(actor=request.user, file=file, kind=CustodyEvent.Kind.VIEWED)
    return _stream(file.playable, name=file.name, attachment=False)


@login_required
def file_thumb(request, pk: int):
    """A thumbnail or poster (a preview, not the evidence: not recorded)."""
    file = selectors.file_get_for(request.user, pk)
    if file.thumb_id is None:
        raise Http404
    response = FileResponse(vault_open(file.thumb), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _back(request, pk: int, error: Exception | None = None):
    if error is not None:
        request.session["recording_error"] = {"code": getattr(error, "code", ""), "message": str(error)}
    return redirect("recording:file", pk=pk)


@login_required
@require_POST
def file_late_reason(request, pk: int):
    file = selectors.file_get_for(request.user, pk)
    try:
        services.late_reason_give(actor=request.user, file=file, reason=request.POST.get("reason", ""))
    except FIXABLE as exc:
        return _back(request, pk, exc)
    messages.success(request, _("已记录超时上传原因。"))
    return _back(request, pk)


@login_required
@require_POST
def file_disposal_request(request, pk: int):
    """申请处置 (G118-9): refused before the retention period ends or while the case is not archived."""
    file = selectors.file_get_for(request.user, pk)
    try:
        services.disposal_request(actor=request.user, file=file, reason=request.POST.get("reason", ""))
    except FIXABLE as exc:
        return _back(request, pk, exc)
    messages.success(request, _("已提交处置申请，待负责人批准。"))
    return _back(request, pk)


@login_required
@require_POST
def disposal_decide(request, pk: int):
    """A 负责人 approves (the file's bytes are disposed of) or refuses a disposal."""
    disposal = selectors.disposal_get_for(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.disposal_decide(
            actor=request.user, disposal=disposal, approve=approve, note=request.POST.get("note", "")
        )
    except (*FIXABLE, PermissionDenied) as exc:
        return _back(request, disposal.file_id, exc)
    messages.success(request, _("已批准，文件已处置。") if approve else _("已不予批准。"))
    return _back(request, disposal.file_id)


@login_required
@require_POST
def file_link(request, pk: int):
    file = selectors.file_get_for(request.user, pk)
    evidence = file.case.evidence.filter(pk=api._int(request.POST.get("evidence_id")) or 0).first()
    try:
        if evidence is None:
            raise ValidationFailed(_("请选择本案的证据。"), code="RECORDING_EVIDENCE_UNKNOWN")
        services.evidence_file_link(actor=request.user, file=file, evidence=evidence)
    except FIXABLE as exc:
        return _back(request, pk, exc)
    return _back(request, pk)


@login_required
@require_POST
def case_upload(request, case_id: int):
    """The upload form without JavaScript: every chosen file, then back to the case page."""
    case = case_get_for(request.user, case_id)
    files = request.FILES.getlist("file") + request.FILES.getlist("capture")
    try:
        if not files:
            raise ValidationFailed(_("请选择要上传的文件。"), code="RECORDING_FILE_REQUIRED")
        params = api.upload_params(request.POST, case)
        for upload in files:
            with services.local_path(upload) as path:
                services.evidence_file_add(
                    actor=request.user, case=case, path=path, name=upload.name, **params
                )
    except FIXABLE as exc:
        messages.error(request, f"{exc}（{getattr(exc, 'code', '')}）")
    else:
        messages.success(request, _("已上传 %(n)s 个文件。") % {"n": len(files)})
    return redirect("cases:detail", pk=case_id)


# ----------------------------------------------------------------------------- devices


@login_required
def devices(request):
    if not user_has_perm(request.user, Perm.CASE_VIEW):
        raise NotFound(_("设备不存在或您无权查看。"), code="RECORDING_DEVICE_NOT_FOUND")
    agencies = list(agencies_in_scope(request.user, Perm.CASE_CONFIGURE))
    error = None
    if request.method == "POST":
        try:
            agency = next((a for a in agencies if str(a.pk) == request.POST.get("agency")), None)
            if agency is None:
                raise api._invalid(_("所属机关"))
            device = services.device_register(
                actor=request.user,
                agency=agency,
                serial=request.POST.get("serial", ""),
                kind=request.POST.get("kind", ""),
                model_name=request.POST.get("model_name", ""),
                location=request.POST.get("location", ""),
                latitude=api._decimal(request.POST.get("latitude"), _("纬度")),
                longitude=api._decimal(request.POST.get("longitude"), _("经度")),
                public_notice=request.POST.get("public_notice", ""),
            )
        except FIXABLE as exc:
            error = exc
        else:
            messages.success(request, _("已登记设备 %(serial)s。") % {"serial": device.serial})
            return redirect("recording:device", pk=device.pk)
    return render(
        request,
        "recording/devices.html",
        {
            "devices": list(selectors.devices_for(request.user)),
            "agencies": agencies,
            "kinds": Device.Kind.choices,
            "error": error,
            "form": request.POST if error else {},
        },
    )


@login_required
def device_page(request, pk: int):
    device = selectors.device_get_for(request.user, pk)
    may_configure = user_has_perm(request.user, Perm.CASE_CONFIGURE, device.agency)
    may_review = may_configure or user_has_perm(request.user, Perm.CASE_REVIEW, device.agency)
    error, key = None, None
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "review":
                device = services.device_review(
                    actor=request.user,
                    device=device,
                    passed=request.POST.get("passed") == "1",
                    note=request.POST.get("note", ""),
                )
            elif op == "key":
                device, key = services.device_stream_key_regenerate(actor=request.user, device=device)
            elif op == "update":
                holder = (
                    api._user(api._int(request.POST.get("holder"))) if request.POST.get("holder") else None
                )
                device = services.device_update(
                    actor=request.user,
                    device=device,
                    holder=holder,
                    task=request.POST.get("task", ""),
                    location=request.POST.get("location", ""),
                    public_notice=request.POST.get("public_notice", ""),
                    notice_published_on=api.parse_date(request.POST.get("notice_published_on")),
                    active=request.POST.get("active") == "1",
                )
        except FIXABLE as exc:
            error = exc
        if error is None and key is None:
            return redirect("recording:device", pk=device.pk)
    return render(
        request,
        "recording/device.html",
        {
            "device": device,
            "may_configure": may_configure,
            "may_review": may_review,
            "error": error,
            "stream_key": key,
            "files": device.files.select_related("case").order_by("-id")[:50],
        },
    )


def public_devices(request):
    """APL-41: the published locations of reviewed electronic monitoring devices (public)."""
    return render(request, "recording/public_devices.html", {"devices": list(selectors.public_devices())})
