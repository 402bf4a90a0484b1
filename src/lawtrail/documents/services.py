"""Writes of legal documents: preview, issue (render → check → seal → vault → row + journal),
correction as a new version with its reason, the officer's drafts, signatures and service.

Every write is one transaction with its journal entry; the issued PDF's SHA-256 (and SM3) are in
the vault row and the SHA-256 in the journal note, so the journal vouches for the exact bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

from lawtrail.cases.models import Case
from lawtrail.cases.numbers import document_number_issue
from lawtrail.cases.rules import ServiceMethod
from lawtrail.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.core.permissions import Perm
from lawtrail.core.precompiled import Precompiled
from lawtrail.core.vault import vault_open, vault_put
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.selectors import user_has_perm

from . import fill, render, rules, signing
from .catalogue import KINDS, DocKind
from .journal_actions import DocumentsJournal as J
from .models import Document, Draft, Service, Signature

# ----------------------------------------------------------------------------- kinds and numbers


def kind_for(case: Case, code: str) -> DocKind:
    """The catalogue entry of ``code`` with the agency's overrides (``documents.catalogue``)."""
    kind = KINDS.get(code)
    if kind is None:
        raise NotFound(_("没有这种文书。"), code="DOC_KIND_UNKNOWN")
    over = profile_value(case.agency, "documents.catalogue").get(code) or {}
    if over:
        kind = replace(
            kind, title=over.get("title", kind.title), template=over.get("template", kind.template)
        )
    return kind


def decision_kind(case: Case) -> str:
    """The decision a case's outcome is written in (APL-57)."""
    outcome = case.outcome or case.proposed_outcome
    return "penalty_decision" if outcome == "penalty" else "no_penalty_decision"


def number_next(case: Case, kind: DocKind, on: dt.date) -> str:
    """GB/T 9704 number of a numbered kind: a decision's is the one its case step handed out
    (``Case.decision_number``); the others' come from ``cases.numbers.document_number_issue``,
    gapless per agency, kind and year (locked until the issuing transaction ends), formatted by
    the profile key ``documents.number_pattern.<kind>``."""
    if kind.case_number:
        return getattr(case, kind.case_number, "") or ""
    if not kind.word:
        return ""
    return document_number_issue(
        agency=case.agency,
        kind=f"doc:{kind.word}",
        on=on,
        pattern_key=f"documents.number_pattern.{kind.code}",
    )[2]


# ----------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    fields: dict[str, Any]
    seal_at: (
        tuple[int, float, float, float, float] | None
    )  # (page, left, bottom, right, top) of the signature block, pt
    text: str = ""  # the paper's text when it was not laid out (``drafted``); else read from the PDF

    def words(self) -> str:
        return self.text if not self.pdf else pdf_text(self.pdf)


def verify_url(token: Any) -> str:
    base = getattr(settings, "LAWTRAIL_PUBLIC_URL", "").rstrip("/")
    return f"{base}/verify/documents/{token}"


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=0, dark="#000")


def render_document(
    case: Case,
    kind: DocKind,
    *,
    on: dt.date,
    texts: dict | None = None,
    number: str = "",
    token: Any = None,
    **extra,
) -> Rendered:
    fields = fill.fill(case, kind, on=on, texts=texts, **extra)
    fonts = render.font_map(case.agency, on)
    html = render.html_of(kind, fields, number=number, qr_svg=_qr_svg(verify_url(token)) if token else "")
    doc = render.document_of(html, fonts)
    pdf = render.write(doc, title=str(kind.title), author=case.agency.name)
    return Rendered(pdf=pdf, fields=fields, seal_at=render.anchor(doc, "seal"))


def drafted(
    case: Case, kind: DocKind, *, on: dt.date, texts: dict | None = None, number: str = "", **extra
) -> Rendered:
    """The paper as it would be issued, without laying it out: its fields and the text of its
    HTML (``pdf`` empty). What the steps' guards check; ``render_document`` makes the PDF."""
    fields = fill.fill(case, kind, on=on, texts=texts, **extra)
    html = render.html_of(kind, fields, number=number)
    return Rendered(pdf=b"", fields=fields, seal_at=None, text=render.text_of(html))


