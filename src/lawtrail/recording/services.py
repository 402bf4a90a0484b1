"""Every write of recording: keyword-only, ``actor`` first, one transaction with its journal
entry (ARCHITECTURE.md, "services.py"). Files go into the vault (``lawtrail.core.vault``) once;
these services say what they are evidence of and record every link of their chain of custody.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import io
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import Q as models_q
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.cases.models import Case, CaseEvent, Evidence, State
from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.core.permissions import Perm
from lawtrail.core.vault.hashing import Digest
from lawtrail.core.vault.models import Blob
from lawtrail.core.vault.services import vault_adopt, vault_dispose, vault_open, vault_put
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.selectors import require_perm, roles_at, user_has_perm

from . import media, rules
from .journal_actions import RecordingJournal as J
from .models import CustodyEvent, Device, Disposal, EvidenceFile

#: a second fetch of the same file's content by the same person within this time is the same view
VIEW_DEDUP = dt.timedelta(minutes=5)
#: case states in which no file is added any more (the case file is closed)
SEALED = (State.ARCHIVED,)

# ----------------------------------------------------------------------------- devices (APL-41)


def _may_configure(actor: Any, agency: Any) -> None:
    require_perm(actor, Perm.CASE_CONFIGURE, agency)


def _device_clean(*, serial: str, kind: str, exclude: int | None = None) -> str:
    serial = (serial or "").strip()
    if not serial:
        raise ValidationFailed(
            _("设备信息不完整或有误：%(field)s。") % {"field": _("设备序列号")},
            code="RECORDING_DEVICE_INVALID",
        )
    if kind not in Device.Kind.values:
        raise ValidationFailed(
            _("设备信息不完整或有误：%(field)s。") % {"field": _("设备类型")}, code="RECORDING_DEVICE_INVALID"
        )
    if Device.objects.filter(serial=serial).exclude(pk=exclude).exists():
        raise Conflict(_("该设备序列号已登记。"), code="RECORDING_DEVICE_SERIAL_TAKEN")
    return serial


def device_register(
    *,
    actor: Any,
    agency: Any,
    serial: str,
    kind: str,
    model_name: str = "",
    holder: Any = None,
    location: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    public_notice: str = "",
    notice_published_on: dt.date | None = None,
) -> Device:
    """Register a recording device of ``agency`` (APL-41: monitoring devices with their location
    and public notice; their review starts as 待审核)."""
    _may_configure(actor, agency)
    serial = _device_clean(serial=serial, kind=kind)
    with transaction.atomic():
        device = Device.objects.create(
            serial=serial,
            kind=kind,
            model_name=(model_name or "").strip()[:100],
            agency=agency,
            holder=holder,
            location=(location or "").strip()[:200],
            latitude=latitude,
            longitude=longitude,
            public_notice=(public_notice or "").strip(),
            notice_published_on=notice_published_on,
            registered_at=timezone.now(),
            registered_by=actor,
        )
        journal_append(actor=actor, action=J.DEVICE_REGISTER, subject=device)
    return device


DEVICE_FIELDS = (
    "serial",
    "kind",
    "model_name",
    "holder",
    "case",
    "task",
    "location",
    "latitude",
    "longitude",
    "public_notice",
    "notice_published_on",
    "active",
)


def device_update(*, actor: Any, device: Device, **changes: Any) -> Device:
    """Change what is known of a device (holder, current case or task, location, notice …).
    Changing where a monitoring device stands or what it is sends it back to review (APL-41)."""
    unknown = set(changes) - set(DEVICE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("设备信息不完整或有误：%(field)s。") % {"field": ", ".join(sorted(unknown))},
            code="RECORDING_DEVICE_INVALID",
        )
    _may_configure(actor, device.agency)
    with transaction.atomic():
        device = Device.objects.select_for_update().get(pk=device.pk)
        before = journal_snapshot(device)
        if "serial" in changes or "kind" in changes:
            changes["serial"] = _device_clean(
                serial=changes.get("serial", device.serial),
                kind=changes.get("kind", device.kind),
                exclude=device.pk,
            )
        case = changes.get("case")
        if case is not None and case.agency_id != device.agency_id:
            raise ValidationFailed(
                _("设备信息不完整或有误：%(field)s。") % {"field": _("当前案件")},
                code="RECORDING_DEVICE_INVALID",
            )
        moved = any(
            k in changes and changes[k] != getattr(device, k)
            for k in ("kind", "location", "latitude", "longitude")
        )
        for k, v in changes.items():
            setattr(device, k, v)
        if moved and device.is_monitoring and device.review_status != Device.Review.PENDING:
            device.review_status, device.reviewed_on, device.reviewed_by = Device.Review.PENDING, None, None
        device.save()
        journal_append(actor=actor, action=J.DEVICE_UPDATE, subject=device, before=before)
    return device


def device_review(
    *, actor: Any, device: Device, passed: bool, note: str = "", on: dt.date | None = None
) -> Device:
    """Record the device's 法制和技术审核 (APL-41). A failed review needs its reasons."""
    if not (
        user_has_perm(actor, Perm.CASE_REVIEW, device.agency)
        or user_has_perm(actor, Perm.CASE_CONFIGURE, device.agency)
    ):
        raise PermissionDenied(_("您没有权限办理此操作。"), code="PERMISSION_DENIED")
    if not passed and not (note or "").strip():
        raise ValidationFailed(
            _("设备信息不完整或有误：%(field)s。") % {"field": _("审核意见")}, code="RECORDING_DEVICE_INVALID"
        )
    with transaction.atomic():
        device = Device.objects.select_for_update().get(pk=device.pk)
        before = journal_snapshot(device)
        device.review_status = Device.Review.PASSED if passed else Device.Review.FAILED
        device.reviewed_on = on or timezone.localdate()
        device.reviewed_by = actor
        device.review_note = (note or "").strip()
        device.save()
        journal_append(actor=actor, action=J.DEVICE_REVIEW, subject=device, before=before)
    return device


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def device_stream_key_regenerate(*, actor: Any, device: Device) -> tuple[Device, str]:
    """A new stream key for the device's live publishing; the old one stops working. The key is
    returned once; only its SHA-256 is kept."""
    _may_configure(actor, device.agency)
    key = secrets.token_urlsafe(24)
    with transaction.atomic():
        device = Device.objects.select_for_update().get(pk=device.pk)
        before = journal_snapshot(device)
        device.stream_key_hash, device.stream_key_set_at = _key_hash(key), timezone.now()
        device.save(update_fields=["stream_key_hash", "stream_key_set_at"])
        journal_append(actor=actor, action=J.DEVICE_KEY_REGENERATE, subject=device, before=before)
    return device, key


