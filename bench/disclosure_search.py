"""Search over published decisions (issue 11): load N realistic records, run a fixed query mix.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lawtrail_disclosure_bench \\
        .venv/bin/python bench/disclosure_search.py --n 1000000 --rounds 5
    DATABASE_URL=sqlite:///var/bench_disclosure.sqlite3 .venv/bin/python bench/disclosure_search.py --n 1000000

- The generator (``records``) makes decisions over a city's agencies and domains: violation texts,
  party names (persons, shops — 好味道餐馆, 鑫隆五金店 …, companies), masked facts, dates over five years.
  Seeded: the same N gives the same rows.
- Bulk load (``search_index.bulk``): records/s through the driver (PostgreSQL ``COPY FROM STDIN``
  with the two GIN indexes dropped and built after it; SQLite ``executemany`` with the FTS5 triggers
  dropped and both FTS5 tables re-filled after it, in the figure), and on PostgreSQL the ratio to ``psql \\copy`` of the same rows (a CSV file),
  measured in the same run into the same (emptied) table. Index sizes beside the table size.
  ``--psql-only`` loads once, with ``psql \\copy`` alone (10M records: the second load costs ~15 min).
  At 10M on PostgreSQL, give the server memory for the table first (docs/operations.md, "Database";
  the latest figures in docs/PERFORMANCE.md ran with ``shared_buffers = 16GB``, table and indexes prewarmed).
- The query mix (``MIX``): 1-, 2-, 3-, 4-character keywords and shop names, rare and common, with and
  without filters — each the first page with its count (``search.run``, the portal's own code path),
  ``--rounds`` interleaved rounds; p50/p95 per query and for the mix, and the ratio to the baseline
  (the unfiltered first page without keyword) measured in the same rounds.
- Completeness: for each query of the mix, the ids returned by the chosen plan equal those of a
  plain ``LIKE '%keyword%'`` with the same filters (full sets, not only the first page); and the
  count shown (capped at 10,000) equals the scan's, every way it can be counted (``count_with``:
  walk, index, SQLite's set) and through ``search.run``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lawtrail_disclosure_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")
os.environ.setdefault("LAWTRAIL_DEBUG", "0")

SEED = 20261206
START = dt.date(2021, 12, 1)
DAYS = 5 * 365

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力国庆志鹏宇浩然欣怡子轩梓涵"
SHOP_WORDS = [
    "好味道", "老王", "鑫隆", "福满楼", "百姓", "惠民", "金鼎", "华联", "永盛", "佳佳", "新世纪", "美味",
    "同仁", "康泰", "顺发", "兴旺", "大众", "吉祥", "隆昌", "金福", "万家", "和平", "阳光", "富源",
]  # fmt: skip
SHOP_KINDS = [
    "餐馆",
    "超市",
    "药房",
    "五金店",
    "便利店",
    "面馆",
    "烧烤店",
    "网吧",
    "诊所",
    "加油站",
    "洗浴中心",
    "理发店",
]
COMPANY_KINDS = [
    "商贸有限公司",
    "餐饮管理有限公司",
    "食品有限公司",
    "医药连锁有限公司",
    "建筑工程有限公司",
    "物流有限公司",
]
VIOLATIONS = [
    ("market", "未取得食品经营许可从事食品经营活动", "《中华人民共和国食品安全法》第一百二十二条第一款"),
    ("market", "经营超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条第一款"),
    ("market", "销售不符合安全标准的产品", "《中华人民共和国产品质量法》第四十九条"),
    ("market", "无证无照经营", "《无证无照经营查处办法》第十三条"),
    ("market", "价格欺诈", "《中华人民共和国价格法》第四十条"),
    ("market", "销售劣药", "《中华人民共和国药品管理法》第一百一十七条"),
    ("environment", "超标排放大气污染物", "《中华人民共和国大气污染防治法》第九十九条"),
    ("environment", "未批先建", "《中华人民共和国环境影响评价法》第三十一条"),
    ("transport", "未取得道路运输经营许可擅自从事道路运输经营", "《中华人民共和国道路运输条例》第六十三条"),
    ("culture", "擅自从事互联网上网服务经营活动", "《互联网上网服务营业场所管理条例》第二十七条"),
    ("emergency", "未按规定配备安全生产管理人员", "《中华人民共和国安全生产法》第九十七条"),
    ("urban", "擅自占用城市道路", "《城市道路管理条例》第四十二条"),
]  # fmt: skip
DOMAINS = {
    "market": "市场监管", "environment": "生态环境", "transport": "交通运输",
    "culture": "文化市场", "emergency": "应急管理", "urban": "城市管理",
}  # fmt: skip
COUNTIES = [
    ("130102", "长安区"),
    ("130104", "桥西区"),
    ("130105", "新华区"),
    ("130107", "井陉矿区"),
    ("130108", "裕华区"),
]
RARE = "金鼎轩"  # one shop planted in a few records: a rare 3-character keyword
RARE1 = "麒麟阁"  # another: its 麒 and 麒麟 are rare 1- and 2-character keywords


def setup():
    from journal_verify import setup_django

    setup_django()


def fixture_registry() -> tuple[list[tuple[int, int, int, str, str, str]], dict]:
    """Agencies (one per county and domain) and their divisions: created once (bench fixture)."""
    from lawtrail.registry.models import Agency, Division, Domain

    city, _ = Division.objects.get_or_create(code="130100", defaults={"name": "石家庄市", "level": "city"})
    out = []
    domains = {}
    for i, (code, name) in enumerate(DOMAINS.items()):
        domains[code] = Domain.objects.get_or_create(code=code, defaults={"name": name, "sort": i})[0]
    for ccode, cname in COUNTIES:
        county, _ = Division.objects.get_or_create(
            code=ccode, defaults={"name": cname, "level": "county", "parent": city}
        )
        for dcode in DOMAINS:
            short = {"market": "市场监督管理局", "environment": "生态环境分局", "transport": "交通运输局",
                     "culture": "文化广电和旅游局", "emergency": "应急管理局", "urban": "城市管理综合行政执法局"}[dcode]  # fmt: skip
            agency, _ = Agency.objects.get_or_create(
                name=f"石家庄市{cname}{short}",
                defaults={
                    "division": county,
                    "level": "county",
                    "legal_status": "statutory",
                    "credit_code": f"11{ccode}{len(out):02d}BENCH000"[:18],
                },
            )
            agency.domains.add(domains[dcode])
            out.append((agency.pk, domains[dcode].pk, county.pk, county.path, agency.name, dcode))
    return out, domains


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def records(n: int, agencies: list, *, seed: int = SEED):
    """Yield ``n`` rows (a tuple per column of ``COLUMNS``), realistic and already masked."""
    rng = random.Random(seed)
    by_domain: dict[str, list] = {}
    for a in agencies:
        by_domain.setdefault(a[5], []).append(a)
    year_seq: dict[tuple[int, int], int] = {}
    for i in range(n):
        dcode, violation, basis = rng.choice(VIOLATIONS)
        agency_id, domain_id, division_id, path, agency_name, _ = rng.choice(by_domain[dcode])
        decided = START + dt.timedelta(days=rng.randrange(DAYS))
        kind = rng.random()
        if kind < 0.35:
            party_kind, party = "person", _person(rng)
            credit = ""
        elif kind < 0.8:
            party_kind = "organisation"
            party = "石家庄市" + rng.choice(COUNTIES)[1] + rng.choice(SHOP_WORDS) + rng.choice(SHOP_KINDS)
            credit = f"92130{rng.randrange(10**12):012d}X"
        else:
            party_kind = "organisation"
            party = "河北" + rng.choice(SHOP_WORDS) + rng.choice(COMPANY_KINDS)
            credit = f"91130{rng.randrange(10**12):012d}Y"
        if i % 200_000 == 7:
            party = f"石家庄市{RARE}餐饮店"
        if i % 100_000 == 11:
            party = f"石家庄市{RARE1}茶楼"  # 麒 and 麒麟: rare 1- and 2-character keywords
        fine = rng.choice((500, 1000, 2000, 5000, 10000, 20000, 50000, 100000))
        key = (agency_id, decided.year)
        year_seq[key] = year_seq.get(key, 0) + 1
        number = f"{agency_name[3:5]}{'罚'}〔{decided.year}〕{year_seq[key]}号"
        facts = (
            f"经查，当事人{party}于{decided.year}年{decided.month}月{decided.day}日在石家庄市********"
            f"{violation}，涉案货值{rng.randrange(100, 90000)}元，联系电话139****{rng.randrange(10000):04d}。"
        )
        penalty = f"罚款人民币{fine:,}.00元" + ("；没收违法所得" if rng.random() < 0.3 else "")
        search_text = "\n".join((agency_name, number, credit, party, violation, facts, basis, penalty))
        content = json.dumps(
            {"party": party, "violation": violation, "facts": facts, "basis": basis, "penalty": penalty},
            ensure_ascii=False,
        )
        yield (
            agency_id, domain_id, division_id, path, "penalty", "published", number, party_kind, party, credit,
            fine, decided, decided, decided, "{}", content, search_text,
        )  # fmt: skip


COLUMNS = [
    "agency_id", "domain_id", "division_id", "division_path", "kind", "status", "decision_number",
    "party_kind", "party_name", "credit_code", "fine_amount", "decided_on", "due_on", "published_on",
    "original", "content", "search_text",
]  # fmt: skip
CONSTANT = {
    "withheld_reason": "", "change_kind": "", "explanation": "", "annotated": False,
}  # fmt: skip


def _csv(rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    for r in rows:
        w.writerow([*r, *CONSTANT.values(), dt.datetime.now(dt.UTC).isoformat()])
    return buf.getvalue()


def load(n: int, agencies: list, *, psql_only: bool = False) -> dict:
    """Empty the table, load ``n`` rows; PostgreSQL: COPY through the driver, then psql \\copy of the same rows
    (``psql_only``: just the psql \\copy — the driver's ratio to it was measured at 3M; at 10M a second
    load of the same rows costs a quarter of an hour on this machine)."""
    from django.db import connection, transaction

    from lawtrail.disclosure import search_index

    cols = COLUMNS + list(CONSTANT) + ["created_at"]
    out: dict = {"n": n}
    with connection.cursor() as cur:
        cur.execute("DELETE FROM disclosure_edit")
        cur.execute("DELETE FROM disclosure_record")
    if connection.vendor == "postgresql":
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            batch = []
            for r in records(n, agencies):
                batch.append(r)
                if len(batch) == 50_000:
                    f.write(_csv(batch))
                    batch = []
            f.write(_csv(batch))
        out["csv_mb"] = Path(f.name).stat().st_size / 2**20
        # the keyword indexes are dropped for the load and built after it (timed apart)
        # the two GINs built at once, each in its own session, with memory to gather (docs/PERFORMANCE.md)
        with search_index.bulk(connection, memory="4GB") as builds:
            if not psql_only:
                _driver_copy(connection, cols, f.name, out)
            settings = connection.settings_dict
            t = time.perf_counter()
            subprocess.run(
                ["psql", "-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres", "-d", settings["NAME"],
                 "-q", "-c", f"\\copy disclosure_record ({', '.join(cols)}) FROM '{f.name}' WITH (FORMAT csv, NULL '\\N')"],
                check=True,
            )  # fmt: skip
            out["psql_copy_s"] = time.perf_counter() - t
            if not psql_only:
                out["ratio_driver_to_psql"] = out["driver_s"] / out["psql_copy_s"]
            else:
                out["driver_s"] = out["psql_copy_s"]
            Path(f.name).unlink()
        out.update(builds)
        out["load_with_builds_s"] = out["psql_copy_s"] + sum(builds.values())
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE disclosure_record")
            cur.execute(
                "SELECT pg_relation_size('disclosure_record'), pg_total_relation_size('disclosure_record'), "
                "pg_indexes_size('disclosure_record')"
            )
            table, total, indexes = cur.fetchone()
            for name in search_index.PG_INDEXES:
                cur.execute("SELECT pg_relation_size(%s)", [name])
                out[f"{name}_mb"] = cur.fetchone()[0] / 2**20
        out.update(table_mb=table / 2**20, indexes_mb=indexes / 2**20, total_mb=total / 2**20)
    else:
        sql = f"INSERT INTO disclosure_record ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        now = dt.datetime.now(dt.UTC).isoformat()
        t = time.perf_counter()
        # bulk: the FTS5 triggers are dropped for the load, both tables re-filled after it
        with search_index.bulk(connection) as builds, transaction.atomic():
            batch = []
            with connection.cursor() as cur:
                for r in records(n, agencies):
                    batch.append([*r, *CONSTANT.values(), now])
                    if len(batch) == 20000:
                        cur.executemany(sql, batch)
                        batch = []
                if batch:
                    cur.executemany(sql, batch)
            out["insert_s"] = time.perf_counter() - t
        out.update(builds)
        out["driver_s"] = time.perf_counter() - t
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
            try:
                cur.execute(
                    "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'disclosure_%' GROUP BY name"
                )
                sizes = dict(cur.fetchall())
            except Exception:  # noqa: BLE001 — dbstat is a compile-time option
                sizes = {}
        out["table_mb"] = sizes.get("disclosure_record", 0) / 2**20
        out["fts_mb"] = sum(v for k, v in sizes.items() if k.startswith("disclosure_fts")) / 2**20
        out["indexes_mb"] = sum(v for k, v in sizes.items() if k.startswith(("disclosure_pub", "disclosure_rec", "disclosure_draft", "disclosure_with", "sqlite_autoindex_disclosure"))) / 2**20  # fmt: skip
    out["rows_per_s"] = n / out["driver_s"]
    if "psql_copy_s" in out:
        out["psql_rows_per_s"] = n / out["psql_copy_s"]
    return out


def _driver_copy(connection, cols: list[str], path: str, out: dict) -> None:
    """COPY FROM STDIN through psycopg, timed into ``out["driver_s"]``; then the table emptied again."""
    raw = connection.connection
    t = time.perf_counter()
    with (
        raw.cursor() as cur,
        cur.copy(
            f"COPY disclosure_record ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        ) as cp,
        open(path, "rb") as src,
    ):
        while chunk := src.read(1 << 20):
            cp.write(chunk)
    raw.commit()
    out["driver_s"] = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("TRUNCATE disclosure_record CASCADE")


def mix(agencies: list) -> list[tuple[str, dict]]:
    a = agencies[0]
    return [
        ("baseline: no keyword", {}),
        ("1 char common 罚", {"q": "罚"}),
        ("1 char rarer 劣", {"q": "劣"}),
        ("1 char 鼎 (金鼎…)", {"q": "鼎"}),
        ("1 char rare 麒", {"q": "麒"}),
        ("2 char rare 麒麟", {"q": "麒麟"}),
        ("2 char common 食品", {"q": "食品"}),
        ("2 char 药房", {"q": "药房"}),
        ("3 char shop 好味道", {"q": "好味道"}),
        ("3 char rare 金鼎轩", {"q": RARE}),
        ("4 char common 无证无照", {"q": "无证无照"}),
        ("4 char 价格欺诈", {"q": "价格欺诈"}),
        ("shop name 鑫隆五金店", {"q": "鑫隆五金店"}),
        ("person-ish 王伟", {"q": "王伟"}),
        ("4 char + agency", {"q": "超过保质", "agency": str(a[0])}),
        (
            "2 char + domain + dates",
            {"q": "排放", "domain": "environment", "from": "2024-01-01", "to": "2024-12-31"},
        ),
        ("3 char + division", {"q": "好味道", "division": COUNTIES[1][0]}),
        ("no keyword + domain", {"domain": "culture"}),
    ]


def _load() -> str:
    """The machine's load average, printed beside every figure (docs/PERFORMANCE.md)."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_mix(agencies: list, rounds: int) -> None:
    from django.db import connection

    from lawtrail.disclosure import search

    queries = mix(agencies)
    times: dict[str, list[float]] = {name: [] for name, _ in queries}
    plans: dict[str, str] = {}
    counts: dict[str, str] = {}
    for r in range(rounds):
        order = list(queries)
        random.Random(r).shuffle(order)  # interleaved: every round runs every query, in a new order
        for name, params in order:
            p, errors = search.parse(params)
            assert not errors, errors
            t = time.perf_counter()
            result = search.run(p)
            times[name].append((time.perf_counter() - t) * 1000)
            plans[name], counts[name] = result.plan, result.count_text
    base = statistics.median(times["baseline: no keyword"])
    print(f"mix: {rounds} rounds, {_load()}")
    print(f"\n{'query':<28} {'plan':<10} {'count':>8} {'p50 ms':>8} {'p95 ms':>8} {'×base':>6}")
    every = []
    for name, _ in queries:
        ts = times[name]
        every += ts
        print(
            f"{name:<28} {plans[name]:<10} {counts[name]:>8} {statistics.median(ts):8.1f} {pct(ts, 95):8.1f} {statistics.median(ts) / base:6.1f}"
        )
    print(f"{'the whole mix':<28} {'':<10} {'':>8} {statistics.median(every):8.1f} {pct(every, 95):8.1f}")
    print(
        f"baseline (no keyword) median {base:.1f} ms; spread of the mix p5–p95 {pct(every, 5):.1f}–{pct(every, 95):.1f} ms; {connection.vendor}"
    )


