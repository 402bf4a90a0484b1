"""笔录 — making, signing and completing on-site, inquiry and inspection records (APL-55, ACL-18).

- ``transcript_create``: the structured record (kind, time, place, two officers, the party, what
  was found or said), journaled;
- ``transcript_sign``: a handwritten signature captured on a tablet (a ``<canvas>`` on the page,
  sent as PNG): checked to be a PNG with ink on it, stored in the vault (SHA-256 + SM3), journaled;
- ``transcript_refusal``: the party refuses to sign — noted, and a witness must sign (ACL-18);
- when every required signature is in (``rules.transcript_missing``), the record is rendered to
  PDF with the signature images, stored in the vault, and becomes part of the case file.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from weasyprint import HTML

from lawtrail.cases.models import Case
from lawtrail.core.errors import Conflict, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.core.permissions import Perm
from lawtrail.core.vault.services import vault_open, vault_put
from lawtrail.registry.selectors import require_perm, user_has_perm

from . import rules
from .journal_actions import RecordingJournal as J
from .services import SEALED
from .transcript_models import Transcript, TranscriptSignature

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = 1024 * 1024
SIGNATURE_MIN_SIDE, SIGNATURE_MAX_SIDE = 60, 4000
DATA_URL_PREFIX = "data:image/png;base64,"


def _invalid(field: str, rule: str = "APL-55") -> ValidationFailed:
    return ValidationFailed(
        _("笔录不完整：%(field)s。") % {"field": field}, code="RECORDING_TRANSCRIPT_INVALID", rule=rule
    )


def _may_handle(actor: Any, case: Case) -> None:
    require_perm(actor, Perm.CASE_HANDLE, case.agency)
    if case.state in SEALED:
        raise Conflict(_("该证据文件当前不能办理此操作。"), code="RECORDING_STATE_CONFLICT")


def transcript_create(
    *,
    actor: Any,
    case: Case,
    kind: str,
    started_at: dt.datetime | None,
    place: str,
    officer_ids: list[int],
    subject_name: str,
    content: str,
    ended_at: dt.datetime | None = None,
    recorder_id: int | None = None,
    subject_detail: str = "",
    present: str = "",
    credentials_shown: bool = False,
    witness_name: str = "",
) -> Transcript:
    """APL-55: questioning and inspection are recorded in writing — the structured 笔录."""
    _may_handle(actor, case)
    if kind not in Transcript.Kind.values:
        raise _invalid(_("笔录种类"))
    if started_at is None:
        raise _invalid(_("开始时间"))
    if ended_at is not None and ended_at < started_at:
        raise _invalid(_("结束时间不能早于开始时间"))
    for value, label in ((place, _("地点")), (subject_name, _("当事人")), (content, _("笔录内容"))):
        if not (value or "").strip():
            raise _invalid(label)
    if not credentials_shown:
        raise _invalid(_("执法人员应当出示执法证件（《行政处罚法》第五十五条）"))
    rules.transcript_officers_check(officer_ids)
    users = get_user_model().objects
    officers = list(users.filter(pk__in=officer_ids[:2]))
    if len(officers) < 2 or not all(user_has_perm(u, Perm.CASE_HANDLE, case.agency) for u in officers):
        raise _invalid(_("执法人员须为本机关的办案人员"), rule="APL-42")
    by_id = {u.pk: u for u in officers}
    recorder = users.filter(pk=recorder_id).first() if recorder_id else None
    if recorder_id and recorder is None:
        raise _invalid(_("记录人"))
    with transaction.atomic():
        t = Transcript.objects.create(
            case=case,
            kind=kind,
            started_at=started_at,
            ended_at=ended_at,
            place=place.strip()[:200],
            officer_1=by_id[officer_ids[0]],
            officer_2=by_id[officer_ids[1]],
            recorder=recorder,
            subject_name=subject_name.strip()[:100],
            subject_detail=(subject_detail or "").strip()[:300],
            present=(present or "").strip()[:200],
            credentials_shown=True,
            content=content.strip(),
            witness_name=(witness_name or "").strip()[:100],
            created_by=actor,
            created_at=timezone.now(),
        )
        journal_append(actor=actor, action=J.TRANSCRIPT_CREATE, subject=t)
    return t


def signature_png(data: bytes | str) -> bytes:
    """The PNG of a handwritten signature (bytes, or the canvas's ``data:image/png;base64,…``):
    a real PNG of a sensible size with ink on it — a blank pad is no signature."""
    if isinstance(data, str):
        text = data.strip()
        if not text.startswith(DATA_URL_PREFIX):
            raise ValidationFailed(
                _("签名须为手写签名图像（PNG）。"), code="RECORDING_TRANSCRIPT_SIGNATURE_INVALID"
            )
        try:
            data = base64.b64decode(text[len(DATA_URL_PREFIX) :], validate=True)
        except ValueError:
            raise ValidationFailed(
                _("签名须为手写签名图像（PNG）。"), code="RECORDING_TRANSCRIPT_SIGNATURE_INVALID"
            ) from None
    if not data.startswith(PNG_MAGIC) or len(data) > MAX_SIGNATURE_BYTES:
        raise ValidationFailed(
            _("签名须为手写签名图像（PNG）。"), code="RECORDING_TRANSCRIPT_SIGNATURE_INVALID"
        )
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            w, h = im.size
            rgba = im.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationFailed(
            _("签名须为手写签名图像（PNG）。"), code="RECORDING_TRANSCRIPT_SIGNATURE_INVALID"
        ) from None
    if not (SIGNATURE_MIN_SIDE <= min(w, h) and max(w, h) <= SIGNATURE_MAX_SIDE):
        raise ValidationFailed(
            _("签名须为手写签名图像（PNG）。"), code="RECORDING_TRANSCRIPT_SIGNATURE_INVALID"
        )
    # ink: pixels clearly darker than paper once the drawing is laid on white (a canvas's empty
    # pixels are transparent black)
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("L")
    ink = sum(flat.histogram()[:128])
    if ink < 20:
        raise ValidationFailed(
            _("签名须为手写签名图像（PNG）。"), code="RECORDING_TRANSCRIPT_SIGNATURE_INVALID"
        )
    return bytes(data)


def missing_of(t: Transcript) -> list[str]:
    sigs = list(t.signatures.all())
    return rules.transcript_missing(
        officers_signed=len({s.user_id for s in sigs if s.role == TranscriptSignature.Role.OFFICER}),
        party_signed=any(s.role == TranscriptSignature.Role.PARTY for s in sigs),
        party_refused=t.party_refused,
        witness_signed=any(s.role == TranscriptSignature.Role.WITNESS for s in sigs),
    )


def transcript_sign(
    *,
    actor: Any,
    transcript: Transcript,
    role: str,
    png: bytes | str,
    user_id: int | None = None,
    name: str = "",
) -> TranscriptSignature:
    """ACL-18: the officers and the party (or, when the party refuses, a witness) sign the record."""
    t = transcript
    _may_handle(actor, t.case)
    if t.status == Transcript.Status.SIGNED:
        raise Conflict(_("笔录已签名确认，不能再修改。"), code="RECORDING_TRANSCRIPT_SIGNED")
    R = TranscriptSignature.Role
    user = None
    if role == R.OFFICER:
        if user_id not in (t.officer_1_id, t.officer_2_id):
            raise _invalid(_("签名的执法人员须为本笔录的执法人员"), rule="ACL-18")
        user = t.officer_1 if user_id == t.officer_1_id else t.officer_2
        name = str(user)
    elif role == R.RECORDER:
        if t.recorder_id is None:
            raise _invalid(_("本笔录没有记录人"))
        user, name = t.recorder, str(t.recorder)
    elif role == R.PARTY:
        if t.party_refused:
            raise _invalid(_("已注明当事人拒绝签名"), rule="ACL-18")
        name = t.subject_name
    elif role == R.WITNESS:
        name = (name or t.witness_name).strip()[:100]
        if not name:
            raise _invalid(_("见证人姓名"), rule="ACL-18")
    else:
        raise _invalid(_("签名人身份"))
    data = signature_png(png)
    with transaction.atomic():
        t = Transcript.objects.select_for_update().get(pk=t.pk)
        if t.status == Transcript.Status.SIGNED:
            raise Conflict(_("笔录已签名确认，不能再修改。"), code="RECORDING_TRANSCRIPT_SIGNED")
        if t.signatures.filter(role=role, name=name).exists():
            raise _invalid(_("%(name)s已签名") % {"name": name}, rule="ACL-18")
        blob = vault_put(io.BytesIO(data), actor=actor, media_type="image/png", name=f"签名-{name}.png")
        sig = TranscriptSignature.objects.create(
            transcript=t,
            role=role,
            name=name,
            user=user,
            blob=blob,
            signed_at=timezone.now(),
            taken_by=actor,
        )
        journal_append(
            actor=actor, action=J.TRANSCRIPT_SIGN, subject=sig, note=f"{role} sha256={blob.sha256}"
        )
        if role == R.WITNESS and not t.witness_name:
            before = journal_snapshot(t)
            t.witness_name = name
            t.save(update_fields=["witness_name"])
            journal_append(actor=actor, action=J.TRANSCRIPT_SIGN, subject=t, before=before)
        _complete_if_ready(actor, t)
    return sig


def transcript_refusal(*, actor: Any, transcript: Transcript, note: str, witness_name: str) -> Transcript:
    """ACL-18 (《行政强制法》第十八条第七、八项): the party refuses to sign — the refusal is noted in
    the record and a witness signs."""
    t = transcript
    _may_handle(actor, t.case)
    if not (note or "").strip():
        raise _invalid(_("拒签情况"), rule="ACL-18")
    if not (witness_name or "").strip():
        raise _invalid(_("见证人姓名"), rule="ACL-18")
    with transaction.atomic():
        t = Transcript.objects.select_for_update().get(pk=t.pk)
        if t.status == Transcript.Status.SIGNED:
            raise Conflict(_("笔录已签名确认，不能再修改。"), code="RECORDING_TRANSCRIPT_SIGNED")
        if t.signatures.filter(role=TranscriptSignature.Role.PARTY).exists():
            raise _invalid(_("当事人已签名"), rule="ACL-18")
        before = journal_snapshot(t)
        t.party_refused = True
        t.refusal_note = note.strip()[:300]
        t.witness_name = witness_name.strip()[:100]
        t.save(update_fields=["party_refused", "refusal_note", "witness_name"])
        journal_append(actor=actor, action=J.TRANSCRIPT_REFUSAL, subject=t, before=before)
        _complete_if_ready(actor, t)
    return t


def _data_url(blob: Any) -> str:
    with vault_open(blob) as f:
        return DATA_URL_PREFIX + base64.b64encode(f.read()).decode()


def transcript_pdf(t: Transcript) -> bytes:
    """The 笔录 as a PDF page: its fields, its text and the signature images."""
    sigs = [{"sig": s, "src": _data_url(s.blob)} for s in t.signatures.select_related("blob").order_by("id")]
    html = render_to_string("recording/transcript_pdf.html", {"t": t, "sigs": sigs})
    return HTML(string=html).write_pdf()


def _complete_if_ready(actor: Any, t: Transcript) -> None:
    """In the signing transaction: when nothing is missing, render, store and close the record."""
    if missing_of(t):
        return
    pdf = transcript_pdf(t)
    blob = vault_put(
        io.BytesIO(pdf), actor=actor, media_type="application/pdf", name=f"{t.get_kind_display()}-{t.pk}.pdf"
    )
    before = journal_snapshot(t)
    t.status = Transcript.Status.SIGNED
    t.signed_at = timezone.now()
    t.pdf = blob
    t.save(update_fields=["status", "signed_at", "pdf"])
    journal_append(
        actor=actor,
        action=J.TRANSCRIPT_COMPLETE,
        subject=t,
        before=before,
        note=f"sha256={blob.sha256} sm3={blob.sm3}",
    )
