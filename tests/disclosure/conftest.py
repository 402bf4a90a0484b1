"""Disclosure fixtures: the case world (tests/cases/conftest.py) and a walker that serves a decision."""

from __future__ import annotations

import datetime as dt

import pytest

from lawtrail.cases import services as svc
from lawtrail.cases.models import Case
from tests.cases.conftest import frozen_today, world  # noqa: F401  (re-exported fixtures)
from tests.factories import make_credit_code, make_id_number

FACTS = (
    "经查，当事人于2026年8月20日在石家庄市长安区建设北大街88号经营“好味道”餐馆，"
    "未取得食品经营许可从事食品经营活动。经理李四（公民身份号码130102198001011234，联系电话13912345678）"
    "驾驶冀A·12345号车辆运送食品，货款经账号6222021234567890123收取。"
)


class Walker:
    def __init__(self, world, capture):  # noqa: F811
        self.capture = capture
        self.w = world
        self.c = world.cast
        svc.approval_chain_set(
            actor=self.c.grace, agency=self.c.agency_a, action="filing", levels=["approver_1"]
        )
        svc.approval_chain_set(
            actor=self.c.grace, agency=self.c.agency_a, action="decision", levels=["approver_1"]
        )
        svc.approval_chain_set(
            actor=self.c.grace, agency=self.c.agency_a, action="proposal", levels=["approver_1"]
        )

    def step(self, actor, case, action, **data) -> Case:
        return svc.case_transition(actor=actor, case_id=case.pk, action=action, data=data)

    def served(
        self,
        *,
        party="organisation",
        born=dt.date(1990, 1, 1),
        facts=FACTS,
        outcome="penalty",
        amount="70000",
        tier="normal",
        **party_kw,
    ) -> Case:
        c, alice = self.c, self.c.alice
        case = svc.case_create(
            actor=alice,
            agency=c.agency_a,
            domain=c.market,
            region=c.changan,
            title="某餐饮店未取得食品经营许可从事食品经营案",
            officer_ids=[self.w.andy.pk],
            act_date=dt.date(2026, 8, 20),
            discovered_on=dt.date(2026, 8, 28),
            violation_ids=[self.w.violation.pk],
        )
        party_kw.setdefault("address", "石家庄市长安区中山东路1号")  # APL-59: the decision names it
        if party == "organisation":
            svc.party_add(
                actor=alice,
                case=case,
                kind="organisation",
                name="石家庄好味道餐饮有限公司",
                credit_code=make_credit_code(123456, "130102"),
                **party_kw,
            )
        else:
            svc.party_add(
                actor=alice,
                case=case,
                kind="person",
                name="王小明",
                id_number=make_id_number(4321, "130102", born),
                **party_kw,
            )
        self.step(alice, case, "filing_submit")
        svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
        Case.objects.filter(pk=case.pk).update(facts=facts)
        self.step(
            alice,
            case,
            "evidence_add",
            kind="record",
            title="现场检查笔录",
            collected_on="2026-09-01",
            cross_examined=True,
        )
        self.step(
            alice, case, "investigation_end", report="经调查，当事人未取得食品经营许可从事食品经营活动。"
        )
        if outcome == "penalty":
            self.step(
                alice, case, "proposal_submit", outcome="penalty", kinds=["fine"], amount=amount, tier=tier
            )
        else:
            self.step(alice, case, "proposal_submit", outcome=outcome)
        svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
        case = Case.objects.get(pk=case.pk)
        if case.state == "proposed":
            self.step(alice, case, "notice_serve", served_on="2026-09-01")
            self.step(alice, case, "statement_record", waived=True)
            self.step(alice, case, "statement_close")
        self.step(alice, case, "decision_submit")
        svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
        with self.capture(execute=True):  # the outbox delivers after commit (tests run in a transaction)
            return self.step(alice, case, "decision_serve", served_on="2026-09-01", method="direct")


@pytest.fixture
def walk(world, django_capture_on_commit_callbacks):  # noqa: F811
    return Walker(world, django_capture_on_commit_callbacks)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with empty rate-limit counters (the cache is per process)."""
    from django.core.cache import cache

    cache.clear()
