"""Numbers of the papers a case issues (issue 8): the decision document's 文号 and the archive's
档号 — one per agency, kind and year, in the profile's pattern, gapless and never twice, also
when two decisions are approved at once (PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import transaction

from lawtrail.cases.models import CaseNumberCounter
from lawtrail.cases.numbers import document_number_issue
from lawtrail.core.errors import ApplicationError
from lawtrail.profiles.keys import KEYS
from tests.cases.procedure_kit import set_profile
from tests.cases.test_concurrency import run_together

SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
ON = dt.date(2026, 9, 16)


@pytest.mark.parametrize(
    "key, kind, on, expected",
    [
        ("case.decision_number_pattern", "decision", ON, ["长市监处罚〔2026〕1号", "长市监处罚〔2026〕2号"]),
        (
            "case.no_penalty_number_pattern",
            "no_penalty",
            ON,
            ["长市监不罚〔2026〕1号", "长市监不罚〔2026〕2号"],
        ),
        ("case.archive_number_pattern", "archive", ON, ["长市监-2026-D30-0001", "长市监-2026-D30-0002"]),
        # a new year starts again at 1, without 第 and without leading zeros (GB/T 9704)
        (
            "case.decision_number_pattern",
            "decision",
            dt.date(2027, 1, 4),
            ["长市监处罚〔2027〕1号", "长市监处罚〔2027〕2号"],
        ),
    ],
)
@pytest.mark.django_db
def test_numbers_per_agency_kind_and_year(world, key, kind, on, expected):
    a = world.cast.agency_a
    got = [document_number_issue(agency=a, kind=kind, on=on, pattern_key=key)[2] for _ in expected]
    assert got == expected
    # another agency counts on its own
    b = world.cast.agency_b
    assert document_number_issue(agency=b, kind=kind, on=on, pattern_key=key)[1] == 1


@pytest.mark.django_db
def test_the_pattern_is_the_agencys_profile(world):
    a = world.cast.agency_a
    set_profile(a, "case.decision_number_pattern", "冀长市监罚字〔{year}〕{seq}号")
    assert (
        document_number_issue(agency=a, kind="decision", on=ON, pattern_key="case.decision_number_pattern")[2]
        == "冀长市监罚字〔2026〕1号"
    )


@pytest.mark.parametrize(
    "value, ok",
    [
        ("{short}处罚〔{year}〕{seq}号", True),
        ("{short}-{year}-Y-{seq:04d}", True),
        ("{short}处罚〔{year}〕号", False),  # no sequence
        ("{short}处罚第{seq}号", False),  # no year
        ("{agency}〔{year}〕{seq}号", False),  # unknown placeholder
    ],
)
def test_pattern_validation(value, ok):
    for name in (
        "case.decision_number_pattern",
        "case.no_penalty_number_pattern",
        "case.archive_number_pattern",
    ):
        assert (KEYS[name].validator(value) is None) is ok


@pytest.mark.django_db
def test_a_rolled_back_number_is_handed_out_again(world):
    a = world.cast.agency_a
    with pytest.raises(RuntimeError), transaction.atomic():
        document_number_issue(agency=a, kind="decision", on=ON, pattern_key="case.decision_number_pattern")
        raise RuntimeError("the step failed")
    assert (
        document_number_issue(agency=a, kind="decision", on=ON, pattern_key="case.decision_number_pattern")[1]
        == 1
    )


@pytest.mark.skipif(SQLITE, reason="issue 8: row locks need PostgreSQL; SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_gapless_under_concurrency(world):
    a = world.cast.agency_a

    def issue():
        with transaction.atomic():
            return document_number_issue(
                agency=a, kind="decision", on=ON, pattern_key="case.decision_number_pattern"
            )[1]

    results = run_together([issue for _ in range(8)])
    assert not [r for r in results if isinstance(r, (Exception, ApplicationError))], results
    assert sorted(results) == list(range(1, 9))
    assert CaseNumberCounter.objects.get(agency=a, year=2026, kind="decision").last == 8


@pytest.mark.django_db
def test_a_no_penalty_decision_gets_its_own_kind_of_number(world):
    from lawtrail.cases import services as svc
    from tests.cases.procedure_kit import filed_case, step

    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "evidence_add", evidence_kind="record", title="现场检查笔录", cross_examined=True)
    step(c.alice, case, "investigation_end", report="经查，违法行为轻微并及时改正，没有造成危害后果。")
    step(c.alice, case, "proposal_submit", outcome="no_penalty", kinds=[])
    svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    step(c.alice, case, "decision_submit")
    for approver in (c.carol, world.paula, world.quentin):
        case.refresh_from_db()
        if case.state == "decided":
            break
        svc.approval_act(actor=approver, case_id=case.pk, decision="approve")
    case.refresh_from_db()
    assert case.state == "decided" and case.outcome == "no_penalty"
    assert case.decision_number == "长市监不罚〔2026〕1号"
