"""Every write of live: nginx-rtmp's callbacks (publish authorised by the device's stream key,
its end, its recording), the telemetry of ``lawtrail mqtt_listen``, and the hand-over of a
finished recording to the vault and to the case the device recorded for (through recording's
services: live sits above recording). One transaction with its journal entry each.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.errors import ApplicationError, PermissionDenied
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.core.permissions import Perm
from lawtrail.core.vault.services import vault_put
from lawtrail.recording import services as recording
from lawtrail.recording.models import Device
from lawtrail.registry.selectors import user_has_perm

from . import rules
from .journal_actions import LiveJournal as J
from .models import DeviceState, LiveSession, LiveView, PublishRefusal, PublishRefusalMark
from .topics import Telemetry

log = logging.getLogger("lawtrail.live")

# ----------------------------------------------------------------------------- nginx-rtmp callbacks


def publish_authorise(*, serial: str, key: str, client_id: str = "", addr: str = "") -> LiveSession:
    """nginx's ``on_publish``: authorise a publish by the device's stream key (rules.publish_refusal)
    and open its live session (journaled). Refused: ``LIVE_PUBLISH_REFUSED`` (403, nginx drops the
    connection); the session is not opened, the refusal is counted and journaled in its hour's
    bucket (``publish_refusal_record``) and logged with its reason, never told to the caller."""
    device = Device.objects.filter(serial=serial).select_related("case").first()
    reason = rules.publish_refusal(
        device, key_matches=device is not None and recording.device_stream_key_matches(device, key)
    )
    if reason is not None:
        log.warning("live publish refused: serial=%r addr=%s reason=%s", serial[:64], addr, reason)
        publish_refusal_record(device=device, name=serial, reason=reason, addr=addr)
        raise PermissionDenied(
            _("推流未获授权：设备未登记、已停用、未通过法制和技术审核，或推流密钥不符。"),
            code="LIVE_PUBLISH_REFUSED",
        )
    now = timezone.now()
    with transaction.atomic():
        # a publish that never said goodbye (nginx killed) ends where the new one begins
        for stale in LiveSession.objects.select_for_update().filter(device=device, ended_at__isnull=True):
            _close(stale, at=now, note=_("新的推流开始时未收到结束通知"))
        session = LiveSession.objects.create(
            device=device,
            client_id=(client_id or "")[:32],
            addr=(addr or "")[:64],
            case=device.case,
            task=device.task,
            holder_id=device.holder_id,
            started_at=now,
        )
        journal_append(actor=None, action=J.SESSION_START, subject=session, note=device.serial)
    return session


def publish_refusal_record(
    *, device: Device | None, name: str, reason: str, addr: str = ""
) -> PublishRefusal:
    """Count a refused publish in its bucket — the hour, the device (any name that is not a
    registered device shares one bucket) and the reason — and journal the 1st, 10th, 100th …
    of each bucket (``rules.refusal_journaled``): the journal shows who was refused, when and
    how often (at least), and an unauthenticated flood cannot grow it without bound."""
    now = timezone.now()
    window = now.replace(minute=0, second=0, microsecond=0)
    source = device.serial if device is not None else ""
    with transaction.atomic():
        try:
            with transaction.atomic():
                row, _created = PublishRefusal.objects.get_or_create(
                    window=window,
                    source=source,
                    reason=reason,
                    defaults={"device": device, "first_at": now, "last_at": now},
                )
        except IntegrityError:  # the same bucket opened by a concurrent refusal
            row = PublishRefusal.objects.get(window=window, source=source, reason=reason)
        PublishRefusal.objects.filter(pk=row.pk).update(
            count=F("count") + 1, last_at=now, last_name=(name or "")[:64], last_addr=(addr or "")[:64]
        )
        row.refresh_from_db()
        if rules.refusal_journaled(row.count):
            mark = PublishRefusalMark.objects.create(
                bucket=row, count=row.count, at=now, name=(name or "")[:64], addr=(addr or "")[:64]
            )
            journal_append(
                actor=None,
                action=J.PUBLISH_REFUSED,
                subject=mark,
                note=f"{source or '-'} {reason} x{row.count}",
            )
    return row


def live_view_record(*, actor: Any, device: Device) -> LiveView | None:
    """查阅留痕 of live video: the first time ``actor`` asks for the stream of ``device``'s open
    session, journaled (``live:session:view``); later playlist requests of the same session by
    the same person add nothing (the player asks every second)."""
    session = LiveSession.objects.filter(device=device, ended_at__isnull=True).order_by("-started_at").first()
    if session is None or not getattr(actor, "pk", None):
        return None
    seen = LiveView.objects.filter(session=session, user=actor).first()
    if seen is not None:
        return seen
    try:
        with transaction.atomic():
            view = LiveView.objects.create(session=session, user=actor, at=timezone.now())
            journal_append(actor=actor, action=J.SESSION_VIEW, subject=view, note=device.serial)
    except IntegrityError:  # a second request of the same person got there first
        return LiveView.objects.filter(session=session, user=actor).first()
    return view


def _close(session: LiveSession, *, at: dt.datetime, note: str = "") -> None:
    before = journal_snapshot(session)
    session.ended_at = at
    session.status = LiveSession.Status.ENDED
    if note:
        session.note = note[:300]
    session.save(update_fields=["ended_at", "status", "note"])
    journal_append(
        actor=None, action=J.SESSION_STOP, subject=session, before=before, note=session.device.serial
    )


def _session_of(serial: str, client_id: str) -> LiveSession | None:
    qs = LiveSession.objects.select_for_update().select_related("device").filter(device__serial=serial)
    return qs.filter(client_id=client_id).order_by("-started_at").first() or (
        qs.filter(ended_at__isnull=True).order_by("-started_at").first()
    )


def publish_done(*, serial: str, client_id: str = "") -> LiveSession | None:
    """nginx's ``on_publish_done``: the live session ends (journaled)."""
    with transaction.atomic():
        session = _session_of(serial, client_id)
        if session is None or session.ended_at is not None:
            return session
        _close(session, at=timezone.now())
    return session


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def record_done(*, serial: str, client_id: str = "", path: str = "") -> LiveSession | None:
    """nginx's ``on_record_done``: the recording file is closed. It is noted on the session
    (journaled) and, after commit, hashed into the vault and proposed as evidence
    (``recording_file``; a Celery task, in process in the embedded default)."""
    p = Path(path)
    if not path or not _inside(p, Path(settings.LAWTRAIL_LIVE_RECORD_DIR)) or not p.is_file():
        log.warning("live record_done ignored: %r is not a recording of ours", path[:300])
        return None
    with transaction.atomic():
        session = _session_of(serial, client_id)
        if session is None or session.record_path:
            return session
        if session.ended_at is None:
            # nginx may send on_record_done before on_publish_done: the recording closing ends
            # the session (journaled as its stop), and the later publish_done changes nothing
            _close(session, at=timezone.now())
        before = journal_snapshot(session)
        session.record_path = str(p)[:500]
        session.save(update_fields=["record_path"])
        journal_append(actor=None, action=J.SESSION_RECORDED, subject=session, before=before)
        session_id = session.pk
        transaction.on_commit(lambda: _queue_file(session_id))
    return session


