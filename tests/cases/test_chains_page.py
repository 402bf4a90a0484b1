"""审批流程 page (issue 9): the unit administrator lists and edits the agency's approval chains with
the same rules and refusals as the API; nobody else may."""

from __future__ import annotations

import re

import pytest

from lawtrail.cases.models import ApprovalChain
from lawtrail.core.journal.models import Entry

pytestmark = pytest.mark.django_db
URL = "/backoffice/cases/approval-chains/"


def _section(page: str, action: str) -> str:
    return re.search(rf'<section[^>]*id="chain-{action}".*?</section>', page, re.S).group(0)


def test_the_unit_admin_sees_every_chain_in_words(world, client):
    client.force_login(world.cast.grace)
    r = client.get(URL)
    assert r.status_code == 200
    page = r.content.decode()
    for action, path in (
        ("filing", "承办机构负责人 → 分管领导"),
        ("proposal", "承办机构负责人"),
        ("decision", "承办机构负责人 → 分管领导 → 主要负责人"),
        ("extension", "主要负责人"),
        ("measure", "主要负责人"),
    ):
        assert f'<span class="lt-path">{path}</span>' in _section(page, action), action
    assert "系统默认" in page and "approver_" not in re.sub(
        r'value="[^"]*"|name="[^"]*"|id="[^"]*"', "", page
    )
    assert 'href="/backoffice/cases/approval-chains/"' in page  # in the navigation


def test_saving_a_chain_writes_it_with_its_journal_entry(world, client):
    c = world.cast
    client.force_login(c.grace)
    before = Entry.objects.count()
    r = client.post(
        URL,
        {"agency": c.agency_a.pk, "action": "filing", "level_0": "approver_1", "level_1": "", "level_2": ""},
    )
    assert r.status_code == 302 and r["Location"].endswith("#chain-filing")
    assert ApprovalChain.objects.get(agency=c.agency_a, action="filing").levels == ["approver_1"]
    assert Entry.objects.count() == before + 1
    page = client.get(r["Location"]).content.decode()
    assert "已保存：立案审批" in page and "本机关配置" in _section(page, "filing")


@pytest.mark.parametrize(
    ("action", "levels", "code"),
    [
        ("extension", ["approver_3", "approver_1"], "APPROVAL_CHAIN_HEAD_LAST"),
        ("measure", ["approver_2"], "APPROVAL_CHAIN_HEAD_LAST"),
        ("decision", ["approver_1", "approver_1"], "APPROVAL_CHAIN_INVALID"),
        ("decision", [], "APPROVAL_CHAIN_INVALID"),
        ("decision", ["officer"], "APPROVAL_CHAIN_INVALID"),
        ("nonsense", ["approver_1"], "APPROVAL_ACTION_UNKNOWN"),
    ],
)
def test_a_refused_chain_is_shown_in_chinese_and_changes_nothing(world, client, action, levels, code):
    c = world.cast
    client.force_login(c.grace)
    before = Entry.objects.count()
    data = {"agency": c.agency_a.pk, "action": action}
    data.update({f"level_{i}": v for i, v in enumerate(levels)})
    r = client.post(URL, data)
    assert r.status_code == 400
    page = r.content.decode()
    assert f'data-code="{code}"' in page
    alert = re.search(r'<div class="lt-alert err"[^>]*>([^<]*)', page).group(1)
    assert re.search(r"[\u4e00-\u9fff]", alert) and not re.search(r"[A-Za-z_]{4,}", alert)
    assert not ApprovalChain.objects.filter(agency=c.agency_a).exists()
    assert Entry.objects.count() == before


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "frank"])
def test_only_who_configures_the_agency_gets_the_page(world, client, who):
    client.force_login(getattr(world.cast, who))
    assert client.get(URL).status_code == 403
    page = client.get("/backoffice/").content.decode()
    assert 'href="/backoffice/cases/approval-chains/"' not in page


def test_another_agencys_chain_cannot_be_set_by_naming_it(world, client):
    c = world.cast
    client.force_login(c.grace)
    r = client.post(URL, {"agency": c.agency_b.pk, "action": "filing", "level_0": "approver_1"})
    # the agency asked for is not offered: the form falls back to the admin's own agency
    assert r.status_code == 302
    assert not ApprovalChain.objects.filter(agency=c.agency_b).exists()
