"""Document numbers under concurrency (PostgreSQL): papers issued at once in one agency, kind
and year get 1..n — no gap, no duplicate — through the case flow's numbering service, each
issuing transaction holding the counter row until it commits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from lawtrail.cases.models import Case
from lawtrail.documents import rules, services
from lawtrail.documents.models import Document
from tests.cases.test_concurrency import run_together

SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [
    pytest.mark.skipif(SQLITE, reason="issue 3: row locks need PostgreSQL; SQLite serialises writers"),
    pytest.mark.django_db(transaction=True),
]

N = 6


def test_concurrent_issues_are_numbered_without_gaps(world):
    c = world.cast
    cases = []
    for i in range(N):
        case = Case.objects.create(
            agency=c.agency_a,
            domain=c.market,
            region=c.changan,
            title=f"并发编号测试案件{i}",
            handler=c.alice,
            lead_on=dt.date(2026, 9, 1),
            state="served",
            outcome="penalty",
            fine_amount=1000,
            decided_on=dt.date(2026, 9, 1),
        )
        case.parties.create(kind="organisation", name=f"某公司{i}", address="长安区中山路1号")
        cases.append(case)

    def issue(case):
        return lambda: services.issue(actor=c.alice, case=case, kind="demand", on=dt.date(2026, 9, 1)).number

    numbers = run_together([issue(case) for case in cases])
    assert all(isinstance(n, str) for n in numbers), numbers
    assert sorted(numbers, key=lambda n: int(n.split("〕")[1][:-1])) == [
        f"长市监催告〔2026〕{i}号" for i in range(1, N + 1)
    ]
    assert all(rules.number_valid(n) for n in numbers)
    assert Document.objects.filter(kind="demand").count() == N
