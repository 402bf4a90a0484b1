"""Shared set-up of the case benchmarks (not a benchmark itself: ``run.py`` skips ``_*.py``).

- ``setup()``: DATABASE_URL (default: scratch PostgreSQL ``lawtrail_cbench``, created and
  migrated if missing), DEBUG off (no query log), Django set up;
- ``demo_city()``: the demo city's registry (35 bodies, 345 staff, catalogue with benchmark
  tiers), the 2026 calendar and the national rule profile, loaded once;
- ``bench_cases(n)``: ``n`` cases bulk-loaded (``bulk_create``) over the city's agencies,
  states and three years of dates, each with a party, its officers, running deadlines
  (some overdue) and, for cases waiting on an approval, the pending approval. This is a
  benchmark fixture, not demo data: it is written directly, without the services.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lawtrail_cbench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")
os.environ.setdefault("LAWTRAIL_DEBUG", "0")  # DEBUG keeps every query in memory: not what production runs

TODAY = dt.date(2026, 11, 26)
BENCH_TITLE = "【基准】"
HOME = "石家庄市长安区市场监督管理局"

# state → weight of the bench population (a city's three years: mostly archived)
STATE_WEIGHTS = {
    "lead": 2,
    "filing": 1,
    "declined": 4,
    "investigating": 9,
    "investigated": 1.5,
    "proposing": 0.7,
    "proposed": 0.6,
    "notified": 3,
    "hearing": 0.8,
    "reviewing": 0.8,
    "ready": 1.2,
    "deciding": 1.4,
    "decided": 1.5,
    "served": 7,
    "executed": 1,
    "closed": 2,
    "archived": 58,
    "suspended": 1.5,
    "terminated": 2,
    "transferred": 2,
}
WAITING = {"filing": "filing", "proposing": "proposal", "deciding": "decision"}


def setup() -> None:
    from journal_verify import setup_django  # creates the PostgreSQL database if missing, migrates

    setup_django()


def demo_city() -> None:
    """The demo city's registry, calendar and profiles (once per database)."""
    from django.core.management import call_command

    from lawtrail.registry.models import Agency

    if Agency.objects.filter(name=HOME).exists():
        return
    t = time.perf_counter()
    call_command("calendar_seed", verbosity=0)
    call_command("profiles_seed", verbosity=0)
    from lawtrail.demo.loader import DemoLoader

    DemoLoader(today=TODAY).load()
    print(f"demo city loaded in {time.perf_counter() - t:.1f} s", flush=True)


