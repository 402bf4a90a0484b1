"""Back-office pages and the public 亮证 page."""

from __future__ import annotations

import pytest

from lawtrail.registry.models import Credential

pytestmark = pytest.mark.django_db


def test_pages_render_in_chinese(cast, client):
    client.force_login(cast.grace)
    for url in [
        "/backoffice/registry/agencies/",
        f"/backoffice/registry/agencies/{cast.agency_a.pk}/",
        "/backoffice/registry/staff/",
        f"/backoffice/registry/staff/{cast.staff['alice'].pk}/",
        "/backoffice/registry/catalog/",
        "/backoffice/registry/io/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert cast.staff["alice"].id_number not in response.content.decode()


def test_private_fields_only_when_allowed(cast, client):
    client.force_login(cast.alice)
    page = client.get(f"/backoffice/registry/staff/{cast.staff['bob'].pk}/").content.decode()
    assert (
        "鲍勃" in page
        and cast.staff["bob"].id_number_masked not in page
        and cast.staff["bob"].phone not in page
    )
    client.force_login(cast.grace)
    page = client.get(f"/backoffice/registry/staff/{cast.staff['alice'].pk}/").content.decode()
    assert cast.staff["alice"].id_number_masked in page


def test_credential_forms_show_inline_errors(cast, client):
    client.force_login(cast.grace)
    cred = cast.credentials["alice"]
    response = client.post(f"/backoffice/registry/credentials/{cred.pk}/suspend/", {"reason": ""})
    assert response.status_code == 400 and "REASON_REQUIRED" in response.content.decode()
    response = client.post(f"/backoffice/registry/credentials/{cred.pk}/revoke/", {"reason": "调离"})
    assert response.status_code == 302
    assert Credential.objects.get(pk=cred.pk).status == "revoked"
    response = client.post(
        f"/backoffice/registry/staff/{cast.staff['carol'].pk}/credentials/issue/",
        {
            "number": cred.number,
            "domain": cast.market.pk,
            "region": cast.changan.pk,
            "issued_on": "2025-01-01",
            "expires_on": "2030-01-01",
        },
    )
    assert response.status_code == 400 and "CREDENTIAL_NUMBER_TAKEN" in response.content.decode()


def test_import_page_shows_error_table(cast, client):
    from lawtrail.registry import excel
    from tests.registry.test_import import good_catalog, workbook

    data = good_catalog()
    data["权力事项"][0]["事项名称"] = None
    f = workbook(excel.CATALOG_SHEETS, data)
    f.name = "c.xlsx"
    client.force_login(cast.admin)
    response = client.post("/backoffice/registry/io/", {"kind": "catalog", "file": f})
    page = response.content.decode()
    assert response.status_code == 400 and "IMPORT_INVALID" in page and "必填项为空" in page
    download = client.get("/backoffice/registry/io/download/catalog-template/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def test_public_verify_page(cast, client):
    cred = cast.credentials["bob"]
    page = client.get(f"/verify/credential/?number={cred.number}").content.decode()
    assert "鲍勃" in page and cast.agency_b.name in page and "有效" in page
    assert cast.staff["bob"].id_number_masked not in page
    assert client.get("/verify/credential/?number=nope").status_code == 404
