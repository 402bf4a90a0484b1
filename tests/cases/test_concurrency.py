"""Concurrency on PostgreSQL (issue 3): real threads, each with its own database connection,
started together at a barrier and calling the REST API.

* Two approvers act on the same approval step at once: exactly one wins (200), the other
  gets 409 and nothing of theirs is written (no step, no event, no journal entry).
* Twenty filings approved at once in one agency and year: case numbers 1..20, no gap, no
  duplicate (the counter row is locked until each filing transaction ends).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections

from lawtrail.cases import services as svc
from lawtrail.cases.models import Approval, ApprovalStep, Case, CaseEvent, State
from lawtrail.core.journal.models import Entry
from lawtrail.registry.models import RoleGrant
from tests.cast import api_client_for
from tests.factories import StaffFactory, UserFactory, make_credit_code, make_id_number

SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [
    pytest.mark.skipif(SQLITE, reason="issue 3: row locks need PostgreSQL; SQLite serialises writers"),
    pytest.mark.django_db(transaction=True),
]


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run each call in its own thread, all released at once; each thread closes its connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:  # reported by the assertions of the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    return results


def filed_lead(world, n: int) -> Case:
    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title=f"并发测试案件{n}",
        officer_ids=[world.andy.pk],
        act_date=dt.date(2026, 8, 20),
        violation_ids=[world.violation.pk],
    )
    svc.party_add(
        actor=c.alice,
        case=case,
        kind="organisation",
        name=f"某公司{n}",
        credit_code=make_credit_code(700 + n),
    )
    return svc.case_transition(actor=c.alice, case_id=case.pk, action="filing_submit")


def approve_as(user_id: int, case_id: int, body: dict) -> tuple[int, dict]:
    user = get_user_model().objects.get(pk=user_id)  # a fresh object per thread
    r = api_client_for(user).post(f"/api/v1/cases/{case_id}/approval/approve", body, format="json")
    return r.status_code, r.json()


@pytest.fixture
def carl(world):
    """A second 承办机构负责人 of A, so two people hold the same approval level."""
    a = world.cast.agency_a
    user = UserFactory(username="carl", display_name="卡尔")
    StaffFactory(agency=a, user=user, name="卡尔", id_number=make_id_number(8400, a.division.code))
    RoleGrant.objects.create(user=user, role="approver_1", agency=a)
    return user


@pytest.mark.parametrize(
    ("levels", "body", "loser_codes"),
    [
        # a two-level chain, each client sending the level it saw: the loser's view is stale
        (["approver_1", "approver_2"], {"expected_level": 0}, {"APPROVAL_STALE"}),
        # a one-level chain without expected_level: the winner finished it, nothing is pending
        (["approver_1"], {}, {"APPROVAL_NOT_PENDING"}),
    ],
    ids=["stale-level", "already-approved"],
)
def test_two_approvers_on_the_same_step_one_wins_the_other_gets_409(world, carl, levels, body, loser_codes):
    c = world.cast
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="filing", levels=levels)
    case = filed_lead(world, 1)
    approval = Approval.objects.get(case=case)
    journal_before = Entry.objects.count()

    results = run_together(
        [lambda: approve_as(c.carol.pk, case.pk, body), lambda: approve_as(carl.pk, case.pk, body)]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409], results
    (win_i,) = [i for i, (status, _) in enumerate(results) if status == 200]
    winner = (c.carol, carl)[win_i]
    loser_body = results[1 - win_i][1]
    assert loser_body["code"] in loser_codes, loser_body
    # only the winner's step, event and journal entries exist
    steps = list(ApprovalStep.objects.filter(approval=approval))
    assert [(s.actor_id, s.decision) for s in steps] == [(winner.pk, "approve")]
    assert CaseEvent.objects.filter(case=case, action="approval_approve").count() == 1
    # the winner's approval, its step, the case and the event (and, once filed, the lead's filing
    # deadline met and the APL-60 deadline set)
    # (the papers the step's outbox consumers issue after commit — the 立案审批表 once filed — are
    # journaled by the documents capability and counted apart)
    new = list(Entry.objects.order_by("id")[journal_before:].values_list("action", flat=True))
    steps_own = [a for a in new if not a.startswith(("documents:", "vault:"))]
    assert len(steps_own) == (4 if len(levels) == 2 else 6), new
    approval.refresh_from_db()
    if len(levels) == 2:
        assert approval.level == 1 and approval.status == Approval.Status.PENDING
        assert Case.objects.get(pk=case.pk).state == State.FILING
    else:
        assert approval.status == Approval.Status.APPROVED
        assert Case.objects.get(pk=case.pk).state == State.INVESTIGATING


def test_twenty_filings_at_once_get_numbers_1_to_20_without_gap_or_duplicate(world):
    c = world.cast
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="filing", levels=["approver_1"])
    cases = [filed_lead(world, n) for n in range(20)]

    results = run_together([lambda case=case: approve_as(c.carol.pk, case.pk, {}) for case in cases])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert [status for status, _ in results] == [200] * 20, results
    rows = list(
        Case.objects.filter(pk__in=[x.pk for x in cases]).values_list("year", "seq", "number", "state")
    )
    assert sorted(seq for _, seq, _, _ in rows) == list(range(1, 21))
    assert {year for year, _, _, _ in rows} == {2026}
    assert len({number for _, _, number, _ in rows}) == 20
    assert {number for _, _, number, _ in rows} == {f"长市监立〔2026〕{n}号" for n in range(1, 21)}
    assert {state for _, _, _, state in rows} == {State.INVESTIGATING}
