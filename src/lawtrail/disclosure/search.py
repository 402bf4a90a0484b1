"""Search over published decisions: any Chinese keyword of one character or more, with filters,
sorted by date or relevance, with a count (exact below ``COUNT_CAP``, "10,000+" above) and pages.

The parameters are parsed once (``parse``: a bad one is a 400 with a code) and the query is built
for the database in use: SQLite uses an FTS5 trigram table for
keywords of three characters or more and an FTS5 table of each record's characters and pairs of
characters for shorter ones (``search_index``); PostgreSQL a pg_trgm GIN and a GIN of the same
grams (``disclosure_grams``). The first page and the count are planned apart (``choose``): the
keyword index against a walk of the date index — the agency's or the domain's own when that filter
is set — by the estimated matches: the keyword's count in its index up to a bound (``keyword_count``;
PostgreSQL 3+ characters: the planner's estimate) times the share of the rows the filters keep
(``sizes``). Every plan returns exactly the rows of a plain ``LIKE '%keyword%'`` with the same
filters (tests/disclosure).
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL, Window
from django.db.models.functions import TruncMonth

from lawtrail.registry.models import Agency, Division, Domain

from . import search_index
from .models import Kind, Record, Status

PAGE_SIZE = 20
COUNT_CAP = 10_000
MAX_PAGE = 500
MAX_Q = 50


@dataclass
class Params:
    q: str = ""
    agency: int | None = None
    domain: str = ""
    division: str = ""
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "date"
    page: int = 1
    # resolved filters
    division_path: str = ""
    domain_id: int | None = None

    def query_string(self, **override: Any) -> str:
        values = {
            "q": self.q,
            "agency": self.agency or "",
            "domain": self.domain,
            "division": self.division,
            "kind": self.kind,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "sort": "" if self.sort == "date" else self.sort,
            "page": "" if self.page == 1 else self.page,
        }
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


@dataclass
class Result:
    count: int
    capped: bool
    rows: list[Record]
    page: int
    pages: int
    plan: str = ""
    ids: list[int] = field(default_factory=list)

    @property
    def count_text(self) -> str:
        return f"{COUNT_CAP:,}+" if self.capped else f"{self.count:,}"


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def parse(data: Any) -> tuple[Params, dict[str, str]]:
    """The query parameters (``q agency domain division kind from to sort page``); errors by name."""
    p = Params()
    errors: dict[str, str] = {}
    q = (data.get("q") or "").strip()
    if len(q) > MAX_Q:
        errors["q"] = f"关键词不能超过 {MAX_Q} 个字"
    p.q = q[:MAX_Q]
    agency = (data.get("agency") or "").strip()
    if agency:
        if not agency.isdigit() or not Agency.objects.filter(pk=int(agency)).exists():
            errors["agency"] = "执法机关不存在"
        else:
            p.agency = int(agency)
    domain = (data.get("domain") or "").strip()
    if domain:
        domain_id = Domain.objects.filter(code=domain).values_list("pk", flat=True).first()
        if domain_id is None:
            errors["domain"] = "执法领域不存在"
        p.domain, p.domain_id = domain, domain_id
    division = (data.get("division") or "").strip()
    if division:
        d = Division.objects.filter(code=division).only("path").first()
        if d is None:
            errors["division"] = "行政区划不存在"
        else:
            p.division, p.division_path = division, d.path
    kind = (data.get("kind") or "").strip()
    if kind:
        if kind not in Kind.values:
            errors["kind"] = "执法类别无效"
        p.kind = kind
    for name, attr in (("from", "date_from"), ("to", "date_to")):
        value = (data.get(name) or "").strip()
        if value:
            try:
                setattr(p, attr, _date(value))
            except ValueError:
                errors[name] = "日期格式应为 YYYY-MM-DD"
    if p.date_from and p.date_to and p.date_from > p.date_to:
        errors["from"] = "起始日期不能晚于截止日期"
    sort = (data.get("sort") or "date").strip()
    if sort not in ("date", "relevance"):
        errors["sort"] = "排序方式须为 date 或 relevance"
    else:
        p.sort = sort
    page = (data.get("page") or "1").strip()
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        errors["page"] = f"页码须为 1 至 {MAX_PAGE} 的整数"
    else:
        p.page = int(page)
    return p, errors


def filtered(p: Params) -> QuerySet[Record]:
    """Published records matching the filters (not the keyword)."""
    qs = Record.objects.filter(status=Status.PUBLISHED)
    if p.agency:
        qs = qs.filter(agency_id=p.agency)
    if p.domain_id:
        qs = qs.filter(domain_id=p.domain_id)  # its own date index (disclosure_pub_domain_date)
    elif p.domain:
        qs = qs.filter(domain__code=p.domain)
    if p.division_path:
        qs = qs.filter(division_path__startswith=p.division_path)
    if p.kind:
        qs = qs.filter(kind=p.kind)
    if p.date_from:
        qs = qs.filter(decided_on__gte=p.date_from)
    if p.date_to:
        qs = qs.filter(decided_on__lte=p.date_to)
    return qs


def scan(p: Params) -> QuerySet[Record]:
    """The reference: a plain ``LIKE '%keyword%'`` over the public text with the same filters."""
    qs = filtered(p)
    return qs.filter(search_text__contains=p.q) if p.q else qs


#: a keyword's matches are counted in its index up to this bound (SQLite: FTS5; PostgreSQL: the gram
#: GIN for 1–2 characters). Above ``COUNT_CAP``: with no filter (SQLite), the count shown is this count
SQLITE_BOUND = 20_001
BOUND = SQLITE_BOUND
#: SQLite: the newest published rows sampled to measure the share of them a filter keeps
SAMPLE = 2_000
#: cost model, in rows visited: a row found through a keyword index costs a heap fetch (``HEAP``); an
#: entry of a posting list costs ``POSTING``; a row walked along a date index (fetched and tested
#: with LIKE) costs 1.
HEAP = 1.0
#: PostgreSQL measured at 10M records with the rows in shared buffers (EXPLAIN ANALYZE, docs/PERFORMANCE.md):
#: ~300 ns an entry put in a GIN bitmap, ~2 µs a row walked along a date index and tested — 0.15
POSTING = {"postgresql": 0.15, "sqlite": 0.2}


def _phrase(q: str) -> str:
    return '"' + q.replace('"', '""') + '"'


def gram(q: str) -> str | None:
    """The entry of the PostgreSQL gram index (unigrams and bigrams, ``disclosure_grams``) that a
    keyword of one or two characters is, or None (longer, or with white space: not indexed)."""
    if 1 <= len(q) <= 2 and not any(ch.isspace() for ch in q):
        return q
    return None


GRAM_WHERE = "disclosure_grams(search_text) @> ARRAY[%s]::text[]"
#: PostgreSQL: the division filter as an entry of the keyword GINs' first column (migration 0008) —
#: the codes of the record's division and of those above it hold the division's code exactly when
#: the record is within it (the prefix of ``division_path`` that ``filtered`` tests)
DIVISION_WHERE = "disclosure_division_codes(division_path) @> ARRAY[%s]::text[]"


def _pg_estimate(qs: QuerySet[Record]) -> int:
    """The planner's estimate of the rows of ``qs`` (EXPLAIN, no execution: about a millisecond)."""
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


