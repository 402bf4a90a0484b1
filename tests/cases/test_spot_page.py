"""当场处罚 page: one form over ``case_on_the_spot``; the APL-51 limit shown and enforced."""

from __future__ import annotations

import pytest

from lawtrail.cases.models import Case, Procedure, State

pytestmark = pytest.mark.django_db


def _post(world, **over):
    data = {
        "agency": world.cast.agency_a.pk,
        "party_kind": "person",
        "party_name": "王某",
        "violation_ids": [world.violation.pk],
        "domain": world.cast.market.pk,
        "region": world.cast.changan.pk,
        "act_date": "2026-09-01",
        "facts": "在街头无证销售自制食品",
        "basis": "《中华人民共和国食品安全法》第一百二十二条",
        "kinds": ["fine"],
        "amount": "100",
        "officer_ids": [world.andy.pk],
        "credentials_shown": "on",
        "form_serial": "长市监当罚〔2026〕0001",
        "collected": "on",
        "receipt_number": "冀罚收字00012345",
        "party_signed": "on",
    }
    data.update(over)
    return data


def test_on_the_spot_page_limit_refusal_then_done(client, world):
    client.force_login(world.cast.alice)
    page = client.get("/backoffice/cases/on-the-spot/").content.decode()
    assert 'id="spot-limit"' in page and "200" in page and "3000" in page
    r = client.post("/backoffice/cases/on-the-spot/", _post(world, amount="300"))
    body = r.content.decode()
    assert r.status_code == 400 and 'data-code="CASE_ON_THE_SPOT_FINE_OVER_LIMIT"' in body, body[-3000:]
    assert not Case.objects.filter(procedure=Procedure.ON_THE_SPOT).exists()
    r = client.post("/backoffice/cases/on-the-spot/", _post(world))
    assert r.status_code == 302, r.content.decode()[-3000:]
    case = Case.objects.get(procedure=Procedure.ON_THE_SPOT)
    assert case.state == State.SERVED and case.receipt_number == "冀罚收字00012345" and case.collected_on_spot