def completeness(agencies: list, max_rows: int | None = None) -> None:
    """Every way a query can be run — through its keyword index and by the walk — returns exactly
    the ids of the plain LIKE scan with the same filters (full result sets), and every way its
    count can be taken shows the scan's count, capped. ``max_rows``: only the queries whose scan
    holds at most that many rows (at 10M records 罚 is in all of them: three sets of 10M ids)."""
    from django.db import connection, transaction

    from lawtrail.disclosure import search

    bad = 0
    vendor = connection.vendor
    for name, params in mix(agencies):
        p, _ = search.parse(params)
        if max_rows is not None and (n := search.scan(p).count()) > max_rows:
            print(
                f"completeness {name:<28} skipped: the scan holds {n:,} rows (--completeness-max {max_rows:,})"
            )
            continue
        want = set(search.scan(p).values_list("pk", flat=True))
        for how in ("index", "walk") if p.q else ("date",):
            with transaction.atomic():
                if vendor == "postgresql":
                    search._hint(how)
                got = set(search.queryset_for(p, vendor, how).values_list("pk", flat=True))
            ok = got == want
            bad += not ok
            print(f"completeness {name:<28} {how:<6} rows={len(want):>8} {'OK' if ok else 'DIFFERENT'}")
        # the count shown, every way it can be counted (SQLite also the set way), and the portal's
        shown = (min(len(want), search.COUNT_CAP), len(want) > search.COUNT_CAP)
        ways = ("index", "walk", *(("set",) if vendor == "sqlite" else ())) if p.q else ("date",)
        for how in ways:
            with transaction.atomic():
                if vendor == "postgresql":
                    search._hint(how)
                got_count = search.count_with(p, vendor, how)
            ok = got_count is None or got_count == shown  # None: the set way could not decide
            bad += not ok
            print(
                f"count        {name:<28} {how:<6} shown={shown} got={got_count} {'OK' if ok else 'DIFFERENT'}"
            )
        result = search.run(p)
        ok = (result.count, result.capped) == shown
        bad += not ok
        print(
            f"count        {name:<28} run    {result.plan:<10} {result.count_text:>8} {'OK' if ok else 'DIFFERENT'}"
        )
    if bad:
        raise SystemExit(f"{bad} queries differ from the LIKE scan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-load", action="store_true", help="query what is loaded")
    ap.add_argument("--no-completeness", action="store_true")
    ap.add_argument("--psql-only", action="store_true", help="PostgreSQL: load with psql \\copy only")
    ap.add_argument(
        "--completeness-max",
        type=int,
        default=None,
        help="check only the queries whose scan holds at most N rows",
    )
    args = ap.parse_args()
    setup()
    agencies, _ = fixture_registry()
    if not args.no_load:
        t = time.perf_counter()
        info = load(args.n, agencies, psql_only=args.psql_only)
        print(f"loaded {args.n:,} records in {time.perf_counter() - t:.0f} s ({_load()}): {info}")
    run_mix(agencies, args.rounds)
    if not args.no_completeness:
        completeness(agencies, args.completeness_max)


if __name__ == "__main__":
    main()
