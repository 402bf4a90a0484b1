"""Back-office pages of legal documents (preview, issue, download) and the public verification
page. Thin: reads through ``selectors``, writes through ``services``; a refusal the officer can
fix is shown on the case page with its code and article."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lawtrail.cases.selectors import case_get_for
from lawtrail.core.errors import Conflict, ValidationFailed
from lawtrail.core.vault import vault_open

from . import fill, selectors, services, word

FIXABLE = (ValidationFailed, Conflict)
MAX_VERIFY_BYTES = 50 * 1024 * 1024


def _pdf_response(data: bytes | None, name: str, *, blob=None, inline: bool = True):
    if blob is not None:
        resp = FileResponse(
            vault_open(blob), content_type="application/pdf", filename=name, as_attachment=not inline
        )
    else:
        resp = HttpResponse(data, content_type="application/pdf")
        resp["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
@require_POST
def issue(request, case_id: int):
    case = case_get_for(request.user, case_id)
    kind = request.POST.get("kind", "")
    texts = {
        n: request.POST.get(f"text_{n}", "")
        for n in fill.EDITABLE.get(kind, ())
        if f"text_{n}" in request.POST
    }
    try:
        if texts:
            services.draft_save(actor=request.user, case=case, kind=kind, texts=texts)
        if request.POST.get("what") == "preview":
            k = services.kind_for(case, kind)
            rendered = services.preview(actor=request.user, case=case, kind=k.code)
            return _pdf_response(rendered.pdf, f"preview-{k.code}.pdf")
        doc = services.issue_by_officer(
            actor=request.user, case=case, kind=kind, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已签发：%(t)s %(n)s") % {"t": doc.title, "n": doc.number})
    except FIXABLE as e:
        messages.error(request, f"{e.message}（{e.code}）")
    return redirect("cases:detail", case.pk)


@login_required
@require_GET
def pdf(request, pk: int):
    doc = selectors.document_get_for(request.user, pk)
    if not doc.pdf_ready and not doc.signatures.exists():
        e = services.pdf_pending()
        messages.info(request, f"{e.message}（{e.code}）")
        return redirect(f"{reverse('cases:detail', args=[doc.case_id])}#documents")
    return _pdf_response(None, f"{doc.title}-v{doc.version}.pdf", blob=services.file_blob(doc))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_GET
def docx(request, pk: int):
    """The editable Word copy (not the legal version: the sealed PDF is)."""
    doc = selectors.document_get_for(request.user, pk)
    resp = FileResponse(
        io.BytesIO(word.docx_of(doc)), content_type=DOCX, as_attachment=True, filename=word.docx_name(doc)
    )
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
@require_POST
def countersign(request, pk: int):
    doc = selectors.document_get_for(request.user, pk)
    try:
        services.countersign(actor=request.user, document=doc)
        messages.success(request, _("已签名：%(t)s") % {"t": doc.title})
    except FIXABLE as e:
        messages.error(request, f"{e.message}（{e.code}）")
    return redirect("cases:detail", doc.case_id)


@login_required
@require_http_methods(["GET", "POST"])
def party_sign(request, pk: int):
    """The party signs on the officer's tablet: the paper, the name, a pad to write on."""
    doc = selectors.document_get_for(request.user, pk)
    error = None
    if request.method == "POST":
        try:
            services.party_sign(
                actor=request.user,
                document=doc,
                name=request.POST.get("name", ""),
                png=request.POST.get("png", ""),
            )
            messages.success(request, _("当事人已签名：%(t)s") % {"t": doc.title})
            return redirect(f"{reverse('cases:detail', args=[doc.case_id])}#documents")
        except FIXABLE as e:
            error = e
    parties = list(doc.case.parties.values_list("name", flat=True))
    return render(
        request,
        "documents/party_sign.html",
        {
            "doc": doc,
            "case": doc.case,
            "parties": parties,
            "applicable": doc.kind in services.PARTY_SIGNS,
            "error": error,
            "name": request.POST.get("name", "") or (parties[0] if len(parties) == 1 else ""),
        },
        status=400 if error is not None and isinstance(error, ValidationFailed) else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def receipt(request, pk: int):
    """GET: the scanned 送达回证 of a service; POST: attach it (once)."""
    row = selectors.service_get_for(request.user, pk)
    if request.method == "GET":
        if row.receipt is None:
            raise Http404
        resp = FileResponse(
            vault_open(row.receipt), content_type=row.receipt.media_type, filename=row.receipt.name
        )
        resp["X-Content-Type-Options"] = "nosniff"
        return resp
    f = request.FILES.get("file")
    try:
        services.receipt_attach(
            actor=request.user,
            service=row,
            data=f.read(services.MAX_RECEIPT_BYTES + 1) if f is not None else b"",
            filename=getattr(f, "name", ""),
        )
        messages.success(request, _("已上传送达回证：%(t)s") % {"t": row.document.title})
    except FIXABLE as e:
        messages.error(request, f"{e.message}（{e.code}）")
    return redirect(f"{reverse('cases:detail', args=[row.document.case_id])}#documents")


@require_GET
def verify_token(request, token):
    """The page a document's QR code opens: which document, and its signatures as stored."""
    doc = selectors.document_by_token(token)
    if not doc.pdf_ready and not doc.signatures.exists():  # 正在制作: nothing to verify yet
        return render(
            request,
            "documents/verify.html",
            {"doc": doc, "report": None, "pending": services.pdf_pending(), "now": timezone.now()},
        )
    report = services.verify_upload(services.current_pdf(doc))
    return render(request, "documents/verify.html", {"doc": doc, "report": report, "now": timezone.now()})


@require_http_methods(["GET", "POST"])
def verify_upload(request):
    """Anyone holding an electronic copy uploads it: who signed, when, intact or not."""
    report, error = None, None
    if request.method == "POST":
        f = request.FILES.get("file")
        try:
            if f is None or f.size > MAX_VERIFY_BYTES:
                raise ValidationFailed(_("请上传PDF文件。"), code="DOC_VERIFY_NOT_PDF")
            report = services.verify_upload(f.read())
        except ValidationFailed as e:
            error = e
    doc = report["document"] if report else None
    return render(
        request, "documents/verify.html", {"doc": doc, "report": report, "error": error, "upload": True}
    )
