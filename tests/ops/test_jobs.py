"""The embedded job runner: runs the scheduled jobs on their intervals, retries a failing one
with the task's own backoff, records every attempt where the admin and the metrics see it.

The clock is the runner's argument (``tick(now)``), so no test sleeps."""

import pytest
from django_celery_beat.models import PeriodicTask
from django_celery_results.models import TaskResult

from lawtrail.celery import periodic_job
from lawtrail.core.journal.models import Checkpoint, Entry
from lawtrail.core.journal.services import journal_append, journal_snapshot
from lawtrail.ops.jobs import Runner
from lawtrail.ops.schedule import SCHEDULE, Every, beat_schedule

CALLS = {"flaky": 0, "broken": 0}


@periodic_job("tests.flaky")
def flaky():
    """Fails twice, then succeeds."""
    CALLS["flaky"] += 1
    if CALLS["flaky"] <= 2:
        raise ConnectionError(f"第 {CALLS['flaky']} 次失败")
    return "ok"


@periodic_job("tests.broken")
def broken():
    CALLS["broken"] += 1
    raise ValueError("总是失败")


@pytest.fixture(autouse=True)
def _reset():
    CALLS.update(flaky=0, broken=0)


def test_the_schedule_is_one_table_for_beat_and_the_runner():
    beat = beat_schedule()
    assert beat["journal-integrate"] == {"task": "journal.integrate", "schedule": 60.0}
    assert beat["journal-checkpoint"] == {"task": "journal.checkpoint", "schedule": 600.0}
    assert set(beat) == set(SCHEDULE)
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE == beat


def test_unknown_task_in_the_schedule_fails_at_start():
    with pytest.raises(LookupError, match="nope.task"):
        Runner({"bad": Every("nope.task", 60)})


@pytest.mark.django_db
def test_runner_runs_the_journal_jobs_on_their_intervals(cast):
    agency = cast.agency_a
    journal_append(actor=None, action="test:ops:touch", subject=agency, before=journal_snapshot(agency))
    assert Entry.objects.filter(seq__isnull=True).exists()
    runner = Runner()
    runner.sync_schedule()
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= set(SCHEDULE)  # shown in the admin
    ran = runner.tick(0)
    assert ran == {name: "SUCCESS" for name in SCHEDULE}
    assert not Entry.objects.filter(seq__isnull=True).exists()  # integrated
    checkpoints = Checkpoint.objects.count()
    assert checkpoints >= 1
    assert runner.tick(59) == {}  # nothing due yet
    journal_append(actor=None, action="test:ops:touch", subject=agency, before=journal_snapshot(agency))
    ran = runner.tick(60)
    assert ran["journal-integrate"] == "SUCCESS" and "journal-checkpoint" not in ran
    assert not Entry.objects.filter(seq__isnull=True).exists()
    ran = runner.tick(600)
    assert ran["journal-integrate"] == ran["journal-checkpoint"] == "SUCCESS"
    assert Checkpoint.objects.count() == checkpoints + 1  # the log grew: a new signed checkpoint
    done = TaskResult.objects.filter(periodic_task_name="journal-integrate", status="SUCCESS")
    assert done.count() == 3 and done.first().task_name == "journal.integrate"
    row = PeriodicTask.objects.get(name="journal-integrate")
    assert row.total_run_count == 3 and row.last_run_at is not None


@pytest.mark.django_db
def test_a_failing_job_is_retried_with_backoff_and_every_attempt_is_visible():
    runner = Runner({"flaky-job": Every("tests.flaky", 300)})
    runner.sync_schedule()
    assert runner.tick(0) == {"flaky-job": "RETRY"}
    assert runner.tick(9) == {}  # first retry after 10 s
    assert runner.tick(10) == {"flaky-job": "RETRY"}
    assert runner.tick(29) == {}  # second after 20 s more
    assert runner.tick(30) == {"flaky-job": "SUCCESS"}
    assert runner.tick(329) == {}  # back on its interval
    results = list(TaskResult.objects.filter(periodic_task_name="flaky-job").order_by("id"))
    assert [r.status for r in results] == ["RETRY", "RETRY", "SUCCESS"]
    assert "ConnectionError: 第 1 次失败" in results[0].traceback
    assert results[2].result == '"ok"'


@pytest.mark.django_db
def test_a_job_failing_after_its_retries_counts_as_failed_and_waits_for_its_turn(client, settings):
    runner = Runner({"broken-job": Every("tests.broken", 300)})
    runner.sync_schedule()
    statuses = [runner.tick(t).get("broken-job") for t in (0, 10, 30, 70)]
    assert statuses == ["RETRY", "RETRY", "RETRY", "FAILURE"]  # max_retries = 3
    assert CALLS["broken"] == 4
    assert runner.tick(369) == {}
    assert runner.tick(370) == {"broken-job": "RETRY"}  # the next turn starts over
    failure = TaskResult.objects.get(periodic_task_name="broken-job", status="FAILURE")
    assert "ValueError: 总是失败" in failure.traceback
    # administrators see it in the admin (任务结果), operators in the metrics
    settings.LAWTRAIL_METRICS_TOKEN = ""
    text = client.get("/metrics").content.decode()
    assert 'lawtrail_job_failures_24h{job="broken-job"} 1.0' in text
    assert 'lawtrail_job_retries_24h{job="broken-job"} 4.0' in text


@pytest.mark.django_db
def test_a_job_switched_off_in_the_admin_is_skipped():
    runner = Runner({"flaky-job": Every("tests.flaky", 60)})
    runner.sync_schedule()
    PeriodicTask.objects.filter(name="flaky-job").update(enabled=False)
    assert runner.tick(0) == {}
    assert CALLS["flaky"] == 0
