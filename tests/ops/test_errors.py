"""Error pages: Chinese, with the navigation and a way back; the API answers JSON, even on 500."""

import pytest
from django.test import Client


@pytest.fixture
def boom_client(settings):
    settings.ROOT_URLCONF = "tests.ops.urls_boom"
    return Client(raise_request_exception=False)


def test_unknown_page_is_a_chinese_404_with_a_way_back(client, db):
    r = client.get("/没有这个页面/", HTTP_REFERER="http://testserver/verify/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "页面不存在" in html and "返回首页" in html
    assert '<a href="http://testserver/verify/">返回上一页</a>' in html
    assert "Page not found" not in html and "Traceback" not in html


def test_back_link_never_leads_off_the_site(client, db):
    html = client.get("/nope/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in html and "返回上一页" not in html and "返回首页" in html


def test_logged_in_404_shows_the_navigation(client, cast):
    client.force_login(cast.users["alice"])
    r = client.get("/backoffice/nothing-here/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "返回工作台" in html
    assert "待办" in html and "案件" in html  # alice's back-office navigation


def test_unknown_api_path_is_json_404(client, db):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["code"] == "NOT_FOUND"


def test_page_500_is_chinese_and_names_the_request(boom_client, db):
    r = boom_client.get("/boom/", HTTP_X_REQUEST_ID="req-4711")
    assert r.status_code == 500
    html = r.content.decode()
    assert "服务器内部错误" in html and "req-4711" in html and "返回首页" in html
    assert "page failed" not in html and "Traceback" not in html  # nothing of the internals leaks
    assert r["X-Request-ID"] == "req-4711"


def test_api_500_is_json_with_code_and_request_id(boom_client, db):
    r = boom_client.get("/api/v1/boom", HTTP_ACCEPT="application/json")
    assert r.status_code == 500
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["code"] == "SERVER_ERROR" and "系统处理时出错" in body["message"]
    assert body["request_id"] == r["X-Request-ID"]
    assert "api failed" not in r.content.decode()


def test_json_client_gets_json_500_for_a_page_url(boom_client, db):
    r = boom_client.get("/boom/", HTTP_ACCEPT="application/json")
    assert r.status_code == 500 and r.json()["code"] == "SERVER_ERROR"


def test_csrf_failure_is_a_chinese_403(db):
    c = Client(enforce_csrf_checks=True)
    r = c.post("/login/", {"username": "x", "password": "y"})
    assert r.status_code == 403
    assert "页面已过期" in r.content.decode()


def test_permission_denied_page_is_chinese(settings, db):
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from lawtrail.web.views import permission_denied

    request = RequestFactory().get("/backoffice/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    r = permission_denied(request, PermissionDenied())
    assert r.status_code == 403 and "无权访问" in r.content.decode()