#: the rows ANALYZE saw holding a gram, when the gram is one of the most common elements of the gram
#: index's expression (``pg_stats``): the frequency times the table's rows
_PG_COMMON_GRAM = (
    "SELECT f.freq * c.reltuples FROM pg_class c JOIN pg_stats s ON s.schemaname = current_schema() "
    "AND s.tablename = 'disclosure_search_grams', "
    "unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS f(elem, freq) "
    "WHERE c.oid = 'disclosure_record'::regclass AND s.attname = 'disclosure_grams' AND f.elem = %s"
)


def _pg_gram_count(g: str) -> int:
    """The rows holding the gram, counted in the gram GIN up to ``BOUND`` — unless ANALYZE saw it
    among the most common elements of the index's expression with a frequency above the bound
    (罚, in every row: counting would read its whole posting list). Only a gram it saw counts as
    common: the planner's estimate for a gram it did not see is a default share of the table
    (0.5 %), which at 10,000,000 rows is above the bound however rare the gram (麒, in 100 rows, was
    shown as "10,000+" and walked for seconds). The count reads the posting list into an exact
    bitmap (``work_mem`` raised for it: a lossy one would test rows) and counts the rows without
    reading them (an empty target list: the bitmap heap scan skips the fetch of all-visible pages)."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_PG_COMMON_GRAM, [g])
        row = cur.fetchone()
        if row is not None and row[0] is not None and row[0] >= BOUND:
            return int(row[0])
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute("SET LOCAL jit = off")
        cur.execute(
            f"SELECT count(*) FROM (SELECT FROM disclosure_record WHERE {GRAM_WHERE} LIMIT %s) s",  # noqa: S608 — constant clause
            [g, BOUND],
        )
        return int(cur.fetchone()[0])


def keyword_count(q: str, vendor: str) -> int | None:
    """How many published rows hold the keyword, whatever the filters: counted in its index up to
    ``BOUND`` (SQLite: the FTS5 table; PostgreSQL, 1–2 characters: the gram GIN) — exact below it;
    PostgreSQL, 3+ characters: the planner's estimate (pg_trgm's). None when no index can find it."""
    if vendor == "postgresql":
        g = gram(q)
        if g is not None:
            return _pg_gram_count(g)
        return _pg_estimate(_pg_keyword(filtered(Params()), q, index=True))
    if vendor == "sqlite":
        counted = _sqlite_keyword(q)
        return None if counted is None else counted[0]
    return None


def _sqlite_keyword(q: str) -> tuple[int, int] | None:
    """SQLite: (the keyword's matches counted in its FTS5 table up to ``BOUND``, and the extrapolated
    number of all its matches) — the latter the count itself below the bound; at the bound, the
    bound times the largest record id over the id at which the bound was reached (FTS5 returns the
    matches by id: the share of the ids they came from). The extrapolation only weighs plans — a
    count shown is always counted."""
    match = _sqlite_match(q)
    if match is None:
        return None
    table, expr = match
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT count(*), max(rowid) FROM (SELECT rowid FROM {table} WHERE {table} MATCH %s LIMIT %s)",  # noqa: S608 — our table names
            [expr, BOUND],
        )
        n, last = cur.fetchone()
        if n < BOUND or not last:
            return int(n), int(n)
        cur.execute("SELECT max(id) FROM disclosure_record")
        top = cur.fetchone()[0] or last
        return int(n), max(int(n), round(n * top / last))


def estimate(p: Params, vendor: str) -> int | None:
    """How many published rows the keyword matches with the filters: the keyword's own count
    (``keyword_count``) times the share of the rows the filters keep (``sizes``); None when no
    index can find the keyword."""
    if not p.q:
        return None
    kw = keyword_count(p.q, vendor)
    if kw is None:
        return None
    if _unfiltered(p):
        return kw
    total, n_f, _ = sizes(p, vendor)
    return round(kw * n_f / max(total, 1))


def _walk_params(p: Params) -> Params:
    """The filters the walk follows an index of: the agency's (or else the domain's) published
    rows by date, in the date range; the other filters are tested row by row."""
    w = Params(date_from=p.date_from, date_to=p.date_to)
    if p.agency:
        w.agency = p.agency
    elif p.domain:
        w.domain, w.domain_id = p.domain, p.domain_id
    return w


def sizes(p: Params, vendor: str) -> tuple[float, float, float]:
    """(published rows, rows the filters leave, rows along the index the walk follows —
    ``_walk_params``). PostgreSQL: the planner's estimates (the columns' statistics). SQLite: the
    published rows from ``ANALYZE``; the share of the date range (the dates are spread evenly
    enough); the share the other filters keep among the newest ``SAMPLE`` rows."""
    if vendor == "postgresql":
        total = _pg_estimate(filtered(Params()))
        if _unfiltered(p):
            return total, total, total
        return total, _pg_estimate(filtered(p)), _pg_estimate(filtered(_walk_params(p)))
    total = _sqlite_published()
    if _unfiltered(p):
        return total, total, total
    share = _sqlite_date_share(p)
    newest = (
        Record.objects.filter(status=Status.PUBLISHED).order_by("-decided_on", "-id").values("pk")[:SAMPLE]
    )
    sampled = max(1, Record.objects.filter(pk__in=newest).count()) if total < 2 * SAMPLE else SAMPLE
    undated = Params(**{**p.__dict__, "date_from": None, "date_to": None})
    kept = filtered(undated).filter(pk__in=newest).count() if not _undated(p) else sampled
    walk = _walk_params(undated)
    if _unfiltered(walk):
        walked = sampled
    elif _filter_fields(walk) == _filter_fields(undated):
        walked = kept  # the walk's index holds every filter (an agency or a domain alone): same sample
    else:
        walked = filtered(walk).filter(pk__in=newest).count()
    return (
        total,
        total * share * max(kept, 0.5) / sampled,
        total * share * max(walked, 0.5) / sampled,
    )


def division_entries(p: Params) -> float:
    """PostgreSQL: the rows within the division — its entries in the keyword GINs (the planner's
    estimate of the published rows it holds)."""
    return float(_pg_estimate(filtered(Params(division=p.division, division_path=p.division_path))))


def _filter_fields(p: Params) -> tuple:
    return (p.agency, p.domain, p.domain_id, p.division_path, p.kind)


def _undated(p: Params) -> bool:
    return _unfiltered(Params(**{**p.__dict__, "date_from": None, "date_to": None}))


def _sqlite_date_share(p: Params) -> float:
    """The share of the published rows in the date range, the dates taken as spread evenly over
    the first and last published date (two seeks in the date index)."""
    if not (p.date_from or p.date_to):
        return 1.0
    qs = Record.objects.filter(status=Status.PUBLISHED)
    last = qs.order_by("-decided_on", "-id").values_list("decided_on", flat=True).first()
    first = qs.order_by("decided_on", "id").values_list("decided_on", flat=True).first()
    if first is None or last is None:
        return 1.0
    lo = max(first, p.date_from or first)
    hi = min(last, p.date_to or last)
    span = (last - first).days + 1
    return max(0.0, ((hi - lo).days + 1) / span) if hi >= lo else 0.5 / span


def _sqlite_match(q: str) -> tuple[str, str] | None:
    """(table, MATCH expression) of the SQLite index that finds the keyword — the trigram table
    for 3+ characters (a trigram phrase is the substring), the gram table's character or pair for
    1–2 — or None (a 1–2 character keyword with a character the gram index does not keep)."""
    if len(q) >= 3:
        return search_index.FTS, _phrase(q)
    if all(search_index.gramable(ch) for ch in q):
        return search_index.GRAMS, f"{'u' if len(q) == 1 else 'b'} : {_phrase(q.lower())}"
    return None


def _sqlite_published() -> int:
    """Published rows: from ``ANALYZE``'s statistics of the date index, else the largest id."""
    with connection.cursor() as cur:
        try:
            cur.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'disclosure_pub_date'")
            row = cur.fetchone()
        except Exception:  # noqa: BLE001 — no sqlite_stat1 before the first ANALYZE
            row = None
        if row and str(row[0]).split()[0].isdigit():
            return int(str(row[0]).split()[0])
        cur.execute("SELECT coalesce(max(id), 0) FROM disclosure_record")
        return int(cur.fetchone()[0])