def device_stream_key_matches(device: Device, key: str) -> bool:
    """Whether ``key`` is the device's current stream key (constant-time)."""
    if not device.stream_key_hash or not device.active or not key:
        return False
    return hmac.compare_digest(device.stream_key_hash, _key_hash(key))


# ----------------------------------------------------------------------------- evidence files


def _may_handle(actor: Any, case: Case) -> None:
    require_perm(actor, Perm.CASE_HANDLE, case.agency)


def _custody(
    *,
    actor: Any,
    file: EvidenceFile,
    kind: str,
    at: dt.datetime | None = None,
    note: str = "",
    data: dict | None = None,
) -> CustodyEvent:
    ev = CustodyEvent.objects.create(
        file=file,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at or timezone.now(),
        note=(note or "")[:300],
        data=data or {},
    )
    journal_append(actor=actor, action=J.CUSTODY, subject=ev, note=kind)
    return ev


@contextlib.contextmanager
def local_path(fileobj: IO[bytes]) -> Iterator[Path]:
    """A local path to what ``fileobj`` holds: Django's temporary upload file as it is, anything
    else copied to a temporary file (streamed)."""
    tmp_path = getattr(fileobj, "temporary_file_path", None)
    if callable(tmp_path):
        yield Path(tmp_path())
        return
    with tempfile.NamedTemporaryFile(prefix="lawtrail-rec-", delete=True) as tmp:
        shutil.copyfileobj(fileobj, tmp, 1 << 20)
        tmp.flush()
        yield Path(tmp.name)


def _upload_window(case: Case, on: dt.date) -> int:
    return int(profile_value(case.agency, "recording.upload_window", on=on))


