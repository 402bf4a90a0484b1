"""The case page shows where the case is (step bar and current deadline), the next action first,
no action that cannot apply, and a confirmation on steps that cannot be undone."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lawtrail.cases import services as svc
from lawtrail.cases.models import State
from lawtrail.cases.page_steps import STEP_OF, STEPS
from tests.factories import make_credit_code

pytestmark = pytest.mark.django_db


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
    )
    svc.party_add(
        actor=c.alice,
        case=case,
        kind="organisation",
        name="某超市",
        credit_code=make_credit_code(5, "130102"),
    )
    return case


def test_every_procedure_state_has_its_step():
    for state in State:
        if state not in (State.DECLINED, State.SUSPENDED, State.TERMINATED, State.TRANSFERRED):
            assert state in STEP_OF, state
    assert [str(s) for s in STEPS] == ["立案", "调查", "告知", "审核", "决定", "送达", "执行", "结案", "归档"]


def test_lead_page_step_bar_primary_action_and_nothing_inapplicable(client, world, lead):
    c = world.cast
    client.force_login(c.alice)
    page = client.get(f"/backoffice/cases/{lead.pk}/").content.decode()
    bar = page[page.index('class="lt-steps"') :]
    assert re.search(r'class="current" aria-current="step">.*?立案', bar)
    assert 'id="current-deadline"' in page and "立案期限" in page
    nxt = page[page.index('id="next-action"') : page.index('id="more-actions"')]
    assert 'id="act-filing_submit"' in nxt  # the next step is the primary one
    more = page[page.index('id="more-actions"') :]
    for absent in ("measure_release", "measure_extend", "measure_approve", "cash_handover", "recusal_decide"):
        assert f'id="act-{absent}"' not in page, absent
    assert 'id="act-measure_request"' in more


def test_irreversible_steps_ask_first_and_the_supervisor_gets_no_recusal(client, world, lead):
    c = world.cast
    client.force_login(c.carol)  # approver: 不予立案 / 终止调查
    page = client.get(f"/backoffice/cases/{lead.pk}/").content.decode()
    for action in ("decline", "terminate"):
        form = page[page.index(f'id="act-{action}"') :]
        form = form[: form.index("</form>")]
        assert "data-confirm=" in form, action
    client.force_login(c.erin)  # county supervisor
    page = client.get(f"/backoffice/cases/{lead.pk}/").content.decode()
    assert 'id="act-recusal_request"' not in page
    svc.case_transition(actor=c.alice, case_id=lead.pk, action="filing_submit", data={})
    assert lead.__class__.objects.get(pk=lead.pk).state == State.FILING
