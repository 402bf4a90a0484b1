"""The decision's PDF made after its approval commits (issue 7/14: no PDF laid out, sealed or stored
inside the approval's transaction): the step numbers, checks (APL-59 on the text as issued) and
records the decision; the outbox consumer ``documents.decision_pdf`` lays it out, checks the PDF's
own text, seals and stores it — once, retried on failure. Until then the paper is 正在制作, and
whoever reads it right after the approval (download, verification page, service, the archive
package) copes."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from lawtrail.cases import outbox
from lawtrail.cases.models import Delivery
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.vault.models import Blob
from lawtrail.documents import services
from lawtrail.documents.models import Document, Service, Signature

from .conftest import RARE_NAME, deliver_decision_pdf, ready_case, step

pytestmark = pytest.mark.django_db


def decision(case) -> Document:
    return Document.objects.get(case=case, kind="penalty_decision")


def pdf_text(doc) -> str:
    pdf = services.current_pdf(doc)
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_the_approval_numbers_and_records_without_a_pdf(decided_pending):
    doc = decision(decided_pending)
    assert doc.number == "长市监处罚〔2026〕1号" and doc.blob_id is None and not doc.pdf_ready
    assert doc.fields["parties"] and doc.step == "decision_submit"
    assert not doc.signatures.exists()
    assert Entry.objects.get(action="documents:document:issue", subject_id=str(doc.pk)).note == "pdf=pending"
    # the consumer is queued by the approval's event
    d = Delivery.objects.get(event__case=decided_pending, consumer="documents.decision_pdf")
    assert d.event.tag == "cases:decision:made" and d.done_at is None


def test_the_consumer_makes_it_once(decided_pending):
    case = decided_pending
    assert deliver_decision_pdf(case) == 1
    doc = decision(case)
    assert doc.pdf_ready and doc.signatures.filter(role="seal").count() == 1
    t = pdf_text(doc)
    assert doc.number in t and RARE_NAME in t and "罚款人民币70,000.00元" in t
    made = Entry.objects.get(action="documents:document:file", subject_id=str(doc.pk))
    assert f"sha256={doc.blob.sha256}" in made.note
    # a duplicate delivery (a retried task, the sweep racing it) changes nothing
    d = Delivery.objects.get(event__case=case, consumer="documents.decision_pdf")
    Delivery.objects.filter(pk=d.pk).update(done_at=None)
    blobs = Blob.objects.count()
    assert outbox.deliver([d.pk]) == 1
    assert services.pdf_make(document_id=doc.pk).blob_id == doc.blob_id
    assert Blob.objects.count() == blobs and Signature.objects.filter(document=doc).count() == 1
    assert Entry.objects.filter(action="documents:document:file", subject_id=str(doc.pk)).count() == 1


def test_a_failure_is_retried(client, world, decided_pending, monkeypatch):
    case = decided_pending

    def broken(*a, **kw):
        raise OSError("the signing key is unreadable")

    client.force_login(world.cast.alice)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="case-failing"' not in page  # being made is not failing
    monkeypatch.setattr(services, "seal", broken)
    assert deliver_decision_pdf(case) == 0
    d = Delivery.objects.get(event__case=case, consumer="documents.decision_pdf")
    assert d.done_at is None and d.attempts == 1 and "unreadable" in d.last_error
    assert not decision(case).pdf_ready and not Blob.objects.filter(media_type="application/pdf").exists()
    # the handler is told on the case page, in Chinese, without the technical error
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="case-failing"' in page and "决定书批准后生成PDF并加盖电子印章" in page
    assert "已尝试1次" in page and "unreadable" not in page and "decision_pdf" not in page
    monkeypatch.undo()
    assert outbox.deliver([d.pk]) == 1  # the sweep's retry
    assert decision(case).pdf_ready
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="case-failing"' not in page


def test_same_pdf_as_made_in_the_step(world, decided):
    """What the consumer lays out from the fields recorded at issue is the paper issued in the step
    would have been: a correction (made in its own transaction, from the case) reads the same."""
    doc = decision(decided)
    v2 = services.issue_by_officer(
        actor=world.cast.alice, case=decided, kind="penalty_decision", reason="重印"
    )
    assert pdf_text(doc) == pdf_text(v2)


def test_download_and_pages_while_it_is_made(client, world, decided_pending):
    c, case = world.cast, decided_pending
    doc = decision(case)
    client.force_login(c.alice)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "PDF正在制作" in page and reverse("documents:pdf", args=[doc.pk]) not in page
    r = client.get(reverse("documents:pdf", args=[doc.pk]))
    assert r.status_code == 302
    assert "DOC_PDF_PENDING" in client.get(r["Location"]).content.decode()
    r = client.get(f"/api/v1/documents/{doc.pk}/pdf")
    assert r.status_code == 409 and r.json()["code"] == "DOC_PDF_PENDING"
    assert "正在制作" in r.json()["message"]
    body = client.get(f"/api/v1/documents/{doc.pk}").json()
    assert body["pdf_ready"] is False and body["status"] == "正在制作" and body["sha256"] is None
    assert body["number"] == doc.number
    assert client.get(reverse("documents:docx", args=[doc.pk])).status_code == 200  # from the fields
    v = client.get(reverse("documents-public:verify-token", args=[doc.token]))
    assert v.status_code == 200 and "DOC_PDF_PENDING" in v.content.decode()
    with pytest.raises(ApplicationError) as e:
        services.countersign(actor=c.alice, document=doc)
    assert e.value.code == "DOC_PDF_PENDING"
    # made: everything is there
    deliver_decision_pdf(case)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("documents:pdf", args=[doc.pk]) in page and "PDF正在制作" not in page
    r = client.get(f"/api/v1/documents/{doc.pk}/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    body = client.get(f"/api/v1/documents/{doc.pk}").json()
    assert body["pdf_ready"] is True and body["status"] == "已签发" and len(body["sha256"]) == 64
    v = client.get(reverse("documents-public:verify-token", args=[doc.token]))
    assert v.status_code == 200 and "verify-signatures" in v.content.decode()


def test_service_before_the_worker_serves_the_sealed_pdf(world, decided_pending):
    """Served before the worker ran: the step makes the PDF itself (the consumer then finds it)."""
    case = decided_pending
    step(world.cast.alice, case, "decision_serve", served_on="2026-09-01", method="direct")
    doc = decision(case)
    assert doc.pdf_ready and doc.signatures.filter(role="seal").count() == 1
    assert Service.objects.get(document__case=case).document_id == doc.pk
    blob = doc.blob_id
    assert deliver_decision_pdf(case) == 1
    doc.refresh_from_db()
    assert doc.blob_id == blob and doc.signatures.count() == 1


def test_service_refused_when_the_seal_fails(world, decided_pending, monkeypatch):
    def broken(*a, **kw):
        raise OSError("the signing key is unreadable")

    monkeypatch.setattr(services, "seal", broken)
    with pytest.raises(OSError):
        step(world.cast.alice, decided_pending, "decision_serve", served_on="2026-09-01", method="direct")
    assert not Service.objects.exists() and not decision(decided_pending).pdf_ready


def test_approval_refused_without_a_seal(world, monkeypatch):
    """As before: a decision handed to the party is not issued when the agency has no seal."""
    from lawtrail.cases import services as svc
    from lawtrail.documents import signing

    c = world.cast
    case = ready_case(world)
    step(c.alice, case, "decision_submit")
    monkeypatch.setattr(signing, "signer_for", lambda agency: None)
    with pytest.raises(ApplicationError) as e:
        svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    assert e.value.code == "DOC_SIGN_NOT_CONFIGURED"
    assert not Document.objects.filter(case=case, kind="penalty_decision").exists()
