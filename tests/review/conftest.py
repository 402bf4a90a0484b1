"""Review fixtures: the case world (tests/cases/conftest.py) plus a walker that brings a case
through the services to the proposal approval and to 待作出决定."""

from __future__ import annotations

import datetime as dt

import pytest

from lawtrail.cases import services as svc
from lawtrail.cases.models import Case
from tests.cases.conftest import frozen_today, world  # noqa: F401  (re-exported fixtures)
from tests.factories import make_credit_code, make_id_number


class Walker:
    def __init__(self, world):  # noqa: F811
        self.w = world
        self.c = world.cast

    def step(self, actor, case, action, **data) -> Case:
        return svc.case_transition(actor=actor, case_id=case.pk, action=action, data=data)

    def proposed(
        self, *, amount="70000", kinds=("fine",), party="organisation", flag=False, tier="normal"
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
        if party == "organisation":
            svc.party_add(
                actor=alice,
                case=case,
                kind="organisation",
                name="某餐饮店",
                credit_code=make_credit_code(123456, "130102"),
                address="石家庄市长安区中山东路1号",
            )
        else:
            svc.party_add(
                actor=alice,
                case=case,
                kind="person",
                name="张某",
                id_number=make_id_number(4321, "130102"),
                address="石家庄市长安区中山东路2号",
            )
        self.step(alice, case, "filing_submit")
        svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
        svc.approval_act(
            actor=self.w.paula, case_id=case.pk, decision="approve"
        )  # filing: approver_1 → approver_2
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
        data = {"outcome": "penalty", "kinds": list(kinds), "amount": amount, "tier": tier}
        if flag:
            data["review_required"] = True
        self.step(alice, case, "proposal_submit", **data)
        return svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")

    def ready(self, case) -> Case:
        alice = self.c.alice
        self.step(alice, case, "notice_serve", served_on="2026-09-01")
        self.step(alice, case, "statement_record", waived=True)
        return self.step(alice, case, "statement_close")


@pytest.fixture
def walk(world):  # noqa: F811
    return Walker(world)