def _unfiltered(p: Params) -> bool:
    return not (p.agency or p.domain or p.division_path or p.kind or p.date_from or p.date_to)


def _pg_keyword(base: QuerySet[Record], q: str, *, index: bool, division: str = "") -> QuerySet[Record]:
    """The keyword's rows; with ``index``, written so the gram index (1–2 characters) can find them,
    and the division (its code) be looked up in the same GIN as the keyword (``DIVISION_WHERE``) —
    the LIKE and the filters stay, so the result is the scan's either way."""
    like = base.filter(search_text__contains=q)
    if index and division:
        like = like.extra(where=[DIVISION_WHERE], params=[division])  # noqa: S610 — a constant clause, bound value
    g = gram(q)
    if index and g is not None:
        return like.extra(where=[GRAM_WHERE], params=[g])  # noqa: S610 — a constant clause, bound value
    if index:
        # a text of its own: psycopg prepares a statement by its text (settings.py), and a plan
        # cached under the walk's SET LOCAL must not serve the index's query, nor the reverse
        return like.extra(where=["TRUE /* keyword index */"])  # noqa: S610 — a constant clause
    return like


@dataclass
class Plan:
    """How one query is run: ``page`` and ``count`` each ``date`` / ``index`` / ``walk`` (see
    ``choose``), with the estimates that chose them."""

    page: str
    count: str
    est: int | None = None  # matches of the keyword and the filters (estimated)
    n: int | None = None  # rows along the index the walk follows
    exact: int | None = None  # the count, when the index counted it (SQLite, no filter)
    kw: int | None = None  # the keyword's matches, whatever the filters
    kw_total: int | None = None  # SQLite: all the keyword's matches, extrapolated above the bound
    fallback: str = ""  # SQLite ``set`` count: the count's way when the set cannot decide
    sample: int = 0  # PostgreSQL: the trigram entries a sampled proof of "cap+" aims at (``_pg_sampled_cap``)

    @property
    def name(self) -> str:
        return self.page if self.page == self.count else f"{self.page}+{self.count}"


