"""Case list search (case number, parties, facts) and the 案件台账 Excel export with its progress
(issue 9)."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest

from lawtrail.cases import ledger
from lawtrail.cases.models import Case, Party
from tests.factories import make_credit_code

pytestmark = pytest.mark.django_db
LIST = "/backoffice/cases/"


@pytest.fixture
def cases(world):
    c = world.cast
    made = []
    for i, (title, facts, party) in enumerate(
        (
            ("某超市销售过期食品案", "货架上陈列过期酸奶十二盒。", "石家庄市长安区某超市"),
            ("某餐馆未取得许可经营案", '=HYPERLINK("http://x") 无证经营。', "+某餐饮有限公司"),
            ("某药店违规销售处方药案", "未凭处方销售处方药。", "石家庄某大药房"),
        )
    ):
        case = Case.objects.create(
            agency=c.agency_a,
            domain=c.market,
            region=c.changan,
            title=title,
            facts=facts,
            handler=c.alice,
            lead_on=dt.date(2026, 8, 1 + i),
        )
        Party.objects.create(
            case=case, kind="organisation", name=party, credit_code=make_credit_code(10 + i, "130102")
        )
        made.append(case)
    made[2].number = "长市监立〔2026〕77号"
    made[2].save()
    return made


def _ids(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-case="(\d+)">', page)]


@pytest.mark.parametrize(
    ("q", "which"),
    [
        ("过期酸奶", [0]),  # facts
        ("某餐饮", [1]),  # a party's name
        ("77号", [2]),  # case number
        ("处方药", [2]),  # title and facts
        ("某", [0, 1, 2]),
        ("不存在的词", []),
    ],
)
def test_the_list_searches_number_parties_and_facts(world, cases, client, q, which):
    client.force_login(world.cast.alice)
    page = client.get(LIST, {"q": q}).content.decode()
    assert sorted(_ids(page)) == sorted(cases[i].pk for i in which)


def test_a_case_with_two_matching_parties_is_listed_once(world, cases, client):
    Party.objects.create(
        case=cases[0],
        kind="organisation",
        name="石家庄市长安区某超市分店",
        credit_code=make_credit_code(20, "130102"),
    )
    client.force_login(world.cast.alice)
    assert _ids(client.get(LIST, {"q": "长安区某超市"}).content.decode()) == [cases[0].pk]


def test_the_ledger_exports_the_filtered_list_with_its_progress(world, cases, client):
    c = world.cast
    client.force_login(c.alice)
    page = client.get(LIST, {"q": "某"}).content.decode()
    assert 'id="ledger-export"' in page and 'name="query" value="q=%E6%9F%90"' in page
    r = client.post("/backoffice/cases/ledger/", {"query": "q=某餐"})
    assert r.status_code == 302
    progress_url = r["Location"]
    page = client.get(progress_url).content.decode()
    assert '<progress id="ledger-bar" max="100" value="100">' in page and "已处理 1 / 1 件" in page
    # the htmx poll gets the box alone, without a further poll once done
    box = client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()
    assert box.startswith('<div id="ledger-progress"') and "hx-trigger" not in box
    download = re.search(r'href="([^"]+/file/)"', page).group(1)
    r = client.get(download)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "案号", "案由", "当事人") and "待办" in rows[0]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["案由"] == "某餐馆未取得许可经营案" and row["待办"] == "提请立案"
    assert row["当事人"] == "'+某餐饮有限公司"  # no formula a spreadsheet would run
    assert row["线索登记日"].date() == dt.date(2026, 8, 2)


def test_another_user_cannot_read_or_download_the_ledger(world, cases, client):
    c = world.cast
    client.force_login(c.alice)
    progress_url = client.post("/backoffice/cases/ledger/", {"query": ""})["Location"]
    client.force_login(c.carol)
    for url in (progress_url, progress_url + "file/"):
        r = client.get(url)
        assert r.status_code == 404 and "台账不存在或已过期" in r.content.decode()
    client.force_login(c.bob)  # another agency's officer: a ledger of his own scope has none of A's cases
    r = client.post("/backoffice/cases/ledger/", {"query": ""})
    page = client.get(r["Location"]).content.decode()
    assert "已处理 0 / 0 件" in page


def test_a_ledger_larger_than_the_limit_is_refused(world, cases, client, monkeypatch):
    monkeypatch.setattr(ledger, "MAX_ROWS", 2)
    client.force_login(world.cast.alice)
    r = client.post("/backoffice/cases/ledger/", {"query": ""})
    assert r.status_code == 400 and "请缩小查询条件" in r.content.decode()
    r = client.post("/backoffice/cases/ledger/", {"query": "q=某餐"})
    assert r.status_code == 302


def test_the_ledger_reports_progress_chunk_by_chunk(world, cases, monkeypatch):
    monkeypatch.setattr(ledger, "CHUNK", 1)
    seen = []
    ids = [c.pk for c in cases]
    data = ledger.build(world.cast.alice, ids, today=dt.date(2026, 9, 1), progress=seen.append)
    assert seen == [1, 2, 3]
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [1, 2, 3]
