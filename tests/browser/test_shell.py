import pytest

from lawtrail.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_leads_to_backoffice(live_server, page):
    User.objects.create_user(username="liming", password="Demo@2026pass", display_name="李明")
    page.goto(live_server.url + "/backoffice/")
    assert "/login/" in page.url
    page.fill("input[name=username]", "liming")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".err").inner_text() == "用户名或密码错误，请重新输入。"
    page.fill("input[name=username]", "liming")
    page.fill("input[name=password]", "Demo@2026pass")
    page.click("button[type=submit]")
    page.wait_for_url("**/backoffice/")
    assert "欢迎，李明" in page.content()


def test_portal_is_chinese(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "行政执法公示平台"