def choose(
    est: float,
    n: float,
    *,
    page_size: int = PAGE_SIZE,
    vendor: str = "postgresql",
    kw: float | None = None,
    fetch: float | None = None,
    also: float = 0.0,
) -> tuple[str, str]:
    """The cheaper way to the first page and to the count, by the estimated matches ``est`` (of the
    keyword and the filters) among the ``n`` rows along the index the walk follows (the filter's own
    date index: ``_walk_params``); ``kw`` the keyword's entries in its index and ``fetch`` the rows
    the index path fetches (its matches in the walked range, which a bitmap of that index can cut
    to), both ``est`` with no filter; ``also`` what the index path decodes besides (PostgreSQL, a
    division looked up with the keyword: both posting lists, ``DECODE`` an entry — ``kw`` is then
    the entries of their intersection, ``division_entries``). In rows visited (``HEAP``, ``POSTING``):

    - first page: the keyword index reads ``kw`` entries and fetches ``fetch`` rows to sort them;
      the walk visits rows until a page of matches (``page_size · n / est``);
    - count (up to ``COUNT_CAP`` + 1): the index reads ``kw`` entries and fetches rows until the
      cap; the walk visits ``(cap + 1) · n / est`` rows.

    A rare keyword takes the index for both, a very common one the walk for both, one between often
    the walk for its page and the index for its count — one plan does not serve all."""
    est = max(est, 1)
    n = max(n, est)
    kw = max(kw if kw is not None else est, est)
    fetch = max(fetch if fetch is not None else est, est)
    walk_page = min(n, page_size * n / est)
    index_page = kw * POSTING[vendor] + fetch * HEAP + also
    walk_count, index_count = count_costs(est, n, kw, fetch, vendor, also)
    return (
        "index" if index_page <= walk_page else "walk",
        "index" if index_count <= walk_count else "walk",
    )


