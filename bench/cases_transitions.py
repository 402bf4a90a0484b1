"""Benchmark: case transitions through the service layer vs a bare insert of one CaseEvent row.

    .venv/bin/python bench/cases_transitions.py [--n 60] [--rounds 5]

Django is set up against DATABASE_URL (default: scratch PostgreSQL ``lawtrail_cbench``,
created and migrated if missing) with the demo city's registry. Each case is taken from
lead to archive by the demo agency's accounts (officer, approver1/2/3): 22 steps, each one
``case_transition`` or ``approval_act`` in its own transaction — row lock, permission,
guards (APL-42 credentials, limitation, tiers, notice, statement period …), effect,
``CaseEvent`` and journal entries. The baseline, interleaved in the same rounds, inserts
one ``CaseEvent`` row in its own transaction (``CaseEvent.objects.create`` in
``transaction.atomic``), and a raw-SQL variant of the same insert.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import defaultdict

from _cases_setup import demo_city, setup

TARGET = 8.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60, help="cases taken from lead to archive")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup()
    demo_city()
    from django.db import connection, transaction
    from django.utils import timezone

    from lawtrail.cases import services as svc
    from lawtrail.cases.models import Case, CaseEvent
    from lawtrail.core.models import User
    from lawtrail.registry import rules as registry_rules
    from lawtrail.registry.models import Agency, BenchmarkTier, Division, Domain

    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["officer", "officer2", "approver1", "approver2", "approver3"]
        )
    }
    agency = Agency.objects.get(name="石家庄市长安区市场监督管理局")
    market = Domain.objects.get(code="market")
    region = Division.objects.get(code="130102")
    tier = (
        BenchmarkTier.objects.filter(
            benchmark__violation__power__domain=market, tier="normal", fine_min__gte=1000, fine_max__lt=100000
        )
        .select_related("benchmark__violation")
        .first()
    )
    violation, amount = tier.benchmark.violation, str(tier.fine_min)
    day = dt.date(2026, 9, 1)
    officer, a1, a2, a3 = users["officer"], users["approver1"], users["approver2"], users["approver3"]
    spent: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)

    def credit_code(n: int) -> str:
        body = f"91130102MA{abs(n):07d}"
        return body + registry_rules.credit_code_check_char(body)

    def timed(name: str, fn, **kw):
        t = time.perf_counter()
        out = fn(**kw)
        spent[name] += time.perf_counter() - t
        count[name] += 1
        return out

    def step(case: Case, action: str, actor=officer, **data) -> None:
        timed(action, svc.case_transition, actor=actor, case_id=case.pk, action=action, data=data, on=day)

    def approve(case: Case, actor) -> None:
        timed("approval_act", svc.approval_act, actor=actor, case_id=case.pk, decision="approve", on=day)

    def one_case(n: int) -> None:
        case = svc.case_create(
            actor=officer, agency=agency, domain=market, region=region, title=f"基准案件{n}",
            lead_on=day, officer_ids=[users["officer2"].pk], act_date=dt.date(2026, 8, 20),
            discovered_on=dt.date(2026, 8, 28), violation_ids=[violation.pk],
        )  # fmt: skip
        svc.party_add(actor=officer, case=case, kind="organisation", name=f"基准公司{n}",
                      credit_code=credit_code(n))  # fmt: skip
        step(case, "filing_submit")
        approve(case, a1)
        approve(case, a2)
        step(case, "evidence_add", evidence_kind="record", title="现场检查笔录", collected_on=day)
        step(case, "evidence_add", evidence_kind="statement", title="询问笔录", collected_on=day)
        ids = list(case.evidence.values_list("pk", flat=True))
        step(case, "evidence_examine", evidence_ids=ids, record="当事人无异议。")
        step(case, "investigation_end", report="事实清楚，证据确凿。")
        step(case, "proposal_submit", outcome="penalty", kinds=["fine"], amount=amount, tier="normal")
        approve(case, a1)
        step(case, "notice_serve", served_on=day)
        step(case, "statement_record", waived=True)
        step(case, "statement_close")
        step(case, "decision_submit")
        approve(case, a1)
        approve(case, a2)
        approve(case, a3)
        step(case, "decision_serve", served_on=day, method="direct")
        step(case, "payment_record", amount=amount, paid_on=day)
        step(case, "execution_complete")
        step(case, "close", actor=a1)
        step(case, "archive")

    bench_case = Case.objects.filter(agency=agency).first() or svc.case_create(
        actor=officer,
        agency=agency,
        domain=market,
        region=region,
        title="基准基线",
        lead_on=day,
        act_date=day,
    )

    def bare_orm() -> None:
        with transaction.atomic():
            CaseEvent.objects.create(
                case=bench_case, action="bench", from_state="lead", to_state="lead", actor=officer,
                at=timezone.now(), on=day, note="", data={},
            )  # fmt: skip

    def bare_sql() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO cases_caseevent"
                ' (case_id, action, tag, from_state, to_state, actor_id, at, "on", note, data)'
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [bench_case.pk, "bench", "", "lead", "lead", officer.pk, timezone.now(), day, "", "{}"],
            )

    for n in range(3):  # warm-up: caches, prepared plans, the journal's first rows
        one_case(-1 - n)
        bare_orm()
        bare_sql()
    spent.clear()
    count.clear()
    per_round = max(1, args.n // args.rounds)
    baseline = {"orm": 0.0, "sql": 0.0}
    baseline_n = 0
    seq = 0
    for _round in range(args.rounds):
        t = time.perf_counter()
        for _ in range(per_round * 20):
            bare_orm()
        baseline["orm"] += time.perf_counter() - t
        t = time.perf_counter()
        for _ in range(per_round * 20):
            bare_sql()
        baseline["sql"] += time.perf_counter() - t
        baseline_n += per_round * 20
        for _ in range(per_round):
            seq += 1
            one_case(seq)
    steps = sum(count.values())
    total = sum(spent.values())
    per_step = total / steps
    orm = baseline["orm"] / baseline_n
    sql = baseline["sql"] / baseline_n
    print(f"{seq} cases from lead to archive, {steps} transitions ({connection.vendor})\n")
    print(f"{'action':<20} {'count':>6} {'mean':>10}")
    for name in sorted(spent, key=lambda k: -spent[k] / count[k]):
        print(f"{name:<20} {count[name]:>6} {spent[name] / count[name] * 1000:>8.2f} ms")
    print(
        f"\ntransitions: {1 / per_step:,.0f}/s ({per_step * 1000:.2f} ms each)\n"
        f"bare CaseEvent insert (ORM, own transaction): {1 / orm:,.0f}/s ({orm * 1000:.3f} ms) → ratio {per_step / orm:.1f}×\n"
        f"bare CaseEvent insert (raw SQL, own transaction): {1 / sql:,.0f}/s ({sql * 1000:.3f} ms) → ratio {per_step / sql:.1f}×\n"
        f"target ≤ {TARGET:.0f}× the bare insert (ORM): {'OK' if per_step / orm <= TARGET else 'OVER'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
