"""The case list's keyword search reads ``CaseText``, a copy of each case's searched texts kept by
the database's triggers (migration 0019, issue 14). These tests hold the copy to the cases after
every kind of write, show that a step which leaves the texts alone does not rewrite it, and that
PostgreSQL's keyword indexes are on the copy and no longer on the cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from lawtrail.cases import selectors as sel
from lawtrail.cases import services as svc
from lawtrail.cases.models import Case, CaseText
from lawtrail.core.permissions import Perm
from lawtrail.registry.selectors import agencies_in_scope

TEXTS = ("number", "title", "facts", "decision_number")


def _copied() -> set[tuple]:
    return set(CaseText.objects.values_list("case_id", "agency_id", *TEXTS))


def _from_cases() -> set[tuple]:
    return set(Case.objects.values_list("pk", "agency_id", *TEXTS))


def _new(world, title: str) -> Case:
    c = world.cast
    return svc.case_create(actor=c.alice, agency=c.agency_a, domain=c.market, region=c.changan, title=title)


@pytest.mark.django_db
def test_the_copy_follows_every_write(world):
    c = world.cast
    case, other = _new(world, "某超市销售过期食品案"), _new(world, "乙案")
    assert _copied() == _from_cases() and len(_copied()) >= 2

    Case.objects.filter(pk=case.pk).update(facts="当事人于2026年8月销售超过保质期的食品。")
    Case.objects.filter(pk=other.pk).update(
        number="长市监立〔2026〕7号", decision_number="长市监罚〔2026〕3号"
    )
    assert _copied() == _from_cases()
    other.title = "乙案（更正）"
    other.save()  # every column written, one changed
    assert _copied() == _from_cases()
    Case.objects.filter(pk=other.pk).update(agency_id=c.agency_b.pk)  # a transfer of the case
    assert _copied() == _from_cases()

    made = Case.objects.bulk_create(
        [
            Case(
                agency=c.agency_a,
                domain=c.market,
                region=c.changan,
                title=f"丙{k}",
                lead_on=dt.date(2026, 8, 1),
                handler=c.alice,
            )
            for k in range(3)
        ]
    )
    assert _copied() == _from_cases()
    Case.objects.filter(pk__in=[m.pk for m in made[:2]]).delete()
    assert _copied() == _from_cases()
    assert not CaseText.objects.filter(case_id=made[0].pk).exists()


def _rewrites(case: Case, write) -> bool:
    """Whether ``write`` rewrote the case's row of the copy: a mark put into the copy beforehand
    (behind the triggers' back) survives unless the triggers wrote the row again."""
    CaseText.objects.filter(case_id=case.pk).update(title="〔标记〕")
    write()
    return CaseText.objects.get(case_id=case.pk).title != "〔标记〕"


@pytest.mark.django_db
def test_a_write_that_leaves_the_texts_alone_does_not_touch_the_copy(world):
    case = _new(world, "某超市销售过期食品案")
    Case.objects.filter(pk=case.pk).update(facts="事实")
    rows = Case.objects.filter(pk=case.pk)
    assert not _rewrites(case, lambda: rows.update(state="investigating", next_due=dt.date(2026, 9, 1)))
    assert not _rewrites(case, lambda: rows.update(title="某超市销售过期食品案", facts="事实"))  # same values
    assert _rewrites(case, lambda: rows.update(facts="新的事实"))
    assert _copied() == _from_cases()


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["过期", "过", "过期食品", "长市监立", "事实清楚"])
def test_the_search_finds_what_the_cases_hold(world, q):
    c = world.cast
    hit, miss = _new(world, "某超市销售过期食品案"), _new(world, "乙案")
    Case.objects.filter(pk=hit.pk).update(number="长市监立〔2026〕9号", facts="事实清楚，证据确凿。")
    agencies = agencies_in_scope(c.alice, Perm.CASE_VIEW).values("pk")

    def found(**kw) -> set[int]:
        return set(
            Case.objects.filter(pk__in=sel._search_ids(q, agencies, **kw)).values_list("pk", flat=True)
        )

    assert hit.pk in found() and miss.pk not in found()
    assert found() == found(grams=False)  # the index's answer is the LIKE scan's


@pytest.mark.django_db
def test_postgresql_keyword_indexes_are_on_the_copy_not_on_the_cases():
    if connection.vendor != "postgresql":
        pytest.skip("issue 14: the GIN keyword indexes are PostgreSQL's (SQLite scans)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class c ON c.oid = x.indrelid JOIN pg_am a ON a.oid = i.relam "
            "WHERE a.amname = 'gin' AND c.relname IN ('cases_case', 'cases_casetext')"
        )
        gin = cursor.fetchall()
    assert {table for table, _index in gin} == {"cases_casetext"}
    assert len(gin) == 5  # four trigram indexes and the grams


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "index"), [("过期食品", "casetext_title_trgm"), ("过期", "casetext_grams")])
def test_postgresql_search_reads_the_copys_indexes(world, q, index):
    if connection.vendor != "postgresql":
        pytest.skip("issue 14: the GIN keyword indexes are PostgreSQL's (SQLite scans)")
    _new(world, "某超市销售过期食品案")
    sql, params = sel._search_ids(
        q, agencies_in_scope(world.cast.alice, Perm.CASE_VIEW).values("pk")
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: the plan a large table gets
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan
