"""Building, sealing and handing out the archive package of a case (一案一卷, G118-9).

Two steps, because a package carries the signed checkpoint that covers its own manifest:

1. ``package_start`` — the outbox consumer of the archive step, in the delivery's transaction:
   the case file (``cases.extensions.case_file_for``: issued documents, evidence files …) and a
   卷内目录 page, a manifest (case, archive number, each file's title, SHA-256, SM3, size, type,
   and the vault row its journal entry recorded; the leaf hash of every journal entry of the
   case), the manifest stored in the vault and its SHA-256 journaled (``archive:package:manifest``).
   Evidence files get their 导出 custody event.
2. ``package_seal`` — after that commits (a task; the periodic ``archive.seal_pending`` picks
   up what failed): a checkpoint is signed over the journal, every listed entry's inclusion proof
   is taken at its size, and the ZIP (manifest, files, 卷内目录, entries with proofs, checkpoint,
   public key) is stored in the vault and journaled (``archive:package:seal``).

``lawtrail verify-archive`` (``verify.py``) checks such a ZIP with no database.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import logging
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.cases import extensions
from lawtrail.cases.models import Case, State
from lawtrail.core.errors import Conflict, NotFound
from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.selectors import inclusion_proof
from lawtrail.core.journal.services import (
    canonical_digest,
    journal_append,
    journal_checkpoint,
    journal_snapshot,
)
from lawtrail.core.journal.signing import journal_key, signed_note
from lawtrail.core.vault import vault_open, vault_put, vault_sm3_ensure
from lawtrail.core.vault.hashing import new_sm3
from lawtrail.core.vault.models import Blob
from lawtrail.recording import services as recording_services
from lawtrail.recording.models import EvidenceFile

from .journal_actions import ArchiveJournal as J
from .models import ArchiveAccess, ArchivePackage

log = logging.getLogger(__name__)

FORMAT = "lawtrail-archive/1"
MANIFEST = "manifest.json"
INDEX_NAME = "卷内目录.html"
MANIFEST_NOTE = "manifest-sha256:"
CHUNK = 1024 * 1024
_CASE = "cases.case"
_MAX_DEPTH = 3
_case_paths: dict[str, str] | None = None

KIND_LABELS = {"document": "法律文书", "evidence": "证据文件", "transcript": "笔录", "index": "卷内目录"}


# ----------------------------------------------------------------------------- the case's journal


def _case_path(model: Any) -> str | None:
    """The ORM path from ``model`` to its case's id (``"case_id"``, ``"file__case_id"`` …)."""
    if model._meta.label_lower == _CASE:
        return "pk"
    queue: list[tuple[Any, str, int]] = [(model, "", 0)]
    while queue:
        current, prefix, depth = queue.pop(0)
        for f in current._meta.get_fields():
            if not ((f.many_to_one or f.one_to_one) and f.concrete and f.related_model is not None):
                continue
            if f.related_model._meta.label_lower == _CASE:
                return f"{prefix}{f.name}_id"
            if depth + 1 < _MAX_DEPTH and f.related_model._meta.app_label not in {
                "auth",
                "registry",
                "vault",
            }:
                queue.append((f.related_model, f"{prefix}{f.name}__", depth + 1))
    return None


def case_subject_paths() -> dict[str, str]:
    """``{model label: path to its case's id}`` for every installed model that belongs to a case
    (found once by introspection: a capability's new table is covered without registering)."""
    global _case_paths
    if _case_paths is None:
        found = {}
        for m in apps.get_models():
            if m._meta.app_label in {"archive", "journal"}:
                continue
            path = _case_path(m)
            if path is not None:
                found[m._meta.label_lower] = path
        _case_paths = found
    return _case_paths


def case_entries(case: Case, *, blob_ids: set[int]) -> list[Entry]:
    """Every journal entry about ``case``: its own row and every row belonging to it (events,
    parties, evidence, approvals, measures, documents, evidence files, custody …), and the vault
    rows of the files in its package — in the order they were written."""
    q = Q(pk__in=[])
    for label, path in case_subject_paths().items():
        model = apps.get_model(label)
        ids = (
            model._default_manager.filter(**{path: case.pk})
            .annotate(_sid=Cast("pk", CharField()))
            .values("_sid")
        )
        q |= Q(subject_type=label, subject_id__in=ids)
    if blob_ids:
        q |= Q(subject_type="vault.blob", subject_id__in=[str(i) for i in sorted(blob_ids)])
    return list(Entry.objects.filter(q).order_by("id"))


