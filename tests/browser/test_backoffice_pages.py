"""Issue 9 pages in Chromium, as the role that uses them, at 1366 px and 390 px: the unit
administrator's 审批流程 page; the case list's search and 台账 export; the 拟处理意见 form with its
裁量基准 and the approver's 审批表. Screenshots go to $LAWTRAIL_SHOTS (default: not kept)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lawtrail.cases.models import ApprovalChain
from tests.browser.conftest import log_in
from tests.browser.test_cases import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def shot(page, name: str) -> None:
    where = os.environ.get("LAWTRAIL_SHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(where) / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width} px wide"


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser):
    context = browser.new_context(locale="zh-CN", viewport=WIDTHS[request.param])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield request.param, page
    context.close()


def test_unit_admin_sets_a_chain_and_is_refused_in_chinese(live_server, sized):
    width, page = sized
    cast, _andy, _violation = build_world()
    log_in(page, live_server, "grace", "/backoffice/")
    if width == "phone" and page.locator(".lt-menu-btn").is_visible():
        page.click(".lt-menu-btn")
    page.click("nav >> text=审批流程")
    page.wait_for_url("**/backoffice/cases/approval-chains/")
    measure = page.locator("#chain-measure")
    assert "主要负责人" in measure.locator(".lt-path").inner_text()
    no_sideways_scroll(page)
    shot(page, f"chains-{width}")
    # a measure chain that does not end with the head: refused, in Chinese, nothing saved
    measure.locator("select[name=level_0]").select_option(label="分管领导")
    measure.locator("button[type=submit]").click()
    alert = page.locator("#chain-measure .lt-alert")
    alert.wait_for()
    assert "主要负责人" in alert.inner_text() and "APPROVAL" not in alert.inner_text().split("技术信息")[0]
    assert not ApprovalChain.objects.filter(action="measure").exists()
    shot(page, f"chains-refused-{width}")
    no_sideways_scroll(page)
    # fixed as the message says: 分管领导 → 主要负责人
    measure = page.locator("#chain-measure")
    measure.locator("select[name=level_1]").select_option(label="主要负责人")
    measure.locator("button[type=submit]").click()
    page.locator("text=已保存：强制措施审批").wait_for()
    assert page.locator("#chain-measure .lt-path").inner_text() == "分管领导 → 主要负责人"
    assert ApprovalChain.objects.get(agency=cast.agency_a, action="measure").levels == [
        "approver_2",
        "approver_3",
    ]


def _investigated_case(cast, andy, violation):
    import datetime as dt

    from django.utils import timezone

    from lawtrail.cases import services as svc
    from lawtrail.registry.models import Benchmark, BenchmarkTier
    from tests.factories import make_credit_code

    bm = Benchmark.objects.create(
        violation=violation, issuer="河北省市场监督管理局", effective_from=dt.date(2020, 1, 1)
    )
    for tier, lo, hi in (("lenient", 50000, 65000), ("normal", 65000, 85000), ("severe", 85000, 100000)):
        BenchmarkTier.objects.create(benchmark=bm, tier=tier, fine_min=lo, fine_max=hi)
    today = timezone.localdate()
    case = svc.case_create(
        actor=cast.alice,
        agency=cast.agency_a,
        domain=cast.market,
        region=cast.changan,
        title="某公司未取得许可经营案",
        officer_ids=[andy.pk],
        act_date=today - dt.timedelta(days=5),
        violation_ids=[violation.pk],
    )
    svc.party_add(
        actor=cast.alice,
        case=case,
        kind="organisation",
        name="石家庄某某商贸有限公司",
        credit_code=make_credit_code(7, "130102"),
        address="石家庄市长安区中山东路1号",
    )
    svc.case_transition(actor=cast.alice, case_id=case.pk, action="filing_submit")
    svc.approval_act(actor=cast.carol, case_id=case.pk, decision="approve")
    svc.case_transition(
        actor=cast.alice,
        case_id=case.pk,
        action="evidence_add",
        data={"kind": "record", "title": "现场检查笔录", "collected_on": today.isoformat()},
    )
    ev = case.evidence.get()
    svc.case_transition(
        actor=cast.alice,
        case_id=case.pk,
        action="evidence_examine",
        data={"evidence_ids": [ev.pk], "record": "无异议"},
    )
    svc.case_transition(
        actor=cast.alice, case_id=case.pk, action="investigation_end", data={"report": "调查终结。"}
    )
    return case


def test_proposal_shows_the_benchmark_and_the_approver_the_sheet(live_server, sized, browser):
    width, page = sized
    cast, andy, violation = build_world()
    case = _investigated_case(cast, andy, violation)
    log_in(page, live_server, "alice", f"/backoffice/cases/{case.pk}/")
    form = page.locator("#act-proposal_submit")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    assert "建议适用：一般处罚" in form.locator("[data-testid=benchmark]").inner_text()
    form.locator("input[name=kinds][value=fine]").check()
    form.locator("input[name=amount]").fill("90000")
    check = form.locator("#benchmark-check")
    assert "超出所选裁量阶次" in check.inner_text() and "从重处罚" in check.inner_text()
    assert form.locator("tr.lt-fits td").first.inner_text() == "从重处罚"
    form.locator("input[name=amount]").fill("70000")
    assert "在裁量阶次幅度内：一般处罚" in check.inner_text()
    no_sideways_scroll(page)
    shot(page, f"proposal-{width}")
    form.locator("button[type=submit]").click()
    page.locator("#flash, #act-proposal_submit .lt-alert").first.wait_for()
    assert page.locator("#flash").count() == 1, page.locator("#act-proposal_submit .lt-alert").inner_text()
    # the approver reads the 审批表 and approves with the default opinion
    approver = browser.new_context(locale="zh-CN", viewport=page.viewport_size).new_page()
    log_in(approver, live_server, "carol", f"/backoffice/cases/{case.pk}/")
    approve = approver.locator("#act-approve")
    if approve.get_attribute("open") is None:
        approve.locator("summary").click()
    sheet = approver.locator("[data-testid=approval-sheet]")
    text = sheet.inner_text()
    assert "处理意见审批表" in text and "柒万元整" in text and "一般处罚" in text
    assert approver.locator("#act-approve textarea[name=reasons]").input_value() == "同意"
    no_sideways_scroll(approver)
    shot(approver, f"approval-sheet-{width}")
    approver.locator("#act-approve button[type=submit]").click()
    approver.locator("#flash").wait_for()
    assert "待事先告知" in approver.locator("#case-state").inner_text()
    approver.context.close()


def test_officer_searches_the_list_and_exports_the_ledger(live_server, sized):
    import io

    import openpyxl

    width, page = sized
    cast, andy, violation = build_world()
    _investigated_case(cast, andy, violation)
    log_in(page, live_server, "alice", "/backoffice/cases/")
    page.fill("input[name=q]", "商贸")
    page.locator("#case-filter button[type=submit]").click()
    page.wait_for_url("**q=*")
    rows = page.locator("#cases tbody tr")
    assert rows.count() == 1 and "提交拟处理意见" in rows.first.inner_text()
    no_sideways_scroll(page)
    shot(page, f"list-search-{width}")
    page.locator("#ledger-export button").click()
    page.wait_for_url("**/backoffice/cases/ledger/**")
    link = page.locator("#ledger-download")
    link.wait_for()
    assert page.locator("#ledger-bar").get_attribute("value") == "100"
    no_sideways_scroll(page)
    shot(page, f"ledger-{width}")
    with page.expect_download() as got:
        link.click()
    download = got.value
    assert download.suggested_filename.startswith("案件台账-") and download.suggested_filename.endswith(
        ".xlsx"
    )
    ws = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "某公司未取得许可经营案"