def _queue_file(session_id: int) -> None:
    from .tasks import recording_file_task  # noqa: PLC0415 — cycle: tasks imports services

    recording_file_task.delay(session_id)


def remux_mp4(src: Path, out: Path) -> Path:
    """FLV as nginx recorded it → MP4 (the same streams, not re-encoded; the index in front so a
    browser plays it while it loads)."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(src),
         "-map", "0", "-c", "copy", "-movflags", "+faststart", str(out)],
        check=True, capture_output=True, timeout=3600,
    )  # fmt: skip
    return out


def _filer(session: LiveSession) -> Any:
    """Who files the recording: the device's holder at the start, else the case's handler — if
    they may handle the case (the evidence file names them as uploader)."""
    case = session.case
    for person in (session.holder, getattr(case, "handler", None)):
        if person is not None and user_has_perm(person, Perm.CASE_HANDLE, case.agency):
            return person
    return None


def recording_file(*, session_id: int) -> LiveSession:
    """The finished recording of a live session: remuxed to MP4, hashed into the vault (SHA-256
    and SM3) and — when the device recorded for a case — proposed as an evidence file of that case
    (recording's ``evidence_file_add``: custody captured → uploaded, journaled), shown on the case
    page unlinked until an officer links it to an evidence item or step. Without a case (or
    nobody who may handle it) the recording is kept in the vault on the session."""
    session = LiveSession.objects.select_related("device", "case__agency", "holder").get(pk=session_id)
    if session.blob_id is not None or not session.record_path:
        return session
    src = Path(session.record_path)
    name = f"{session.device.serial}-{timezone.localtime(session.started_at):%Y%m%d-%H%M%S}.mp4"
    with tempfile.TemporaryDirectory(prefix="lawtrail-live-") as work:
        try:
            mp4 = remux_mp4(src, Path(work) / name)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            log.error("live recording %s: remux failed: %s", src, detail[-500:])
            return _mark(session, LiveSession.Status.FAILED, _("录像转封装失败"))
        with transaction.atomic():
            session = LiveSession.objects.select_for_update().get(pk=session_id)
            if session.blob_id is not None:
                return session
            before = journal_snapshot(session)
            filer = _filer(session) if session.case is not None else None
            file = None
            if filer is not None:
                try:
                    with transaction.atomic():
                        file = recording.evidence_file_add(
                            actor=filer,
                            case=session.case,
                            path=mp4,
                            name=name,
                            media_type="video/mp4",
                            device=session.device,
                            captured_by=session.holder or filer,
                            captured_at=session.started_at,
                            note=_("现场直播录像（%(serial)s）") % {"serial": session.device.serial},
                        )
                except ApplicationError as exc:  # e.g. the case was archived meanwhile
                    log.warning("live recording %s not proposed: %s (%s)", src, exc, exc.code)
                    session.note = f"{exc}（{exc.code}）"[:300]
            if file is not None:
                session.blob_id, session.evidence_file = file.blob_id, file
                session.status = LiveSession.Status.FILED
            else:
                with open(mp4, "rb") as f:
                    session.blob = vault_put(f, actor=None, media_type="video/mp4", name=name)
                session.status = LiveSession.Status.KEPT
            session.save(update_fields=["blob", "evidence_file", "status", "note"])
            journal_append(actor=None, action=J.SESSION_FILE, subject=session, before=before)
    # the vault holds it now (hashes checked); nginx's copy is no longer needed
    src.unlink(missing_ok=True)
    return session


def _mark(session: LiveSession, status: str, note: str) -> LiveSession:
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session.pk)
        before = journal_snapshot(session)
        session.status, session.note = status, note[:300]
        session.save(update_fields=["status", "note"])
        journal_append(actor=None, action=J.SESSION_FILE, subject=session, before=before)
    return session


# ----------------------------------------------------------------------------- telemetry (MQTT)


def _device_of(agency_code: str, serial: str) -> Device | None:
    """The device of a topic: its serial under its own agency's credit code (a device cannot
    report for another agency's device)."""
    return Device.objects.filter(serial=serial, agency__credit_code=agency_code, active=True).first()


def telemetry_record(*, agency_code: str, serial: str, telemetry: Telemetry) -> DeviceState | None:
    """A telemetry message of a registered, active device: its live state (not journaled — see
    ``DeviceState.JOURNAL_EXEMPT``). Unknown devices are ignored (logged)."""
    device = _device_of(agency_code, serial)
    if device is None:
        log.info("telemetry of an unknown device ignored: %s/%s", agency_code[:18], serial[:64])
        return None
    now = timezone.now()
    fields: dict[str, Any] = {"online": True, "last_seen": now, "reported_at": telemetry.at}
    if telemetry.latitude is not None and telemetry.longitude is not None:
        fields["latitude"] = Decimal(str(round(telemetry.latitude, 6)))
        fields["longitude"] = Decimal(str(round(telemetry.longitude, 6)))
    if telemetry.altitude is not None:
        fields["altitude"] = telemetry.altitude
    if telemetry.battery is not None:
        fields["battery"] = telemetry.battery
    if telemetry.recording is not None:
        fields["recording"] = telemetry.recording
    state, _created = DeviceState.objects.update_or_create(device=device, defaults=fields)
    return state


def status_record(*, agency_code: str, serial: str, online: bool) -> DeviceState | None:
    """``online`` / ``offline`` (the device's retained status or its MQTT will)."""
    device = _device_of(agency_code, serial)
    if device is None:
        return None
    fields: dict[str, Any] = {"online": online, "last_seen": timezone.now()}
    if not online:
        fields["recording"] = False
    state, _created = DeviceState.objects.update_or_create(device=device, defaults=fields)
    return state
