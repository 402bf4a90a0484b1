"""The vault's writes and reads (see the package docstring for the API).

``vault_put`` streams a file once: SHA-256 and SM3 are computed while it is copied to a staging
file (``hashing.Digests``, constant memory), the type is read from the first bytes
(``sniff``), then the staging file becomes the stored object under its content address — a hard
link on local disk (no second copy), an upload through the storage API elsewhere. Content that is
already stored is not written again: the existing blob is returned.

Stored bytes are never modified. The only removal is ``vault_dispose`` — called by the approved,
journaled disposal of the capability that owns the file after its retention period — which
deletes the bytes and keeps the row (digests, size, when and on what basis).

SM3 after the answer (the resumable upload): ``vault_adopt`` also takes digests without SM3
(``Digest.sm3 == ""``). The blob is then stored and journaled under its SHA-256 — the content
address, fixed in the journal before the uploader is answered, so the file is tamper-evident from
that moment — with ``sm3`` empty ("SM3 待计算"). After commit ``vault_sm3_fill`` reads the stored
bytes once, recomputes SHA-256 beside SM3 (so the SM3 is of the very bytes the journal names),
fills the row and journals it (``vault:blob:sm3``). It runs in a background thread of the serving
process in the embedded default, as a Celery task in production, and ``vault_sm3_sweep`` (a
periodic job) catches any a killed process left. Whatever packages a file for use outside the
system (the archive) calls ``vault_sm3_ensure`` first, so no export carries an empty SM3.

Order of writes: bytes first, then the row and its journal entry in the caller's transaction. A
rolled-back transaction leaves at most an unreferenced stored object with the right name, which
the next put of the same content adopts: nothing is ever stored under a wrong name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.errors import Conflict, NotFound, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot

from .hashing import Digest, Digests, digest_of
from .journal_actions import VaultJournal
from .models import Blob, storage_key
from .sniff import SNIFF_BYTES, agrees, normalise, sniff

CHUNK = 1 << 20

log = logging.getLogger("lawtrail.vault")


def vault_storage() -> Storage:
    return storages["vault"]


def staging_dir() -> Path:
    """Where uploads and puts are written before they have a content address. On local disk it
    is beside the vault, so that adopting a file is a link, not a copy."""
    path = Path(settings.LAWTRAIL_VAULT_STAGING_DIR)
    storage = vault_storage()
    if isinstance(storage, FileSystemStorage):
        path = Path(storage.location).parent / (Path(storage.location).name + "-staging")
    path.mkdir(parents=True, exist_ok=True)
    return path


def staging_file() -> tuple[Path, BinaryIO]:
    path = staging_dir() / f"put-{uuid.uuid4().hex}"
    return path, open(path, "xb")  # noqa: SIM115 — closed by the caller


# ----------------------------------------------------------------------------- writing


def vault_put(fileobj: IO[bytes], *, actor: Any, media_type: str | None = None, name: str = "") -> Blob:
    """Store what ``fileobj`` still has to read; return its blob (the existing one when the same
    content is stored already). ``media_type`` is what the caller declares: it must agree with
    the type read from the content (``VAULT_MEDIA_TYPE_MISMATCH`` otherwise); the blob records
    the type read from the content. Journaled in the caller's transaction (or its own)."""
    path, out = staging_file()
    try:
        digests = Digests()
        head = b""
        with out:
            while True:
                buf = fileobj.read(CHUNK)
                if not buf:
                    break
                if len(head) < SNIFF_BYTES:
                    head += bytes(buf[: SNIFF_BYTES - len(head)])
                digests.update(buf)
                out.write(buf)
            out.flush()
            os.fsync(out.fileno())
        return vault_adopt(
            path, digest=digests.result(), head=head, actor=actor, media_type=media_type, name=name
        )
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def vault_adopt(
    path: Path,
    *,
    digest: Digest,
    actor: Any,
    head: bytes | None = None,
    media_type: str | None = None,
    name: str = "",
) -> Blob:
    """Store a staged file whose digests were computed while it was written (``vault_put``, the
    resumable upload). The staged file is left in place for the caller to remove."""
    if digest.size == 0:
        raise ValidationFailed(_("文件为空，不能存入保管库。"), code="VAULT_EMPTY_FILE")
    if head is None:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    detected = sniff(head)
    if media_type and not agrees(media_type, detected):
        raise ValidationFailed(
            _("文件内容与声明的类型不符：声明为 %(declared)s，按内容识别为 %(detected)s。")
            % {"declared": normalise(media_type), "detected": detected},
            code="VAULT_MEDIA_TYPE_MISMATCH",
            details={"declared": normalise(media_type), "detected": detected},
        )
    if detected in {"application/octet-stream", "text/plain"} and media_type:
        detected = normalise(media_type)  # libmagic cannot tell more; the declaration agrees (see agrees)
    existing = Blob.objects.filter(sha256=digest.sha256).first()
    if existing is not None and existing.disposed_at is None:
        return existing
    _store(path, digest.sha256)
    with transaction.atomic():
        if existing is not None:  # disposed earlier and brought again: the content is stored anew
            before = journal_snapshot(existing)
            existing.disposed_at, existing.disposal_basis = None, ""
            existing.save(update_fields=["disposed_at", "disposal_basis"])
            journal_append(actor=actor, action=VaultJournal.BLOB_PUT, subject=existing, before=before)
            return existing
        blob = Blob(
            sha256=digest.sha256,
            sm3=digest.sm3,
            size=digest.size,
            media_type=detected[:128],
            name=(name or "")[:255],
            created_at=timezone.now(),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        try:
            with transaction.atomic():
                blob.save()
        except IntegrityError:  # the same content committed by someone else meanwhile
            return Blob.objects.get(sha256=digest.sha256)
        journal_append(actor=actor, action=VaultJournal.BLOB_PUT, subject=blob, note=(name or "")[:200])
        if not blob.sm3:
            blob_id = blob.pk
            transaction.on_commit(lambda: _queue_sm3(blob_id))
    return blob


# ----------------------------------------------------------------------------- SM3 after the answer

_sm3_pool: ThreadPoolExecutor | None = None
_sm3_pool_lock = threading.Lock()
#: a blob whose SM3 is still empty this long after it was stored is filled by the sweep (a process
#: killed before its background fill ran); younger ones are left to the fill already queued
SWEEP_AFTER = dt.timedelta(minutes=2)


def _queue_sm3(blob_id: int) -> None:
    """After commit: compute the SM3 of a blob stored without it — a Celery task when there is a
    broker, else one background thread of this process (not the request's: the uploader has
    had its answer; the sweep is the backstop if this process dies first)."""
    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True):
        from .tasks import sm3_fill_task  # noqa: PLC0415 — cycle: tasks imports services

        sm3_fill_task.delay(blob_id)
        return
    if getattr(settings, "LAWTRAIL_VAULT_SM3_INLINE", False):
        vault_sm3_fill(blob_id=blob_id)  # tests that want the fill done at commit
        return
    global _sm3_pool
    with _sm3_pool_lock:
        if _sm3_pool is None:
            _sm3_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vault-sm3-fill")
    _sm3_pool.submit(_fill_in_thread, blob_id)


