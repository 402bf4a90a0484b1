import datetime as dt

import pytest

from lawtrail.cases import selectors as sel
from lawtrail.cases import services as svc
from lawtrail.core.errors import NotFound
from tests.factories import make_credit_code


@pytest.fixture
def lead(world):
    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某超市销售过期食品案",
        officer_ids=[world.andy.pk],
        act_date=dt.date(2026, 8, 20),
        violation_ids=[world.violation.pk],
    )
    svc.party_add(
        actor=c.alice,
        case=case,
        kind="organisation",
        name="某超市",
        credit_code=make_credit_code(5, "130102"),
    )
    return case


@pytest.mark.parametrize(
    "who,sees",
    [
        ("alice", True),
        ("carol", True),
        ("dave", True),
        ("erin", True),
        ("frank", True),
        ("admin", True),
        ("bob", False),
        ("grace", True),
    ],
)
def test_case_scope_by_agency_and_division(world, lead, who, sees):
    user = getattr(world.cast, who)
    assert sel.case_list_for(user).filter(pk=lead.pk).exists() is sees
    if not sees:
        with pytest.raises(NotFound):
            sel.case_get_for(user, lead.pk)


def test_todo_and_actions_follow_the_approval(world, lead):
    c = world.cast
    assert [t.case.pk for t in sel.todo_for(c.alice)] == [lead.pk]
    assert "filing_submit" in {a.action for a in sel.actions_for(c.alice, sel.case_get_for(c.alice, lead.pk))}
    svc.case_transition(actor=c.alice, case_id=lead.pk, action="filing_submit")
    assert sel.todo_for(c.alice) == []  # waiting for the approver, not for alice
    tasks = sel.todo_for(c.carol)
    assert [t.case.pk for t in tasks] == [lead.pk] and tasks[0].what == "审批立案"
    assert {a.action for a in sel.actions_for(c.carol, sel.case_get_for(c.carol, lead.pk))} == {
        "approve",
        "send_back",
        "reassign",
    }
    assert {a.action for a in sel.actions_for(c.alice, sel.case_get_for(c.alice, lead.pk))} == {"withdraw"}
    svc.approval_act(actor=c.alice, case_id=lead.pk, decision="withdraw")
    assert sel.case_get_for(c.alice, lead.pk).state == "lead"


def test_overdue_filter(world, lead):
    c = world.cast
    svc.case_transition(actor=c.alice, case_id=lead.pk, action="filing_submit")
    svc.approval_act(actor=c.carol, case_id=lead.pk, decision="approve")
    svc.approval_act(
        actor=world.paula, case_id=lead.pk, decision="approve"
    )  # default chain: approver_1 → approver_2
    assert sel.case_list_for(c.alice, overdue=True, today=dt.date(2026, 11, 30)).count() == 0
    assert sel.case_list_for(c.alice, overdue=True, today=dt.date(2026, 12, 1)).count() == 1
