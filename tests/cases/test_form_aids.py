"""Forms carry what is needed to fill them (issue 9): the 裁量基准 beside the 拟处理意见, 提请作出决定
pre-filled from the approved proposal, the 审批表 an approver approves with 同意 as the opinion."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lawtrail.cases import services as svc
from lawtrail.cases.models import Case, State
from tests.cases.procedure_kit import filed_case, person_id, step

pytestmark = pytest.mark.django_db


def _section(page: str, testid: str) -> str:
    m = re.search(rf'<section[^>]*data-testid="{testid}".*?</section>', page, re.S)
    assert m, f"no {testid} on the page"
    return m.group(0)


def _investigated(world):
    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "evidence_add", kind="record", title="现场检查笔录", collected_on="2026-09-01")
    step(c.alice, case, "evidence_examine", evidence_ids=[case.evidence.get().pk], record="无异议。")
    return step(c.alice, case, "investigation_end", report="经调查，当事人未取得许可从事食品经营活动。")


def test_the_proposal_form_shows_the_benchmark_and_suggests_the_tier(world, client):
    case = _investigated(world)
    client.force_login(world.cast.alice)
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    bm = _section(page, "benchmark")
    assert "河北省市场监督管理局" in bm and "2025-01-01" in bm
    for label, fine in (
        ("从轻处罚", "50000～65000元"),
        ("一般处罚", "65000～85000元"),
        ("从重处罚", "85000～100000元"),
    ):
        assert re.search(rf"<td>{label}</td><td>{fine}", bm), label
    assert "建议适用：<strong>一般处罚</strong>" in bm
    assert re.search(r'<option value="normal" selected>一般处罚</option>', page)  # the tier pre-selected
    assert re.search(r'<option value="penalty" selected>', page)


def test_a_minors_case_suggests_the_lenient_tier(world, client):
    case = _investigated(world)
    case.parties.all().delete()
    svc.party_add(
        actor=world.cast.alice,
        case=case,
        kind="person",
        name="李某",
        id_number=person_id(3, born=dt.date(2010, 3, 1)),
        address="石家庄市长安区",
    )
    client.force_login(world.cast.alice)
    bm = _section(client.get(f"/backoffice/cases/{case.pk}/").content.decode(), "benchmark")
    assert "建议适用：<strong>从轻处罚</strong>" in bm


def test_the_approver_sees_the_approval_sheet_with_agree_as_default(world, client):
    c = world.cast
    case = _investigated(world)
    step(c.alice, case, "proposal_submit", outcome="penalty", kinds=["fine"], amount="70000", tier="normal")
    client.force_login(c.carol)
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    sheet = _section(page, "approval-sheet")
    assert "处理意见审批表" in sheet and case.title in sheet and "石家庄某某商贸有限公司" in sheet
    assert "70,000.00 元（大写：柒万元整）" in sheet
    assert "给予行政处罚" in sheet or "行政处罚" in sheet
    assert "一般处罚" in sheet and "罚款" in sheet
    for ident in ("penalty", "normal", "fine"):
        assert not re.search(rf">[^<]*\b{ident}\b[^<]*<", sheet), ident
    approve = re.search(r'<details[^>]*id="act-approve".*?</details>', page, re.S).group(0)
    assert re.search(r"<textarea[^>]*name=\"reasons\"[^>]*>\s*同意</textarea>", approve)
    # the approval form alone (a link from 待办) shows it too
    alone = client.get(f"/backoffice/cases/{case.pk}/act/approve/").content.decode()
    assert "处理意见审批表" in alone
    # approving with the default opinion
    r = client.post(f"/backoffice/cases/{case.pk}/act/approve/", {"reasons": "同意", "expected_level": "0"})
    assert r.status_code == 302 and Case.objects.get(pk=case.pk).state == State.PROPOSED


def test_the_decision_form_is_prefilled_from_the_approved_proposal(world, client):
    c = world.cast
    case = _investigated(world)
    step(c.alice, case, "proposal_submit", outcome="penalty", kinds=["fine"], amount="70000", tier="normal")
    svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    step(c.alice, case, "notice_serve", served_on="2026-09-01")
    step(c.alice, case, "statement_record", waived=True)
    case = step(c.alice, case, "statement_close")
    assert case.state == State.READY
    client.force_login(c.alice)
    page = client.get(f"/backoffice/cases/{case.pk}/act/decision_submit/").content.decode()
    assert re.search(r'name="amount" value="70000(\.00)?"', page)
    assert re.search(r'<input type="checkbox" name="kinds" value="fine"[^>]*checked', page)
    # submitting the pre-filled form as it stands
    r = client.post(
        f"/backoffice/cases/{case.pk}/act/decision_submit/", {"amount": "70000.00", "kinds": ["fine"]}
    )
    assert r.status_code == 302 and Case.objects.get(pk=case.pk).state == State.DECIDING
    client.force_login(c.carol)
    sheet = _section(client.get(f"/backoffice/cases/{case.pk}/").content.decode(), "approval-sheet")
    assert "处罚决定审批表" in sheet and "柒万元整" in sheet
