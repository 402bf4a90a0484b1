"""The case flow's reads of its deadlines and of the guards' facts: a step reads the case's running
deadlines once (on PostgreSQL with the first stop, in one statement), and the guards' reads,
compiled once per thread (``core.precompiled``), equal the ORM's answers."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lawtrail.cases import deadlines, engine, guards, rules
from lawtrail.cases.models import (
    Approval,
    ApprovalStep,
    CasePeriod,
    Deadline,
    Evidence,
    Measure,
    Party,
)
from lawtrail.core.calendar import selectors as calendar
from lawtrail.core.calendar.models import CalendarYear
from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.services import canonical_digest, journal_snapshot, journal_verify
from tests.cases.procedure_kit import new_case

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 8, 3)


def _deadline_reads(captured) -> list[str]:
    """The statements that read the deadlines table (not the case's ``next_due`` UPDATE, not the
    INSERTs, not the UPDATEs that stop rows by their ids)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if "cases_deadline" in q["sql"] and q["sql"].startswith(("SELECT", "WITH o"))
    ]


def _set(case, kind, due):
    return deadlines.deadline_set(
        case, kind=kind, label=kind, rule="t", started_on=DAY, recipe="fixed", args={"due": due.isoformat()}
    )


def _digests(case, action):
    return list(
        Entry.objects.filter(action=action, subject_type="cases.deadline")
        .filter(subject_id__in=[str(pk) for pk in case.deadlines.values_list("pk", flat=True)])
        .order_by("id")
        .values_list("subject_id", "before_digest", "after_digest")
    )


@pytest.mark.parametrize("in_a_step", [True, False])
def test_a_step_reads_the_cases_running_deadlines_once(world, in_a_step):
    """Met, replaced and set in one step: the case's running deadlines are read by the first call
    only (on PostgreSQL in the statement that stops the first one); the rows and the journal's
    entries (their states before and after) are what they were when each call read its own."""
    case = new_case(world)
    with transaction.atomic():
        a = _set(case, "a", DAY + dt.timedelta(days=9))
        b = _set(case, "b", DAY + dt.timedelta(days=5))
        # a running row of the kind with a met day already (kept as it was in the journal's before)
        Deadline.objects.filter(pk=a.pk).update(met_on=DAY)
    a_before = journal_snapshot(Deadline.objects.get(pk=a.pk))
    b_before = journal_snapshot(Deadline.objects.get(pk=b.pk))
    with (
        transaction.atomic(),
        engine.step_memos() if in_a_step else transaction.atomic(),
        CaptureQueriesContext(connection) as captured,
    ):
        deadlines.deadline_meet(case, "a", DAY + dt.timedelta(days=1))
        c = _set(case, "b", DAY + dt.timedelta(days=7))  # replaces b
        d = _set(case, "d", DAY + dt.timedelta(days=8))
        deadlines.deadline_meet(case, "d", DAY + dt.timedelta(days=2))  # the row set in this step
        deadlines.deadline_meet(case, "a", DAY + dt.timedelta(days=3))  # no longer running
    reads = _deadline_reads(captured)
    if in_a_step:
        assert len(reads) == 1
        if connection.vendor == "postgresql":
            assert reads[0].startswith("WITH")
            # the stops: met a (in the first statement), replaced b, met d
            stops = [q for q in captured.captured_queries if q["sql"].startswith('UPDATE "cases_deadline"')]
            assert len(stops) == 2
    rows = {r.pk: r for r in Deadline.objects.filter(case=case)}
    assert (rows[a.pk].active, rows[a.pk].met_on) == (False, DAY + dt.timedelta(days=1))
    assert (rows[b.pk].active, rows[b.pk].met_on) == (False, None)
    assert (rows[c.pk].active, rows[c.pk].due_on) == (True, DAY + dt.timedelta(days=7))
    assert (rows[d.pk].active, rows[d.pk].met_on) == (False, DAY + dt.timedelta(days=2))
    case.refresh_from_db()
    assert case.next_due == DAY + dt.timedelta(days=7)
    meets = {pk: (before, after) for pk, before, after in _digests(case, "cases:deadline:meet")}
    stops = {pk: (before, after) for pk, before, after in _digests(case, "cases:deadline:stop")}
    assert set(meets) == {str(a.pk), str(d.pk)} and set(stops) == {str(b.pk)}
    assert meets[str(a.pk)] == (canonical_digest(a_before), canonical_digest(journal_snapshot(rows[a.pk])))
    assert stops[str(b.pk)] == (canonical_digest(b_before), canonical_digest(journal_snapshot(rows[b.pk])))
    assert meets[str(d.pk)][1] == canonical_digest(journal_snapshot(rows[d.pk]))
    report = journal_verify()
    assert report.ok, report.problems


def test_deadlines_stop_forgets_what_the_step_kept(world):
    case = new_case(world)
    with transaction.atomic(), engine.step_memos():
        _set(case, "a", DAY + dt.timedelta(days=9))
        deadlines.deadlines_stop(Deadline.objects.filter(case=case, kind="a"))
        a2 = _set(case, "a", DAY + dt.timedelta(days=4))  # nothing running of its kind is stopped again
        deadlines.deadline_meet(case, "a", DAY)
    assert Deadline.objects.filter(case=case, kind="a", active=True).count() == 0
    assert Deadline.objects.get(pk=a2.pk).met_on == DAY
    assert Entry.objects.filter(action="cases:deadline:stop", subject_id__in=[str(a2.pk)]).count() == 0


