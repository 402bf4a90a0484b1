"""What a person may see of live devices: officers of the agency and its leaders (办案 or 审批
permission over the device's agency), admins everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.errors import NotFound, PermissionDenied
from lawtrail.core.permissions import Perm
from lawtrail.recording.models import Device
from lawtrail.registry.selectors import agency_ids_in_scope

from . import rules
from .models import DeviceState, LiveSession

#: a device that has not reported for this long is shown offline (its will may have been lost)
STALE_SECONDS = 30
#: who watches: officers (办案) and leaders (审批) of the device's agency
WATCH_PERMS = (Perm.CASE_HANDLE, Perm.CASE_APPROVE)


def watch_agency_ids(actor: Any) -> set[int] | None:
    """Agencies whose devices ``actor`` may watch; None = all (a global admin)."""
    ids: set[int] = set()
    for perm in WATCH_PERMS:
        got = agency_ids_in_scope(actor, perm)
        if got is None:
            return None
        ids |= got
    return ids


def may_watch(actor: Any) -> bool:
    ids = watch_agency_ids(actor)
    return ids is None or bool(ids)


def require_watcher(actor: Any) -> set[int] | None:
    ids = watch_agency_ids(actor)
    if ids is not None and not ids:
        raise PermissionDenied(_("只有本机关的执法人员和负责人可以查看现场直播。"), code="LIVE_NOT_ALLOWED")
    return ids


@dataclass
class LiveDevice:
    device: Device
    state: DeviceState | None
    online: bool
    session: LiveSession | None  # the open publish, if streaming

    @property
    def active(self) -> bool:
        return self.online or self.session is not None

    @property
    def has_position(self) -> bool:
        return self.state is not None and self.state.latitude is not None


def live_devices_for(actor: Any) -> list[LiveDevice]:
    """Every device in use of the agencies ``actor`` may watch, with its last state and open
    live session: the active ones (online or streaming) first."""
    ids = require_watcher(actor)
    qs = (
        Device.objects.filter(active=True)
        .select_related("agency", "holder", "case", "live_state")
        .prefetch_related(
            Prefetch(
                "live_sessions",
                queryset=LiveSession.objects.filter(ended_at__isnull=True).order_by("-started_at"),
                to_attr="open_sessions",
            )
        )
        .order_by("agency_id", "serial")
    )
    if ids is not None:
        qs = qs.filter(agency_id__in=ids)
    now = timezone.now()
    out = []
    for d in qs:
        state = getattr(d, "live_state", None)
        online = state is not None and rules.is_online(
            online=state.online, last_seen=state.last_seen, now=now, stale_seconds=STALE_SECONDS
        )
        session = d.open_sessions[0] if d.open_sessions else None
        if session is not None and not _stream_fresh(d.serial, session, now):
            session = None  # nginx went away without saying the publish ended
        out.append(LiveDevice(d, state, online, session))
    out.sort(key=lambda x: (not x.active, x.device.agency_id, x.device.serial))
    return out


def _stream_fresh(serial: str, session: LiveSession, now) -> bool:
    """An open session counts as streaming while nginx keeps rewriting its HLS playlist (or in
    its first seconds, before the first fragment)."""
    if (now - session.started_at).total_seconds() <= STALE_SECONDS:
        return True
    try:
        mtime = (Path(settings.LAWTRAIL_LIVE_HLS_DIR) / serial / "index.m3u8").stat().st_mtime
    except OSError:
        return False
    return now.timestamp() - mtime <= STALE_SECONDS


def watchable_device(actor: Any, serial: str) -> Device:
    """A device ``actor`` may watch, by serial (404 otherwise, whether or not it exists)."""
    ids = require_watcher(actor)
    qs = Device.objects.filter(serial=serial, active=True)
    if ids is not None:
        qs = qs.filter(agency_id__in=ids)
    device = qs.first()
    if device is None:
        raise NotFound(_("设备不存在或您无权查看。"), code="LIVE_DEVICE_NOT_FOUND")
    return device


def sessions_for(actor: Any, limit: int = 20) -> list[LiveSession]:
    ids = require_watcher(actor)
    qs = LiveSession.objects.select_related("device", "case", "holder", "evidence_file").prefetch_related(
        "views__user"
    )
    if ids is not None:
        qs = qs.filter(device__agency_id__in=ids)
    return list(qs.order_by("-started_at")[:limit])
