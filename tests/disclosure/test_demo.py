"""The demo's served decisions are published on setup (one test: loading is the expensive part)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from lawtrail.cases.models import Case, State
from lawtrail.demo.cases import CaseDemo
from lawtrail.demo.disclosure import load_demo_disclosure
from lawtrail.demo.loader import DemoLoader
from lawtrail.disclosure.models import Record, Status

# once: CI runs this on SQLite only — the deployment check (bench/deploy_check.py) loads the demo into PostgreSQL
pytestmark = pytest.mark.once

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_demo_served_decisions_become_published_records(db):
    with time_machine.travel(NOW, tick=False):
        call_command("calendar_seed", verbosity=0)
        call_command("profiles_seed", verbosity=0)
        DemoLoader(today=TODAY).load()
        CaseDemo(n=20, today=TODAY).load()
        counts = load_demo_disclosure(today=TODAY)
    served = Case.objects.filter(decided_on__isnull=False, served_on__isnull=False).exclude(
        state=State.DECIDED
    )
    assert served.exists()
    records = Record.objects.all()
    assert records.count() >= served.filter(procedure="ordinary").count() > 0
    assert counts["published"] > 0 and counts["withdrawn"] == 1
    assert Record.objects.filter(status=Status.WITHDRAWN).exclude(explanation="").count() == 1
    for r in records.filter(status=Status.PUBLISHED):
        for p in r.case.parties.all():
            for secret in (p.id_number, p.phone):
                assert not secret or secret not in str(r.content)
