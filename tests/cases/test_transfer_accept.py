"""移送受理: the receiving agency registers a transferred matter as its own lead."""

import datetime as dt

import pytest

from lawtrail.cases import services as svc
from lawtrail.cases.models import Case, CaseEvent, State, Transfer
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.services import journal_verify
from lawtrail.registry.models import RoleGrant
from tests.cast import api_client_for
from tests.factories import journal_fixture_rows, make_credit_code


@pytest.fixture
def transferred(world):
    """桥西区 (B) finds the matter belongs to 长安区 (A) and transfers it there."""
    c = world.cast
    RoleGrant.objects.create(user=c.bob, role="approver_2", agency=c.agency_b)
    journal_fixture_rows()  # set-up, not the flow under test
    case = svc.case_create(
        actor=c.bob,
        agency=c.agency_b,
        domain=c.market,
        region=c.qiaoxi,
        title="某超市销售过期食品案",
        facts="群众举报某超市销售过期食品。",
        act_date=dt.date(2026, 8, 20),
    )
    svc.party_add(
        actor=c.bob, case=case, kind="organisation", name="某超市", credit_code=make_credit_code(77, "130102")
    )
    svc.case_transition(
        actor=c.bob,
        case_id=case.pk,
        action="transfer",
        data={
            "reason": "经核查，该超市位于长安区，应由长安区市场监管局管辖。",
            "to_agency_id": c.agency_a.pk,
        },
    )
    return Transfer.objects.get(case=case)


def test_receiver_lists_and_accepts_a_transfer_as_its_own_lead(world, transferred):
    c = world.cast
    client = api_client_for(c.alice)
    rows = client.get("/api/v1/cases/transfers/received").json()
    assert [r["id"] for r in rows] == [transferred.pk] and rows[0]["accepted_case"] is None
    response = client.post(f"/api/v1/cases/transfers/{transferred.pk}/accept", {}, format="json")
    assert response.status_code == 201, response.json()
    lead = Case.objects.get(pk=response.json()["id"])
    assert (lead.agency, lead.state, lead.handler) == (c.agency_a, State.LEAD, c.alice)
    assert lead.source.startswith("移送") and "长安区市场监管局管辖" in lead.facts
    assert [p.name for p in lead.parties.all()] == ["某超市"]
    transferred.refresh_from_db()
    assert transferred.accepted_case == lead and transferred.accepted_on == dt.date(2026, 9, 1)
    # the sending agency's case records that the receiver took it over
    assert CaseEvent.objects.filter(case=transferred.case, action="transfer_accepted").exists()
    assert Entry.objects.filter(action="cases:transfer:accept", subject_id=str(transferred.pk)).exists()
    assert journal_verify().ok


@pytest.mark.parametrize(
    "who,code",
    [("bob", "TRANSFER_NOT_FOUND"), ("carol", "PERMISSION_DENIED"), ("alice", "TRANSFER_ALREADY_ACCEPTED")],
)
def test_only_the_receivers_officers_accept_once(world, transferred, who, code):
    c = world.cast
    if code == "TRANSFER_ALREADY_ACCEPTED":
        svc.transfer_accept(actor=c.alice, transfer_id=transferred.pk)
    before = Case.objects.count()
    with pytest.raises(ApplicationError) as exc:
        svc.transfer_accept(actor=getattr(c, who), transfer_id=transferred.pk)
    assert exc.value.code == code
    assert Case.objects.count() == before  # nothing written


def test_a_judicial_transfer_is_not_a_lead_for_anyone(world):
    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="涉嫌生产销售伪劣产品案",
        act_date=dt.date(2026, 8, 20),
    )
    t = Transfer.objects.create(
        case=case,
        judicial=True,
        to_organ="石家庄市公安局长安分局",
        reason="涉嫌犯罪",
        sent_on=dt.date(2026, 9, 1),
        sent_by=c.alice,
    )
    with pytest.raises(ApplicationError) as exc:
        svc.transfer_accept(actor=c.alice, transfer_id=t.pk)
    assert exc.value.code == "TRANSFER_NOT_FOUND"


def test_transfers_page_accepts_and_links_the_lead(world, transferred, client):
    c = world.cast
    client.force_login(c.alice)
    page = client.get("/backoffice/cases/transfers/").content.decode()
    assert "某超市销售过期食品案" in page and "受理并登记线索" in page
    response = client.post("/backoffice/cases/transfers/", {"transfer_id": transferred.pk})
    assert response.status_code == 302
    transferred.refresh_from_db()
    assert response["Location"] == f"/backoffice/cases/{transferred.accepted_case_id}/"
    again = client.post("/backoffice/cases/transfers/", {"transfer_id": transferred.pk})
    assert again.status_code == 409 and "该移送已经受理" in again.content.decode()
    client.force_login(c.bob)  # the sender does not see it among its received transfers
    assert "某超市销售过期食品案" not in client.get("/backoffice/cases/transfers/").content.decode()
