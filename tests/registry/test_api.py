"""Registry API: masking everywhere, private fields by scope, codes on refusals, 亮证."""

from __future__ import annotations

import pytest

from lawtrail.registry.models import Staff
from tests.cast import CAST_NAMES, api_client_for
from tests.factories import make_id_number
from tests.test_role_matrix import MATRIX

pytestmark = pytest.mark.django_db

PRIVATE_KEYS = {"phone", "id_number_masked", "age", "gender"}


def test_raw_id_number_never_in_any_response(cast):
    """Every registry route, every cast member, both agencies: no whole ID number in a body."""
    raw = [s.id_number for s in Staff.objects.all()]
    for (name, method), (target, _expected) in MATRIX.items():
        if not name.startswith("registry-") or name == "registry-export-staff":
            continue  # the staff export is the documented .xlsx for re-import (STAFF_MANAGE only)
        for member in (None, *CAST_NAMES):
            user = cast.users[member] if member else None
            for side in ("A", "B"):
                _status, body = _case_full(cast, method, target, user, side)
                for number in raw:
                    assert number not in body, (name, method, member, side)


def _case_full(cast, method, target, user, side):
    from django.db import transaction

    from tests.test_role_matrix import _call

    with transaction.atomic():
        path, body = target(cast, side)
        response = _call(api_client_for(user), method, path, body)
        transaction.set_rollback(True)
    return response.status_code, response.content.decode(errors="replace")


def test_staff_private_fields_by_scope(cast):
    bob_staff = cast.staff["bob"]
    alice_staff = cast.staff["alice"]
    body = api_client_for(cast.alice).get(f"/api/v1/registry/staff/{bob_staff.pk}").json()
    assert body["name"] == "鲍勃" and body["credentials"][0]["number"] == cast.credentials["bob"].number
    assert body["private"] is False and not PRIVATE_KEYS & set(body)
    body = api_client_for(cast.carol).get(f"/api/v1/registry/staff/{alice_staff.pk}").json()
    assert body["private"] is True and body["id_number_masked"] == alice_staff.id_number_masked
    assert "*" in body["id_number_masked"]
    # the county supervisor sees private fields of its county only
    assert api_client_for(cast.erin).get(f"/api/v1/registry/staff/{bob_staff.pk}").json()["private"] is False
    assert api_client_for(cast.frank).get(f"/api/v1/registry/staff/{bob_staff.pk}").json()["private"] is True


def test_staff_list_marks_private_per_row_without_n_plus_one(cast, django_assert_max_num_queries):
    client = api_client_for(cast.frank)
    with django_assert_max_num_queries(8):
        rows = client.get("/api/v1/registry/staff/").json()["results"]
    assert {r["name"] for r in rows if r["private"]} == {r["name"] for r in rows}
    rows = api_client_for(cast.erin).get("/api/v1/registry/staff/").json()["results"]
    assert {r["agency"] for r in rows if r["private"]} == {cast.agency_a.pk}


def test_staff_create_via_api_masks_and_derives(cast):
    idn = make_id_number(88, "130102")
    response = api_client_for(cast.grace).post(
        "/api/v1/registry/staff/",
        {"agency": cast.agency_a.pk, "name": "郑十", "id_number": idn},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert idn not in response.content.decode() and body["id_number_masked"].endswith(idn[-4:])
    assert "birth_date" not in body and body["age"] > 0 and body["gender"] in {"M", "F"}


@pytest.mark.parametrize(
    "payload,status,code",
    [
        ({"id_number": "110105194912310021"}, 400, "ID_NUMBER_INVALID"),
        ({"id_number": "alice"}, 409, "STAFF_ID_NUMBER_TAKEN"),
        ({"name": ""}, 400, "INVALID_INPUT"),
    ],
)
def test_staff_create_refusals_have_codes(cast, payload, status, code):
    data = {"agency": cast.agency_a.pk, "name": "某人", "id_number": make_id_number(89), **payload}
    if data["id_number"] == "alice":
        data["id_number"] = cast.staff["alice"].id_number
    response = api_client_for(cast.grace).post("/api/v1/registry/staff/", data, format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert cast.staff["alice"].id_number not in response.content.decode()


def test_revoked_credential_is_final_409(cast):
    client = api_client_for(cast.grace)
    url = f"/api/v1/registry/credentials/{cast.credentials['alice'].pk}"
    assert client.post(url + "/revoke", {"reason": "调离"}, format="json").status_code == 200
    response = client.post(url + "/suspend", {"reason": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "CREDENTIAL_REVOKED")
    history = client.get(url + "/history").json()["results"]
    assert [h["kind"] for h in history] == ["revoke"]


def test_verify_is_public_and_holds_nothing_private(cast, anon):
    cred = cast.credentials["alice"]
    response = anon.get(f"/api/v1/registry/credentials/verify?number={cred.number}")
    body = response.json()
    assert response.status_code == 200
    assert body["name"] == "艾丽丝" and body["agency"] == cast.agency_a.name and body["status"] == "valid"
    assert set(body) == {
        "number",
        "name",
        "agency",
        "domain",
        "region",
        "status",
        "status_display",
        "issued_on",
        "expires_on",
        "usable_today",
    }
    assert (
        anon.get("/api/v1/registry/credentials/verify?number=nope").json()["code"] == "CREDENTIAL_NOT_FOUND"
    )
    assert anon.get("/api/v1/registry/credentials/verify").json()["code"] == "NUMBER_REQUIRED"


def test_import_errors_listed_in_api(cast):
    from lawtrail.registry import excel
    from tests.registry.test_import import good_catalog, workbook

    data = good_catalog()
    data["权力事项"][0]["事项名称"] = None
    f = workbook(excel.CATALOG_SHEETS, data)
    f.name = "c.xlsx"
    response = api_client_for(cast.admin).post(
        "/api/v1/registry/import/catalog", {"file": f}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["code"] == "IMPORT_INVALID"
    assert {"sheet": "权力事项", "row": 2, "column": "事项名称", "reason": "必填项为空。"} in response.json()[
        "details"
    ]


def test_benchmark_out_of_range_refused_with_rule(cast):
    from tests.factories import ViolationFactory

    v = ViolationFactory(power__domain=cast.market)
    response = api_client_for(cast.admin).post(
        "/api/v1/registry/benchmarks/",
        {
            "violation": v.pk,
            "effective_from": "2025-01-01",
            "tiers": [{"tier": "从轻", "fine_min": 1, "fine_max": 2}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "BENCHMARK_TIER_OUT_OF_RANGE" and response.json()["rule"] == "G27-6"


def test_pagination_is_limit_offset(cast):
    body = api_client_for(cast.admin).get("/api/v1/registry/staff/?limit=2&offset=1").json()
    assert body["count"] == 5 and len(body["results"]) == 2


def test_schema_documents_registry_error_codes(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/registry/credentials/{id}/revoke" in schema
    assert "CREDENTIAL_REVOKED" in schema and "IMPORT_INVALID" in schema