def test_the_guards_compiled_reads_equal_the_orms(world):
    alice = world.cast.alice
    now = timezone.now()
    empty, case = new_case(world), new_case(world)
    Party.objects.filter(case__in=[empty, case]).delete()
    for kind, name, birth in (
        ("person", "张三", dt.date(2010, 5, 1)),
        ("organisation", "某公司", None),
        ("person", "李四", None),
        ("person", "王五", dt.date(1990, 1, 1)),
    ):
        Party.objects.create(case=case, kind=kind, name=name, birth_date=birth)
    Evidence.objects.create(case=case, kind="record", title="笔录", collected_on=DAY, collected_by=alice)
    Evidence.objects.create(
        case=case, kind="document", title="书证", collected_on=DAY, collected_by=alice, cross_examined=True
    )
    for status in ("taken", "released", "taken"):
        Measure.objects.create(case=case, kind="seal", status=status, requested_by=alice, requested_at=now)
    for purpose, start, end in (
        ("surcharge", DAY, DAY + dt.timedelta(days=3)),
        ("decision", DAY, None),
        ("surcharge", DAY - dt.timedelta(days=9), None),
    ):
        CasePeriod.objects.create(
            case=case, purpose=purpose, kind="复议", start=start, end=end, opened_by=alice
        )
    for c in (empty, case):
        assert (guards._ANY_PARTY.first(c.pk) is not None) == c.parties.exists()
        assert guards._PARTIES.all(c.pk) == list(c.parties.values_list("name", "kind"))
        assert guards._VIOLATION_SUBJECTS.all(c.pk) == list(
            c.violations.values_list("violation__name", "violation__subject_kinds")
        )
        assert guards._PERSON_BIRTH_DATES.all(c.pk) == [
            p.birth_date for p in c.parties.filter(kind="person", birth_date__isnull=False)
        ]
        assert (guards._ANY_EVIDENCE.first(c.pk) is not None) == c.evidence.exists()
        assert (guards._ANY_UNEXAMINED.first(c.pk) is not None) == c.evidence.filter(
            cross_examined=False
        ).exists()
        assert (
            len(guards._OPEN_MEASURES.all(c.pk)) == c.measures.filter(status__in=guards.OPEN_MEASURES).count()
        )
        assert guards.surcharge_pauses(c) == [
            rules.Period(p.start, p.end) for p in c.periods.filter(purpose=CasePeriod.Purpose.SURCHARGE)
        ]
        assert deadlines._DECISION_PERIODS.all(c.pk) == list(c.periods.filter(purpose="decision"))
    assert len(guards._OPEN_MEASURES.all(case.pk)) == 2 and len(guards._PERSON_BIRTH_DATES.all(case.pk)) == 2
    names = guards.officer_names([alice.pk, world.cast.bob.pk, None])
    assert names == {alice.pk: str(alice), world.cast.bob.pk: str(world.cast.bob)}


def test_approved_on_is_the_last_approving_step_of_the_last_approved_approval(world):
    alice = world.cast.alice
    case = new_case(world)
    assert guards.approved_on(case, "proposal") is None
    now = timezone.now()

    def approval(status, *steps):
        a = Approval.objects.create(
            case=case, action="proposal", levels=["approver_1"], status=status, submitted_by=alice,
            submitted_at=now, payload={},
        )  # fmt: skip
        for decision, at in steps:
            ApprovalStep.objects.create(approval=a, level=1, decision=decision, actor=alice, at=at)
        return a

    approved = approval("approved")  # approved, no approving step recorded
    assert guards.approved_on(case, "proposal") is None
    approval("approved", ("approve", now - dt.timedelta(days=3)), ("approve", now - dt.timedelta(days=2)))
    approval("pending", ("approve", now))
    assert guards.approved_on(case, "proposal") == timezone.localtime(now - dt.timedelta(days=2)).date()
    assert guards.approved_on(case, "decision") is None
    assert approved.pk  # an older approved one is not the last


def _stamp_reads(case) -> tuple[int, dict]:
    """A step's row lock and a calendar view (as a step counting days builds): how many times the
    years' stamps were read, and the stamps the view counts with."""
    with (
        transaction.atomic(),
        engine.step_memos(),
        CaptureQueriesContext(connection) as captured,
    ):
        engine.lock(case.pk)
        view = calendar.CalendarView()
    return sum("workcalendar_calendaryear" in q["sql"] for q in captured.captured_queries), view._stamps


def test_the_years_stamps_are_read_again_only_when_the_calendar_changed(world):
    """The ``calendar`` revision token, read with the row lock: unchanged, a step takes the years'
    stamps from the steps before it; a write to the years (a trigger renews the token) is seen by
    the next step."""
    case = new_case(world)
    calendar.calendar_cache_clear()
    reads, stamps = _stamp_reads(case)
    assert reads == 1 and stamps == dict(CalendarYear.objects.values_list("year", "stamp"))
    assert _stamp_reads(case) == (0, stamps)
    renewed = uuid.uuid4()
    CalendarYear.objects.filter(year=2026).update(stamp=renewed)
    reads, stamps = _stamp_reads(case)
    assert reads == 1 and stamps[2026] == renewed
    added = CalendarYear.objects.create(year=2099, source="admin")
    reads, stamps = _stamp_reads(case)
    assert reads == 1 and stamps[2099] == added.stamp
    assert _stamp_reads(case)[0] == 0
    added.delete()
    reads, stamps = _stamp_reads(case)
    assert reads == 1 and 2099 not in stamps
    assert _stamp_reads(case)[0] == 0
