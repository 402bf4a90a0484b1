"""The editable .docx copy of an issued document: it opens (python-docx), carries the case's
number, party and amount, says it is not the legal version, and is downloadable beside the PDF
on the case page and through the API — only for who may see the document."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document as WordDocument

from lawtrail.documents import word
from lawtrail.documents.models import Document

from .conftest import ADDRESS, RARE_NAME

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _text(data: bytes) -> tuple[str, WordDocument]:
    d = WordDocument(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    return "\n".join(parts), d


def test_docx_opens_and_carries_the_case(decided):
    doc = Document.objects.get(case=decided, kind="penalty_decision")
    text, d = _text(word.docx_of(doc))
    party = decided.parties.get()
    for value in (
        "行政处罚决定书",
        doc.number,
        "长市监处罚〔2026〕1号",
        RARE_NAME,
        party.credit_code,
        ADDRESS,
        "罚款人民币70,000.00元（大写：柒万元整）",
        "石家庄市长安区市场监督管理局",
    ):
        assert value in text, value
    # marked as not the legal version: in the body under the title, in every page's header, in the metadata
    assert word.MARK in text
    assert word.MARK in d.sections[0].header.paragraphs[0].text
    assert word.MARK in d.core_properties.comments
    assert round(d.sections[0].page_width.mm) == 210 and round(d.sections[0].top_margin.mm) == 37


def test_docx_of_another_kind_has_its_table(world, decided):
    from lawtrail.documents import services  # noqa: PLC0415

    doc = services.issue(actor=world.cast.alice, case=decided, kind="closing_approval")
    text, d = _text(word.docx_of(doc))
    assert "结案审批表" in text and RARE_NAME in text and d.tables


def test_docx_download_on_the_page_and_api(client, world, decided):
    doc = Document.objects.get(case=decided, kind="penalty_decision")
    c = world.cast
    client.force_login(c.alice)
    page = client.get(reverse("cases:detail", args=[decided.pk])).content.decode()
    url = reverse("documents:docx", args=[doc.pk])
    assert url in page and reverse("documents:pdf", args=[doc.pk]) in page
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == DOCX and "attachment" in r["Content-Disposition"]
    assert doc.number in _text(b"".join(r.streaming_content))[0]
    r = client.get(f"/api/v1/documents/{doc.pk}/docx")
    assert r.status_code == 200 and r["Content-Type"] == DOCX
    assert "70,000.00" in _text(r.content)[0]
    client.force_login(c.bob)  # another agency's officer
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/documents/{doc.pk}/docx").status_code == 404
