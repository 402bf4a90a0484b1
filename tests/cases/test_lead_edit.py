"""While a case is a lead the handler edits it (officers, violations, facts, dates, parties);
the people pickers list only officers whose credential is valid for the case; refusals link to
where they are fixed."""

from __future__ import annotations

import datetime as dt

import pytest

from lawtrail.cases import selectors
from lawtrail.cases import services as svc
from lawtrail.cases.models import Party, State
from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.core.journal.models import Entry
from lawtrail.registry.models import Credential
from tests.factories import CredentialFactory, StaffFactory, UserFactory, make_credit_code, make_id_number

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lead(world):
    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某超市销售过期食品案",
        act_date=dt.date(2026, 8, 20),
    )
    svc.party_add(
        actor=c.alice,
        case=case,
        kind="organisation",
        name="某超市",
        credit_code=make_credit_code(5, "130102"),
    )
    return case


def test_lead_update_changes_officers_violations_facts_and_dates_with_journal(world, lead):
    c = world.cast
    entries = Entry.objects.count()
    svc.lead_update(
        actor=c.alice,
        case_id=lead.pk,
        facts="货架上有过期牛奶 12 盒",
        officer_ids=[world.andy.pk],
        violation_ids=[world.violation.pk],
        act_date=dt.date(2026, 8, 21),
    )
    lead.refresh_from_db()
    assert set(lead.officers.values_list("id", flat=True)) == {c.alice.pk, world.andy.pk}  # handler stays
    assert list(lead.violations.values_list("violation_id", flat=True)) == [world.violation.pk]
    assert lead.facts == "货架上有过期牛奶 12 盒" and lead.act_date == dt.date(2026, 8, 21)
    assert Entry.objects.count() > entries
    svc.lead_update(actor=c.alice, case_id=lead.pk, officer_ids=[], violation_ids=[])
    assert lead.violations.count() == 0 and list(lead.officers.values_list("id", flat=True)) == [c.alice.pk]


@pytest.mark.parametrize(
    ("who", "kwargs", "exc", "code"),
    [
        ("bob", {"facts": "x"}, PermissionDenied, "PERMISSION_DENIED"),  # another agency's officer
        ("alice", {"title": " "}, ValidationFailed, "CASE_TITLE_REQUIRED"),
        ("alice", {"officer_ids": ["bob"]}, ValidationFailed, "CASE_OFFICER_NOT_STAFF"),
        ("alice", {"violation_ids": [999999]}, ValidationFailed, "CASE_VIOLATION_UNKNOWN"),
        ("alice", {"act_date": dt.date(2030, 1, 1)}, ValidationFailed, "CASE_DATE_IN_FUTURE"),
    ],
)
def test_lead_update_refusals_change_nothing(world, lead, who, kwargs, exc, code):
    c = world.cast
    kwargs = {k: ([c.bob.pk] if v == ["bob"] else v) for k, v in kwargs.items()}
    before = (lead.title, lead.facts, list(lead.officers.values_list("id", flat=True)), lead.act_date)
    with pytest.raises(exc) as e:
        svc.lead_update(actor=getattr(c, who), case_id=lead.pk, **kwargs)
    assert e.value.code == code
    lead.refresh_from_db()
    assert (lead.title, lead.facts, list(lead.officers.values_list("id", flat=True)), lead.act_date) == before


