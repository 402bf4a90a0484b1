"""Resumable uploads: the tus 1.0.0 protocol (https://tus.io/protocols/resumable-upload) — core,
creation, termination and checksum — for phones and body-camera docking stations, into the vault.

    OPTIONS /api/v1/recording/uploads           Tus-Version, Tus-Extension, Tus-Max-Size, algorithms
    POST    /api/v1/recording/uploads           Upload-Length + Upload-Metadata (case, filename …) → 201 Location
    HEAD    /api/v1/recording/uploads/<uid>     Upload-Offset, Upload-Length
    PATCH   /api/v1/recording/uploads/<uid>     application/offset+octet-stream at Upload-Offset
                                                (Upload-Checksum: <algo> <base64> checks this request's bytes)
    DELETE  /api/v1/recording/uploads/<uid>     termination

The body is read in 1 MiB pieces and written to a staging file beside the vault while SHA-256 is
computed (``core.vault.hashing.Digests``, in a helper thread): memory stays constant whatever the
size. The answer to the last piece comes once the file is stored and journaled under its SHA-256;
its SM3 is computed by the vault from the stored bytes after the answer and journaled in turn
(``vault_sm3_fill``) — SM3 (≈ 300 MB/s on one core) would otherwise bound every upload. The
offset is saved every few MiB, so a connection cut or a killed server loses at most the last
piece; on resume in a new process the digests are rebuilt by reading the staged bytes once, and
bytes past the saved offset are cut off. With ``Upload-Checksum`` the piece is hashed for the
checksum as it is written and added to the digests only once the checksum agrees; a mismatch
answers 460 and the piece is discarded. On the last byte the staged file is adopted by the vault
(a hard link on local disk) and recorded as an evidence file of the case named in the metadata.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import hashlib
import json
import os
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import APIException
from rest_framework.views import APIView

from lawtrail.cases.selectors import case_get_for
from lawtrail.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from lawtrail.core.permissions import Perm
from lawtrail.core.vault.hashing import Digests
from lawtrail.core.vault.services import staging_dir
from lawtrail.core.vault.sniff import SNIFF_BYTES
from lawtrail.registry.selectors import require_perm

from . import api, services
from .models import Upload

VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum"
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
CHUNK = 1 << 20
#: how often (bytes) the offset of a running PATCH is saved: what a kill -9 can lose
SAVE_EVERY = 8 << 20
TAG = ["执法全过程记录"]


def max_size() -> int:
    return int(getattr(settings, "LAWTRAIL_UPLOAD_MAX_BYTES", 16 << 30))


# ----------------------------------------------------------------------------- digests across requests

_DIGESTS: OrderedDict[str, tuple[int, Digests]] = OrderedDict()
_DIGESTS_LOCK = threading.Lock()
_KEEP = 64


def _digests_for(upload: Upload, path: Path) -> Digests:
    """The running digests of ``upload`` at its saved offset: this process's, or rebuilt from the
    staged bytes (after a restart, or when another worker took the previous piece)."""
    with _DIGESTS_LOCK:
        hit = _DIGESTS.pop(upload.uid, None)
    if hit is not None and hit[0] == upload.offset:
        return hit[1]
    d = Digests(sm3=False)
    with open(path, "rb") as f:
        left = upload.offset
        while left > 0:
            buf = f.read(min(CHUNK, left))
            if not buf:
                break
            d.update(buf)
            left -= len(buf)
    return d


def _keep_digests(uid: str, offset: int, d: Digests) -> None:
    with _DIGESTS_LOCK:
        _DIGESTS[uid] = (offset, d)
        while len(_DIGESTS) > _KEEP:
            _DIGESTS.popitem(last=False)


# ----------------------------------------------------------------------------- responses


def _response(status: int, **headers: Any) -> HttpResponse:
    r = HttpResponse(status=status)
    r["Tus-Resumable"] = VERSION
    r["Cache-Control"] = "no-store"
    for k, v in headers.items():
        r[k.replace("_", "-")] = str(v)
    return r


def _refusal(status: int, code: str, message: str) -> HttpResponse:
    """A tus-protocol refusal (412, 413, 460 …): the status the protocol names, our code in a header
    and the body."""
    r = HttpResponse(
        json.dumps({"code": code, "message": message}, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    r["Tus-Resumable"] = VERSION
    r["Tus-Version"] = VERSION
    r["X-Error-Code"] = code
    return r


def parse_metadata(value: str) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs (value optional)."""
    out: dict[str, str] = {}
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        key, _sep, b64 = part.partition(" ")
        try:
            out[key] = base64.b64decode(b64.strip(), validate=True).decode("utf-8") if b64.strip() else ""
        except (binascii.Error, UnicodeDecodeError):
            raise ValidationFailed(
                _("上传请求有误：%(field)s。") % {"field": "Upload-Metadata"}, code="RECORDING_UPLOAD_INVALID"
            ) from None
    return out


