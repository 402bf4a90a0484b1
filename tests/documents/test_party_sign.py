"""The party signs a paper on the officer's tablet (送达回证, 笔录): the handwriting is the widget of
a PAdES signature appended as a later revision (the seal stays intact and reports the addition);
a blank pad, a paper without a party's line and a superseded version are refused. A scanned
送达回证 signed on paper is attached to its service record once, in the vault, journaled."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image, ImageDraw

from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.vault import vault_open
from lawtrail.documents import services, signing
from lawtrail.documents.models import Document, Service

from .conftest import RARE_NAME, step

pytestmark = pytest.mark.django_db


def handwriting(ink: bool = True) -> bytes:
    img = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    if ink:
        d = ImageDraw.Draw(img)
        d.line(
            [(40, 150), (120, 40), (200, 160), (300, 50), (420, 150), (540, 60)],
            fill=(17, 17, 17, 255),
            width=6,
        )
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def refused(code: str, fn, **kw):
    with pytest.raises(ApplicationError) as e:
        fn(**kw)
    assert e.value.code == code, e.value.code


def test_party_signs_the_service_receipt_on_a_tablet(world, decided):
    alice = world.cast.alice
    doc = services.issue_by_officer(actor=alice, case=decided, kind="service_receipt")
    sealed = services.current_pdf(doc)
    before = Entry.objects.filter(action="documents:signature:add").count()
    sig = services.party_sign(actor=alice, document=doc, name=RARE_NAME, png=handwriting())
    assert sig.role == "party" and sig.signer == RARE_NAME and sig.field_name == "Party1"
    signed = services.current_pdf(doc)
    assert signed.startswith(sealed)  # an incremental revision: the sealed bytes are kept
    seal, party = signing.verify(signed)
    assert seal.intact and seal.valid and seal.trusted and seal.modification_level == "FORM_FILLING"
    assert party.intact and party.valid and party.trusted and party.modification_level == "NONE"
    assert "当事人签名见证" in party.signer
    assert Entry.objects.filter(action="documents:signature:add").count() == before + 1
    # as a data URL from the page's canvas, too
    import base64

    url = "data:image/png;base64," + base64.b64encode(handwriting()).decode()
    services.party_sign(actor=alice, document=doc, name="张三", png=url)
    assert [s.role for s in doc.signatures.order_by("id")] == ["seal", "party", "party"]
    assert len(signing.verify(services.current_pdf(doc))) == 3


def test_party_sign_refusals_change_nothing(world, decided):
    alice = world.cast.alice
    receipt = services.issue_by_officer(actor=alice, case=decided, kind="service_receipt")
    decision = Document.objects.get(case=decided, kind="penalty_decision")
    kw = dict(actor=alice, document=receipt, name=RARE_NAME)
    refused("DOC_PARTY_SIGNATURE_INVALID", services.party_sign, png=handwriting(ink=False), **kw)
    refused("DOC_PARTY_SIGNATURE_INVALID", services.party_sign, png=b"GIF89a....", **kw)
    refused("DOC_PARTY_SIGNATURE_INVALID", services.party_sign, png="data:image/png;base64,!!", **kw)
    refused(
        "DOC_PARTY_NAME_REQUIRED",
        services.party_sign,
        actor=alice,
        document=receipt,
        name=" ",
        png=handwriting(),
    )
    refused(
        "DOC_PARTY_SIGN_NOT_APPLICABLE",
        services.party_sign,
        actor=alice,
        document=decision,
        name=RARE_NAME,
        png=handwriting(),
    )
    refused("PERMISSION_DENIED", services.party_sign, png=handwriting(), **{**kw, "actor": world.cast.bob})
    services.issue(actor=alice, case=decided, kind="service_receipt", reason="受送达人姓名更正")
    refused("DOC_SUPERSEDED", services.party_sign, png=handwriting(), **kw)
    assert receipt.signatures.count() == 1  # the seal only


def test_party_sign_page(client, world, decided):
    alice = world.cast.alice
    doc = services.issue_by_officer(actor=alice, case=decided, kind="service_receipt")
    client.force_login(alice)
    url = reverse("documents:party-sign", args=[doc.pk])
    assert url in client.get(reverse("cases:detail", args=[decided.pk])).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "在此手写签名" in page.content.decode()
    # the shared pad script, as a file: the CSP allows scripts from this origin (or with the nonce) only
    html = page.content.decode()
    assert 'data-signature-pad="png"' in html
    assert re.search(r'<script [^>]*src="/static/web/signature\.js"[^>]*></script>', html)
    csp = page["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert finders.find("web/signature.js") and not finders.find("documents/signature.js")
    r = client.post(url, {"name": RARE_NAME, "png": ""})
    assert r.status_code == 400 and "DOC_PARTY_SIGNATURE_INVALID" in r.content.decode()
    import base64

    png = "data:image/png;base64," + base64.b64encode(handwriting()).decode()
    r = client.post(url, {"name": RARE_NAME, "png": png})
    assert r.status_code == 302 and doc.signatures.filter(role="party").count() == 1
    client.force_login(world.cast.bob)  # another agency's officer
    assert client.get(url).status_code == 404


def test_scanned_receipt_attached_once(client, world, decided):
    c = world.cast
    step(c.alice, decided, "decision_serve", served_on="2026-09-01", method="direct")
    service = Service.objects.get(document__case=decided)
    scan = b"%PDF-1.4\n% a scanned service receipt\n"
    refused(
        "DOC_RECEIPT_INVALID", services.receipt_attach, actor=c.alice, service=service, data=b"MZ\x90\x00"
    )
    refused("DOC_RECEIPT_INVALID", services.receipt_attach, actor=c.alice, service=service, data=b"")
    refused("PERMISSION_DENIED", services.receipt_attach, actor=c.bob, service=service, data=scan)
    client.force_login(c.alice)
    page = client.get(reverse("cases:detail", args=[decided.pk])).content.decode()
    url = reverse("documents:receipt", args=[service.pk])
    assert url in page and "上传送达回证扫描件" in page
    r = client.post(url, {"file": io.BytesIO(scan)})
    assert r.status_code == 302
    service.refresh_from_db()
    assert service.receipt is not None and service.receipt.media_type == "application/pdf"
    with vault_open(service.receipt) as f:
        assert f.read() == scan
    assert Entry.objects.filter(action="documents:service:receipt").count() == 1
    refused("DOC_RECEIPT_EXISTS", services.receipt_attach, actor=c.alice, service=service, data=scan)
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == scan
    listed = client.get(f"/api/v1/documents/cases/{decided.pk}").json()
    rows = [s for d in listed for s in d["services"] if s["id"] == service.pk]
    assert rows[0]["receipt_sha256"] == service.receipt.sha256
    assert "送达回证扫描件" in client.get(reverse("cases:detail", args=[decided.pk])).content.decode()
    client.force_login(c.bob)
    assert client.get(url).status_code == 404
