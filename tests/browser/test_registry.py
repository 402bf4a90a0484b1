"""The registry pages people use most, in a real browser: an agency admin issues a
credential and suspends it; a visitor checks it on the public 亮证 page; a bad ID number
on the staff form is refused inline, in Chinese."""

import pytest

from lawtrail.registry.models import Credential, Staff
from tests.browser.conftest import log_in
from tests.cast import build_cast
from tests.factories import make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agency_admin_issues_then_suspends_and_visitor_verifies(live_server, page, browser):
    cast = build_cast()
    carol = cast.staff["carol"]
    log_in(page, live_server, "grace", f"/backoffice/registry/staff/{carol.pk}/")
    assert page.locator("#credentials").inner_text().count("未持有执法证") == 1

    issue = page.locator("#issue-form")
    issue.locator("input[name=number]").fill("130102202500099")
    issue.locator("select[name=domain]").select_option(label="市场监管")
    issue.locator("button[type=submit]").click()
    page.wait_for_url(f"**/staff/{carol.pk}/")
    row = page.locator("tr[data-number='130102202500099']")
    assert row.locator("td.status").inner_text() == "有效"
    assert "执法证已发放" in page.content()

    row.get_by_placeholder("原因（暂扣、注销必填）").fill("涉嫌违规执法，暂扣待查")
    row.get_by_role("button", name="暂扣").click()
    page.wait_for_url(f"**/staff/{carol.pk}/")
    row = page.locator("tr[data-number='130102202500099']")
    assert row.locator("td.status").inner_text() == "暂扣"
    assert row.get_by_role("button", name="恢复").is_visible()
    assert Credential.objects.get(number="130102202500099").status == "suspended"

    visitor = browser.new_context(locale="zh-CN").new_page()
    try:
        visitor.goto(live_server.url + "/verify/credential/")
        visitor.fill("input[name=number]", "130102202500099")
        visitor.get_by_role("button", name="查验").click()
        visitor.wait_for_url("**/verify/credential/?number=130102202500099")
        table = visitor.locator("table").inner_text()
        assert "卡罗尔" in table and cast.agency_a.name in table and "暂扣" in table
        assert carol.id_number_masked not in visitor.content()
    finally:
        visitor.context.close()


def test_bad_id_number_on_staff_form_is_shown_inline(live_server, page):
    cast = build_cast()
    path = f"/backoffice/registry/agencies/{cast.agency_a.pk}/staff/new/"
    log_in(page, live_server, "grace", path)
    good = make_id_number(8201, "130102")
    page.fill("input[name=name]", "张三")
    page.fill("input[name=id_number]", good[:-1] + ("0" if good[-1] != "0" else "1"))
    page.get_by_role("button", name="保存").click()
    error = page.locator("span.err[data-field=id_number]")
    assert error.inner_text() == "公民身份号码格式或校验位错误（GB 11643）。（ID_NUMBER_INVALID）"
    assert page.locator("#form-error").is_visible()
    assert not Staff.objects.filter(name="张三").exists()

    page.fill("input[name=id_number]", good)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/backoffice/registry/staff/*/")
    staff = Staff.objects.get(name="张三")
    assert page.locator("#id-number").inner_text() == staff.id_number_masked
    assert good not in page.content()