def test_parties_edit_and_remove_only_while_a_lead(world, lead):
    c = world.cast
    party = lead.parties.get()
    svc.party_update(
        actor=c.alice,
        case_id=lead.pk,
        party_id=party.pk,
        kind="person",
        name="张某",
        id_number=make_id_number(77, "130102"),
        phone="13800000000",
    )
    party.refresh_from_db()
    assert party.kind == "person" and party.name == "张某" and party.birth_date is not None
    with pytest.raises(ValidationFailed) as e:
        svc.party_update(actor=c.alice, case_id=lead.pk, party_id=party.pk, kind="person", name="")
    assert e.value.code == "PARTY_NAME_REQUIRED"
    svc.party_remove(actor=c.alice, case_id=lead.pk, party_id=party.pk)
    assert not Party.objects.filter(pk=party.pk).exists()
    assert Entry.objects.filter(action="cases:party:remove", subject_id=str(party.pk)).exists()

    lead.state = State.INVESTIGATING
    lead.save()
    p2 = Party.objects.create(case=lead, kind="person", name="李某")
    with pytest.raises(Conflict) as e:
        svc.party_remove(actor=c.alice, case_id=lead.pk, party_id=p2.pk)
    assert e.value.code == "CASE_NOT_LEAD"


def test_officer_picker_lists_only_valid_credentials_for_domain_and_area_team_first(world, lead):
    c = world.cast
    a = c.agency_a
    # one officer whose credential expired, one suspended, one for another domain
    for n, (status, expires, domain) in enumerate(
        [
            ("valid", dt.date(2020, 1, 1), c.market),
            ("suspended", dt.date(2029, 1, 1), c.market),
        ]
    ):
        u = UserFactory(username=f"x{n}", display_name=f"无效{n}")
        s = StaffFactory(agency=a, user=u, name=f"无效{n}", id_number=make_id_number(9100 + n, "130102"))
        CredentialFactory(
            staff=s,
            number=f"X{n}",
            domain=domain,
            region=a.division,
            status=status,
            issued_on=dt.date(2019, 1, 1),
            expires_on=expires,
        )
    groups = selectors.officer_choices_for_case(c.alice, lead, on=dt.date(2026, 9, 1))
    names = [label for _g, rows in groups for _uid, label in rows]
    assert any(n.startswith("安迪") for n in names) and not any(n.startswith("无效") for n in names)
    assert all("执法证有效至" in n for n in names)
    assert not any("andy" in n or "u0" in n for n in names)  # names, not login names
    # an officer of another agency is never offered
    assert not any(n.startswith(str(c.staff["bob"].name)) for n in names)
    assert Credential.objects.filter(number="X1", status="suspended").exists()


def test_case_page_edits_the_lead_and_the_refusal_links_to_the_officers(client, world, lead):
    c = world.cast
    client.force_login(c.alice)
    page = client.get(f"/backoffice/cases/{lead.pk}/").content.decode()
    assert 'id="edit-lead"' in page and 'id="edit-officers"' in page and "data-picker" in page
    # filing with one officer: APL-42's refusal links to 添加协办人员
    r = client.post(f"/backoffice/cases/{lead.pk}/act/filing_submit/", {}, **HX)
    body = r.content.decode()
    assert r.status_code == 400 and 'data-code="CASE_OFFICERS_LT_2"' in body
    assert 'href="#edit-officers"' in body and "添加协办人员" in body
    # add andy through the page
    r = client.post(
        f"/backoffice/cases/{lead.pk}/lead/",
        {"officer_ids": [world.andy.pk], "violation_ids": [world.violation.pk], "title": lead.title},
        **HX,
    )
    assert r.status_code == 200 and "线索已修改" in r.content.decode()
    assert set(lead.officers.values_list("id", flat=True)) == {c.alice.pk, world.andy.pk}
    # parties: edit page and remove with a confirmation
    party = lead.parties.get()
    assert f"/parties/{party.pk}/edit/" in client.get(f"/backoffice/cases/{lead.pk}/").content.decode()
    r = client.post(
        f"/backoffice/cases/{lead.pk}/parties/{party.pk}/edit/",
        {"kind": "organisation", "name": "某超市（更正）", "credit_code": party.credit_code},
    )
    assert r.status_code == 302
    party.refresh_from_db()
    assert party.name == "某超市（更正）"
    assert client.post(f"/backoffice/cases/{lead.pk}/parties/{party.pk}/remove/").status_code == 302
    assert not lead.parties.exists()