def count_costs(
    est: float, n: float, kw: float, fetch: float, vendor: str, also: float = 0.0
) -> tuple[float, float]:
    """(walk, keyword index): the rows visited counting up to ``COUNT_CAP`` + 1 each way, in the
    units of ``choose`` — the walk visits ``(cap + 1) · n / est`` rows; the index reads ``kw``
    entries (and ``also``) and fetches rows until the cap."""
    est = max(est, 1.0)
    n = max(n, est)
    cap = COUNT_CAP + 1
    return min(n, cap * n / est), kw * POSTING[vendor] + min(fetch, cap * fetch / est) * HEAP + also


def plan_for(p: Params, vendor: str) -> Plan:
    """The plan of one query: the keyword's count in its index (``keyword_count``), scaled by the
    share of the rows the filters keep (``sizes``), against the rows along the walked index."""
    if not p.q:
        return Plan("date", "date")
    kw_total = None
    if vendor == "sqlite":
        counted = _sqlite_keyword(p.q)
        kw, kw_total = counted if counted is not None else (None, None)
    else:
        kw = keyword_count(p.q, vendor)
    if kw is None:
        return Plan("walk", "walk")
    total, n_f, n_walk = sizes(p, vendor)
    total = max(total, 1.0)
    est = kw * n_f / total
    fetch = kw * n_walk / total
    entries, also = kw, 0.0
    if vendor == "postgresql" and p.division_path:
        # the division is looked up in the keyword's GIN (``DIVISION_WHERE``): the scan decodes both
        # posting lists (``DECODE`` an entry) and puts only the rows holding both in its bitmap
        # (``POSTING`` an entry), and the rows fetched are only those within the division
        n_div = division_entries(p)
        entries = kw * n_div / total
        fetch *= n_div / total
        also = (kw + n_div) * DECODE
    page, count = choose(est, n_walk, vendor=vendor, kw=entries, fetch=fetch, also=also)
    # no filter: the index's own count is the count (SQLite: exact below the bound). PostgreSQL: the
    # gram GIN holds every status, so its count serves only above the bound — "10,000+" without
    # counting again (wrong only if more than 10,000 of the rows holding the keyword were unpublished)
    exact = None
    if _unfiltered(p) and (vendor == "sqlite" or (vendor == "postgresql" and gram(p.q) and kw >= BOUND)):
        exact = kw
    plan = Plan(page, count, round(est), round(n_walk), exact, kw, kw_total)
    if vendor == "postgresql" and exact is None:
        plan.sample = sample_target(p.q, est, kw, n_f, n_walk, total, fetch, also, entries)
    if vendor == "sqlite" and exact is None and kw_total is not None and _sqlite_walk_index(p) is not None:
        if choose_set(kw_total, n_f, n_walk, total):
            plan.count, plan.fallback = "set", count
    return plan


#: SQLite ``set`` count: the keyword's matches put in the set at most (the first ones by id)
SET_LIMIT = 250_000
#: its cost model, in rows visited (``choose``): a keyword match put in the in-memory set, an entry of
#: the filter's date index read (no row: the index holds the filter's columns and the id) and probed
SET_ENTRY = 0.2
INDEX_ENTRY = 0.1


def choose_set(kw_total: float, n_f: float, n_walk: float, total: float) -> bool:
    """SQLite, a keyword and filters that the filter's own date index holds (``_sqlite_walk_index``):
    whether the ``set`` count is the cheapest — the keyword's matches (``kw_total``, at most
    ``SET_LIMIT``) put in a set, then the filter's index walked without reading a row, each id
    probed in the set, until ``COUNT_CAP`` + 1 — against the walk (a row read and tested with LIKE
    per entry) and the keyword index (a row read per match to test the filters). Only when the set
    can decide: all the matches fit, or its share of them should hold twice the cap."""
    total = max(total, 1.0)
    est = max(kw_total * n_f / total, 1.0)
    n_walk = max(n_walk, est)
    cap = COUNT_CAP + 1
    if kw_total > SET_LIMIT and est * SET_LIMIT / kw_total < 2 * cap:
        return False
    walk = min(n_walk, cap * n_walk / est)
    in_set = min(kw_total, SET_LIMIT)
    set_cost = in_set * SET_ENTRY + min(n_walk, cap * kw_total / est * n_walk / max(in_set, 1)) * INDEX_ENTRY
    index = kw_total * POSTING["sqlite"] + min(kw_total, cap * kw_total / est) * HEAP
    return set_cost < min(walk, index)


