"""No 500s (issue 8): every GET route of the API schema, opened in a browser (``Accept: text/html``,
DRF's browsable API), answers 200 or a clean refusal; an unknown action or path under /api/ is a
JSON 404 with its code, not a debug page."""

from __future__ import annotations

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.cast import build_cast


@pytest.fixture
def schema_gets():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [path for path, ops in schema["paths"].items() if "get" in ops]


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.django_db
def test_every_get_route_in_a_browser_answers_without_a_server_error(schema_gets, client):
    cast = build_cast()
    client.raise_request_exception = False
    failures = []
    for user in (None, cast.admin, cast.alice):
        if user is not None:
            client.force_login(user)
        for path in schema_gets:
            response = client.get(_fill(path), HTTP_ACCEPT="text/html")
            if response.status_code >= 500:
                failures.append(f"{user} GET {_fill(path)} → {response.status_code}")
    assert len(schema_gets) > 30
    assert not failures, failures


@pytest.mark.django_db
def test_unknown_action_and_unknown_api_path_are_json_404(client):
    cast = build_cast()
    client.force_login(cast.alice)
    response = client.post("/api/v1/cases/1/actions/no_such_step", {}, content_type="application/json")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "CASE_ACTION_UNKNOWN"
    response = client.get("/api/v1/no/such/thing", HTTP_ACCEPT="text/html")
    assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"
