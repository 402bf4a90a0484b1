"""Seals and signatures: the issued decision carries the agency's PAdES seal (intact, trusted
under the test CA); an officer's signature is a later revision; a one-byte change is detected;
the public page and API tell who signed, when, and whether the file is intact."""

from __future__ import annotations

import io

import pytest

from lawtrail.documents import services, signing
from lawtrail.documents.models import Document, Signature

pytestmark = pytest.mark.django_db


def test_issued_decision_is_sealed_and_trusted(decided):
    doc = Document.objects.get(case=decided)
    sig = Signature.objects.get(document=doc)
    assert sig.role == "seal" and sig.signer == "石家庄市长安区市场监督管理局" and sig.blob_id == doc.blob_id
    [r] = signing.verify(services.current_pdf(doc))
    assert (r.intact, r.valid, r.trusted) == (True, True, True)
    assert r.signer == "石家庄市长安区市场监督管理局" and r.test_ca
    assert r.coverage == "ENTIRE_FILE" and r.modification_level == "NONE"


def test_officer_signature_is_a_later_revision(world, decided):
    doc = Document.objects.get(case=decided)
    sealed = services.current_pdf(doc)
    services.countersign(actor=world.cast.alice, document=doc)
    signed = services.current_pdf(doc)
    assert signed.startswith(sealed)  # the sealed bytes are kept: an incremental revision
    seal, officer = signing.verify(signed)
    assert seal.intact and seal.trusted and seal.modification_level == "FORM_FILLING"
    assert officer.intact and officer.trusted and officer.modification_level == "NONE"
    assert officer.signer == str(world.cast.alice.display_name or world.cast.alice)
    assert [s.role for s in doc.signatures.order_by("id")] == ["seal", "officer"]


def test_one_byte_changed_is_refused(decided):
    doc = Document.objects.get(case=decided)
    pdf = bytearray(services.current_pdf(doc))
    i = pdf.index(b"stream", 2000) + 40  # a byte of a signed content stream
    pdf[i] ^= 0x01
    report = services.verify_upload(bytes(pdf))
    assert not report["known"]
    assert report["signatures"] and not any(s.intact and s.valid for s in report["signatures"])


def test_public_api_and_page(decided, anon):
    doc = Document.objects.get(case=decided)
    pdf = services.current_pdf(doc)
    r = anon.post("/api/v1/documents/verify", {"file": io.BytesIO(pdf)}, format="multipart")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["known"] and body["document"]["number"] == doc.number
    assert body["signatures"][0]["intact"] and body["signatures"][0]["trusted"]
    r = anon.post("/api/v1/documents/verify", {"file": io.BytesIO(b"not a pdf")}, format="multipart")
    assert r.status_code == 400 and r.json()["code"] == "DOC_VERIFY_NOT_PDF"
    r = anon.get(f"/api/v1/documents/verify/{doc.token}")
    assert r.status_code == 200 and r.json()["document"]["title"] == "行政处罚决定书"

    from django.test import Client

    page = Client().get(f"/verify/documents/{doc.token}")
    assert page.status_code == 200
    html = page.content.decode()
    assert doc.number in html and "完整，签名有效" in html and "测试证书（仅供演示）" in html