def _sqlite_walk_index(p: Params) -> tuple[str, str, list[Any]] | None:
    """SQLite: (index, WHERE clause, parameters) of the published rows the filters keep, read from
    the filter's own date index alone — the agency's, the domain's or, with dates only, the
    published-date index: each holds its filter's column, the date and the id. None when a filter
    is not in that index (division, kind, or agency and domain both: each row would be read)."""
    if p.division_path or p.kind or (p.agency and p.domain) or (p.domain and not p.domain_id):
        return None
    if _unfiltered(p):
        return None
    clauses, params = [], []
    if p.agency:
        index = "disclosure_pub_agency_date"
        clauses.append("agency_id = %s")
        params.append(p.agency)
    elif p.domain_id:
        index = "disclosure_pub_domain_date"
        clauses.append("domain_id = %s")
        params.append(p.domain_id)
    else:
        index = "disclosure_pub_date"
    if p.date_from:
        clauses.append("decided_on >= %s")
        params.append(p.date_from.isoformat())
    if p.date_to:
        clauses.append("decided_on <= %s")
        params.append(p.date_to.isoformat())
    return index, " AND ".join(clauses), params


def _sqlite_set_count(p: Params) -> tuple[int, bool] | None:
    """SQLite: the count shown, through the ``set`` way — (count, capped), exact: the ids of the
    keyword's matches in its FTS5 table (the first ``SET_LIMIT`` by id) in an in-memory set, the
    filter's date index walked index-only (``_sqlite_walk_index``) and each id probed in it, up to
    ``COUNT_CAP`` + 1. Every id it counts is a real match, so reaching the cap proves "10,000+";
    below it the count is exact when the set held every match (counted up to ``SET_LIMIT`` + 1 if
    the bounded count did not tell), else None (the caller counts another way)."""
    match = _sqlite_match(p.q)
    walk = _sqlite_walk_index(p)
    if match is None or walk is None:
        return None
    table, expr = match
    index, where, params = walk
    cap = COUNT_CAP + 1
    with connection.cursor() as cur:
        cur.execute(
            # +id: test each entry against the set built once (no lookup of the FTS5 table per id)
            f"SELECT count(*) FROM (SELECT 1 FROM disclosure_record INDEXED BY {index} "  # noqa: S608 — our names
            f"WHERE status = 'published' AND {where} AND +id IN "
            f"(SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rowid LIMIT %s) LIMIT %s)",
            [*params, expr, SET_LIMIT, cap],
        )
        n = int(cur.fetchone()[0])
        if n >= cap:
            return COUNT_CAP, True
        cur.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH %s LIMIT %s)",  # noqa: S608 — our names
            [expr, SET_LIMIT + 1],
        )
        if int(cur.fetchone()[0]) > SET_LIMIT:
            return None  # the set held only the first matches: the count so far is a lower bound
    return n, False


#: PostgreSQL sampled proof of "cap+": the entries it aims at, over those it needs (``COUNT_CAP`` + 1
#: real matches) — a margin for the randomness of the sample and a trigram a little wider than the keyword
SAMPLE_MARGIN = 1.6
#: cost model of the sample, in rows fetched (``HEAP``): an entry of a posting list decoded and dropped
#: (the GIN still reads the whole list, it keeps fewer entries) — measured at 10M records (EXPLAIN
#: ANALYZE, docs/PERFORMANCE.md): ~33 ns an entry decoded, against ``POSTING`` an entry put in the
#: exact bitmap of an exact count
DECODE = 0.015


def first_trigram(q: str) -> str | None:
    """The first three consecutive characters of ``q`` that pg_trgm keeps as one trigram (CJK
    ideographs, ASCII letters and digits: ``search_index.gramable``), or None."""
    for i in range(len(q) - 2):
        if all(search_index.gramable(ch) for ch in q[i : i + 3]):
            return q[i : i + 3]
    return None


def sample_target(
    q: str,
    est: float,
    kw: float,
    n_f: float,
    n_walk: float,
    total: float,
    fetch: float,
    also: float = 0.0,
    entries: float | None = None,
) -> int:
    """PostgreSQL: how many entries of the keyword's first trigram a sampled proof of "cap+"
    (``_pg_sampled_cap``) should keep — enough that, at the share of them the filters keep, about
    ``SAMPLE_MARGIN`` × (``COUNT_CAP`` + 1) are real matches — or 0 when no sample is worth it: a
    keyword of 1–2 characters (its gram GIN is counted exactly), no trigram, too few estimated
    matches to expect the cap, a sample nearly as large as the whole posting list, or one dearer
    (``DECODE`` per entry read, ``HEAP`` per entry kept) than both exact ways: the walk, and the
    keyword index (``POSTING`` per entry of the exact bitmap — ``entries`` of them when the division
    is looked up with the keyword, ``also`` besides — ``HEAP`` per row fetched to the cap)."""
    first = first_trigram(q)
    if gram(q) is not None or first is None or est < SAMPLE_MARGIN * (COUNT_CAP + 1):
        return 0
    share = max(n_f, 1.0) / max(total, 1.0)  # the filters' share of the rows (1 with none)
    target = SAMPLE_MARGIN * (COUNT_CAP + 1) / share
    if target * 2 > kw:
        return 0
    exact = count_costs(est, n_walk, kw if entries is None else entries, fetch, "postgresql", also)
    if kw * DECODE + target * HEAP >= min(exact):
        return 0
    return int(target)