def _fill_in_thread(blob_id: int) -> None:
    try:
        vault_sm3_fill(blob_id=blob_id)
    except Exception:  # noqa: BLE001 — a background thread has no caller: log it, the sweep retries
        log.exception("SM3 of vault blob %s failed; the sweep will try again", blob_id)
    finally:
        close_old_connections()


def vault_sm3_fill(*, blob_id: int) -> Blob | None:
    """Compute the SM3 of a blob stored without it, from the stored bytes, and journal it. The
    SHA-256 is recomputed in the same pass: bytes that no longer match their content address get
    no SM3 (``VAULT_BLOB_DAMAGED``, logged; ``vault_verify`` reports the blob). Idempotent."""
    blob = Blob.objects.filter(pk=blob_id).first()
    if blob is None or blob.sm3 or blob.disposed_at is not None:
        return blob
    with vault_open(blob) as f:
        d = digest_of(f)
    if d.sha256 != blob.sha256 or d.size != blob.size:
        log.error("vault blob %s: stored bytes do not match their SHA-256; SM3 not recorded", blob.sha256)
        raise Conflict(_("保管库中的文件与其摘要不符。"), code="VAULT_BLOB_DAMAGED")
    with transaction.atomic():
        blob = Blob.objects.select_for_update().get(pk=blob_id)
        if blob.sm3:
            return blob
        before = journal_snapshot(blob)
        blob.sm3 = d.sm3
        blob.save(update_fields=["sm3"])
        journal_append(
            actor=None, action=VaultJournal.BLOB_SM3, subject=blob, before=before, note=f"sm3={d.sm3}"
        )
    return blob