def bench_cases(n: int, *, seed: int = 3) -> int:
    """Make sure at least ``n`` bench cases exist; returns how many there are."""
    from django.db import transaction
    from django.utils import timezone

    from lawtrail.cases.deadlines import refresh_next_due
    from lawtrail.cases.models import Approval, Case, Deadline, Party
    from lawtrail.cases.services import approval_chain_for
    from lawtrail.registry import rules as registry_rules
    from lawtrail.registry.models import Agency, Credential, RoleGrant

    have = Case.objects.filter(title__startswith=BENCH_TITLE).count()
    if have >= n:
        return have
    t0 = time.perf_counter()
    rng = random.Random(seed + have)
    agencies = list(
        Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT).select_related("division").order_by("id")
    )
    home = next(a for a in agencies if a.name == HOME)
    officers: dict[int, list[tuple[int, int]]] = {}  # agency → [(user id, domain id)]
    for c in Credential.objects.filter(status="valid").select_related("staff", "domain"):
        if c.staff.user_id:
            officers.setdefault(c.staff.agency_id, []).append((c.staff.user_id, c.domain_id))
    agencies = [a for a in agencies if len(officers.get(a.pk, ())) >= 2]
    weights = [15 if a.pk == home.pk else 1 for a in agencies]  # the demo agency is a big one
    from lawtrail.core.models import User

    demo_officer = User.objects.get(username="officer").pk
    demo_domain = (
        Credential.objects.filter(staff__user_id=demo_officer).values_list("domain_id", flat=True).first()
    )
    approvers = {
        (g.agency_id, g.role): g.user_id
        for g in RoleGrant.objects.filter(role__in=["approver_1", "approver_2", "approver_3"]).order_by("id")
    }
    chains = {(a.pk, action): approval_chain_for(a, action) for a in agencies for action in WAITING.values()}
    states, state_w = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
    seq = {a.pk: 100000 + have for a in agencies}
    Through = Case.officers.through
    now = timezone.now()
    start = dt.date(2024, 1, 1)
    span = (TODAY - start).days
    batch = 5000
    todo = n - have
    made = 0
    while made < todo:
        size = min(batch, todo - made)
        rows, meta = [], []
        for _ in range(size):
            agency = rng.choices(agencies, weights)[0]
            pool = officers[agency.pk]
            if agency.pk == home.pk and rng.random() < 0.2:
                handler, domain = demo_officer, demo_domain
            else:
                handler, domain = rng.choice(pool)
            co = rng.choice([u for u, _d in pool if u != handler] or [handler])
            state = rng.choices(states, state_w)[0]
            lead = start + dt.timedelta(days=rng.randint(0, span))
            if state in ("lead", "filing", "investigating", "proposing", "notified", "deciding"):
                lead = TODAY - dt.timedelta(days=rng.randint(0, 150))  # still running: recent
            filed = (
                lead + dt.timedelta(days=rng.randint(1, 10))
                if state not in ("lead", "filing", "declined")
                else None
            )
            if filed and filed > TODAY:
                filed = TODAY
            seq[agency.pk] += 1
            number = f"{agency.short_name}立〔{filed.year}〕{seq[agency.pk]}号" if filed else ""
            rows.append(
                Case(
                    agency_id=agency.pk,
                    domain_id=domain,
                    region_id=agency.division_id,
                    state=state,
                    number=number,
                    year=filed.year if filed else None,
                    seq=seq[agency.pk] if filed else None,
                    title=f"{BENCH_TITLE}{rng.choice('宏鑫华金众恒博瑞天聚')}{rng.choice('达源盛桥诚信远丰成福')}商贸有限公司涉嫌违法经营案",
                    source="监督检查",
                    handler_id=handler,
                    lead_on=lead,
                    filed_on=filed,
                    act_date=lead - dt.timedelta(days=3),
                    created_at=now,
                )
            )
            meta.append((handler, co, state, filed, agency))
        with transaction.atomic():
            Case.objects.bulk_create(rows, batch_size=batch)
            links, parties, deadlines, approvals = [], [], [], []
            for case, (handler, co, state, filed, agency) in zip(rows, meta, strict=True):
                links.append(Through(case_id=case.pk, user_id=handler))
                if co != handler:
                    links.append(Through(case_id=case.pk, user_id=co))
                body = f"91{agency.division.code}MA{rng.randrange(10**7):07d}"
                parties.append(
                    Party(
                        case_id=case.pk,
                        kind="organisation",
                        name=case.title[len(BENCH_TITLE) : len(BENCH_TITLE) + 8],
                        credit_code=body + registry_rules.credit_code_check_char(body),
                    )
                )
                active = state not in ("declined", "archived", "closed", "terminated", "transferred")
                if filed:
                    due = filed + dt.timedelta(days=90)
                    deadlines.append(
                        Deadline(
                            case_id=case.pk, kind="decision", label="作出处罚决定期限", rule="APL-60",
                            started_on=filed, due_on=due if due.year <= 2026 else None,
                            pending_reason="" if due.year <= 2026 else "2027年工作日历未录入",
                            active=active and state not in ("decided", "served", "executed"),
                            met_on=None if active else filed + dt.timedelta(days=rng.randint(20, 80)),
                        )
                    )  # fmt: skip
                if state in ("notified", "served") and active:
                    begun = TODAY - dt.timedelta(days=rng.randint(0, 40))
                    deadlines.append(
                        Deadline(
                            case_id=case.pk, kind="statement" if state == "notified" else "payment",
                            label="陈述申辩期限" if state == "notified" else "缴纳罚款期限",
                            rule="APL-45" if state == "notified" else "APL-67",
                            started_on=begun, due_on=begun + dt.timedelta(days=rng.randint(7, 21)),
                        )
                    )  # fmt: skip
                if state in WAITING:
                    levels = chains[(agency.pk, WAITING[state])]
                    approvals.append(
                        Approval(
                            case_id=case.pk, action=WAITING[state], levels=levels,
                            level=(lvl := rng.randrange(len(levels))), current_role=levels[lvl],
                            submitted_by_id=handler, submitted_at=now,
                        )
                    )  # fmt: skip
            Through.objects.bulk_create(links, batch_size=batch)
            Party.objects.bulk_create(parties, batch_size=batch)
            Deadline.objects.bulk_create(deadlines, batch_size=batch)
            refresh_next_due({d.case_id for d in deadlines})  # Case.next_due, as the services keep it
            Approval.objects.bulk_create(approvals, batch_size=batch)
        made += size
        print(f"  bench cases {have + made}/{n}", end="\r", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        # the steady state autovacuum keeps a live database in: statistics, and a visibility
        # map so that scope filters (agency_id → id) are index-only scans
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"bench cases: {n - have} loaded in {time.perf_counter() - t0:.1f} s (bulk_create)      ", flush=True
    )
    del approvers
    return Case.objects.filter(title__startswith=BENCH_TITLE).count()


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94] if len(samples) > 1 else samples[0]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"