def _pg_sampled_cap(p: Params, target: int) -> bool:
    """PostgreSQL: whether ``COUNT_CAP`` + 1 matches of the keyword and filters are found in a random
    sample of about ``target`` entries of its first trigram's posting list (``gin_fuzzy_search_limit``:
    the GIN scan keeps each entry with a probability that brings the list to about the limit) —
    each row tested with the whole LIKE and the filters, so every row counted is a real match and
    reaching the cap proves "cap+" (the sample never adds a row). It reads the posting list but
    fetches about ``target`` rows, not the hundreds of thousands an exact count of a common keyword
    fetches or walks. False: not proven — the caller counts exactly."""
    first = first_trigram(p.q)
    if first is None:
        return False
    like = "%" + connection.ops.prep_for_like_query(p.q) + "%"
    # the trigram alone is the GIN's condition: one posting list, sampled once (several would each
    # be sampled, and a row kept only if kept in all); the whole keyword is tested on the row (an
    # expression the index does not serve) — the same LIKE as ``scan``
    qs = (
        filtered(p)
        .filter(search_text__contains=first)
        .extra(where=["(search_text || '') LIKE %s"], params=[like])  # noqa: S610 — constant clause, bound value
    )
    with transaction.atomic():
        _hint("index")
        with connection.cursor() as cur:
            cur.execute("SET LOCAL enable_seqscan = off")  # the GIN's bitmap, the only way that samples
            cur.execute("SELECT set_config('gin_fuzzy_search_limit', %s, true)", [str(max(int(target), 1))])
        return qs.order_by().values("pk")[: COUNT_CAP + 1].count() > COUNT_CAP


def count_with(p: Params, vendor: str, how: str) -> tuple[int, bool] | None:
    """The count shown — (count up to ``COUNT_CAP``, whether above it) — counted the way ``how``
    says: ``walk`` / ``index`` / ``date`` (the rows of ``queryset_for``, up to the cap + 1) or, on
    SQLite, ``set`` (``_sqlite_set_count``: None when it cannot decide)."""
    if how == "set":
        return _sqlite_set_count(p) if vendor == "sqlite" else None
    n = _count(queryset_for(p, vendor, how), how, vendor)
    return min(n, COUNT_CAP), n > COUNT_CAP


def queryset_for(p: Params, vendor: str, how: str) -> QuerySet[Record]:
    """The rows matching the keyword and filters, found the way ``how`` says (every way returns
    exactly the rows of ``scan``: an index only narrows, the LIKE or the trigram phrase decides)."""
    base = filtered(p)
    if not p.q:
        return base
    if how == "index" and vendor == "sqlite":
        match = _sqlite_match(p.q)
        if match is not None:
            table, expr = match
            ids = RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [expr])  # noqa: S608 — our tables
            return base.filter(pk__in=ids)
    if vendor == "postgresql":
        return _pg_keyword(base, p.q, index=how == "index", division=p.division if p.division_path else "")
    return base.filter(search_text__contains=p.q)


def keyword_queryset(p: Params, vendor: str) -> tuple[QuerySet[Record], str]:
    """The rows matching the keyword and filters, and the plan of the first page:

    - ``date``: no keyword — walk the published-date index;
    - ``fts`` (SQLite) / ``gram``, ``trgm`` (PostgreSQL): a rare keyword — look it up in the keyword
      index (FTS5 trigram; the gram GIN for 1–2 characters, pg_trgm for longer), sort the few rows;
    - ``walk``: a common keyword (or, on SQLite, one of 1–2 characters: no trigram to look up) —
      walk the date index and test each row with LIKE, stopping at the page.

    Every plan returns exactly the rows of ``scan``."""
    plan = plan_for(p, vendor)
    return queryset_for(p, vendor, plan.page), _label(plan.page, p, vendor)


def _label(how: str, p: Params, vendor: str) -> str:
    if how != "index":
        return how
    if vendor == "sqlite":
        return "fts" if len(p.q) >= 3 else "gram"
    return "gram" if gram(p.q) is not None else "trgm"


@contextmanager
def plan_hints(plan: str, vendor: str):
    """On PostgreSQL, hold the planner to the chosen plan for this transaction (SET LOCAL)."""
    if vendor != "postgresql" or plan not in ("walk", "trgm", "gram", "index", "date"):
        yield
        return
    with transaction.atomic():
        _hint(plan)
        yield


