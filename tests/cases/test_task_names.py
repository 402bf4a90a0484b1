"""The 待办 column names the next task ("送达催告书", "提请法制审核", "审批立案"), not the state (issue 9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lawtrail.cases import page_steps, selectors
from lawtrail.cases.models import Case, Procedure, State
from tests.factories import make_credit_code

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 9, 10)
D = dt.date


def _case(pk: int, **kw) -> Case:
    return Case(pk=pk, **{"state": State.SERVED, "procedure": Procedure.ORDINARY, **kw})


@pytest.mark.parametrize(
    ("fields", "pay_due", "task"),
    [
        ({"fine_amount": Decimal("500"), "paid_amount": Decimal("0")}, D(2026, 9, 20), "登记缴款"),
        ({"fine_amount": Decimal("500"), "paid_amount": Decimal("0")}, D(2026, 9, 1), "送达催告书"),
        (
            {
                "fine_amount": Decimal("500"),
                "demand_served_on": D(2026, 9, 2),
                "demand_perform_by": D(2026, 9, 12),
            },
            D(2026, 9, 1),
            "登记缴款（已催告）",
        ),
        (
            {
                "fine_amount": Decimal("500"),
                "demand_served_on": D(2026, 8, 2),
                "demand_perform_by": D(2026, 8, 12),
            },
            D(2026, 8, 1),
            "申请强制执行",
        ),
        ({"fine_amount": Decimal("500"), "court_applied_on": D(2026, 9, 1)}, None, "登记缴款（强制执行中）"),
        ({"fine_amount": Decimal("500"), "paid_amount": Decimal("500")}, None, "确认执行完毕"),
        ({"fine_amount": None}, None, "确认执行完毕"),
        (
            {"fine_amount": Decimal("50"), "paid_amount": Decimal("50"), "procedure": Procedure.ON_THE_SPOT},
            None,
            "当场处罚决定书备案",
        ),
        (
            {
                "fine_amount": Decimal("50"),
                "paid_amount": Decimal("50"),
                "procedure": Procedure.ON_THE_SPOT,
                "filed_copy_on": D(2026, 9, 1),
            },
            None,
            "确认执行完毕",
        ),
    ],
)
def test_a_case_being_executed_is_named_by_what_is_owed_and_overdue(fields, pay_due, task):
    assert str(page_steps._served_task(_case(1, **fields), pay_due, TODAY)) == task


@pytest.mark.parametrize(
    ("state", "fields", "task"),
    [
        (State.LEAD, {}, "提请立案"),
        (State.FILING, {}, "审批立案"),
        (State.INVESTIGATED, {}, "提交拟处理意见"),
        (State.PROPOSED, {}, "送达事先告知书"),
        (State.READY, {}, "提请作出决定"),
        (State.READY, {"complex_case": True}, "负责人集体讨论"),
        (State.READY, {"complex_case": True, "deliberated": True}, "提请作出决定"),
        (State.DECIDED, {}, "送达决定书"),
        (State.EXECUTED, {}, "结案"),
        (State.ARCHIVED, {}, ""),
    ],
)
def test_every_state_names_its_task_never_the_state_itself(state, fields, task):
    names = page_steps.task_names([_case(7, state=state, **fields)], today=TODAY)
    assert names == {7: task}
    assert task not in {str(label) for label in State.labels}


def test_the_todo_names_the_handlers_task_and_the_approvers(world):
    from lawtrail.cases import services as svc

    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某超市销售过期食品案",
        officer_ids=[world.andy.pk],
        act_date=D(2026, 8, 20),
    )
    svc.party_add(
        actor=c.alice,
        case=case,
        kind="organisation",
        name="某超市",
        credit_code=make_credit_code(5, "130102"),
    )
    assert [(t.case.pk, t.what) for t in selectors.todo_for(c.alice)] == [(case.pk, "提请立案")]
    svc.case_transition(actor=c.alice, case_id=case.pk, action="filing_submit")
    assert [(t.case.pk, t.what) for t in selectors.todo_for(c.carol)] == [(case.pk, "审批立案")]


def test_the_case_list_and_the_workbench_show_the_task(world, client):
    import re

    from lawtrail.cases import services as svc

    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某超市销售过期食品案",
        officer_ids=[world.andy.pk],
        act_date=D(2026, 8, 20),
    )
    client.force_login(c.alice)
    page = client.get("/backoffice/cases/").content.decode()
    row = re.search(rf'<tr data-case="{case.pk}">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="lt-task">提请立案</td>' in row
    summary = client.get("/backoffice/cases/todo/summary/").content.decode()
    assert "提请立案" in summary and "线索登记" not in summary
