"""The public portal and open data: search equals the scan, the API's parameters and 400s, CSV, Atom,
the masked public page, a withdrawn record's explanation, rate limits."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from lawtrail.disclosure import search, services
from lawtrail.disclosure.models import Record

D = dt.date


@pytest.fixture
def published(walk):
    case = walk.served()
    record = Record.objects.get(case=case)
    services.record_publish(actor=walk.c.alice, record_id=record.pk)
    other = Record.objects.get(
        case=walk.served(party="person", facts="当事人王小明在居民楼内加工食品并对外销售。")
    )
    services.record_publish(actor=walk.c.alice, record_id=other.pk)
    cache.clear()
    return record, other


def test_search_any_keyword_of_one_character_or_more(published, client):
    record, other = published
    for q, expect in (
        ("罚", {record.pk, other.pk}),
        ("好味道", {record.pk}),
        ("王小明", {other.pk}),
        ("无证照", set()),
    ):
        resp = client.get("/api/v1/public/disclosures", {"q": q})
        assert resp.status_code == 200
        body = resp.json()
        assert {r["id"] for r in body["results"]} == expect and body["count"] == len(expect), q


@pytest.mark.parametrize(
    "params",
    [
        {"q": "罚"},
        {"q": "食品", "domain": "market"},
        {"q": "有限公司", "kind": "penalty", "from": "2026-09-01", "to": "2026-09-30"},
        {"q": "a"},
        {"kind": "other"},
    ],
)
def test_search_returns_exactly_the_rows_of_a_like_scan(published, params):
    p, errors = search.parse(params)
    assert not errors
    qs, plan = search.keyword_queryset(p, connection.vendor)
    with search.plan_hints(plan, connection.vendor):
        got = {r.pk for r in qs}
    assert got == set(search.scan(p).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-09-02", "to": "2026-09-01"}, "from"),
        ({"agency": "abc"}, "agency"),
        ({"agency": "999999"}, "agency"),
        ({"domain": "nope"}, "domain"),
        ({"kind": "fine"}, "kind"),
        ({"sort": "price"}, "sort"),
        ({"q": "字" * 51}, "q"),
    ],
)
def test_open_data_api_refuses_bad_parameters_with_a_code(published, client, params, param):
    resp = client.get("/api/v1/public/disclosures", params)
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "DISCLOSURE_PARAM_INVALID" and param in body["details"]


def test_public_page_is_masked_and_has_a_stable_url(published, client):
    record, _ = published
    page = client.get(f"/disclosure/{record.pk}/").content.decode()
    assert "石家庄好味道餐饮有限公司" in page and "130102********1234" in page
    for secret in ("130102198001011234", "13912345678", "6222021234567890123"):
        assert secret not in page
    assert client.get("/disclosure/999999/").status_code == 404


def test_drafts_and_withheld_are_not_public(walk, client):
    record = Record.objects.get(case=walk.served())
    assert client.get(f"/disclosure/{record.pk}/").status_code == 404
    assert client.get("/api/v1/public/disclosures").json()["count"] == 0


def test_withdrawn_record_shows_the_explanation_and_leaves_search(published, client, walk):
    record, _ = published
    services.record_withdraw(actor=walk.c.alice, record_id=record.pk, explanation="该决定已被复议机关撤销。")
    page = client.get(f"/disclosure/{record.pk}/").content.decode()
    assert (
        "本公示已撤回" in page
        and "该决定已被复议机关撤销。" in page
        and "好味道" not in page.split("本公示已撤回")[1]
    )
    ids = {r["id"] for r in client.get("/api/v1/public/disclosures").json()["results"]}
    assert record.pk not in ids


def test_csv_of_a_query_and_atom_feed_per_agency(published, client, walk):
    record, other = published
    resp = client.get("/disclosure/export.csv", {"q": "好味道"})
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    text = resp.content.decode("utf-8-sig")
    assert "决定书文号" in text and record.decision_number in text and "王小明" not in text
    feed = client.get(f"/disclosure/feeds/agency/{walk.c.agency_a.pk}.atom")
    assert (
        feed.status_code == 200
        and b"<feed" in feed.content
        and record.decision_number.encode() in feed.content
    )
    assert client.get("/disclosure/feeds/agency/999999.atom").status_code == 404
    assert client.get("/disclosure/export.csv", {"page": "0"}).status_code == 400


def test_search_page_filters_and_pages(published, client, walk):
    page = client.get("/disclosure/", {"q": "好味道", "agency": walk.c.agency_a.pk}).content.decode()
    assert 'id="count"' in page and "共 1 条" in page
    assert client.get("/disclosure/", {"from": "bad"}).status_code == 400


def test_every_public_endpoint_is_rate_limited(published, settings):
    settings.LAWTRAIL_PUBLIC_RATE = "3/m"
    cache.clear()
    record, _ = published
    for url in (
        "/api/v1/public/disclosures",
        "/disclosure/",
        f"/disclosure/{record.pk}/",
        "/disclosure/export.csv",
    ):
        c = Client(REMOTE_ADDR="10.1.2.3")
        codes = [c.get(url).status_code for _ in range(5)]
        assert codes[:1] == [200] and codes[-1] == 429, (url, codes)
    resp = Client(REMOTE_ADDR="10.1.2.4").get("/api/v1/public/disclosures")
    assert resp.status_code == 200  # another client is not affected
    c = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(3):
        c.get("/api/v1/public/disclosures")
    body = json.loads(c.get("/api/v1/public/disclosures").content)
    assert body["code"] == "DISCLOSURE_RATE_LIMITED"
    cache.clear()
