"""事前公开 (G118-4): bodies, officers (nothing private), powers with bases, procedure, benchmarks,
the random-inspection list, the 目录清单 in Chinese; by division and domain; "last changed" from the
journal. Statistics page."""

import pytest
from django.core.cache import cache

from lawtrail.disclosure import services
from lawtrail.disclosure.models import Record
from lawtrail.registry.models import PowerItem


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def test_bodies_by_division_and_domain(cast, client):
    page = client.get("/disclosure/bodies/").content.decode()
    assert cast.agency_a.name in page and 'id="last-changed"' in page
    page = client.get("/disclosure/bodies/", {"division": cast.agency_a.division.code}).content.decode()
    assert cast.agency_a.name in page
    page = client.get("/disclosure/bodies/", {"domain": cast.market.code}).content.decode()
    assert client.get("/disclosure/bodies/", {"domain": "nope"}).status_code == 400


def test_body_page_lists_officers_with_nothing_private(cast, client):
    page = client.get(f"/disclosure/bodies/{cast.agency_a.pk}/").content.decode()
    alice = cast.staff["alice"]
    assert alice.name in page and cast.credentials["alice"].number in page
    assert alice.id_number not in page and (not alice.phone or alice.phone not in page)
    assert "行政复议" in page and "行政诉讼" in page and "12345" in page
    assert client.get("/disclosure/bodies/999999/").status_code == 404


def test_power_catalogue_with_bases_procedure_and_benchmarks(world, client):
    power = world.violation.power
    PowerItem.objects.filter(pk=power.pk).update(procedure="立案→调查取证→告知→决定→送达")
    page = client.get("/disclosure/powers/", {"domain": world.cast.market.code}).content.decode()
    assert power.name in page
    page = client.get(f"/disclosure/powers/{power.pk}/").content.decode()
    assert "食品安全法" in page and "第一百二十二条" in page and 'id="flow"' in page
    assert "65000" in page and "从轻" in page  # the benchmark tiers
    assert client.get("/disclosure/powers/", {"kind": "bogus"}).status_code == 400


def test_random_inspection_item_list(cast, client):
    PowerItem.objects.create(code="T-JC-1", name="食品经营者监督检查", kind="inspection", domain=cast.market)
    PowerItem.objects.create(code="T-CF-9", name="某处罚事项", kind="penalty", domain=cast.market)
    page = client.get("/disclosure/inspections/").content.decode()
    assert "食品经营者监督检查" in page and "某处罚事项" not in page


def test_review_list_is_public_and_in_chinese(cast, client):
    from lawtrail.review import services as review_services

    review_services.criterion_create(
        actor=None,
        agency_id=cast.agency_a.pk,
        category="penalty_kind",
        title="吊销许可证件、扣押",
        penalty_kinds=["revoke_licence"],
        measure_kinds=["seize"],
    )
    page = client.get(f"/disclosure/review-criteria/{cast.agency_a.pk}/").content.decode()
    assert "吊销许可证件" in page and "扣押" in page
    assert "revoke_licence" not in page and "seize" not in page


def test_statistics_page(walk, client):
    record = Record.objects.get(case=walk.served())
    services.record_publish(actor=walk.c.alice, record_id=record.pk)
    page = client.get("/disclosure/stats/").content.decode()
    assert "2026-09" in page and walk.c.market.name in page
    assert "vendor/echarts/echarts.min.js" in page