class TusVersionRefused(APIException):
    status_code = 412
    default_code = "RECORDING_UPLOAD_VERSION"
    default_detail = "不支持的 tus 协议版本。"


class TusView(APIView):
    """Shared: every answer carries ``Tus-Resumable``; a request without it is refused (412)."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "OPTIONS":  # discovery needs no account (the protocol's own rule)
            return self.discovery()
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and permission first
        if request.headers.get("Tus-Resumable") != VERSION:
            raise TusVersionRefused()

    def handle_exception(self, exc):
        if isinstance(exc, TusVersionRefused):
            return _refusal(412, "RECORDING_UPLOAD_VERSION", _("不支持的 tus 协议版本。"))
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = VERSION
        return response

    def discovery(self) -> HttpResponse:
        return _response(
            204,
            Tus_Version=VERSION,
            Tus_Extension=EXTENSIONS,
            Tus_Max_Size=max_size(),
            Tus_Checksum_Algorithm=",".join(CHECKSUMS),
        )


class UploadsView(TusView):
    """Creation: an upload of ``Upload-Length`` bytes for the case named in ``Upload-Metadata``
    (``case``, ``filename``, ``filetype``; optional ``evidence_id``, ``step``, ``device_id``,
    ``captured_at``, ``place``, ``note``, ``late_reason``)."""

    @extend_schema(tags=TAG, request=None, responses={201: None, **api.ERRORS})
    def post(self, request):
        try:
            length = int(request.headers.get("Upload-Length", ""))
        except ValueError:
            return _refusal(
                400, "RECORDING_UPLOAD_INVALID", _("上传请求有误：%(field)s。") % {"field": "Upload-Length"}
            )
        if length <= 0:
            return _refusal(
                400, "RECORDING_UPLOAD_INVALID", _("上传请求有误：%(field)s。") % {"field": "Upload-Length"}
            )
        if length > max_size():
            return _refusal(413, "RECORDING_UPLOAD_TOO_LARGE", _("文件超过允许的最大大小。"))
        meta = parse_metadata(request.headers.get("Upload-Metadata", ""))
        try:
            case_id = int(meta.get("case") or "")
        except ValueError:
            raise ValidationFailed(
                _("上传请求有误：%(field)s。") % {"field": "case"}, code="RECORDING_UPLOAD_INVALID"
            ) from None
        case = case_get_for(request.user, case_id)
        require_perm(request.user, Perm.CASE_HANDLE, case.agency)
        if case.state in services.SEALED:
            raise Conflict(_("该证据文件当前不能办理此操作。"), code="RECORDING_STATE_CONFLICT")
        api.upload_params(meta, case)  # refuse a wrong description now, not after the last byte
        uid = uuid.uuid4().hex
        path = staging_dir() / f"tus-{uid}"
        path.touch(exist_ok=False)
        Upload.objects.create(
            uid=uid,
            created_by=request.user,
            created_at=timezone.now(),
            length=length,
            metadata=meta,
            staging=str(path),
        )
        location = request.build_absolute_uri(reverse("recording-upload", args=[uid]))
        return _response(201, Location=location, Upload_Offset=0)


def _upload_for(request, uid: str) -> Upload:
    upload = Upload.objects.filter(uid=uid, created_by=request.user).first()
    if upload is None:
        raise NotFound(_("上传不存在或已结束。"), code="RECORDING_UPLOAD_NOT_FOUND")
    return upload


@contextlib.contextmanager
def _locked(path: Path, timeout: float = 15.0):
    """One PATCH at a time per upload (a resumed client may meet the handler of its cut request
    still running for a moment)."""
    fd = os.open(path, os.O_RDWR)
    try:
        end = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        yield fd
    finally:
        os.close(fd)  # releases the lock


class UploadView(TusView):
    @extend_schema(tags=TAG, request=None, responses={204: None, **api.ERRORS})
    def head(self, request, uid: str):
        upload = _upload_for(request, uid)
        return _response(200, Upload_Offset=upload.offset, Upload_Length=upload.length)

    @extend_schema(tags=TAG, request=None, responses={204: None, **api.ERRORS})
    def delete(self, request, uid: str):
        upload = _upload_for(request, uid)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(upload.staging)
        upload.delete()
        return _response(204)

    @extend_schema(tags=TAG, request=None, responses={204: None, **api.ERRORS})
    def patch(self, request, uid: str):
        if request.content_type != "application/offset+octet-stream":
            return _refusal(
                415, "RECORDING_UPLOAD_INVALID", _("上传请求有误：%(field)s。") % {"field": "Content-Type"}
            )
        upload = _upload_for(request, uid)
        try:
            offset = int(request.headers.get("Upload-Offset", ""))
        except ValueError:
            return _refusal(
                400, "RECORDING_UPLOAD_INVALID", _("上传请求有误：%(field)s。") % {"field": "Upload-Offset"}
            )
        checker = None
        expected = b""
        if "Upload-Checksum" in request.headers:
            algo, _sep, b64 = request.headers["Upload-Checksum"].strip().partition(" ")
            if algo.lower() not in CHECKSUMS:
                return _refusal(400, "RECORDING_UPLOAD_CHECKSUM_UNSUPPORTED", _("不支持该校验算法。"))
            try:
                expected = base64.b64decode(b64.strip(), validate=True)
            except binascii.Error:
                return _refusal(
                    400,
                    "RECORDING_UPLOAD_INVALID",
                    _("上传请求有误：%(field)s。") % {"field": "Upload-Checksum"},
                )
            checker = CHECKSUMS[algo.lower()]()
        path = Path(upload.staging)
        if upload.finished_file_id is not None or not path.exists():
            raise NotFound(_("上传不存在或已结束。"), code="RECORDING_UPLOAD_NOT_FOUND")
        with _locked(path) as fd:
            upload.refresh_from_db()
            if offset != upload.offset:
                return _refusal(
                    409,
                    "RECORDING_UPLOAD_OFFSET_MISMATCH",
                    _("上传位置不符：服务器已收到 %(offset)s 字节。") % {"offset": upload.offset},
                )
            return self._receive(request, upload, path, fd, checker, expected)

    def _receive(
        self, request, upload: Upload, path: Path, fd: int, checker, expected: bytes
    ) -> HttpResponse:
        os.ftruncate(fd, upload.offset)  # bytes of a piece never acknowledged (a kill, a bad checksum)
        digests = _digests_for(upload, path)
        start = upload.offset
        pos = start
        saved = start
        limit = upload.length - start
        stream = request._request  # the raw body: nothing has parsed it (not a form type)
        cut = False
        with os.fdopen(os.dup(fd), "r+b", buffering=0) as out:
            out.seek(start)
            while pos - start < limit:
                try:
                    buf = stream.read(min(CHUNK, limit - (pos - start)))
                except Exception:  # noqa: BLE001 — the client went away (the server's own error type): keep what arrived
                    cut = True
                    break
                if not buf:
                    break
                out.write(buf)
                if checker is not None:
                    checker.update(buf)
                else:
                    digests.update(buf)
                pos += len(buf)
                if checker is None and pos - saved >= SAVE_EVERY:
                    Upload.objects.filter(pk=upload.pk).update(offset=pos)
                    saved = pos
                    _keep_digests(upload.uid, pos, digests)
            extra = stream.read(1) if not cut and pos - start >= limit else b""
        if extra:
            os.ftruncate(fd, start)
            return _refusal(413, "RECORDING_UPLOAD_TOO_LARGE", _("文件超过允许的最大大小。"))
        if checker is not None:
            if cut or checker.digest() != expected:
                os.ftruncate(fd, start)
                _keep_digests(upload.uid, start, digests)
                return _refusal(
                    460, "RECORDING_UPLOAD_CHECKSUM_MISMATCH", _("数据块校验和不符，本块未保存。")
                )
            with open(path, "rb") as f:  # the piece agreed: now into the running digests
                f.seek(start)
                left = pos - start
                while left > 0:
                    buf = f.read(min(CHUNK, left))
                    digests.update(buf)
                    left -= len(buf)
        Upload.objects.filter(pk=upload.pk).update(offset=pos)
        upload.offset = pos
        if pos < upload.length:
            _keep_digests(upload.uid, pos, digests)
            return _response(204, Upload_Offset=pos)
        file = self._finish(request, upload, path, digests)
        return _response(204, Upload_Offset=pos, X_Evidence_File=file.pk)

    def _finish(self, request, upload: Upload, path: Path, digests: Digests):
        meta = upload.metadata or {}
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
        try:
            with transaction.atomic():
                case = case_get_for(request.user, int(meta["case"]))
                params = api.upload_params(meta, case)
                file = services.evidence_file_add(
                    actor=request.user,
                    case=case,
                    path=path,
                    name=meta.get("filename") or meta.get("name") or f"upload-{upload.uid}",
                    media_type=meta.get("filetype") or None,
                    digest=digests.result(),
                    head=head,
                    **params,
                )
                Upload.objects.filter(pk=upload.pk).update(finished_file=file)
        except ApplicationError:
            # refused after the last byte (the type by content, the case archived meanwhile): the
            # bytes are not kept; the client learns why from the answer
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            Upload.objects.filter(pk=upload.pk).delete()
            raise
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return file
