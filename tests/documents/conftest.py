"""Documents fixtures: the case world of tests/cases and a case taken to a decision."""

from __future__ import annotations

import datetime as dt

import pytest

from lawtrail.cases import outbox
from lawtrail.cases import services as svc
from lawtrail.cases.models import Delivery
from lawtrail.registry.models import LegalBasis
from tests.cases import conftest as cases_conftest
from tests.factories import make_credit_code

# the shared case world of tests/cases (a fixture is found by its name in this module)
world = cases_conftest.world
frozen_today = cases_conftest.frozen_today

RARE_NAME = "石家庄市长安区䶮记餐饮有限公司"
ADDRESS = "石家庄市长安区中山东路一〇八号"
FACTS = "当事人自2026年8月20日起，在未取得食品经营许可证的情况下，于其经营场所从事餐饮服务经营活动。"


def step(actor, case, action, **data):
    return svc.case_transition(actor=actor, case_id=case.pk, action=action, data=data)


def ready_case(world, *, party_address=ADDRESS, facts=FACTS, name=RARE_NAME):
    """A penalty case of agency A at 待作出决定 (fine 70,000, notice waived)."""
    c = world.cast
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="filing", levels=["approver_1"])
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="decision", levels=["approver_1"])
    LegalBasis.objects.get_or_create(
        violation=world.violation,
        role="violation",
        law="《中华人民共和国食品安全法》",
        article="第三十五条第一款",
    )
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某餐饮公司未取得食品经营许可从事食品经营案",
        officer_ids=[world.andy.pk],
        act_date=dt.date(2026, 8, 20),
        discovered_on=dt.date(2026, 8, 28),
        violation_ids=[world.violation.pk],
    )
    svc.party_add(
        actor=c.alice,
        case=case,
        kind="organisation",
        name=name,
        credit_code=make_credit_code(123456, "130102"),
        legal_representative="张三",
        address=party_address,
        phone="0311-12345678",
    )
    step(c.alice, case, "filing_submit")
    case = svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    step(c.alice, case, "evidence_add", kind="record", title="现场检查笔录", collected_on="2026-09-01")
    step(c.alice, case, "evidence_add", kind="document", title="营业执照复印件", collected_on="2026-09-01")
    ids = list(case.evidence.values_list("pk", flat=True))
    step(c.alice, case, "evidence_examine", evidence_ids=ids, record="当事人对证据无异议。")
    step(c.alice, case, "investigation_end", report=facts)
    step(
        c.alice,
        case,
        "proposal_submit",
        outcome="penalty",
        kinds=["warning", "fine"],
        amount="70000",
        tier="normal",
    )
    case = svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    step(c.alice, case, "notice_serve", served_on="2026-09-01")
    step(c.alice, case, "statement_record", waived=True)
    return step(c.alice, case, "statement_close")


def deliver_decision_pdf(case) -> int:
    """The worker's share after the decision's approval: the outbox consumer that lays out, seals
    and stores the decision's PDF (the tests run in a transaction: no on-commit dispatch)."""
    ids = Delivery.objects.filter(
        event__case=case, consumer="documents.decision_pdf", done_at__isnull=True
    ).values_list("pk", flat=True)
    return outbox.deliver(list(ids))


def decided_case(world, *, pdf: bool = True, **kw):
    """A case decided at the approval's last level; ``pdf``: its decision's PDF made (the
    consumer delivered) — else the paper is still 正在制作."""
    c = world.cast
    case = ready_case(world, **kw)
    step(c.alice, case, "decision_submit")
    case = svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    if pdf:
        deliver_decision_pdf(case)
    return case


@pytest.fixture
def decided(world):
    return decided_case(world)


@pytest.fixture
def decided_pending(world):
    """Approved, the decision issued and numbered, its PDF not made yet (the worker has not run)."""
    return decided_case(world, pdf=False)
