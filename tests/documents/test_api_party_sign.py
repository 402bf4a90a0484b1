"""The API of the party's tablet signature and of the scanned 送达回证 (the pages' services, the
pages' permissions): ``POST /api/v1/documents/{id}/party-signatures`` and
``GET|POST /api/v1/documents/services/{id}/receipt`` — success, each refusal with its code, 403
for a supervisor of another body who sees the case but may not handle it, 404 for an officer of
another agency and for what does not exist."""

from __future__ import annotations

import base64
import io

import pytest

from lawtrail.core.journal.models import Entry
from lawtrail.documents import services, signing
from lawtrail.documents.models import Document, Service
from tests.cast import api_client_for

from .conftest import RARE_NAME, step
from .test_party_sign import handwriting

pytestmark = pytest.mark.django_db

D = "/api/v1/documents/"


def data_url(ink: bool = True) -> str:
    return "data:image/png;base64," + base64.b64encode(handwriting(ink)).decode()


def refused(response, status: int, code: str) -> None:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] == code and body["message"], body


def test_party_signs_through_the_api(world, decided):
    c = world.cast
    doc = services.issue_by_officer(actor=c.alice, case=decided, kind="service_receipt")
    api = api_client_for(c.alice)
    before = Entry.objects.filter(action="documents:signature:add").count()
    r = api.post(f"{D}{doc.pk}/party-signatures", {"name": RARE_NAME, "png": data_url()}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["role"] == "party" and r.json()["signer"] == RARE_NAME
    sig = doc.signatures.get(role="party")
    assert r.json()["sha256"] == sig.blob.sha256
    seal, party = signing.verify(services.current_pdf(doc))
    assert seal.intact and party.intact and party.valid and "当事人签名见证" in party.signer
    assert Entry.objects.filter(action="documents:signature:add").count() == before + 1
    listed = api.get(f"{D}{doc.pk}").json()
    assert [s["role"] for s in listed["signatures"]] == ["seal", "party"]


def test_party_sign_api_refusals(world, decided, settings, tmp_path):
    c = world.cast
    receipt = services.issue_by_officer(actor=c.alice, case=decided, kind="service_receipt")
    decision = Document.objects.get(case=decided, kind="penalty_decision")
    url = f"{D}{receipt.pk}/party-signatures"
    api = api_client_for(c.alice)
    signatures_before = Entry.objects.filter(action="documents:signature:add").count()

    def post(body, u=url, client=api):
        return client.post(u, body, format="json")

    refused(post({"name": RARE_NAME, "png": data_url(ink=False)}), 400, "DOC_PARTY_SIGNATURE_INVALID")
    refused(post({"name": RARE_NAME, "png": "data:image/png;base64,!!"}), 400, "DOC_PARTY_SIGNATURE_INVALID")
    refused(post({"name": RARE_NAME}), 400, "DOC_PARTY_SIGNATURE_INVALID")
    refused(post({"name": RARE_NAME, "png": ["x"]}), 400, "DOC_FIELD_INVALID")
    refused(post({"name": " ", "png": data_url()}), 400, "DOC_PARTY_NAME_REQUIRED")
    refused(
        post({"name": RARE_NAME, "png": data_url()}, u=f"{D}{decision.pk}/party-signatures"),
        409,
        "DOC_PARTY_SIGN_NOT_APPLICABLE",
    )
    # a supervisor (city 司法局) sees the case but may not handle it; an officer of B does not see it
    refused(
        post({"name": RARE_NAME, "png": data_url()}, client=api_client_for(c.frank)), 403, "PERMISSION_DENIED"
    )
    refused(post({"name": RARE_NAME, "png": data_url()}, client=api_client_for(c.bob)), 404, "DOC_NOT_FOUND")
    refused(
        post({"name": RARE_NAME, "png": data_url()}, u=f"{D}999999/party-signatures"), 404, "DOC_NOT_FOUND"
    )
    assert api_client_for(None).post(url, {"name": RARE_NAME}, format="json").status_code == 403
    # no witness certificate for the agency (no test CA)
    settings.LAWTRAIL_SIGNING_DIR, settings.LAWTRAIL_SIGNING_TEST_CA = str(tmp_path), False
    refused(post({"name": RARE_NAME, "png": data_url()}), 409, "DOC_SIGN_NOT_CONFIGURED")
    services.issue(actor=c.alice, case=decided, kind="service_receipt", reason="受送达人姓名更正")
    refused(post({"name": RARE_NAME, "png": data_url()}), 409, "DOC_SUPERSEDED")
    assert receipt.signatures.count() == 1  # the seal only
    assert Entry.objects.filter(action="documents:signature:add").count() == signatures_before


def test_scanned_receipt_through_the_api(world, decided):
    c = world.cast
    step(c.alice, decided, "decision_serve", served_on="2026-09-01", method="direct")
    service = Service.objects.get(document__case=decided)
    url = f"{D}services/{service.pk}/receipt"
    api = api_client_for(c.alice)
    scan = handwriting()  # a real PNG (the vault checks what the bytes are)

    refused(api.get(url), 404, "DOC_RECEIPT_MISSING")
    refused(
        api.post(url, {"file": io.BytesIO(b"MZ\x90\x00")}, format="multipart"), 400, "DOC_RECEIPT_INVALID"
    )
    refused(api.post(url, {}, format="multipart"), 400, "DOC_RECEIPT_INVALID")
    empty = io.BytesIO(b"")
    empty.name = "empty.pdf"
    refused(api.post(url, {"file": empty}, format="multipart"), 400, "DOC_RECEIPT_INVALID")
    frank, bob = api_client_for(c.frank), api_client_for(c.bob)
    refused(frank.post(url, {"file": io.BytesIO(scan)}, format="multipart"), 403, "PERMISSION_DENIED")
    refused(bob.post(url, {"file": io.BytesIO(scan)}, format="multipart"), 404, "DOC_NOT_FOUND")
    refused(
        api.post(f"{D}services/999999/receipt", {"file": io.BytesIO(scan)}, format="multipart"),
        404,
        "DOC_NOT_FOUND",
    )
    assert api_client_for(None).post(url, {"file": io.BytesIO(scan)}, format="multipart").status_code == 403
    assert not Entry.objects.filter(action="documents:service:receipt").exists()

    r = api.post(url, {"file": io.BytesIO(scan)}, format="multipart")
    assert r.status_code == 201, r.content
    service.refresh_from_db()
    assert r.json()["id"] == service.pk and r.json()["receipt_sha256"] == service.receipt.sha256
    assert service.receipt.media_type == "image/png"
    entry = Entry.objects.get(action="documents:service:receipt")
    assert service.receipt.sha256 in entry.note
    refused(api.post(url, {"file": io.BytesIO(scan)}, format="multipart"), 409, "DOC_RECEIPT_EXISTS")

    r = api.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r.content == scan
    assert r["X-Content-Type-Options"] == "nosniff"
    assert frank.get(url).status_code == 200  # the supervisor may read what he may see
    refused(bob.get(url), 404, "DOC_NOT_FOUND")
    refused(api.get(f"{D}services/999999/receipt"), 404, "DOC_NOT_FOUND")