def evidence_file_add(
    *,
    actor: Any,
    case: Case,
    path: Path,
    name: str,
    media_type: str | None = None,
    digest: Digest | None = None,
    head: bytes | None = None,
    evidence: Evidence | None = None,
    step: str = "",
    device: Device | None = None,
    captured_by: Any = None,
    captured_at: dt.datetime | None = None,
    place: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    note: str = "",
    late_reason: str = "",
) -> EvidenceFile:
    """Store the file at ``path`` in the vault and record it as a file of ``case``: its category
    by content, capture time and place from the file itself (EXIF, container) or else as entered,
    duration and size, a thumbnail or poster; the chain of custody starts (captured → uploaded, and
    linked when ``evidence`` is given). A recording uploaded later than ``recording.upload_window``
    hours after capture is flagged (G118-8) and its reason asked for."""
    _may_handle(actor, case)
    if case.state in SEALED:
        raise Conflict(_("该证据文件当前不能办理此操作。"), code="RECORDING_STATE_CONFLICT")
    if evidence is not None and evidence.case_id != case.pk:
        raise ValidationFailed(_("请选择本案的证据。"), code="RECORDING_EVIDENCE_UNKNOWN")
    if device is not None and device.agency_id != case.agency_id:
        raise ValidationFailed(
            _("设备信息不完整或有误：%(field)s。") % {"field": _("设备")}, code="RECORDING_DEVICE_INVALID"
        )
    now = timezone.now()
    rules.captured_at_check(captured_at=captured_at, uploaded_at=now)
    with transaction.atomic():
        if digest is None:
            with open(path, "rb") as f:
                blob = vault_put(f, actor=actor, media_type=media_type, name=name)
        else:
            blob = vault_adopt(path, digest=digest, head=head, actor=actor, media_type=media_type, name=name)
        kind = media.media_of(blob.media_type)
        meta = (
            media.photo_meta(path)
            if kind == "photo"
            else media.av_meta(path)
            if kind in ("video", "audio")
            else media.Meta()
        )
        source = EvidenceFile.Source
        if meta.captured_at is not None:
            when, when_src = meta.captured_at, source.EXIF if kind == "photo" else source.CONTAINER
        elif captured_at is not None:
            when, when_src = captured_at, source.ENTERED
        else:
            when, when_src = None, source.UNKNOWN
        if when is not None and when > now + dt.timedelta(minutes=1):
            when, when_src = (
                (captured_at, source.ENTERED) if captured_at is not None else (None, source.UNKNOWN)
            )
        if meta.latitude is not None and meta.longitude is not None:
            lat, lon, place_src = meta.latitude, meta.longitude, source.EXIF
        elif latitude is not None and longitude is not None:
            lat, lon, place_src = latitude, longitude, source.ENTERED
        else:
            lat, lon, place_src = None, None, source.ENTERED if place else source.UNKNOWN
        window = _upload_window(case, timezone.localdate())
        late = rules.upload_late(captured_at=when, uploaded_at=now, window_hours=window) and kind in (
            "video",
            "audio",
        )
        file = EvidenceFile.objects.create(
            case=case,
            evidence=evidence,
            blob=blob,
            name=(name or blob.name or blob.sha256[:12])[:255],
            media=kind,
            step=(step or "")[:48],
            captured_by=captured_by or actor,
            device=device,
            captured_at=when,
            captured_at_source=when_src,
            place=(place or "").strip()[:200],
            latitude=lat,
            longitude=lon,
            place_source=place_src,
            duration=meta.duration,
            width=meta.width,
            height=meta.height,
            note=(note or "").strip()[:300],
            uploaded_by=actor,
            uploaded_at=now,
            late=late,
            late_reason=(late_reason or "").strip() if late else "",
            record_review=EvidenceFile.RecordReview.PENDING
            if device is not None and device.is_monitoring
            else "",
        )
        _derive_previews(file, path, actor=actor)
        journal_append(actor=actor, action=J.FILE_ADD, subject=file, note=blob.sha256)
        _custody(
            actor=file.captured_by,
            file=file,
            kind=CustodyEvent.Kind.CAPTURED,
            at=when or now,
            data={"device": device.serial if device else "", "source": when_src},
        )
        _custody(
            actor=actor,
            file=file,
            kind=CustodyEvent.Kind.UPLOADED,
            at=now,
            # an upload's SM3 comes after the answer (vault:blob:sm3 in the journal): "" until then
            data={"sha256": blob.sha256, "sm3": blob.sm3, "size": blob.size, "late": late},
        )
        if evidence is not None:
            _custody(actor=actor, file=file, kind=CustodyEvent.Kind.LINKED, data={"evidence": evidence.pk})
        if kind in ("video", "audio") and file.playable_id is None and blob.media_type not in media.PLAYABLE:
            file_id = file.pk
            transaction.on_commit(lambda: _queue_transcode(file_id))
    return file


