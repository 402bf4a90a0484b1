import datetime as dt

import pytest

from lawtrail.profiles.keys import KEYS


def test_keys_endpoint_is_public(client, db):
    response = client.get("/api/v1/profiles/keys")
    assert response.status_code == 200
    by_name = {k["name"]: k for k in response.json()}
    assert set(by_name) == set(KEYS)
    assert by_name["hearing.fine_threshold.person"]["default"] == 10000
    assert by_name["hearing.fine_threshold.person"]["source"] == "APL-63"


def test_effective_endpoint_needs_login(client, chain):
    response = client.get(f"/api/v1/profiles/effective?agency={chain['agency'].pk}")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "NOT_AUTHENTICATED"


def test_effective_endpoint_refuses_non_staff(client, chain, nobody):
    client.force_login(nobody)
    response = client.get(f"/api/v1/profiles/effective?agency={chain['agency'].pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "PERMISSION_DENIED"


def test_effective_endpoint_for_staff(client, chain, officer):
    from lawtrail.profiles.services import profile_value_set

    profile_value_set(
        actor=None,
        profile=chain["profiles"]["city"],
        key="statement.period",
        value=7,
        effective_from=dt.date(2024, 1, 1),
    )
    client.force_login(officer)
    # any staff user, also for another agency
    for agency in (chain["agency"], chain["other_agency"]):
        response = client.get(f"/api/v1/profiles/effective?agency={agency.pk}&on=2026-06-01")
        assert response.status_code == 200
    body = client.get(f"/api/v1/profiles/effective?agency={chain['agency'].pk}&on=2026-06-01").json()
    values = {v["key"]: v for v in body["values"]}
    assert values["statement.period"]["value"] == 7
    assert values["statement.period"]["level_label"] == "市"
    assert values["statement.period"]["source_name"] == "石家庄市"
    assert body["on"] == "2026-06-01"
    assert client.get(f"/api/v1/profiles/effective?agency={chain['agency'].pk}&on=2023-06-01").json()[
        "values"
    ]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("", 400, "PROFILE_PARAM_MISSING"),
        ("agency=abc", 400, "PROFILE_PARAM_INVALID"),
        ("agency=1&on=2026-02-30", 400, "PROFILE_PARAM_INVALID"),
        ("agency=1&on=tomorrow", 400, "PROFILE_PARAM_INVALID"),
        ("agency=999999", 404, "NOT_FOUND"),
    ],
)
def test_effective_endpoint_refusals(client, chain, officer, query, status, code):
    client.force_login(officer)
    response = client.get(f"/api/v1/profiles/effective?{query}")
    assert response.status_code == status
    assert response.json()["code"] == code


def test_profiles_in_openapi_schema(client, db):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert "/api/v1/profiles/effective" in paths and "/api/v1/profiles/keys" in paths


def test_effective_page(client, chain, officer, nobody):
    client.force_login(nobody)
    assert client.get("/backoffice/profiles/").status_code == 403
    client.force_login(officer)
    page = client.get(f"/backoffice/profiles/?agency={chain['agency'].pk}&on=2026-06-01").content.decode()
    assert "石家庄市长安区市场监督管理局" in page
    assert "法制审核期限" in page and "内置默认值" in page
