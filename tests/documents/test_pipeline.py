"""The decision end to end: issued at the decision's approval, filled from the case, stored in the
vault with its hash journaled, served with a record; corrections as new versions."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.vault import vault_open, vault_verify
from lawtrail.documents import rules, services
from lawtrail.documents.models import Document, Service

from .conftest import ADDRESS, FACTS, RARE_NAME, step

pytestmark = pytest.mark.django_db


def pdf_bytes(doc) -> bytes:
    with vault_open(doc.blob) as f:
        return f.read()


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_decision_issued_at_approval_filled_from_the_case(world, decided):
    doc = Document.objects.get(case=decided, kind="penalty_decision")
    assert doc.version == 1 and doc.number == "长市监处罚〔2026〕1号" and rules.number_valid(doc.number)
    assert doc.issued_by == world.cast.carol and doc.step == "decision_submit"
    t = text_of(pdf_bytes(doc))
    party = decided.parties.get()
    for value in (
        "行政处罚决定书",
        doc.number,
        RARE_NAME,
        party.credit_code,
        ADDRESS,
        "张三",
        FACTS.replace(" ", ""),
        "现场检查笔录",
        "营业执照复印件",
        "《中华人民共和国食品安全法》第三十五条第一款",
        "《中华人民共和国食品安全法》第一百二十二条第一款",
        "一般处罚",
        "警告",
        "罚款人民币70,000.00元（大写：柒万元整）",
        "当事人应当自收到本决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚款",
        rules.SURCHARGE_CLAUSE,
        "六十日内向长安区人民政府申请行政复议",
        "六个月内依法向长安区人民法院提起行政诉讼",
        "石家庄市长安区市场监督管理局",
        "2026年9月1日",
    ):
        assert value in t, value


def test_issued_document_is_in_the_vault_and_journaled(decided):
    doc = Document.objects.get(case=decided, kind="penalty_decision")
    assert vault_verify(doc.blob)
    # issued (numbered, checked, recorded) in the approval's step; its PDF made after commit and
    # journaled with its hashes
    entry = Entry.objects.filter(action="documents:document:issue", subject_id=str(doc.pk)).get()
    assert entry.note == "pdf=pending"
    made = Entry.objects.filter(action="documents:document:file", subject_id=str(doc.pk)).get()
    assert f"sha256={doc.blob.sha256}" in made.note and made.pk > entry.pk


def test_issued_is_immutable_correction_is_a_new_version(world, decided):
    c = world.cast
    with pytest.raises(ApplicationError) as e:
        services.issue_by_officer(actor=c.alice, case=decided, kind="penalty_decision")
    assert e.value.code == "DOC_ALREADY_ISSUED"
    services.draft_save(
        actor=c.alice, case=decided, kind="penalty_decision", texts={"reasoning": "当事人积极配合调查。"}
    )
    v2 = services.issue_by_officer(
        actor=c.alice, case=decided, kind="penalty_decision", reason="补充裁量说明"
    )
    v1 = Document.objects.get(case=decided, kind="penalty_decision", version=1)
    assert v2.version == 2 and v2.number == v1.number and v2.reason == "补充裁量说明"
    assert v2.blob_id != v1.blob_id and "当事人积极配合调查。" in text_of(pdf_bytes(v2))
    assert Entry.objects.filter(action="documents:document:correct", subject_id=str(v2.pk)).exists()


def test_service_records_the_document(world, decided):
    step(world.cast.alice, decided, "decision_serve", served_on="2026-09-01", method="direct")
    s = Service.objects.get()
    assert s.document.kind == "penalty_decision" and s.method == "direct" and s.recipient == RARE_NAME


def test_case_file_carries_the_document(decided):
    from lawtrail.cases.extensions import case_file_for

    items = [i for i in case_file_for(decided) if i.app == "documents"]
    assert [i.ref for i in items] == [f"document:{Document.objects.get().pk}"]
    assert items[0].title.startswith("行政处罚决定书（长市监处罚〔2026〕1号）")