def _derive_previews(file: EvidenceFile, path: Path, *, actor: Any) -> None:
    """Thumbnail of a photo or image scan; poster frame of a video (both stored in the vault)."""
    data = None
    if file.media in ("photo",):
        data = media.thumbnail(path)
    elif file.media == "video":
        with tempfile.TemporaryDirectory(prefix="lawtrail-poster-") as work:
            data = media.poster(path, Path(work), file.duration)
    if data:
        blob = vault_put(io.BytesIO(data), actor=actor, media_type="image/jpeg", name=f"thumb-{file.name}")
        if file.media == "video":
            file.poster = blob
        file.thumb = blob
        file.save(update_fields=["thumb", "poster"])


def _queue_transcode(file_id: int) -> None:
    from .tasks import transcode_task  # noqa: PLC0415 — cycle: tasks imports services

    transcode_task.delay(file_id)


def file_transcode(*, file_id: int) -> EvidenceFile | None:
    """Make and store a browser-playable copy of a video or audio file (the original is kept)."""
    file = EvidenceFile.objects.select_related("blob").filter(pk=file_id).first()
    if file is None or file.playable_id is not None or file.blob.disposed_at is not None:
        return file
    with tempfile.TemporaryDirectory(prefix="lawtrail-transcode-") as work:
        src = Path(work) / "original"
        with vault_open(file.blob) as f, open(src, "wb") as out:
            shutil.copyfileobj(f, out, 1 << 20)
        copy = media.playable_copy(src, file.blob.media_type, Path(work))
        if copy is None:
            return file
        with transaction.atomic():
            with open(copy, "rb") as f:
                blob = vault_put(f, actor=None, name=f"playable-{file.name}")
            file = EvidenceFile.objects.select_for_update().get(pk=file_id)
            before = journal_snapshot(file)
            file.playable = blob
            file.save(update_fields=["playable"])
            journal_append(actor=None, action=J.FILE_DERIVE, subject=file, before=before)
    return file


def evidence_file_link(
    *, actor: Any, file: EvidenceFile, evidence: Evidence | None = None, step_event: CaseEvent | None = None
) -> EvidenceFile:
    """Link a file to an evidence item of its case, or to the step (case event) it recorded."""
    _may_handle(actor, file.case)
    if evidence is not None and evidence.case_id != file.case_id:
        raise ValidationFailed(_("请选择本案的证据。"), code="RECORDING_EVIDENCE_UNKNOWN")
    with transaction.atomic():
        file = EvidenceFile.objects.select_for_update().get(pk=file.pk)
        before = journal_snapshot(file)
        data: dict[str, Any] = {}
        if evidence is not None:
            file.evidence, data["evidence"] = evidence, evidence.pk
        if step_event is not None:
            file.step_event, data["event"] = step_event, step_event.pk
            file.step = step_event.action
        file.save()
        journal_append(actor=actor, action=J.FILE_LINK, subject=file, before=before)
        _custody(actor=actor, file=file, kind=CustodyEvent.Kind.LINKED, data=data)
    return file


def step_link(
    *, actor: Any, file: EvidenceFile, action: str, data: dict[str, Any], note: str = ""
) -> EvidenceFile:
    """Link a recording to the case step it recorded (G118-8), inside that step's transaction."""
    with transaction.atomic():
        file = EvidenceFile.objects.select_for_update().get(pk=file.pk)
        before = journal_snapshot(file)
        file.step = action
        file.save(update_fields=["step"])
        journal_append(actor=actor, action=J.FILE_LINK, subject=file, before=before)
        _custody(actor=actor, file=file, kind=CustodyEvent.Kind.LINKED, data=data, note=note)
    return file


