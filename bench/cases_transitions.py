"""Benchmark: case transitions through the service layer vs a bare insert of one CaseEvent row.

    .venv/bin/python bench/cases_transitions.py [--n 60] [--rounds 6] [--outbox eager|worker]

Django is set up against DATABASE_URL (default: scratch PostgreSQL ``lawtrail_cbench``,
created and migrated if missing) with the demo city's registry. Each case is taken from
lead to archive by the demo agency's accounts (officer, approver1/2/3): 22 steps, each one
``case_transition`` or ``approval_act`` in its own transaction — row lock, permission,
guards (APL-42 credentials, limitation, tiers, notice, statement period …), effect,
``CaseEvent`` and journal entries. The baseline inserts one ``CaseEvent`` row in its own transaction
(``CaseEvent.objects.create`` in ``transaction.atomic``; and a raw-SQL variant of the same
insert), about as many times as a round takes steps.

Robust against a noisy machine: the rounds interleave baseline and subject (the order rotated
each round), the ratio is taken per round, and the median over rounds is reported with its
spread (min–max) — a slow moment cannot flatter one side only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from _cases_setup import demo_city, setup

TARGET = 8.0
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60, help="cases taken from lead to archive")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--json", help="also write the per-round figures to this file")
    parser.add_argument(
        "--without",
        default="",
        help="comma-separated apps whose hooks on the case flow are left out (e.g. documents,recording,disclosure: "
        "the engine as issue 7 measured it, when legal review was the only capability with hooks)",
    )
    parser.add_argument("--profile", help="also profile the timed steps only (cProfile) into this file")
    parser.add_argument(
        "--queries",
        help="also count each step's SQL statements (adds overhead: for finding levers, not for the figures) "
        "and write the statements, grouped by shape, to this file",
    )
    parser.add_argument(
        "--outbox",
        choices=["eager", "worker"],
        default="eager",
        help="eager (the embedded default): the after-commit consumers (archive package, disclosure, "
        "notifications, the decision's PDF) run inside the timed step; worker: as in production, a worker "
        "delivers them — here after each step, untimed",
    )
    args = parser.parse_args()
    setup()
    demo_city()
    if args.without:
        from lawtrail.cases import hooks

        left_out = set(args.without.split(","))
        for registered in hooks.all_hooks().values():
            for hook in registered:
                if hook.app in left_out:
                    hooks.unregister(hook)
    from django.db import connection, transaction
    from django.utils import timezone

    from lawtrail.cases import outbox
    from lawtrail.cases import services as svc

    queued: list[int] = []
    if args.outbox == "worker":
        outbox.dispatch = queued.extend  # the step's on-commit hand-over; delivered after the case
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
    # every step is taken today: an approval is dated the day it is given, and no act may be
    # dated before the step it follows (issue 8)
    day = timezone.localdate()
    officer, a1, a2, a3 = users["officer"], users["approver1"], users["approver2"], users["approver3"]
    spent: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    nqueries: dict[str, int] = defaultdict(int)
    shapes: dict[str, int] = defaultdict(int)

    def credit_code(n: int) -> str:
        body = f"91130102MA{abs(n):07d}"
        return body + registry_rules.credit_code_check_char(body)

    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def cpu() -> tuple[float, float]:
        """CPU seconds used so far by this process and by its PostgreSQL backend (when local):
        unlike wall time, barely moved by other work on a loaded machine — for comparing changes,
        not the figure the target is about."""
        server = 0.0
        if backend is not None and backend.exists():
            fields = backend.read_text().rsplit(")", 1)[1].split()
            server = (int(fields[11]) + int(fields[12])) / tick
        return time.process_time(), server

    profiler = None
    used = [0.0, 0.0]  # CPU seconds of the timed steps: this process, its backend

    def timed(name: str, fn, **kw):
        c0 = cpu()
        out = _timed(name, fn, **kw)
        c1 = cpu()
        used[0] += c1[0] - c0[0]
        used[1] += c1[1] - c0[1]
        if queued:  # the worker's share (--outbox worker), outside the timed step: a worker
            outbox.deliver(list(queued))  # delivers in the seconds between two steps (the
            queued.clear()  # decision's PDF, made after its approval, is there to be served)
        return out

    stack_of = re.compile(os.environ["BENCH_STACK_SQL"]) if os.environ.get("BENCH_STACK_SQL") else None
    seen_stacks: set[str] = set()

    def _stacks(execute, sql, params, many, context):
        """With --queries and BENCH_STACK_SQL=<regex>: where each statement matching it comes
        from (our own frames), once per distinct place — for finding who reads what."""
        if stack_of is not None and stack_of.search(sql):
            import traceback

            frames = [
                f"{Path(f.filename).relative_to(ROOT / 'src')}:{f.lineno} {f.name}"
                for f in traceback.extract_stack()
                if "/src/lawtrail/" in f.filename
            ]
            where = " <- ".join(reversed(frames[-4:]))
            if where not in seen_stacks:
                seen_stacks.add(where)
                print(f"--- {sql[:80]}\n    {where}")
        return execute(sql, params, many, context)

    def _timed(name: str, fn, **kw):
        if args.queries:
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(_stacks):
                t = time.perf_counter()
                # --profile with --queries: profiled too (else the profile is empty and pstats fails)
                out = profiler.runcall(fn, **kw) if profiler is not None else fn(**kw)
                spent[name] += time.perf_counter() - t
            nqueries[name] += len(captured.captured_queries)
            if name == os.environ.get("BENCH_DUMP_STEP") and count[name] == 0:
                print(f"--- the statements of one {name}:")
                for q in captured.captured_queries:
                    print("   ", q["sql"][:160])
            for q in captured.captured_queries:
                shapes[re.sub(r"\b\d+\b|'[^']*'", "?", q["sql"])[:300]] += 1
        else:
            t = time.perf_counter()
            if profiler is not None:
                out = profiler.runcall(fn, **kw)
            else:
                out = fn(**kw)
            spent[name] += time.perf_counter() - t
        count[name] += 1
        return out

    def step(case: Case, action: str, actor=officer, **data) -> None:
        timed(action, svc.case_transition, actor=actor, case_id=case.pk, action=action, data=data, on=day)

    def approve(case: Case, actor, which: str) -> None:
        # named by the approval and its level (filing 1/2, proposal 1, decision 1/2/3): the final
        # level of each carries the approved row's effect, the others only the approval's own step
        timed(
            f"approval_act {which}",
            svc.approval_act,
            actor=actor,
            case_id=case.pk,
            decision="approve",
            on=day,
        )

    def one_case(n: int) -> None:
        case = svc.case_create(
            actor=officer, agency=agency, domain=market, region=region, title=f"基准案件{n}",
            lead_on=day, officer_ids=[users["officer2"].pk], act_date=day - dt.timedelta(days=12),
            discovered_on=day - dt.timedelta(days=4), violation_ids=[violation.pk],
        )  # fmt: skip
        # the decision names the party's address and representative (APL-59, the documents gate)
        svc.party_add(actor=officer, case=case, kind="organisation", name=f"基准公司{n}",
                      credit_code=credit_code(n), legal_representative="张三",
                      address="石家庄市长安区中山东路1号")  # fmt: skip
        step(case, "filing_submit")
        approve(case, a1, "filing 1/2")
        approve(case, a2, "filing 2/2")
        step(case, "evidence_add", evidence_kind="record", title="现场检查笔录", collected_on=day)
        step(case, "evidence_add", evidence_kind="statement", title="询问笔录", collected_on=day)
        ids = list(case.evidence.values_list("pk", flat=True))
        step(case, "evidence_examine", evidence_ids=ids, record="当事人无异议。")
        step(case, "investigation_end", report="事实清楚，证据确凿。")
        step(case, "proposal_submit", outcome="penalty", kinds=["fine"], amount=amount, tier="normal")
        approve(case, a1, "proposal 1/1")
        step(case, "notice_serve", served_on=day)
        step(case, "statement_record", waived=True)
        step(case, "statement_close")
        step(case, "decision_submit")
        approve(case, a1, "decision 1/3")
        approve(case, a2, "decision 2/3")
        approve(case, a3, "decision 3/3")
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
    if args.profile:
        import cProfile

        # BENCH_PROFILE_CLOCK=cpu: this process's CPU time (time.process_time), not wall time —
        # the database's round trips and a loaded machine's waits then drop out of the profile
        clock = time.process_time if os.environ.get("BENCH_PROFILE_CLOCK") == "cpu" else None
        profiler = cProfile.Profile(clock) if clock else cProfile.Profile()
    spent.clear()
    count.clear()
    nqueries.clear()
    shapes.clear()
    per_round = max(1, args.n // args.rounds)
    inserts = per_round * 22  # about as many bare inserts as steps in a round
    rounds: list[dict[str, float]] = []
    seq = 0

    def subject(took: dict[str, float]) -> None:
        nonlocal seq
        steps0, t0 = sum(count.values()), sum(spent.values())
        c0 = list(used)
        for _ in range(per_round):
            seq += 1
            one_case(seq)
        n = sum(count.values()) - steps0
        took["step"] = (sum(spent.values()) - t0) / n
        took["step_cpu"], took["step_db_cpu"] = (used[0] - c0[0]) / n, (used[1] - c0[1]) / n

    def baseline(took: dict[str, float], name: str, fn) -> None:
        c0 = cpu()
        t = time.perf_counter()
        for _ in range(inserts):
            fn()
        took[name] = (time.perf_counter() - t) / inserts
        c1 = cpu()
        took[f"{name}_cpu"], took[f"{name}_db_cpu"] = (c1[0] - c0[0]) / inserts, (c1[1] - c0[1]) / inserts

    parts = [
        subject,
        lambda took: baseline(took, "orm", bare_orm),
        lambda took: baseline(took, "sql", bare_sql),
    ]
    for r in range(args.rounds):
        took: dict[str, float] = {}
        # interleaved, the order rotated each round, so a slow moment of the shared machine
        # falls on the baseline as often as on the subject
        for part in parts[r % 3 :] + parts[: r % 3]:
            part(took)
        rounds.append(took)
        print(
            f"round {r + 1}: transition {took['step'] * 1000:.2f} ms, insert {took['orm'] * 1000:.3f} ms "
            f"(raw SQL {took['sql'] * 1000:.3f} ms) → {took['step'] / took['orm']:.1f}×",
            flush=True,
        )
    steps = sum(count.values())

    def med(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"

    step_ms = [x["step"] * 1000 for x in rounds]
    orm_ms = [x["orm"] * 1000 for x in rounds]
    sql_ms = [x["sql"] * 1000 for x in rounds]
    ratio = [x["step"] / x["orm"] for x in rounds]
    ratio_sql = [x["step"] / x["sql"] for x in rounds]
    cpu_line = (
        f"  CPU per transition: Python {med([x['step_cpu'] * 1000 for x in rounds])} ms, "
        f"PostgreSQL backend {med([x['step_db_cpu'] * 1000 for x in rounds])} ms; per ORM insert: Python "
        f"{med([x['orm_cpu'] * 1000 for x in rounds])} ms, backend {med([x['orm_db_cpu'] * 1000 for x in rounds])} ms\n"
    )
    print(
        f"\n{seq} cases from lead to archive, {steps} transitions, {args.rounds} rounds ({connection.vendor}, "
        f"outbox {args.outbox}{', without the hooks of ' + args.without if args.without else ''})\n"
    )
    print(f"{'action':<28} {'count':>6} {'mean':>10}" + (f" {'queries':>8}" if args.queries else ""))
    for name in sorted(spent, key=lambda k: -spent[k] / count[k]):
        line = f"{name:<28} {count[name]:>6} {spent[name] / count[name] * 1000:>8.2f} ms"
        if args.queries:
            line += f" {nqueries[name] / count[name]:>8.1f}"
        print(line)
    if args.queries:
        total = sum(nqueries.values())
        print(f"\nSQL statements per step: {total / steps:.1f} (shapes in {args.queries})")
        Path(args.queries).write_text(
            "".join(f"{n / steps:6.2f}  {sql}\n" for sql, n in sorted(shapes.items(), key=lambda kv: -kv[1]))
        )
    r_med = statistics.median(ratio)
    print(
        f"\nmedian over rounds (min–max):\n"
        f"  transition: {med(step_ms)} ms  → {1000 / statistics.median(step_ms):,.0f}/s\n"
        f"  bare CaseEvent insert, ORM, own transaction: {med(orm_ms)} ms → {1000 / statistics.median(orm_ms):,.0f}/s\n"
        f"  bare CaseEvent insert, raw SQL, own transaction: {med(sql_ms)} ms\n"
        f"  ratio transition / ORM insert (per round): {med(ratio)}×; / raw SQL insert: {med(ratio_sql)}×\n"
        f"{cpu_line}"
        f"target ≤ {TARGET:.0f}× the bare insert (ORM): {'OK' if r_med <= TARGET else 'OVER'}"
    )
    if profiler is not None:
        profiler.dump_stats(args.profile)
        import pstats

        # a count, not a time: how much Python a step runs, whatever else the machine is doing
        calls = pstats.Stats(profiler).total_calls
        print(f"Python function calls per timed step (profiled): {calls / steps:,.0f}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"step_ms": step_ms, "orm_ms": orm_ms, "sql_ms": sql_ms, "ratio": ratio}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
