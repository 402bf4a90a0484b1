import pytest


@pytest.mark.django_db
def test_portal_answers_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "行政执法公示平台" in response.content.decode()


@pytest.mark.django_db
def test_backoffice_requires_login(client):
    response = client.get("/backoffice/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_token_refusal_has_code(client):
    response = client.post("/api/v1/auth/token", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert response.json()["code"] == "LOGIN_FAILED"


@pytest.mark.django_db
def test_openapi_schema_validates_without_warnings():
    from django.core.management import call_command

    # fails on any drf-spectacular warning (unnamed enums, unresolvable serializers …)
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
