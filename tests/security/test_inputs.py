"""Issue 13 — inputs: registry filters parsed by serializers (integers and text bounded),
pagination bounded, dates in a plausible window, exports without formulas, OPTIONS everywhere."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from lawtrail.core.errors import ApplicationError
from lawtrail.core.exports import cell_safe, cell_unsafe
from lawtrail.registry import excel
from lawtrail.registry import services as reg
from tests.cast import api_client_for

R = "/api/v1/registry/"


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("staff/", {"agency": "abc"}),
        ("staff/", {"agency": "99999999999999999999"}),
        ("staff/", {"agency": "0"}),
        ("staff/", {"active": "maybe"}),
        ("staff/", {"q": "张" * 101}),
        ("credentials/", {"staff": "-1"}),
        ("credentials/", {"status": "lost"}),
        ("roles/", {"user": "1e9"}),
        ("agencies/", {"mine": "sometimes"}),
        ("violations/", {"power": "99999999999999999999"}),
        ("benchmarks/", {"violation": "x"}),
        ("staff/", {"offset": "100000000000000000000"}),
        ("staff/", {"limit": "100000000000000000000"}),
        ("staff/", {"offset": "-5"}),
    ],
)
def test_registry_filters_are_parsed_and_bounded(cast, admin, path, query):
    r = api_client_for(admin).get(R + path, query)
    assert r.status_code == 400, (path, query, r.status_code, r.content[:300])
    assert r.json()["code"] == "INVALID_INPUT"


def test_registry_filters_still_filter(cast, admin):
    r = api_client_for(admin).get(R + "staff/", {"agency": cast.agency_b.pk, "active": "true"})
    assert r.status_code == 200
    assert {s["agency"] for s in r.json()["results"]} == {cast.agency_b.pk}
    r = api_client_for(admin).get(R + "staff/", {"limit": "100000"})
    assert r.status_code == 200  # a large limit is lowered to the maximum, not refused


@pytest.mark.parametrize(
    ("issued", "expires"),
    [("0001-01-01", "2030-01-01"), ("1900-01-01", "2030-01-01"), ("2024-01-01", "9999-12-31")],
)
def test_credential_dates_must_be_plausible(cast, grace, issued, expires):
    staff = cast.staff["carol"]
    body = {
        "staff": staff.pk,
        "number": "130102X0001",
        "domain": cast.market.code,
        "region": cast.changan.code,
        "issued_on": issued,
        "expires_on": expires,
    }
    r = api_client_for(grace).post(R + "credentials/", body, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "DATE_IMPLAUSIBLE"
    assert not staff.credentials.exists()


def test_a_renewal_to_9999_is_refused(cast, grace):
    with pytest.raises(ApplicationError) as exc:
        reg.credential_renew(
            actor=grace, credential=cast.credentials["alice"], expires_on=dt.date(9999, 12, 31)
        )
    assert exc.value.code == "DATE_IMPLAUSIBLE"


def test_a_lead_refuses_an_implausible_act_date(cast, alice):
    from lawtrail.cases import services as case_svc

    with pytest.raises(ApplicationError) as exc:
        case_svc.case_create(
            actor=alice,
            agency=cast.agency_a,
            domain=cast.market,
            region=cast.changan,
            title="某案",
            act_date=dt.date(1, 1, 1),
        )
    assert exc.value.code == "DATE_IMPLAUSIBLE" and "违法行为发生日" in exc.value.message


@pytest.mark.parametrize("text", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x","点我")'])
def test_cell_safe(text):
    assert cell_safe(text) == "'" + text and cell_unsafe(cell_safe(text)) == text
    assert cell_safe("张三") == "张三" and cell_safe(-5) == -5


def test_the_staff_export_carries_no_formula(cast, grace):
    reg.staff_update(actor=grace, staff=cast.staff["alice"], posts='=HYPERLINK("http://evil","点此")')
    data = excel.export_staff(actor=grace)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    texts = [
        c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert '\'=HYPERLINK("http://evil","点此")' in texts
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]


def test_options_answers_every_api_endpoint(cast, admin):
    """OPTIONS on every path of the schema (ids filled in) answers without a server error."""
    import re

    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    client = api_client_for(admin)
    bad = []
    for path in schema["paths"]:
        url = re.sub(r"\{[^}]+\}", "1", path)
        r = client.options(url)
        if r.status_code >= 500 or r.status_code == 405:
            bad.append((url, r.status_code))
    assert not bad


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"offset": "-5"}, "参数 offset 须为 0 至 10000000 的整数。"),
        ({"offset": "10000001"}, "参数 offset 须为 0 至 10000000 的整数。"),
        ({"limit": "abc"}, "参数 limit 须为 1 至 500 的整数。"),
    ],
)
def test_pagination_refusals_name_the_bounds(cast, admin, query, message):
    """The pagination's refusals (``core.pagination``): a translatable message with the bound
    filled in, the stable code, 400 — on the registry's lists and the case list alike."""
    for path in (R + "staff/", "/api/v1/cases/"):
        r = api_client_for(admin).get(path, query)
        assert r.status_code == 400, (path, query, r.content[:300])
        assert (r.json()["code"], r.json()["message"]) == ("INVALID_INPUT", message)
