"""Every paper at its step: the outbox consumer issues the papers of each step after it commits
(立案审批表 at filing, 告知书 + 送达地址确认书 + 送达回证 at the notice's service, 陈述申辩笔录,
送达回证 of the decision, 结案审批表, 卷宗封面 and 卷内目录 at closing; the measure's decision, list
and 现场笔录 when it is taken), each sealed or stored, numbered where its kind is."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from lawtrail.cases import outbox
from lawtrail.cases.models import Case, Delivery
from lawtrail.cases.tags import EventTag
from lawtrail.documents import consumers, rules, services
from lawtrail.documents.catalogue import KINDS
from lawtrail.documents.models import Document, Service
from tests.cases.procedure_kit import filed_case

from .conftest import RARE_NAME, ready_case, step

pytestmark = pytest.mark.django_db


def text(doc) -> str:
    pdf = services.current_pdf(doc)
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def kinds(case) -> list[str]:
    return list(Document.objects.filter(case=case).order_by("id").values_list("kind", flat=True))


def test_the_consumer_is_registered_for_every_tag_it_maps():
    reg = outbox.consumers()["documents.papers"]
    assert reg.tags == frozenset(str(t) for t in consumers.PAPERS)
    assert all(isinstance(t, EventTag) for t in consumers.PAPERS)
    static = {k for v in consumers.PAPERS.values() if not callable(v) for k in v}
    assert static <= set(KINDS)


def test_papers_issued_at_their_steps_lead_to_close(world, django_capture_on_commit_callbacks):
    c = world.cast
    with django_capture_on_commit_callbacks(execute=True):
        case = ready_case(world)
    made = kinds(case)
    # filing → 立案审批表; notice_serve → 告知书, 送达地址确认书, 送达回证; statement → 陈述申辩笔录
    assert made == [
        "filing_approval",
        "notice",
        "address_confirmation",
        "service_receipt",
        "statement_record",
    ], made
    notice = Document.objects.get(case=case, kind="notice")
    assert notice.step == "notice_serve" and notice.number == "长市监罚告〔2026〕1号"
    assert rules.number_valid(notice.number) and notice.signatures.filter(role="seal").exists()
    t = text(notice)
    assert RARE_NAME in t and "罚款70,000.00元（柒万元整）" in t
    served = Service.objects.get(document=notice)
    assert served.served_on.isoformat() == "2026-09-01" and served.method == "direct"
    receipt = text(Document.objects.get(case=case, kind="service_receipt"))
    assert "行政处罚告知书（长市监罚告〔2026〕1号）" in receipt
    assert all(
        d.done_at and not d.last_error
        for d in Delivery.objects.filter(event__case=case, consumer="documents.papers")
    )

    with django_capture_on_commit_callbacks(execute=True):
        step(c.alice, case, "decision_submit")
        from lawtrail.cases import services as svc

        svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
        step(c.alice, case, "decision_serve", served_on="2026-09-01", method="direct")
    receipts = Document.objects.filter(case=case, kind="service_receipt").order_by("version")
    assert [d.version for d in receipts] == [1, 2]
    assert "决定书" in receipts[1].reason or "送达" in receipts[1].reason
    assert "行政处罚决定书（长市监处罚〔2026〕1号）" in text(receipts[1])
    assert (
        Document.objects.filter(case=case, kind="address_confirmation").count() == 1
    )  # the first service only

    with django_capture_on_commit_callbacks(execute=True):
        step(c.alice, case, "payment_record", amount="70000", paid_on="2026-09-01")
        step(c.alice, case, "execution_complete")
        step(c.carol, case, "close")
    case = Case.objects.get(pk=case.pk)
    assert case.state == "closed"
    made = kinds(case)
    assert made[-3:] == ["closing_approval", "file_cover", "file_index"], made
    index = text(Document.objects.get(case=case, kind="file_index"))
    assert "行政处罚决定书（长市监处罚〔2026〕1号）" in index and "结案审批表" in index


def test_measure_taken_issues_its_decision_list_and_record(world, django_capture_on_commit_callbacks):
    c = world.cast
    case = filed_case(world)
    # 先行登记保存 (APL-56): a seizure would also need its audio-video recording (G118-8)
    step(c.alice, case, "measure_request", kind="preservation", items="过期食品20箱", reason="证据可能灭失")
    m = case.measures.latest("id")
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    with django_capture_on_commit_callbacks(execute=True):
        step(
            c.alice,
            case,
            "measure_take",
            measure_id=m.pk,
            started_at="2026-09-01T10:30+08:00",
            officer_ids=[world.andy.pk],
            onsite_record="现场笔录：扣押过期食品20箱。",
            party_present=True,
            party_signed=True,
        )
    made = [k for k in kinds(case) if k != "filing_approval"]
    assert made == ["preservation_decision", "measure_list", "onsite_record"], made
    d = Document.objects.get(case=case, kind="preservation_decision")
    assert rules.number_valid(d.number) and "过期食品20箱" in text(d)
    assert "扣押过期食品20箱" in text(Document.objects.get(case=case, kind="onsite_record"))
