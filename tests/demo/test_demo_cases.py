"""Demo cases: taken step by step through the case services, every state and outcome, journaled.

The default 60 cases are loaded by `make run` (`lawtrail setup` → `load_demo`); here a
small demo (60 cases, of which the pinned ones cover every state) is enough to hold the
loader to its promises. One test, because loading is the expensive part.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from lawtrail.cases.models import Case, Deadline, Measure, Outcome, Procedure, State
from lawtrail.cases.selectors import todo_for
from lawtrail.core.journal.services import journal_verify
from lawtrail.core.models import User
from lawtrail.demo.cases import PINNED, CaseDemo
from lawtrail.demo.loader import DemoLoader
from lawtrail.registry import rules as registry_rules
from lawtrail.registry.models import BenchmarkTier
from lawtrail.review.selectors import review_queue_for

# once: CI runs this on SQLite only — the deployment check (bench/deploy_check.py) loads the demo into PostgreSQL and verifies its journal
pytestmark = pytest.mark.once

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def small_demo(db):
    with time_machine.travel(NOW, tick=False):
        call_command("calendar_seed", verbosity=0)
        call_command("profiles_seed", verbosity=0)
        DemoLoader(today=TODAY).load()
        demo = CaseDemo(n=60, today=TODAY)
        demo.load()
        yield demo


def test_small_demo_covers_every_state_and_outcome_through_the_services(small_demo):
    assert small_demo.refusals == []  # every planned step passed the guards
    # G118-8: every 查封、扣押 taken in the demo has its body-camera recording linked to the step
    from lawtrail.recording.models import CustodyEvent, EvidenceFile

    seized = Measure.objects.filter(kind__in=("seal", "seize")).exclude(started_at=None)
    recorded = set(
        EvidenceFile.objects.filter(
            step="measure_take", media="video", custody__kind=CustodyEvent.Kind.LINKED
        ).values_list("case_id", flat=True)
    )
    assert seized.exists() and set(seized.values_list("case_id", flat=True)) <= recorded
    # 笔录 behind the demo's 现场检查笔录 / 询问笔录 evidence: signed by two officers and the party,
    # or the refusal noted and a witness (ACL-18) — complete, so rendered to PDF in the vault
    from lawtrail.recording.models import Transcript

    made = Transcript.objects.all()
    assert made.count() >= 4 and not made.exclude(status="signed").exists()
    assert not made.filter(pdf__isnull=True).exists()
    assert made.filter(party_refused=True, signatures__role="witness").exists()
    assert made.filter(party_refused=False, signatures__role="party").exists()
    # issue 7: every row of every model of LawTrail's apps is a journal subject whose latest
    # digest matches, except the models that declare why they are not (JOURNAL_EXEMPT)
    from lawtrail.core.journal.coverage import coverage_problems, covered_models, exempt_models

    assert set(exempt_models()) == {
        "journal.entry",
        "journal.node",
        "journal.treestate",
        "journal.checkpoint",
        "cases.delivery",
        "cases.casenumbercounter",
        "cases.todocase",  # 待办's own cases, copied by triggers from the (journaled) cases
        "cases.casetext",  # the case list's searched texts, copied by triggers from the cases
        "core.revision",  # cache tokens set by triggers; the rows they stand for are journaled
        "recording.upload",
        "live.devicestate",  # device-reported telemetry, overwritten every few seconds
        "live.publishrefusal",  # a counter of refused publishes, journaled at 1, 10, 100 …
        "notifications.notification",
    }
    labels = {m._meta.label_lower for m in covered_models()}
    assert {"registry.credentialchange", "workcalendar.day", "cases.deadline", "core.user"} <= labels
    problems = coverage_problems()
    assert not problems, problems[:20]
    cases = Case.objects.all()
    assert cases.count() == 60 > len(PINNED)
    assert set(cases.values_list("state", flat=True)) == set(State.values)
    assert set(cases.exclude(outcome="").values_list("outcome", flat=True)) == set(Outcome.values)
    # dated over 2026, nothing after today
    assert min(cases.values_list("lead_on", flat=True)) >= dt.date(2026, 1, 5)
    assert max(cases.values_list("lead_on", flat=True)) <= TODAY
    # some overdue, some decided on the spot, some with a compulsory measure
    assert Deadline.objects.filter(active=True, due_on__lt=TODAY).values("case").distinct().count() >= 2
    assert cases.filter(procedure=Procedure.ON_THE_SPOT, state=State.ARCHIVED).exists()
    assert cases.filter(procedure=Procedure.ON_THE_SPOT, state=State.SERVED).exists()
    assert Measure.objects.filter(status=Measure.Status.TAKEN).exists()
    # the case numbers follow the filing dates within an agency (steps replayed in date order)
    filed = list(
        cases.filter(seq__isnull=False).order_by("agency_id", "seq").values_list("agency_id", "filed_on")
    )
    for (a1, d1), (a2, d2) in zip(filed, filed[1:], strict=False):
        assert a1 != a2 or d1 <= d2
    # parties carry valid identity numbers
    for case in cases.prefetch_related("parties"):
        for p in case.parties.all():
            assert registry_rules.id_number_valid(p.id_number) if p.kind == "person" else True
            assert registry_rules.credit_code_valid(p.credit_code) if p.kind == "organisation" else True
    # a fine decided in the ordinary procedure lies inside the tier the case applied (G27-12)
    for case in cases.filter(procedure=Procedure.ORDINARY, fine_amount__isnull=False).exclude(
        benchmark_tier=""
    ):
        tier = BenchmarkTier.objects.filter(
            benchmark__violation__in=case.violations.values("violation"), tier=case.benchmark_tier
        ).first()
        if tier.fine_max is not None:
            assert Decimal(tier.fine_min or 0) <= case.fine_amount <= tier.fine_max
    # the demo accounts: cases in every state, and real tasks waiting in 待办
    officer = User.objects.get(username="officer")
    assert set(cases.filter(handler=officer).values_list("state", flat=True)) == set(State.values)
    for username in ("officer", "approver1", "approver2", "approver3", "reviewer"):
        assert todo_for(User.objects.get(username=username), today=TODAY), username
    # issue 9: the 待办 column names the task, never the state
    states = {str(label) for label in State.labels}
    for username in ("officer", "approver1", "approver2", "approver3", "reviewer"):
        whats = {str(t.what) for t in todo_for(User.objects.get(username=username), today=TODAY)}
        assert not whats & states, (username, whats & states)
    officer_tasks = {str(t.what) for t in todo_for(officer, today=TODAY)}
    assert {"提请立案", "提交拟处理意见", "送达事先告知书", "送达决定书"} <= officer_tasks, officer_tasks
    # the reviewer's queue lists exactly the reviews her 工作台 shows (one selector for both)
    reviewer = User.objects.get(username="reviewer")
    queue = {r.review.pk for r in review_queue_for(reviewer, today=TODAY, mine=True)}
    review_urls = {t.url for t in todo_for(reviewer, today=TODAY) if t.url.startswith("/backoffice/review/")}
    assert queue and review_urls == {f"/backoffice/review/{pk}/" for pk in queue}
    # every row was journaled, and the journal recomputes
    report = journal_verify()
    assert report.ok, report.problems