_FOLIO = re.compile(r"—\s*\d+\s*—")


def pdf_text(pdf: bytes) -> str:
    """The text of the pages in reading order, without the page numbers ("— n —"), so a clause
    running over a page break reads as one."""
    return "".join(_FOLIO.sub("", page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages)


def check_decision(case: Case, rendered: Rendered, number: str, *, filled_now: bool = False) -> None:
    """APL-59 on the paper's text (the issued PDF's, or the drafted HTML's): the elements present and equal to the case's (the
    expectations are filled from the case again, not from the edited fields). ``filled_now``: the
    paper's fields were filled from the case in this very transaction (a step's guard, the issue
    itself) — the only edits ``fill`` applies are the officer's wording of the facts and the
    reasoning, which the check takes from the paper anyway — so they are the expectations, and the
    case is not filled twice. A stored paper checked later (its PDF) is always filled again."""
    if filled_now:
        fresh = rendered.fields
    else:
        fresh = fill.fill(
            case, KINDS[rendered.fields["kind"]], on=dt.date.fromisoformat(rendered.fields["on"])
        )
        fresh["facts"] = rendered.fields["facts"]  # the officer may word the facts; they must be there
        fresh["kinds"] = rendered.fields["kinds"]
        fresh["amount"], fresh["fine"] = rendered.fields["amount"], rendered.fields["fine"]
    rules.decision_check(rendered.words(), fill.expected_of(fresh, number))


def check_notice(case: Case, rendered: Rendered) -> None:
    """APL-44/45, APL-63 on the text of a 行政处罚告知书 (drafted or rendered): the party, facts, basis, the
    proposed penalty (amount equal to what is notified), the rights with their period, the agency."""
    f = rendered.fields
    on = dt.date.fromisoformat(f["on"])
    exp = rules.NoticeExpected(
        parties=tuple(p["name"] for p in f["parties"]),
        facts=f["facts"],
        bases=tuple(b for v in f["violations"] for b in v["penalty"]),
        kinds=tuple(f["kinds"]),
        amount=Decimal(f["amount"]) if f.get("fine") else None,
        period_wd=int(profile_value(case.agency, "statement.period", on=on)),
        hearing=bool(f.get("hearing_offered")),
        agency=case.agency.name,
    )
    rules.notice_check(rendered.words(), exp)


# ----------------------------------------------------------------------------- permissions


def _may_handle(actor: Any, case: Case) -> None:
    if not (
        user_has_perm(actor, Perm.CASE_HANDLE, case.agency)
        or user_has_perm(actor, Perm.CASE_APPROVE, case.agency)
    ):
        raise PermissionDenied(_("您无权制作本案的法律文书。"), code="PERMISSION_DENIED")


#: a case's draft of one kind, and its latest document of one kind: read by the steps' guards and
#: hooks on notice_serve, decision_submit, the decision's approval and its service — compiled once
#: per thread (compiling each cost more than the database spends answering it). As ``.first()``
#: would: the draft by id (it has no ordering of its own), the document by its highest version.
_DRAFT = Precompiled(
    lambda case_id, kind: Draft.objects.filter(case_id=case_id, kind=kind).order_by("pk")[:1]
)
_LATEST = Precompiled(
    lambda case_id, kind: Document.objects.filter(case_id=case_id, kind=kind).order_by("-version")[:1]
)


def draft_texts(case: Case, kind: str) -> dict[str, str]:
    if case.pk is None:  # as the ORM refuses it
        d = Draft.objects.filter(case=case, kind=kind).first()
    else:
        d = _DRAFT.first(case.pk, kind)
    return dict(d.texts) if d else {}


# ----------------------------------------------------------------------------- writes


def draft_save(*, actor: Any, case: Case, kind: str, texts: dict[str, Any]) -> Draft:
    """The officer's wording of the free-text parts, used when the document is issued."""
    _may_handle(actor, case)
    k = kind_for(case, kind)
    allowed = fill.EDITABLE.get(k.code, ())
    clean: dict[str, str] = {}
    for name, value in texts.items():
        if name not in allowed:
            raise ValidationFailed(
                _("该文书没有可编辑的“%(name)s”部分。") % {"name": name}, code="DOC_TEXT_UNKNOWN"
            )
        value = str(value or "").strip()
        if len(value) > fill.MAX_TEXT:
            raise ValidationFailed(_("文字过长。"), code="DOC_TEXT_TOO_LONG")
        if value:
            clean[name] = value
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(case=case, kind=k.code).first()
        before = journal_snapshot(draft) if draft else None
        if draft is None:
            draft = Draft(case=case, kind=k.code, updated_by=actor, updated_at=timezone.now())
        draft.texts, draft.updated_by, draft.updated_at = clean, actor, timezone.now()
        draft.save()
        journal_append(actor=actor, action=J.DRAFT_SAVE, subject=draft, before=before)
    return draft


def latest(case: Case, kind: str) -> Document | None:
    if case.pk is None:  # as the ORM refuses it
        return Document.objects.filter(case=case, kind=kind).order_by("-version").first()
    return _LATEST.first(case.pk, kind)


def issue(
    *,
    actor: Any,
    case: Case,
    kind: str,
    on: dt.date | None = None,
    reason: str = "",
    step: str = "",
    check: bool = True,
    pdf_later: bool = False,
    first: bool = False,
    in_step: bool = False,
    **extra: Any,
) -> Document:
    """Issue ``kind`` for ``case``: fill, render, check (a decision: APL-59), seal, store in the
    vault, record the row and its journal entry — in the caller's transaction or its own. A kind
    already issued is corrected only with a ``reason`` (a new version, same number).

    ``pdf_later`` (the decision at its last approval): number, fill, check the text of the paper
    as issued (its HTML, with its number) and record the row and journal entry here; the PDF is
    laid out, checked again on its own text, sealed and stored after commit (``pdf_make``, the
    outbox consumer ``documents.decision_pdf``). A paper handed to the party is still refused here
    when the agency has no seal to put on it.

    ``first``: the caller has just read, in this transaction, that no document of ``kind`` was
    issued (``latest``) — it is not read again. ``in_step``: called by a step's hook, inside the
    step's transaction, which rolls back whole on any refusal (the engine catches none) — no
    savepoint of its own (two statements fewer)."""
    on = on or timezone.localdate()
    k = kind_for(case, kind)
    with transaction.atomic(savepoint=not in_step):
        prev = None if first else latest(case, k.code)  # the highest version: the one corrected
        top = prev.version if prev else 0
        if top and not reason.strip():
            raise Conflict(_("该文书已签发；如需更正，请签发新版本并写明理由。"), code="DOC_ALREADY_ISSUED")
        number = prev.number if prev else number_next(case, k, on)
        doc = Document(
            case=case, kind=k.code, title=str(k.title), version=top + 1, number=number, reason=reason.strip()
        )
        texts = draft_texts(case, k.code)
        if pdf_later:
            rendered = drafted(case, k, on=on, texts=texts, number=number, **extra)
            if k.decision and check:
                check_decision(case, rendered, number, filled_now=True)
            if k.to_party and signing.signer_for(case.agency) is None:
                raise Conflict(_("本机关尚未配置电子印章与签名证书。"), code="DOC_SIGN_NOT_CONFIGURED")
            doc.fields, doc.texts, doc.blob = rendered.fields, texts, None
            doc.issued_on, doc.issued_at, doc.issued_by, doc.step = on, timezone.now(), actor, step
            doc.save()
            action = J.DOCUMENT_CORRECT if top else J.DOCUMENT_ISSUE
            journal_append(actor=actor, action=action, subject=doc, note="pdf=pending")
            return doc
        rendered = render_document(case, k, on=on, texts=texts, number=number, token=doc.token, **extra)
        if k.decision and check:
            check_decision(case, rendered, number, filled_now=True)
        blob, sealed_by = _sealed_blob(case, k, rendered, actor)
        doc.fields, doc.texts, doc.blob = rendered.fields, texts, blob
        doc.issued_on, doc.issued_at, doc.issued_by, doc.step = on, timezone.now(), actor, step
        doc.save()
        action = J.DOCUMENT_CORRECT if top else J.DOCUMENT_ISSUE
        journal_append(actor=actor, action=action, subject=doc, note=f"sha256={blob.sha256} sm3={blob.sm3}")
        _seal_row(doc, sealed_by, blob, actor)
    return doc


def _sealed_blob(case: Case, k: DocKind, rendered: Rendered, actor: Any) -> tuple[Any, str | None]:
    """The rendered paper sealed (when the agency has a seal) and stored in the vault: (blob, who sealed)."""
    pdf, sealed_by = seal(case, k, rendered)
    blob = vault_put(io.BytesIO(pdf), actor=actor, media_type="application/pdf", name=f"{k.title}.pdf")
    return blob, sealed_by


def _seal_row(doc: Document, sealed_by: str | None, blob: Any, actor: Any) -> None:
    """The seal's signature row of a document just stored sealed, journaled."""
    if sealed_by:
        _signature_row(
            doc, role=Signature.Role.SEAL, signer=sealed_by, field_name="AgencySeal", blob=blob, actor=actor
        )


def _signature_row(doc: Document, *, role: str, signer: str, field_name: str, blob, actor: Any) -> Signature:
    row = Signature.objects.create(
        document=doc,
        role=role,
        signer=signer,
        field_name=field_name,
        signed_at=timezone.now(),
        timestamped=bool(getattr(settings, "LAWTRAIL_TSA_URL", "")),
        blob=blob,
        by=actor,
    )
    journal_append(actor=actor, action=J.SIGNATURE_ADD, subject=row, note=f"sha256={blob.sha256}")
    return row


def pdf_pending() -> Conflict:
    return Conflict(
        _("文书正在制作（生成PDF并加盖电子印章），请稍后再试。"), code="DOC_PDF_PENDING", rule="APL-59"
    )


def file_blob(doc: Document, signatures: list[Signature] | None = None):
    """The blob of the document's file as it stands (the last signed revision); ``DOC_PDF_PENDING``
    while its PDF is still being made after the step that issued it."""
    sigs = signatures if signatures is not None else list(doc.signatures.order_by("id"))
    if sigs:
        return sigs[-1].blob
    if doc.blob_id is None:
        raise pdf_pending()
    return doc.blob


def current_pdf(doc: Document) -> bytes:
    """The document's file as it stands: the last signed revision."""
    with vault_open(file_blob(doc)) as f:
        return f.read()


def pdf_make(*, document_id: int, actor: Any = None) -> Document:
    """After the step that issued ``document_id`` without its PDF (``issue(pdf_later=True)``) has
    committed: lay the paper out from the fields recorded at issue (number, QR code), check the
    PDF's own text again (a decision: APL-59), seal it, store it in the vault and set the row's
    file, journaled — one transaction. Idempotent: a document that has its file is left as it is
    (a delivery made twice, a retry after a failure)."""
    with transaction.atomic():
        doc = Document.objects.select_for_update().select_related("case__agency").get(pk=document_id)
        if doc.blob_id is not None:
            return doc
        case, actor = doc.case, actor or doc.issued_by
        k = kind_for(case, doc.kind)
        fonts = render.font_map(case.agency, doc.issued_on)
        html = render.html_of(k, doc.fields, number=doc.number, qr_svg=_qr_svg(verify_url(doc.token)))
        laid = render.document_of(html, fonts)
        rendered = Rendered(
            pdf=render.write(laid, title=str(k.title), author=case.agency.name),
            fields=doc.fields,
            seal_at=render.anchor(laid, "seal"),
        )
        if k.decision:
            check_decision(case, rendered, doc.number)
        before = journal_snapshot(doc)
        blob, sealed_by = _sealed_blob(case, k, rendered, actor)
        doc.blob = blob
        doc.save(update_fields=["blob"])
        journal_append(
            actor=actor,
            action=J.DOCUMENT_FILE,
            subject=doc,
            before=before,
            note=f"sha256={blob.sha256} sm3={blob.sm3}",
        )
        _seal_row(doc, sealed_by, blob, actor)
    return doc


def pdf_make_pending(case: Case) -> int:
    """Make every issued document of ``case`` still waiting for its PDF (the outbox consumer)."""
    ids = list(
        Document.objects.filter(case=case, blob__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    for pk in ids:
        pdf_make(document_id=pk)
    return len(ids)


def countersign(*, actor: Any, document: Document) -> Signature:
    """An officer signs an issued document as a later revision (the seal's bytes are kept:
    the seal's signature then reports what was appended after it)."""
    case = document.case
    _may_handle(actor, case)
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        signer = signing.officer_signer(actor)
        if signer is None:
            raise Conflict(_("本机关尚未配置电子印章与签名证书。"), code="DOC_SIGN_NOT_CONFIGURED")
        n = doc.signatures.count()
        pdf = current_pdf(doc)
        field_name = f"Officer{n}"
        try:
            signed = signer.sign(
                pdf,
                page=-1,
                box=signing.officer_box(n),
                field_name=field_name,
                seal_png=signing.name_stamp(signer.name, timezone.localtime()),
                reason=str(_("执法人员签名")),
                location=case.agency.name,
            )
        except signing.SIGNING_ERRORS as e:
            raise Conflict(
                _("签名失败：文件无法签名。"), code="DOC_SIGN_FAILED", details={"error": type(e).__name__}
            ) from e
        blob = vault_put(
            io.BytesIO(signed), actor=actor, media_type="application/pdf", name=f"{doc.title}.pdf"
        )
        return _signature_row(
            doc,
            role=Signature.Role.OFFICER,
            signer=signer.name,
            field_name=field_name,
            blob=blob,
            actor=actor,
        )


# ----------------------------------------------------------------------------- the party signs

#: Papers the party signs (笔录, 清单, 送达回证, 送达地址确认书): the paper has a line for it. The
#: 当场行政处罚决定书 too: it is handed over on the spot and the party signs for it (APL-52; a
#: refusal to sign is noted on the paper — ``party_signed``/``refusal_noted`` of the step).
PARTY_SIGNS = frozenset(
    {
        "on_the_spot_decision",
        "onsite_record",
        "inquiry_record",
        "statement_record",
        "hearing_record",
        "measure_list",
        "service_receipt",
        "address_confirmation",
    }
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
MAX_SIGNATURE_BYTES = 512 * 1024


def _bad_signature() -> ValidationFailed:
    return ValidationFailed(_("签名须为在框内手写的签名图像（PNG）。"), code="DOC_PARTY_SIGNATURE_INVALID")


def handwriting_png(data: bytes | str) -> bytes:
    """The PNG of a handwritten signature (bytes, or the canvas's ``data:image/png;base64,…``): a
    real PNG of a sensible size with ink on it — a blank pad is no signature."""
    if isinstance(data, str):
        text = data.strip()
        if not text.startswith(DATA_URL_PREFIX):
            raise _bad_signature()
        try:
            data = base64.b64decode(text[len(DATA_URL_PREFIX) :], validate=True)
        except ValueError:
            raise _bad_signature() from None
    if not data.startswith(PNG_MAGIC) or len(data) > MAX_SIGNATURE_BYTES:
        raise _bad_signature()
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            w, h = im.size
            rgba = im.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError):
        raise _bad_signature() from None
    if not (40 <= min(w, h) and max(w, h) <= 4000):
        raise _bad_signature()
    # ink: pixels clearly darker than paper once laid on white (a canvas's empty pixels are
    # transparent black)
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("L")
    if sum(flat.histogram()[:128]) < 20:
        raise _bad_signature()
    return bytes(data)


def party_sign(*, actor: Any, document: Document, name: str, png: bytes | str) -> Signature:
    """The party signs a paper on the officer's tablet (笔录, 送达回证 …): the handwriting becomes
    the widget of a PAdES signature appended as a later revision, made with the agency's
    witness certificate (the party has none) — the signature fixes the handwriting, who and when
    to the exact bytes; the seal's signature then reports what was appended after it."""
    case = document.case
    _may_handle(actor, case)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写签名的当事人（受送达人）姓名。"), code="DOC_PARTY_NAME_REQUIRED")
    if len(name) > 100:
        raise ValidationFailed(_("姓名过长。"), code="DOC_PARTY_NAME_REQUIRED")
    if document.kind not in PARTY_SIGNS:
        raise Conflict(
            _("该文书没有当事人签名栏。"),
            code="DOC_PARTY_SIGN_NOT_APPLICABLE",
            details={"kind": document.kind},
        )
    data = handwriting_png(png)
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        if Document.objects.filter(case=doc.case_id, kind=doc.kind, version__gt=doc.version).exists():
            raise Conflict(_("该版本已被更正，请在最新版本上签名。"), code="DOC_SUPERSEDED")
        signer = signing.witness_signer(case.agency)
        if signer is None:
            raise Conflict(_("本机关尚未配置电子印章与签名证书。"), code="DOC_SIGN_NOT_CONFIGURED")
        n = doc.signatures.count()
        field_name = f"Party{n}"
        try:
            signed = signer.sign(
                current_pdf(doc),
                page=-1,
                box=signing.officer_box(n),
                field_name=field_name,
                seal_png=signing.handwriting_stamp(data, name, timezone.localtime()),
                reason=str(_("当事人签名：%(name)s") % {"name": name}),
                location=case.agency.name,
            )
        except signing.SIGNING_ERRORS as e:
            raise Conflict(
                _("签名失败：文件无法签名。"), code="DOC_SIGN_FAILED", details={"error": type(e).__name__}
            ) from e
        blob = vault_put(
            io.BytesIO(signed), actor=actor, media_type="application/pdf", name=f"{doc.title}.pdf"
        )
        return _signature_row(
            doc, role=Signature.Role.PARTY, signer=name, field_name=field_name, blob=blob, actor=actor
        )


# ----------------------------------------------------------------------------- scanned receipts

MAX_RECEIPT_BYTES = 20 * 1024 * 1024
RECEIPT_TYPES = (
    (b"%PDF", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (PNG_MAGIC, "image/png", "png"),
)


def receipt_attach(*, actor: Any, service: Service, data: bytes, filename: str = "") -> Service:
    """The scanned 送达回证 signed by the recipient, as proof of a service (APL-61): a PDF, JPEG or
    PNG stored in the vault and attached to the service record once; its hash is journaled."""
    case = service.document.case
    _may_handle(actor, case)
    if not data or len(data) > MAX_RECEIPT_BYTES:
        raise ValidationFailed(
            _("请上传送达回证的扫描件（PDF、JPG或PNG，20MB以内）。"), code="DOC_RECEIPT_INVALID"
        )
    media = next(((t, ext) for magic, t, ext in RECEIPT_TYPES if data.startswith(magic)), None)
    if media is None:
        raise ValidationFailed(
            _("请上传送达回证的扫描件（PDF、JPG或PNG，20MB以内）。"), code="DOC_RECEIPT_INVALID"
        )
    with transaction.atomic():
        row = Service.objects.select_for_update().get(pk=service.pk)
        if row.receipt_id:
            raise Conflict(_("该次送达已附送达回证。"), code="DOC_RECEIPT_EXISTS")
        before = journal_snapshot(row)
        row.receipt = vault_put(
            io.BytesIO(data), actor=actor, media_type=media[0], name=f"送达回证-{row.pk}.{media[1]}"
        )
        row.save(update_fields=["receipt"])
        journal_append(
            actor=actor,
            action=J.SERVICE_RECEIPT,
            subject=row,
            before=before,
            note=f"sha256={row.receipt.sha256}",
        )
    return row


def verify_upload(data: bytes) -> dict[str, Any]:
    """The public check of a PDF: its signatures (who, when, intact, trusted) and, when the
    bytes are a version this platform issued, which document it is."""
    if not data.startswith(b"%PDF"):
        raise ValidationFailed(_("请上传PDF文件。"), code="DOC_VERIFY_NOT_PDF")
    sha = hashlib.sha256(data).hexdigest()
    doc = Document.objects.filter(blob__sha256=sha).select_related("case__agency").first()
    if doc is None:
        sig = Signature.objects.filter(blob__sha256=sha).select_related("document__case__agency").first()
        doc = sig.document if sig else None
    try:
        reports = signing.verify(data)
    except ValueError:
        reports = []
    return {"sha256": sha, "document": doc, "signatures": reports, "known": doc is not None}


def seal(case: Case, kind: DocKind, rendered: Rendered) -> tuple[bytes, str | None]:
    """The agency's seal as the first signature (APL-59: 加盖印章), its image the visible widget
    centred on the agency name and date. A paper handed to the party cannot be issued unsealed
    (``DOC_SIGN_NOT_CONFIGURED``); a paper kept in the file is stored as rendered."""
    signer = signing.signer_for(case.agency)
    if signer is None or rendered.seal_at is None:
        if kind.to_party:
            raise Conflict(_("本机关尚未配置电子印章与签名证书。"), code="DOC_SIGN_NOT_CONFIGURED")
        return rendered.pdf, None
    page, box = signing.seal_box(rendered.seal_at)
    pdf = signer.sign(
        rendered.pdf,
        page=page,
        box=box,
        field_name="AgencySeal",
        seal_png=signing.seal_png_for(case.agency),
        reason=str(_("签发%(t)s") % {"t": kind.title}),
        location=case.agency.name,
    )
    return pdf, signer.name


def preview(*, actor: Any, case: Case, kind: str) -> Rendered:
    """The document as it would be issued today, without a number or seal (nothing is written)."""
    _may_handle(actor, case)
    k = kind_for(case, kind)
    return render_document(
        case,
        k,
        on=timezone.localdate(),
        texts=draft_texts(case, k.code),
        number=_("（签发时编号）") if k.word else "",
    )


def issue_by_officer(*, actor: Any, case: Case, kind: str, reason: str = "") -> Document:
    _may_handle(actor, case)
    return issue(actor=actor, case=case, kind=kind, reason=reason)


def service_record(
    *,
    actor: Any,
    document: Document,
    method: str,
    served_on: dt.date,
    recipient: str,
    place: str = "",
    note: str = "",
    receipt=None,
    in_step: bool = False,
) -> Service:
    """送达: which document, to whom, how and when (and the receipt when there is one).
    ``in_step``: as ``issue``'s — inside a step's transaction, no savepoint of its own."""
    if method not in {m.value for m in ServiceMethod}:
        raise ValidationFailed(_("未知的送达方式。"), code="DOC_SERVICE_METHOD_UNKNOWN", rule="APL-61")
    if not recipient.strip():
        raise ValidationFailed(_("请填写受送达人。"), code="DOC_SERVICE_RECIPIENT_REQUIRED")
    with transaction.atomic(savepoint=not in_step):
        row = Service.objects.create(
            document=document,
            method=method,
            served_on=served_on,
            recipient=recipient.strip(),
            place=place,
            note=note,
            receipt=receipt,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        journal_append(actor=actor, action=J.SERVICE_RECORD, subject=row)
    return row
