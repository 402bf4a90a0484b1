"""What recording shows on the case page and in the case API (``lawtrail.cases.extensions``):
the 证据文件 section (thumbnails, upload from the page), and the case file items (一案一卷)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lawtrail.cases import extensions, workflow
from lawtrail.cases.extensions import CaseFileItem
from lawtrail.core.permissions import Perm
from lawtrail.core.refusals import register_fix
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.selectors import user_has_perm

from . import gates, selectors, services, transcript_panels
from .models import Device, EvidenceFile

APP = "recording"


def step_choices() -> list[tuple[str, str]]:
    out = []
    for action in ("evidence_add", *gates.AV_STEPS):
        t = workflow.transition_for(action)
        if t is not None:
            out.append((action, str(t.label)))
    return out


def _section(request: Any, case: Any) -> dict[str, Any] | None:
    files = list(selectors.files_of_case(case))
    may_upload = case.state not in services.SEALED and user_has_perm(
        request.user, Perm.CASE_HANDLE, case.agency
    )
    return {
        "case": case,
        "files": files,
        "may_upload": may_upload,
        "evidence": list(case.evidence.all()),
        "steps": step_choices(),
        "devices": list(Device.objects.filter(agency=case.agency, active=True).order_by("serial")),
        "late": [f for f in files if f.late and not f.late_reason],
        # G118-8: the acts whose step is refused without a recording (the agency's list)
        "av_acts": list(
            profile_value(case.agency, "recording.whole_process_acts", on=timezone.localdate()) or []
        ),
    }


def _flags(request: Any, case: Any) -> dict[str, Any] | None:
    n = EvidenceFile.objects.filter(case=case, late=True, late_reason="").count()
    return {"late": n} if n else None


def case_file_items(case: Any) -> list[CaseFileItem]:
    """Every evidence file of the case, for the case file (一案一卷) and its archive package."""
    if getattr(case, "pk", None) is None:  # not a stored case (the door's own tests pass a stand-in)
        return []
    items = []
    for f in selectors.files_of_case(case):
        title = f"{f.evidence.title}：{f.name}" if f.evidence_id else f.name
        items.append(
            CaseFileItem(
                kind="evidence",
                title=title,
                blob=f.blob,
                ref=f"evidence-file:{f.pk}",
                on=(f.captured_at or f.uploaded_at).date(),
                filename=f.name,
                meta={
                    "media": f.media,
                    "evidence_kind": f.evidence.kind if f.evidence_id else "",
                    "captured_at": f.captured_at.isoformat() if f.captured_at else None,
                    "captured_by": str(f.captured_by) if f.captured_by_id else "",
                    "device": f.device.serial if f.device_id else "",
                    "place": f.place,
                    "duration": f.duration,
                    "step": f.step,
                    "late": f.late,
                    "late_reason": f.late_reason,
                },
            )
        )
    items.extend(transcript_panels.file_items(case))  # 笔录: the signed PDFs and signature images
    return items


def register() -> None:
    # G118-8: the refusal of a step without its recording links to the upload form (upload.js opens
    # it and chooses the refused step)
    register_fix("RECORDING_AV_REQUIRED", _("上传本次执法的录音录像"), "#evidence-upload")
    extensions.page_panel(app=APP, slot="flags", template="recording/_case_flag.html", context=_flags)
    extensions.page_panel(app=APP, slot="sections", template="recording/_case_files.html", context=_section)
    extensions.case_file_items(app=APP, items=case_file_items)
    transcript_panels.register()