def vault_sm3_ensure(blob: Blob) -> Blob:
    """``blob`` with its SM3 — computed now if it is still pending (before an export)."""
    if blob.sm3 or blob.disposed_at is not None:
        return blob
    filled = vault_sm3_fill(blob_id=blob.pk)
    assert filled is not None
    return filled


def vault_sm3_sweep(*, older_than: dt.timedelta = SWEEP_AFTER) -> int:
    """Fill the SM3 of blobs left pending (the periodic job): how many were filled."""
    done = 0
    cutoff = timezone.now() - older_than
    for pk in Blob.objects.filter(sm3="", disposed_at__isnull=True, created_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        try:
            vault_sm3_fill(blob_id=pk)
        except Conflict:
            continue  # damaged: logged; vault_verify names it
        done += 1
    return done


def _store(path: Path, sha256: str) -> None:
    """Put the staged file under its content address, unless an object is already there."""
    key = storage_key(sha256)
    storage = vault_storage()
    if isinstance(storage, FileSystemStorage):
        target = Path(storage.path(key))
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)  # atomic; fails when the name exists (same content: keep it)
        except FileExistsError:
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            _copy_into(path, target)
        with contextlib.suppress(OSError):
            os.chmod(target, 0o444)
        return
    if storage.exists(key):
        return
    with open(path, "rb") as f:
        saved = storage.save(key, File(f, name=key))
    if saved != key:  # a storage that renamed instead of overwriting: the object is already there
        storage.delete(saved)


def _copy_into(path: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".in-")
    with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
        while buf := src.read(CHUNK):
            out.write(buf)
        out.flush()
        os.fsync(out.fileno())
    try:
        os.link(tmp, target)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


def vault_dispose(blob: Blob, *, actor: Any, basis: str) -> Blob:
    """Delete the stored bytes of ``blob`` and record the disposal on its row (journaled). Only
    the owning capability's approved disposal calls this, after the retention period."""
    if not (basis or "").strip():
        raise ValidationFailed(
            _("处置文件须写明依据（审批文号或理由）。"), code="VAULT_DISPOSE_REASON_REQUIRED"
        )
    with transaction.atomic():
        blob = Blob.objects.select_for_update().get(pk=blob.pk)
        if blob.disposed_at is not None:
            return blob
        before = journal_snapshot(blob)
        blob.disposed_at, blob.disposal_basis = timezone.now(), basis.strip()[:300]
        blob.save(update_fields=["disposed_at", "disposal_basis"])
        journal_append(actor=actor, action=VaultJournal.BLOB_DISPOSE, subject=blob, before=before)
        key = blob.key
        transaction.on_commit(lambda: _delete_bytes(key))
    return blob


def _delete_bytes(key: str) -> None:
    storage = vault_storage()
    if isinstance(storage, FileSystemStorage):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(storage.path(key), 0o644)
    storage.delete(key)


# ----------------------------------------------------------------------------- reading


def vault_get(sha256: str) -> Blob:
    blob = Blob.objects.filter(sha256=(sha256 or "").lower()).first()
    if blob is None:
        raise NotFound(_("保管库中没有该文件。"), code="VAULT_BLOB_NOT_FOUND")
    return blob


def vault_open(blob: Blob) -> IO[bytes]:
    """The stored bytes, as a binary file (the caller closes it)."""
    if blob.disposed_at is not None:
        raise Conflict(_("该文件已按规定处置，原始内容已不再保存。"), code="VAULT_BLOB_DISPOSED")
    storage = vault_storage()
    try:
        return storage.open(blob.key, "rb")
    except FileNotFoundError as exc:
        raise NotFound(_("保管库中没有该文件。"), code="VAULT_BLOB_NOT_FOUND") from exc


def vault_verify(blob: Blob) -> bool:
    """Re-read the stored bytes and check size, SHA-256 and SM3 against the row (SM3 when it is
    known: a blob whose SM3 is still pending is checked by size and SHA-256)."""
    if blob.disposed_at is not None:
        return False
    try:
        with vault_open(blob) as f:
            d = digest_of(f)
    except (NotFound, FileNotFoundError, OSError):
        return False
    return d.sha256 == blob.sha256 and d.sm3 == (blob.sm3 or d.sm3) and d.size == blob.size
