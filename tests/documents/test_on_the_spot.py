"""当场处罚 (APL-51/52): the on-the-spot decision's paper comes from the documents consumer after
``case_on_the_spot`` commits — issued, sealed, in the vault, numbered with the pre-printed form's
serial (APL-52: 预定格式、编有号码)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from lawtrail.cases.models import Delivery
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.vault import vault_open
from lawtrail.documents import rules, services, signing
from lawtrail.documents.models import Document
from tests.cases.test_procedures_on_the_spot import spot

from .test_consumers import text


@pytest.mark.django_db
@pytest.mark.parametrize("collected", [True, False])
def test_on_the_spot_decision_issued_sealed_and_numbered(
    world, django_capture_on_commit_callbacks, collected
):
    with django_capture_on_commit_callbacks(execute=True):
        case = spot(world, collected=collected, receipt_number="财政票据No.000123" if collected else "")
    doc = Document.objects.get(case=case, kind="on_the_spot_decision")
    assert doc.step == "on_the_spot" and doc.version == 1 and doc.title == "当场行政处罚决定书"
    assert doc.number == "冀市监简0001"
    sealed = services.current_pdf(doc)
    with vault_open(doc.blob) as f:
        assert f.read() == sealed and sealed.startswith(b"%PDF")
    (seal,) = signing.verify(sealed)
    assert seal.intact and seal.valid and seal.trusted
    assert doc.signatures.filter(role="seal").count() == 1
    t = text(doc)
    assert "王某" in t and "冀市监简0001" in t and "50.00元" in t and "伍拾元整" in t
    assert "六十日内" in t and "六个月内" in t and "安迪" in t  # remedy, the officers (APL-52)
    if collected:
        assert "当场收缴" in t and "财政票据No.000123" in t and "十五日内" not in t
    else:
        assert "收到本决定书之日起十五日内" in t and "加处罚款" in t
    assert Entry.objects.filter(action="documents:document:issue", subject_id=str(doc.pk)).exists()
    assert all(
        d.done_at and not d.last_error
        for d in Delivery.objects.filter(event__case=case, consumer="documents.papers")
    )


def test_APL_52_check_of_the_on_the_spot_decision():
    """No address or evidence list is required on the spot; the remedy is, and the refusal cites
    第五十二条."""
    exp = rules.Expected(
        parties=(("王某", "", ""),),
        facts="占道经营",
        evidence=(),
        bases=("《条例》第十条",),
        kinds=("警告",),
        amount=None,
        payment=False,
        reconsideration_body="长安区人民政府",
        court="长安区人民法院",
        agency="长安区市场监督管理局",
        date=dt.date(2026, 9, 1),
        on_the_spot=True,
    )
    full = "当事人：王某 经查，占道经营《条例》第十条 警告 六十日内向长安区人民政府申请行政复议，六个月内向长安区人民法院提起行政诉讼 长安区市场监督管理局 2026年9月1日"
    assert rules.decision_findings(full, exp) == []
    assert {f.code for f in rules.decision_findings(full, replace(exp, on_the_spot=False))} == {
        "DOC_APL59_PARTY",
        "DOC_APL59_EVIDENCE",
    }
    with pytest.raises(ApplicationError) as e:
        rules.decision_check(full.replace("六个月内", ""), exp)
    assert e.value.code == "DOC_APL59_REMEDY" and e.value.rule == "APL-52" and "第五十二条" in e.value.message


@pytest.mark.django_db
def test_the_party_signs_for_the_on_the_spot_decision_on_the_tablet(
    world, django_capture_on_commit_callbacks
):
    """APL-52: the decision is handed over on the spot and the party signs for it — on the
    officer's tablet, a signature appended after the seal (the seal stays intact)."""
    from .test_party_sign import handwriting

    with django_capture_on_commit_callbacks(execute=True):
        case = spot(world, collected=False)
    doc = Document.objects.get(case=case, kind="on_the_spot_decision")
    sealed = services.current_pdf(doc)
    sig = services.party_sign(actor=world.cast.alice, document=doc, name="王某", png=handwriting())
    assert sig.role == "party" and sig.signer == "王某"
    signed = services.current_pdf(doc)
    assert signed.startswith(sealed)
    seal, party = signing.verify(signed)
    assert seal.intact and seal.valid and party.intact and party.valid
    with pytest.raises(ApplicationError) as e:  # another officer's agency may not
        services.party_sign(actor=world.cast.bob, document=doc, name="王某", png=handwriting())
    assert e.value.code == "PERMISSION_DENIED"
    assert doc.signatures.filter(role="party").count() == 1