def late_reason_give(*, actor: Any, file: EvidenceFile, reason: str) -> EvidenceFile:
    """The reason a recording was uploaded after the window (G118-8)."""
    _may_handle(actor, file.case)
    if not file.late:
        raise Conflict(_("该证据文件当前不能办理此操作。"), code="RECORDING_STATE_CONFLICT")
    if not (reason or "").strip():
        raise ValidationFailed(
            _("请写明超过上传时限的原因。"), code="RECORDING_LATE_REASON_REQUIRED", rule="G118-8"
        )
    with transaction.atomic():
        file = EvidenceFile.objects.select_for_update().get(pk=file.pk)
        before = journal_snapshot(file)
        file.late_reason = reason.strip()
        file.save(update_fields=["late_reason"])
        journal_append(actor=actor, action=J.FILE_LATE_REASON, subject=file, before=before)
    return file


def record_review(*, actor: Any, file: EvidenceFile, passed: bool, note: str = "") -> EvidenceFile:
    """APL-41: the review of one record of an electronic monitoring device."""
    if not user_has_perm(actor, Perm.CASE_REVIEW, file.case.agency) and not user_has_perm(
        actor, Perm.CASE_APPROVE, file.case.agency
    ):
        raise PermissionDenied(_("您没有权限办理此操作。"), code="PERMISSION_DENIED")
    if not file.record_review:
        raise Conflict(_("该证据文件当前不能办理此操作。"), code="RECORDING_STATE_CONFLICT")
    with transaction.atomic():
        file = EvidenceFile.objects.select_for_update().get(pk=file.pk)
        before = journal_snapshot(file)
        file.record_review = EvidenceFile.RecordReview.PASSED if passed else EvidenceFile.RecordReview.FAILED
        file.save(update_fields=["record_review"])
        journal_append(
            actor=actor, action=J.FILE_RECORD_REVIEW, subject=file, before=before, note=(note or "")[:200]
        )
    return file


def file_access_record(*, actor: Any, file: EvidenceFile, kind: str, note: str = "") -> CustodyEvent | None:
    """查阅留痕: a staff member viewed or downloaded a file (journaled). A view of the same file
    by the same person a few minutes after the last (the page and the media it embeds) counts once;
    every download counts."""
    if kind == CustodyEvent.Kind.VIEWED:
        recent = CustodyEvent.objects.filter(
            file=file, actor=actor, kind=kind, at__gte=timezone.now() - VIEW_DEDUP
        ).exists()
        if recent:
            return None
    with transaction.atomic():
        return _custody(actor=actor, file=file, kind=kind, note=note)


def files_exported(*, actor: Any, files: list[EvidenceFile], note: str) -> None:
    """The files went into an export (the archive package): one custody event each."""
    with transaction.atomic():
        for f in files:
            _custody(actor=actor, file=f, kind=CustodyEvent.Kind.EXPORTED, note=note)


# ----------------------------------------------------------------------------- disposal (G118-9)


def _retention(file: EvidenceFile, today: dt.date) -> tuple[dt.date, str]:
    """G118-9: refuse unless the file's case is archived and its retention period has ended;
    the day it ended and the basis in words."""
    case = file.case
    years = int(profile_value(case.agency, "recording.retention_years", on=today))
    ends = rules.disposal_check(
        archived=case.state == State.ARCHIVED, archived_on=case.archived_on, today=today, years=years
    )
    basis = _("保存期限%(years)s年，自%(archived)s归档起，至%(ends)s届满") % {
        "years": years,
        "archived": case.archived_on.isoformat(),
        "ends": ends.isoformat(),
    }
    return ends, basis


def disposal_request(*, actor: Any, file: EvidenceFile, reason: str) -> Disposal:
    """Ask for the disposal of an evidence file (G118-9): by an officer of the case's agency (办案),
    only once its case is archived and the retention period ``recording.retention_years`` counted
    from the archiving has ended; one open request per file."""
    _may_handle(actor, file.case)
    if not (reason or "").strip():
        raise ValidationFailed(
            _("请写明%(what)s。") % {"what": _("处置理由")}, code="RECORDING_DISPOSAL_REASON_REQUIRED"
        )
    with transaction.atomic():
        file = EvidenceFile.objects.select_for_update().select_related("case", "case__agency").get(pk=file.pk)
        if file.disposed_at is not None:
            raise Conflict(_("该证据文件当前不能办理此操作。"), code="RECORDING_STATE_CONFLICT")
        if Disposal.objects.filter(file=file, status=Disposal.Status.REQUESTED).exists():
            raise Conflict(_("该文件已有待批准的处置申请。"), code="RECORDING_DISPOSAL_PENDING")
        ends, basis = _retention(file, timezone.localdate())
        disposal = Disposal.objects.create(
            file=file,
            reason=reason.strip(),
            basis=basis[:300],
            retention_ends_on=ends,
            requested_by=actor,
            requested_at=timezone.now(),
        )
        journal_append(actor=actor, action=J.DISPOSAL_REQUEST, subject=disposal, note=basis[:200])
    return disposal


