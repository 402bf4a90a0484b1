"""Back-office pages of 笔录: make one from the case page, sign it on a tablet (a ``<canvas>``
signature pad per signer, ``web/static/web/signature.js``), note a refusal, read the PDF.
Thin: the case is read through the case flow's scope, writes go through
``transcript_services``; a refusal the officer can fix is shown on the page with its code."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lawtrail.cases.selectors import case_get_for
from lawtrail.core.errors import Conflict, ValidationFailed
from lawtrail.core.permissions import Perm
from lawtrail.core.vault.services import vault_open
from lawtrail.registry.selectors import user_has_perm

from . import transcript_services as ts
from .services import SEALED
from .transcript_models import Transcript, TranscriptSignature

FIXABLE = (ValidationFailed, Conflict)


def _when(value: str) -> dt.datetime | None:
    """A browser's ``datetime-local`` (local time)."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ts._invalid(_("时间格式有误")) from None
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def _int(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def transcript_get_for(user, pk: int) -> Transcript:
    """A 笔录 of a case ``user`` may see (else the case's 404)."""
    t = (
        Transcript.objects.select_related("case", "officer_1", "officer_2", "recorder", "pdf")
        .filter(pk=pk)
        .first()
    )
    if t is None:
        raise Http404
    case_get_for(user, t.case_id)
    return t


@login_required
@require_POST
def case_transcript_create(request, case_id: int):
    case = case_get_for(request.user, case_id)
    p = request.POST
    try:
        t = ts.transcript_create(
            actor=request.user,
            case=case,
            kind=p.get("kind", ""),
            started_at=_when(p.get("started_at", "")),
            ended_at=_when(p.get("ended_at", "")),
            place=p.get("place", ""),
            officer_ids=[i for i in (_int(p.get("officer_1")), _int(p.get("officer_2"))) if i],
            recorder_id=_int(p.get("recorder")),
            subject_name=p.get("subject_name", ""),
            subject_detail=p.get("subject_detail", ""),
            present=p.get("present", ""),
            credentials_shown=p.get("credentials_shown") == "on",
            content=p.get("content", ""),
            witness_name=p.get("witness_name", ""),
        )
    except FIXABLE as e:
        messages.error(request, f"{e.message}（{e.code}）")
        return redirect(f"/backoffice/cases/{case.pk}/#transcripts")
    return redirect("recording:transcript", t.pk)


@login_required
@require_GET
def transcript_page(request, pk: int):
    t = transcript_get_for(request.user, pk)
    sigs = list(t.signatures.order_by("id"))
    signed = {(s.role, s.user_id or s.name) for s in sigs}
    may = (
        t.status == Transcript.Status.DRAFT
        and t.case.state not in SEALED
        and user_has_perm(request.user, Perm.CASE_HANDLE, t.case.agency)
    )
    R = TranscriptSignature.Role
    pads = []
    if may:
        for u in (t.officer_1, t.officer_2):
            if (R.OFFICER, u.pk) not in signed:
                pads.append({"role": R.OFFICER, "label": _("执法人员"), "name": str(u), "user": u.pk})
        if t.recorder_id and (R.RECORDER, t.recorder_id) not in signed:
            pads.append(
                {"role": R.RECORDER, "label": _("记录人"), "name": str(t.recorder), "user": t.recorder_id}
            )
        if not t.party_refused and (R.PARTY, t.subject_name) not in signed:
            pads.append({"role": R.PARTY, "label": _("当事人"), "name": t.subject_name, "user": ""})
        if t.party_refused and not any(s.role == R.WITNESS for s in sigs):
            pads.append({"role": R.WITNESS, "label": _("见证人"), "name": t.witness_name, "user": ""})
    party_signed = any(s.role == R.PARTY for s in sigs)
    return render(
        request,
        "recording/transcript.html",
        {
            "t": t,
            "case": t.case,
            "sigs": sigs,
            "pads": pads,
            "may": may,
            "may_refuse": may and not t.party_refused and not party_signed,
            "missing": ts.missing_of(t) if t.status == Transcript.Status.DRAFT else [],
        },
    )


@login_required
@require_POST
def transcript_sign(request, pk: int):
    t = transcript_get_for(request.user, pk)
    try:
        ts.transcript_sign(
            actor=request.user,
            transcript=t,
            role=request.POST.get("role", ""),
            png=request.POST.get("png", ""),
            user_id=_int(request.POST.get("user")),
            name=request.POST.get("name", ""),
        )
        messages.success(request, _("已签名。"))
    except FIXABLE as e:
        messages.error(request, f"{e.message}（{e.code}）")
    return redirect("recording:transcript", t.pk)


@login_required
@require_POST
def transcript_refusal(request, pk: int):
    t = transcript_get_for(request.user, pk)
    try:
        ts.transcript_refusal(
            actor=request.user,
            transcript=t,
            note=request.POST.get("note", ""),
            witness_name=request.POST.get("witness_name", ""),
        )
        messages.success(request, _("已注明当事人拒绝签名，请见证人签名。"))
    except FIXABLE as e:
        messages.error(request, f"{e.message}（{e.code}）")
    return redirect("recording:transcript", t.pk)


@login_required
@require_GET
def signature_image(request, pk: int, sid: int):
    t = transcript_get_for(request.user, pk)
    sig = t.signatures.filter(pk=sid).select_related("blob").first()
    if sig is None:
        raise Http404
    response = FileResponse(vault_open(sig.blob), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def transcript_pdf(request, pk: int):
    t = transcript_get_for(request.user, pk)
    if t.pdf_id is None:
        raise Http404
    return FileResponse(
        vault_open(t.pdf), content_type="application/pdf", filename=f"{t.get_kind_display()}-{t.pk}.pdf"
    )
