"""Inputs (issue 13): control characters refused in one place, OPTIONS on every endpoint."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lawtrail.core.inputs import has_control
from lawtrail.registry.models import Domain

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, bad",
    [
        ("正常文本", False),
        ("多行\n文本\t制表", False),
        ("a\x00b", True),
        ("\x1b[31m", True),
        ("\x7f", True),
        ("\x85", True),
        ("\ud800", True),
        ({"a": ["ok", {"b": "\x00"}]}, True),
    ],
)
def test_has_control(text, bad):
    assert has_control(text) is bad


def test_nul_in_a_registry_filter_is_a_400_not_a_500(cast, client):
    client.force_login(cast.alice)
    r = client.get("/api/v1/registry/agencies/?q=%00")
    assert r.status_code == 400 and r.json()["code"] == "INPUT_CONTROL_CHARACTER"
    assert client.get("/backoffice/registry/agencies/?q=a%00b").status_code == 400


def test_nul_in_the_public_credential_check_is_refused(db):
    r = Client().get("/verify/credential/?number=%00")
    assert r.status_code == 400 and "控制字符" in r.content.decode()
    r = Client().get("/api/v1/registry/credentials/verify?number=1%00")
    assert r.status_code == 400 and r.json()["code"] == "INPUT_CONTROL_CHARACTER"


def test_json_and_form_bodies_with_control_characters_change_nothing(cast):
    client = Client()
    client.force_login(cast.admin)
    before = Domain.objects.count()
    r = client.post(
        "/api/v1/registry/domains/",
        json.dumps({"code": "x1", "name": "坏\u0000名"}),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "INPUT_CONTROL_CHARACTER"
    r = client.post("/api/v1/registry/domains/", {"code": "x2", "name": "坏\x0b名"})
    assert r.status_code == 400
    assert Domain.objects.count() == before


def _api_paths():
    out = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                path = "/" + prefix + str(p.pattern)
                if path.startswith("/api/v1/"):
                    out.append(re.sub(r"<[^>]+>", "1", path))

    walk(get_resolver().url_patterns)
    return out


def test_options_answers_on_every_api_endpoint(cast):
    client = Client()
    client.force_login(cast.admin)
    paths = _api_paths()
    assert len(paths) > 60
    failures = [(p, r.status_code) for p in paths if (r := client.options(p)).status_code >= 500]
    assert not failures
    body = client.options("/api/v1/registry/divisions/").json()
    assert "GET" in body["allowed_methods"] and body["schema"] == "/api/schema/"
