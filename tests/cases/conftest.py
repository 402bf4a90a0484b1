"""Case-handling fixtures: the cast (tests/cast.py) plus what a case needs.

* andy — a second officer of A with a valid 市场监管 credential (APL-42 needs two)
* paula, quentin — 分管领导 and 主要负责人 of A (approver_2, approver_3)
* a penalty violation (食品安全法第一百二十二条, 5万–10万) with benchmark tiers
* the 2026 working-day calendar (seeded from chinese-calendar)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from lawtrail.core.calendar.services import calendar_year_seed
from lawtrail.registry.models import Benchmark, BenchmarkTier, LegalBasis, PowerItem, RoleGrant, Violation
from tests.factories import CredentialFactory, StaffFactory, UserFactory, journal_fixture_rows, make_id_number

TODAY = dt.datetime(2026, 9, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@dataclass
class CaseWorld:
    cast: object
    andy: object
    paula: object
    quentin: object
    violation: Violation
    rose: object = None  # a second 分管领导 (APL-57: three leaders discuss)


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def world(cast, frozen_today) -> CaseWorld:
    calendar_year_seed(actor=None, year=2026)
    a = cast.agency_a
    andy = UserFactory(username="andy", display_name="安迪")
    staff = StaffFactory(agency=a, user=andy, name="安迪", id_number=make_id_number(8101, a.division.code))
    CredentialFactory(
        staff=staff,
        number="1301022024AND1",
        domain=cast.market,
        region=a.division,
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2029, 12, 31),
    )
    RoleGrant.objects.create(user=andy, role="officer", agency=a)
    leaders = []
    for n, (username, name, role) in enumerate(
        (("paula", "宝拉", "approver_2"), ("quentin", "昆廷", "approver_3"), ("rose", "萝丝", "approver_2"))
    ):
        user = UserFactory(username=username, display_name=name)
        StaffFactory(agency=a, user=user, name=name, id_number=make_id_number(8200 + n, a.division.code))
        RoleGrant.objects.create(user=user, role=role, agency=a)
        leaders.append(user)
    power = PowerItem.objects.create(
        code="T-CF-1",
        name="对未取得食品生产经营许可从事食品生产经营活动的行政处罚",
        kind="penalty",
        domain=cast.market,
    )
    violation = Violation.objects.create(
        power=power,
        code="T-WF-1",
        name="未取得食品生产经营许可从事食品生产经营活动",
        penalty_types="罚款",
        fine_min=50000,
        fine_max=100000,
    )
    LegalBasis.objects.create(
        violation=violation,
        role="penalty",
        law="《中华人民共和国食品安全法》",
        article="第一百二十二条第一款",
    )
    bm = Benchmark.objects.create(
        violation=violation, issuer="河北省市场监督管理局", effective_from=dt.date(2025, 1, 1)
    )
    for tier, lo, hi in (("lenient", 50000, 65000), ("normal", 65000, 85000), ("severe", 85000, 100000)):
        BenchmarkTier.objects.create(benchmark=bm, tier=tier, fine_min=lo, fine_max=hi)
    journal_fixture_rows()  # the set-up's rows; what the test does is checked by verify
    return CaseWorld(cast, andy, leaders[0], leaders[1], violation, leaders[2])
