"""The hot reads rendered without DRF's serializer machinery (``cases.compact``, issue 14) give
exactly what the documented serializers give, and cost a bounded number of queries whatever the
size of the case or the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawtrail.cases import api, compact, selectors
from lawtrail.cases import services as svc
from lawtrail.cases.serializers import CaseDetailOut, CaseRowOut, TodoOut
from tests.cases.walk import C, Walk
from tests.factories import make_id_number

DAY = dt.date(2026, 9, 1)


def _drf_detail(user, case_id):
    case = selectors.case_get_for(user, case_id)
    return CaseDetailOut(case, context={"actions": api.actions_out(user, case)}).data


def _same_reads(world, case_id):
    """Detail, list and 待办 of every person of the cast: compact == the serializers."""
    c = world.cast
    for user in (c.alice, world.andy, c.carol, world.paula, world.quentin, c.erin, c.admin):
        if selectors.cases_in_scope(user).filter(pk=case_id).exists():
            fast = compact.case_detail(user, case_id, lambda case, u=user: api.actions_out(u, case))
            assert fast == _drf_detail(user, case_id)
            assert list(fast) == list(_drf_detail(user, case_id))  # the same keys in the same order
        qs = selectors.case_list_for(user)
        assert compact.case_rows(compact.case_list_values(qs)[:50]) == CaseRowOut(qs[:50], many=True).data
        tasks = selectors.todo_for(user)
        assert compact.todo_rows(tasks) == TodoOut(tasks, many=True).data


def test_compact_reads_equal_the_serializers_along_a_case(world):
    c = world.cast
    officer = c.alice
    case = svc.case_create(
        actor=officer, agency=c.agency_a, domain=c.market, region=c.changan, title="无证经营案",
        lead_on=DAY, officer_ids=[world.andy.pk], act_date=dt.date(2026, 8, 20),
        discovered_on=dt.date(2026, 8, 28), violation_ids=[world.violation.pk],
    )  # fmt: skip
    _same_reads(world, case.pk)  # a lead: no party, no approval, no evidence
    svc.party_add(
        actor=officer, case=case, kind="person", name="赵某",
        id_number=make_id_number(71, "130102", born=dt.date(1985, 3, 3)),
    )  # fmt: skip

    def step(action, actor=officer, **data):
        svc.case_transition(actor=actor, case_id=case.pk, action=action, data=data, on=DAY)

    def approve(actor):
        svc.approval_act(actor=actor, case_id=case.pk, decision="approve", on=DAY)

    step("filing_submit")
    _same_reads(world, case.pk)  # a pending approval without steps (withdraw offered)
    approve(c.carol)
    _same_reads(world, case.pk)  # one level passed
    approve(world.paula)
    step("evidence_add", evidence_kind="record", title="现场检查笔录", collected_on=DAY)
    step("evidence_add", evidence_kind="statement", title="询问笔录", collected_on=DAY)
    ids = list(case.evidence.values_list("pk", flat=True))
    step("evidence_examine", evidence_ids=ids, record="当事人无异议。")
    step("investigation_end", report="事实清楚，证据确凿。")
    _same_reads(world, case.pk)  # evidence, a timeline, deadlines met and running


def _full_case(world, n):
    c = world.cast
    case = svc.case_create(
        actor=c.alice, agency=c.agency_a, domain=c.market, region=c.changan, title=f"案件{n}",
        lead_on=DAY, officer_ids=[world.andy.pk], act_date=dt.date(2026, 8, 20),
        violation_ids=[world.violation.pk],
    )  # fmt: skip
    svc.party_add(actor=c.alice, case=case, kind="person", name=f"当事人{n}")
    svc.case_transition(actor=c.alice, case_id=case.pk, action="filing_submit", on=DAY)
    svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve", on=DAY)
    svc.approval_act(actor=world.paula, case_id=case.pk, decision="approve", on=DAY)
    for k in range(n):
        svc.case_transition(
            actor=c.alice, case_id=case.pk, action="evidence_add", on=DAY,
            data={"evidence_kind": "record", "title": f"笔录{k}", "collected_on": DAY},
        )  # fmt: skip
    return case


@pytest.mark.parametrize("n", [1, 6])
def test_detail_costs_a_bounded_number_of_queries(world, n):
    """Case detail: the same queries with 1 or 6 evidence items (and as many events): the token
    or session, the grants, the case, then one query per relation that has rows, the accounts
    named, the legal-review field."""
    case = _full_case(world, n)
    client = Walk(world.cast.admin)
    with CaptureQueriesContext(connection) as q:
        r = client.call(world.cast.carol, "get", f"{C}{case.pk}")
    assert r.status_code == 200 and len(r.json()["evidence"]) == n
    assert len(q.captured_queries) <= 10, [x["sql"][:120] for x in q.captured_queries]


@pytest.mark.parametrize("n", [2, 8])
def test_todo_and_list_cost_a_bounded_number_of_queries(world, n, django_assert_max_num_queries):
    for k in range(n):
        _full_case(world, 1 + k % 2)
    client = Walk(world.cast.admin)
    with django_assert_max_num_queries(6):
        r = client.call(world.cast.alice, "get", f"{C}todo")
    assert r.status_code == 200 and r.json()["count"] >= n and len(r.json()["results"]) >= n
    with django_assert_max_num_queries(4):
        r = client.call(world.cast.carol, "get", C, {"state": "investigating", "domain": "market"})
    assert r.status_code == 200 and r.json()["count"] == n


def _list_cases(world):
    """Cases of both agencies in several states, domains, lead dates and next deadlines."""
    from lawtrail.cases.models import Case
    from tests.factories import DomainFactory

    c = world.cast
    eco = DomainFactory(code="eco", name="生态环境")
    rows = []
    for i in range(36):
        agency, handler = (c.agency_a, c.alice) if i % 3 else (c.agency_b, c.bob)
        rows.append(
            Case(
                agency=agency, domain=(c.market, eco)[i % 2], region=c.changan, handler=handler,
                title=f"列表案件{i:02d}", state=("lead", "investigating", "served")[(i // 2) % 3],
                lead_on=dt.date(2026, 1, 1) + dt.timedelta(days=9 * i),
                next_due=(None, DAY - dt.timedelta(days=3), DAY + dt.timedelta(days=i))[(i // 4) % 3],
            )
        )  # fmt: skip
    return Case.objects.bulk_create(rows)


_SHAPES_ = [
    {},
    {"state": "investigating"},
    {"state": "investigating", "domain": "market"},
    {"domain": "eco"},
    {"domain": "nowhere"},
    {"overdue": "true"},
    {"overdue": "false", "state": "lead"},
    {"date_from": "2026-03-01"},
    {"date_from": "2026-02-01", "date_to": "2026-06-30", "domain": "market"},
    {"officer": "__alice__"},
    {"q": "列表案件1"},
]


def test_case_list_of_every_shape_is_the_orm_s_list_for_each_person_and_page(world):
    """The list's common shapes run SQL compiled once per thread with each request's values
    (``selectors.case_list_shape``, ``compact.CaseListValues``); the others are built per request.
    Every filter, page and person — officers of either agency (the same shape, other values: never
    another's cases), a division supervisor, the admin — gets what ``case_list_for`` gives."""
    _list_cases(world)
    c = world.cast
    walk = Walk(c.admin)
    seen = set()
    shaped = 0
    for params in _SHAPES_:
        params = {k: str(c.alice.pk) if v == "__alice__" else v for k, v in params.items()}
        query = api._input(api.CaseListQuery, params)
        shaped += selectors.case_list_shape(c.alice, **query) is not None
        for user in (c.alice, c.bob, c.carol, c.erin, c.admin):
            expected = selectors.case_list_for(user, **query)
            count = expected.count()
            for offset, limit in ((0, 50), (0, 4), (4, 4), (count - 1, 3), (count + 2, 5)):
                if offset < 0:
                    continue
                r = walk.call(user, "get", C, {**params, "offset": offset, "limit": limit})
                assert r.status_code == 200, (params, r.json())
                body = r.json()
                assert body["count"] == count, (user, params)
                assert body["results"] == CaseRowOut(expected[offset : offset + limit], many=True).data
            seen.add((str(user), count))
    assert len({n for _u, n in seen}) > 5  # the shapes do filter: not every list is the same
    assert shaped == 9  # all but the officer and the text search compiled once


def test_case_list_compiled_once_answers_the_rows_of_now(world):
    """The compiled SQL is reused, never an answer: a case that changes state or is added shows in
    the next request of the same shape, and the queries stay bounded."""
    from lawtrail.cases.models import Case

    cases = _list_cases(world)
    c = world.cast
    walk = Walk(c.admin)

    def listed(**params):
        r = walk.call(c.alice, "get", C, params)
        return r.json()["count"], [row["id"] for row in r.json()["results"]]

    before = listed(state="served")
    case = next(x for x in cases if x.agency_id == c.agency_a.pk and x.state == "lead")
    Case.objects.filter(pk=case.pk).update(state="served")
    after = listed(state="served")
    assert after[0] == before[0] + 1 and case.pk in after[1] and case.pk not in before[1]
    assert listed(state="lead")[0] == selectors.case_list_for(c.alice, state="lead").count()
    with CaptureQueriesContext(connection) as q:
        walk.call(c.alice, "get", C, {"state": "served", "domain": "eco", "overdue": "true"})
    # the token, the grants, the count, the page: the domain is a subquery of the last two
    assert len(q.captured_queries) <= 4, [x["sql"][:120] for x in q.captured_queries]