def _hint(plan: str) -> None:
    # one statement per call: server-side binding (settings.py) refuses several in one
    with connection.cursor() as cur:
        # no JIT: a walk or a bitmap over 10M rows is costed above jit_above_cost, and compiling
        # its expressions takes longer than the LIMIT lets the query run (issue 11, 10M records)
        cur.execute("SET LOCAL jit = off")
        if plan in ("trgm", "gram", "index"):
            # no date-index walk: a bitmap over the GIN — exact (a lossy bitmap of a long posting
            # list makes every row of its pages be tested, the gram expression computed again)
            cur.execute("SET LOCAL enable_indexscan = off")
            cur.execute("SET LOCAL enable_bitmapscan = on")
            cur.execute("SET LOCAL work_mem = '64MB'")
        else:
            # walk the date index (or the agency's), stop at the LIMIT — not a parallel scan of the
            # whole table in its order (at 10M rows: 297 ms against 112 ms along the agency's index)
            cur.execute("SET LOCAL enable_bitmapscan = off")
            cur.execute("SET LOCAL enable_indexscan = on")
            cur.execute("SET LOCAL enable_seqscan = off")


def order_for_listing(qs: QuerySet[Record], p: Params) -> QuerySet[Record]:
    if p.sort == "relevance" and p.q:
        score = Case(
            When(party_name__contains=p.q, then=Value(3)),
            When(decision_number__contains=p.q, then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return qs.annotate(score=score).order_by("-score", "-decided_on", "-id")
    return qs.order_by("-decided_on", "-id")


def run(p: Params, *, page_size: int = PAGE_SIZE) -> Result:
    vendor = connection.vendor
    plan = plan_for(p, vendor)
    qs = queryset_for(p, vendor, plan.page)
    ordered = order_for_listing(qs, p)
    offset = (p.page - 1) * page_size
    # PostgreSQL, the page through the keyword's index: its bitmap heap scan reads every match to
    # sort them, so the same statement counts them (``count(*) OVER ()``) — no second scan to count
    counted = vendor == "postgresql" and p.q and plan.page == plan.count == "index" and plan.exact is None
    if counted:
        ordered = ordered.annotate(_matches=Window(Count("pk")))
    rows = _rows(ordered, offset, page_size, plan.page, vendor)
    if p.page == 1 and len(rows) < page_size:
        count, capped = len(rows), False
    elif counted and rows:
        total = rows[0]._matches
        count, capped = min(total, COUNT_CAP), total > COUNT_CAP
    elif plan.exact is not None:  # exact below the bound; at the bound (> COUNT_CAP) "10,000+"
        count, capped = min(plan.exact, COUNT_CAP), plan.exact > COUNT_CAP
    else:
        shown = (COUNT_CAP, True) if plan.sample and _pg_sampled_cap(p, plan.sample) else None
        if shown is None:  # no sample, or it did not prove "cap+": count exactly
            shown = count_with(p, vendor, plan.count)
        if shown is None:  # the set could not decide: count the way the plan would have
            shown = count_with(p, vendor, plan.fallback)
        count, capped = shown
    pages = max(1, min(MAX_PAGE, -(-count // page_size)))
    label = (
        _label(plan.page, p, vendor)
        if plan.page == plan.count
        else (f"{_label(plan.page, p, vendor)}+{_label(plan.count, p, vendor)}")
    )
    return Result(count=count, capped=capped, rows=rows, page=p.page, pages=pages, plan=label)


def _rows(ordered, offset: int, page_size: int, how: str, vendor: str) -> list[Record]:
    page = ordered.select_related("agency", "domain").only(
        "id",
        "decision_number",
        "party_name",
        "decided_on",
        "published_on",
        "kind",
        "content",
        "fine_amount",
        "agency__name",
        "domain__name",
        "status",
    )[offset : offset + page_size]
    if vendor != "postgresql":
        return list(page)
    with transaction.atomic():
        _hint(how)
        return list(page)


def _count(qs, how: str, vendor: str) -> int:
    limited = qs.order_by().values("pk")[: COUNT_CAP + 1]
    if vendor != "postgresql":
        return limited.count()
    with transaction.atomic():
        _hint(how)
        return limited.count()


def figures(*, months: int = 24) -> dict:
    """Published decisions per month (the last ``months``) and by domain."""
    qs = Record.objects.filter(status=Status.PUBLISHED)
    by_month = list(
        qs.annotate(m=TruncMonth("decided_on")).values("m").annotate(n=Count("id")).order_by("-m")[:months]
    )
    by_month.reverse()
    by_domain = list(qs.values("domain__name").annotate(n=Count("id")).order_by("-n")[:20])
    return {
        "months": [r["m"].strftime("%Y-%m") for r in by_month if r["m"]],
        "per_month": [r["n"] for r in by_month if r["m"]],
        "domains": [r["domain__name"] for r in by_domain],
        "per_domain": [r["n"] for r in by_domain],
        "total": sum(r["n"] for r in by_domain),
    }