def _blob_entry(blob: Blob, entries: list[Entry]) -> tuple[dict[str, Any], Entry | None]:
    """The vault row as its latest journal entry recorded it: the snapshot and that entry."""
    snapshot = journal_snapshot(blob)
    digest = canonical_digest(snapshot)
    found = [e for e in entries if e.subject_type == "vault.blob" and e.subject_id == str(blob.pk)]
    match = next((e for e in reversed(found) if e.after_digest == digest), None)
    return snapshot, match


# ----------------------------------------------------------------------------- step 1: the manifest


def _safe_name(name: str) -> str:
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "_", name).strip(" .") or "file"
    return name[-80:]


def _index_html(case: Case, items: list[dict[str, Any]], *, created_at: dt.datetime) -> bytes:
    return render_to_string(
        "archive/index.html",
        {"case": case, "items": items, "created_at": created_at, "kinds": KIND_LABELS},
    ).encode()


def package_start(*, actor: Any, case: Case) -> ArchivePackage | None:
    """The archive step's consumer: fix the case file's manifest (idempotent: one per case)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("agency", "handler").get(pk=case.pk)
        if case.state != State.ARCHIVED:
            raise Conflict(
                _("案件归档后才能生成案卷档案包（《行政处罚法》第四十七条）。"),
                code="ARCHIVE_CASE_NOT_ARCHIVED",
            )
        existing = ArchivePackage.objects.filter(case=case).first()
        if existing is not None:
            return existing
        now = timezone.now()
        items = extensions.case_file_for(case)
        if any(i.blob is None for i in items):  # a paper issued at a step whose PDF is still being made
            raise Conflict(
                _("案卷中有文书正在制作（生成PDF并加盖电子印章），档案包稍后生成。"),
                code="ARCHIVE_FILE_PENDING",
                details={"refs": [i.ref for i in items if i.blob is None]},
            )
        exported = [
            int(i.ref.split(":", 1)[1])
            for i in items
            if i.app == "recording" and i.ref.startswith("evidence-file:")
        ]
        if exported:
            recording_services.files_exported(
                actor=actor,
                files=list(EvidenceFile.objects.filter(pk__in=exported).order_by("pk")),
                note=_("纳入案卷档案包 %(n)s") % {"n": case.archive_number},
            )
        rows: list[dict[str, Any]] = []
        for n, item in enumerate(items, start=1):
            name = _safe_name(item.filename or item.title)
            rows.append(
                {
                    "no": n,
                    "path": f"files/{n:03d}-{name}",
                    "title": item.title,
                    "kind": item.kind,
                    "app": item.app,
                    "ref": item.ref,
                    "date": item.on.isoformat() if item.on else None,
                    "blob": vault_sm3_ensure(item.blob),  # an upload's SM3 may still be pending
                    "meta": item.meta,
                }
            )
        index = _index_html(case, rows, created_at=now)
        index_blob = vault_put(io.BytesIO(index), actor=actor, media_type="text/html", name=INDEX_NAME)
        blobs = [index_blob, *(r["blob"] for r in rows)]
        entries = case_entries(case, blob_ids={b.pk for b in blobs})
        files = []
        for r in [
            {
                "no": 0,
                "path": INDEX_NAME,
                "title": _("卷内目录"),
                "kind": "index",
                "app": "archive",
                "ref": "index",
                "date": now.date().isoformat(),
                "blob": index_blob,
                "meta": {},
            },
            *rows,
        ]:
            blob = r.pop("blob")
            snapshot, entry = _blob_entry(blob, entries)
            files.append(
                {
                    **r,
                    "media_type": blob.media_type,
                    "size": blob.size,
                    "sha256": blob.sha256,
                    "sm3": blob.sm3,
                    "vault": snapshot,
                    "vault_entry": entry.leaf_hash if entry is not None else None,
                }
            )
        key = journal_key()
        manifest = {
            "format": FORMAT,
            "title": _("案卷档案包"),
            "created_at": now.isoformat(),
            "case": {
                "id": case.pk,
                "number": case.number,
                "title": case.title,
                "agency": case.agency.name,
                "archive_number": case.archive_number,
                "archived_on": case.archived_on.isoformat() if case.archived_on else None,
                "closed_on": case.closed_on.isoformat() if getattr(case, "closed_on", None) else None,
                "handler": str(case.handler) if case.handler_id else "",
            },
            "files": files,
            "journal": {
                "origin": key.origin,
                "public_key": key.public_b64,
                "key_id": key.key_id.hex(),
                "entries": [
                    {
                        "id": e.pk,
                        "leaf_hash": e.leaf_hash,
                        "at": e.at.isoformat(),
                        "action": e.action,
                        "subject": f"{e.subject_type}:{e.subject_id}",
                    }
                    for e in entries
                ],
            },
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        manifest_blob = vault_put(io.BytesIO(data), actor=actor, media_type="application/json", name=MANIFEST)
        package = ArchivePackage.objects.create(
            case=case,
            archive_number=case.archive_number,
            manifest=manifest_blob,
            manifest_sha256=manifest_blob.sha256,
            file_count=len(files),
            entry_count=len(entries),
            created_at=now,
        )
        journal_append(
            actor=actor, action=J.PACKAGE_MANIFEST, subject=package, note=MANIFEST_NOTE + manifest_blob.sha256
        )
        pk = package.pk
        transaction.on_commit(lambda: _queue_seal(pk))
    return package


def _queue_seal(package_id: int) -> None:
    from .tasks import seal_task  # noqa: PLC0415 — cycle: the task module imports the services

    try:
        seal_task.delay(package_id)
    except Exception:  # noqa: BLE001 — the manifest is committed; the periodic job seals it
        log.exception("archive: sealing package %s not queued; archive.seal_pending will", package_id)


# ----------------------------------------------------------------------------- step 2: the seal


def _proof_doc(seq: int, size: int) -> dict[str, Any]:
    p = inclusion_proof(seq=seq, size=size)
    return {
        "entry": p["entry"],
        "tree_size": p["tree_size"],
        "leaf_hash": p["leaf_hash"],
        "leaf_data": p["leaf_data"],
        "proof": p["proof"],
        "root_hash": p["root_hash"],
    }


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def _copy_checked(zf: zipfile.ZipFile, arcname: str, blob: Blob) -> None:
    """Copy a vault file into the ZIP, hashing it on the way: a stored file that no longer has its
    digests is not packaged (the vault is damaged: the seal fails and is retried after repair)."""
    sha, sm3, size = hashlib.sha256(), new_sm3(), 0
    info = zipfile.ZipInfo(arcname, date_time=timezone.localtime(blob.created_at).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    with vault_open(blob) as src, zf.open(info, "w", force_zip64=True) as dst:
        while chunk := src.read(CHUNK):
            sha.update(chunk)
            sm3.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    if sha.hexdigest() != blob.sha256 or sm3.hexdigest() != blob.sm3 or size != blob.size:
        raise RuntimeError(f"vault blob {blob.sha256} does not match its digests; not packaged")


def package_seal(*, package_id: int) -> ArchivePackage:
    """Sign a checkpoint over the journal, gather the proofs and store the ZIP (idempotent)."""
    package = ArchivePackage.objects.select_related("case", "manifest").get(pk=package_id)
    if package.status == ArchivePackage.Status.SEALED:
        return package
    with vault_open(package.manifest) as f:
        manifest_bytes = f.read()
    manifest = json.loads(manifest_bytes)
    anchor = (
        Entry.objects.filter(
            subject_type="archive.archivepackage", subject_id=str(package.pk), action=J.PACKAGE_MANIFEST
        )
        .order_by("id")
        .first()
    )
    if anchor is None:
        raise RuntimeError(f"archive package {package.pk} has no manifest entry")
    checkpoint = journal_checkpoint(actor=None, only_if_grown=True)
    anchor.refresh_from_db()
    if anchor.seq is None or checkpoint.size <= anchor.seq:  # a checkpoint signed by another just now
        checkpoint = journal_checkpoint(actor=None)
    size = checkpoint.size
    listed = {e["id"]: e["leaf_hash"] for e in manifest["journal"]["entries"]}
    entries = list(Entry.objects.filter(pk__in=listed).order_by("id"))
    for e in entries:
        if e.leaf_hash != listed[e.pk] or e.seq is None or e.seq >= size:
            raise RuntimeError(f"journal entry id={e.pk} changed or not covered; not packaged")
    key = journal_key()
    blobs = {b.sha256: b for b in Blob.objects.filter(sha256__in=[f["sha256"] for f in manifest["files"]])}
    tmp_dir = Path(settings.LAWTRAIL_VAULT_STAGING_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, prefix="archive-", suffix=".zip") as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, manifest_bytes)
            for f in manifest["files"]:
                _copy_checked(zf, f["path"], blobs[f["sha256"]])
            zf.writestr("journal/manifest-entry.json", _dump(_proof_doc(anchor.seq, size)))
            for e in entries:
                zf.writestr(f"journal/entries/{e.seq:08d}.json", _dump(_proof_doc(e.seq, size)))
            zf.writestr(
                "journal/checkpoint.json",
                _dump(
                    {
                        "size": checkpoint.size,
                        "root_hash": checkpoint.root_hash,
                        "created_at": checkpoint.created_at.isoformat(),
                        "origin": checkpoint.origin,
                        "key_id": checkpoint.key_id,
                        "text": checkpoint.text,
                        "signature": checkpoint.signature,
                        "note": signed_note(
                            checkpoint.text,
                            checkpoint.origin,
                            bytes.fromhex(checkpoint.key_id),
                            base64.b64decode(checkpoint.signature),
                        ),
                    }
                ),
            )
            zf.writestr(
                "journal/public-key.json",
                _dump(
                    {
                        "origin": key.origin,
                        "algorithm": "Ed25519",
                        "public_key": key.public_b64,
                        "key_id": key.key_id.hex(),
                        "verifier_key": key.verifier_key,
                    }
                ),
            )
            zf.writestr("README.txt", render_to_string("archive/readme.txt", {"manifest": manifest}))
        tmp.flush()
        tmp.seek(0)
        with transaction.atomic():
            package = ArchivePackage.objects.select_for_update().get(pk=package.pk)
            if package.status == ArchivePackage.Status.SEALED:
                return package
            name = f"{package.archive_number or package.case_id}.zip"
            blob = vault_put(tmp, actor=None, media_type="application/zip", name=name)
            before = journal_snapshot(package)
            package.status = ArchivePackage.Status.SEALED
            package.blob = blob
            package.sealed_at = timezone.now()
            package.checkpoint_size = size
            package.save(update_fields=["status", "blob", "sealed_at", "checkpoint_size"])
            journal_append(
                actor=None,
                action=J.PACKAGE_SEAL,
                subject=package,
                before=before,
                note=f"sha256={blob.sha256} sm3={blob.sm3}",
            )
    return package


def seal_pending(*, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> int:
    """Seal the packages whose seal did not happen (a signer that did not answer, a crash)."""
    done = 0
    ids = ArchivePackage.objects.filter(
        status=ArchivePackage.Status.BUILDING, created_at__lte=timezone.now() - older_than
    ).values_list("pk", flat=True)
    for pk in list(ids):
        try:
            package_seal(package_id=pk)
            done += 1
        except Exception:  # noqa: BLE001 — the next package is independent; this one stays pending
            log.exception("archive: sealing package %s failed", pk)
    return done


# ----------------------------------------------------------------------------- 查阅留痕


def package_for_download(*, actor: Any, case: Case, via: str) -> ArchivePackage:
    """The sealed package of ``case`` (the caller checked that ``actor`` may see the case), with
    the download recorded (查阅留痕) in the same transaction."""
    package = ArchivePackage.objects.filter(case=case).select_related("blob").first()
    if package is None:
        raise NotFound(_("该案件尚未归档，没有案卷档案包。"), code="ARCHIVE_NOT_FOUND")
    if package.status != ArchivePackage.Status.SEALED or package.blob is None:
        raise Conflict(_("案卷档案包正在生成，请稍后再下载。"), code="ARCHIVE_NOT_READY")
    with transaction.atomic():
        access = ArchiveAccess.objects.create(package=package, actor=actor, at=timezone.now(), via=via)
        journal_append(actor=actor, action=J.ACCESS, subject=access, note=f"download {via}")
    return package
