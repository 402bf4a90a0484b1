"""Pages of live (/backoffice/live/) and nginx-rtmp's callbacks (/live/rtmp/<token>/…).

The callbacks are called by the nginx LawTrail configured (deploy/nginx/lawtrail-rtmp.conf),
authenticated by the secret token in their path; any answer but 2xx refuses a publish.
"""

from __future__ import annotations

import hmac
import re
from pathlib import Path

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lawtrail.core.errors import ApplicationError, NotFound

from . import nginx, selectors, services

# ----------------------------------------------------------------------------- nginx-rtmp callbacks


@csrf_exempt
@require_POST
def rtmp_callback(request, token: str, call: str):
    if not hmac.compare_digest(token.encode(), nginx.callback_token().encode()):
        raise Http404
    form = request.POST
    serial, client_id = form.get("name", "")[:64], form.get("clientid", "")[:32]
    try:
        if call == "publish":
            services.publish_authorise(
                serial=serial, key=form.get("key", ""), client_id=client_id, addr=form.get("addr", "")
            )
        elif call == "publish_done":
            services.publish_done(serial=serial, client_id=client_id)
        elif call == "record_done":
            services.record_done(serial=serial, client_id=client_id, path=form.get("path", ""))
        else:
            raise Http404
    except ApplicationError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return HttpResponse(status=204)


# ----------------------------------------------------------------------------- the live page

# hls.js plays through Media Source Extensions: the <video> reads a blob: URL
LIVE_CSP = {"media-src": ["'self'", "blob:"], "worker-src": ["'self'", "blob:"]}


@login_required
@csp_update(LIVE_CSP)
def live_page(request):
    devices = selectors.live_devices_for(request.user)
    return render(
        request,
        "live/live.html",
        {
            "devices": devices,
            "offline": sum(1 for d in devices if not d.active),
            "sessions": selectors.sessions_for(request.user, limit=10),
            "poll_seconds": 2,
        },
    )


@login_required
def live_devices(request):
    """The list of active devices (htmx polls it; the map reads its data attributes)."""
    devices = selectors.live_devices_for(request.user)
    return render(
        request,
        "live/_devices.html",
        {"devices": devices, "offline": sum(1 for d in devices if not d.active)},
    )


HLS_NAME = re.compile(r"^(index\.m3u8|[0-9]{1,12}\.ts)$")
HLS_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t"}


@login_required
def hls_file(request, serial: str, name: str):
    """A live stream's playlist or fragment, for people who may watch the device; behind nginx
    handed to it by X-Accel-Redirect (LAWTRAIL_LIVE_HLS_ACCEL)."""
    device = selectors.watchable_device(request.user, serial)
    if not HLS_NAME.match(name):
        raise NotFound(_("该设备当前没有直播。"), code="LIVE_STREAM_NOT_FOUND")
    if name == "index.m3u8":  # 查阅留痕: the player starts (and keeps asking) with the playlist
        services.live_view_record(actor=request.user, device=device)
    accel = getattr(settings, "LAWTRAIL_LIVE_HLS_ACCEL", "")
    ctype = HLS_TYPES[Path(name).suffix]
    if accel:
        response = HttpResponse(content_type=ctype)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{device.serial}/{name}"
    else:
        path = Path(settings.LAWTRAIL_LIVE_HLS_DIR) / device.serial / name
        try:
            f = open(path, "rb")  # noqa: SIM115 — FileResponse closes it
        except OSError:
            raise NotFound(_("该设备当前没有直播。"), code="LIVE_STREAM_NOT_FOUND") from None
        response = FileResponse(f, content_type=ctype)
    response["Cache-Control"] = "no-cache" if name.endswith(".m3u8") else "private, max-age=60"
    return response
