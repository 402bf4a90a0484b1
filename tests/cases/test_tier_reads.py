"""The tier guards' reads (G27-12), compiled once per thread (``core.precompiled``): the tier of
the case's violations' benchmark in force on the act's date, and the case's last approved
proposal, equal the ORM's answers."""

from __future__ import annotations

import datetime as dt

import pytest

from lawtrail.cases import guards
from lawtrail.cases import services as svc
from lawtrail.cases.models import Approval
from lawtrail.registry.models import Benchmark, BenchmarkTier

pytestmark = pytest.mark.django_db


def _tier_by_the_orm(case, tier_name, on):
    return (
        BenchmarkTier.objects.filter(
            benchmark__violation__in=case.violations.values("violation"),
            benchmark__effective_from__lte=case.act_date or on,
            tier=tier_name,
        )
        .order_by("-benchmark__effective_from")
        .first()
    )


def _case(world, act_date):
    c = world.cast
    return svc.case_create(
        actor=c.alice, agency=c.agency_a, domain=c.market, region=c.changan, title="某餐饮店案",
        act_date=act_date, violation_ids=[world.violation.pk],
    )  # fmt: skip


def test_the_tier_row_equals_the_orms(world):
    # a newer benchmark of the same violation: the one in force on the date is read
    newer = Benchmark.objects.create(
        violation=world.violation, issuer="河北省市场监督管理局", effective_from=dt.date(2026, 6, 1)
    )
    BenchmarkTier.objects.create(benchmark=newer, tier="normal", fine_min=60000, fine_max=80000)
    cases = [_case(world, dt.date(2026, 8, 20)), _case(world, dt.date(2026, 3, 1)), _case(world, None)]
    for case in cases:
        for name in ("lenient", "normal", "severe", "", "无此阶次"):
            for on in (dt.date(2024, 12, 31), dt.date(2026, 3, 1), dt.date(2026, 9, 1)):
                assert guards._tier_row(case, name, on) == _tier_by_the_orm(case, name, on)
    assert guards._tier_row(cases[0], "normal", dt.date(2026, 9, 1)).benchmark == newer
    assert guards._tier_row(cases[1], "normal", dt.date(2026, 9, 1)).benchmark != newer
    assert guards._tier_row(cases[2], "normal", dt.date(2024, 12, 31)) is None


def test_the_last_approved_proposal_equals_the_orms(world):
    case = _case(world, dt.date(2026, 8, 20))
    assert guards._LAST_APPROVED_PROPOSAL.first(case.pk) is None
    now = case.created_at
    for status in ("approved", "approved", "sent_back", "pending"):
        Approval.objects.create(
            case=case, action="proposal", levels=["approver_1"], status=status, submitted_by=world.cast.alice,
            submitted_at=now, payload={"deviation_approval": status},
        )  # fmt: skip
    Approval.objects.create(
        case=case, action="decision", levels=["approver_1"], status="approved", submitted_by=world.cast.alice,
        submitted_at=now, payload={},
    )  # fmt: skip
    orm = case.approvals.filter(action="proposal", status="approved").order_by("-id").first()
    assert guards._LAST_APPROVED_PROPOSAL.first(case.pk) == orm and orm.payload == {
        "deviation_approval": "approved"
    }