def _blob_still_used(blob_id: int | None, file: EvidenceFile) -> bool:
    """Content is stored once: another file that is not disposed of may hold the same bytes."""
    if blob_id is None:
        return True
    return (
        EvidenceFile.objects.filter(disposed_at__isnull=True)
        .exclude(pk=file.pk)
        .filter(
            models_q(blob_id=blob_id)
            | models_q(thumb_id=blob_id)
            | models_q(poster_id=blob_id)
            | models_q(playable_id=blob_id)
        )
        .exists()
    )


def disposal_decide(*, actor: Any, disposal: Disposal, approve: bool, note: str = "") -> Disposal:
    """A 负责人 of the case's agency (分管领导 or 主要负责人), not the applicant, approves or refuses a
    disposal (G118-9). Approved — with the retention checked again on the day — the file's stored
    bytes (and its thumbnail, poster and playable copy) are disposed of in the vault unless another
    file holds the same content, the file is marked disposed and its chain of custody ends with
    处置; the rows stay. A refusal needs its reasons."""
    file = disposal.file
    agency = file.case.agency
    rules.disposal_decider_check(
        roles=roles_at(actor, agency.pk), requested_by=disposal.requested_by_id, actor=actor.pk
    )
    if not approve and not (note or "").strip():
        raise ValidationFailed(
            _("请写明%(what)s。") % {"what": _("不予批准的理由")}, code="RECORDING_DISPOSAL_REASON_REQUIRED"
        )
    with transaction.atomic():
        disposal = Disposal.objects.select_for_update().get(pk=disposal.pk)
        if disposal.status != Disposal.Status.REQUESTED:
            raise Conflict(_("该处置申请已办结。"), code="RECORDING_DISPOSAL_DECIDED")
        before = journal_snapshot(disposal)
        now = timezone.now()
        disposal.decided_by, disposal.decided_at = actor, now
        disposal.decision_note = (note or "").strip()
        if not approve:
            disposal.status = Disposal.Status.REJECTED
            disposal.save()
            journal_append(actor=actor, action=J.DISPOSAL_REJECT, subject=disposal, before=before)
            return disposal
        file = EvidenceFile.objects.select_for_update().select_related("case", "case__agency").get(pk=file.pk)
        if file.disposed_at is not None:
            raise Conflict(_("该证据文件当前不能办理此操作。"), code="RECORDING_STATE_CONFLICT")
        _ends, basis = _retention(file, timezone.localdate())
        disposal.status = Disposal.Status.APPROVED
        disposal.save()
        journal_append(actor=actor, action=J.DISPOSAL_APPROVE, subject=disposal, before=before)
        file_before = journal_snapshot(file)
        file.disposed_at = now
        file.save(update_fields=["disposed_at"])
        journal_append(actor=actor, action=J.FILE_DISPOSE, subject=file, before=file_before)
        vault_basis = _("证据文件处置（批准：%(who)s，%(basis)s）") % {"who": actor, "basis": basis}
        for blob_id in dict.fromkeys((file.blob_id, file.thumb_id, file.poster_id, file.playable_id)):
            if not _blob_still_used(blob_id, file):
                vault_dispose(Blob.objects.get(pk=blob_id), actor=actor, basis=vault_basis[:300])
        _custody(
            actor=actor,
            file=file,
            kind=CustodyEvent.Kind.DISPOSED,
            at=now,
            note=basis,
            data={
                "disposal": disposal.pk,
                "requested_by": disposal.requested_by_id,
                "sha256": file.blob.sha256,
            },
        )
    return disposal
