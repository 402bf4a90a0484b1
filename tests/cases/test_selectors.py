import datetime as dt

import pytest

from lawtrail.cases import selectors as sel
from lawtrail.cases import services as svc
from lawtrail.core.errors import NotFound
from tests.factories import make_credit_code


@pytest.fixture
def lead(world):
    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某超市销售过期食品案",
        officer_ids=[world.andy.pk],
        act_date=dt.date(2026, 8, 20),
        violation_ids=[world.violation.pk],
    )
    svc.party_add(
        actor=c.alice,
        case=case,
        kind="organisation",
        name="某超市",
        credit_code=make_credit_code(5, "130102"),
    )
    return case


@pytest.mark.parametrize(
    "who,sees",
    [
        ("alice", True),
        ("carol", True),
        ("dave", True),
        ("erin", True),
        ("frank", True),
        ("admin", True),
        ("bob", False),
        ("grace", True),
    ],
)
def test_case_scope_by_agency_and_division(world, lead, who, sees):
    user = getattr(world.cast, who)
    assert sel.case_list_for(user).filter(pk=lead.pk).exists() is sees
    if not sees:
        with pytest.raises(NotFound):
            sel.case_get_for(user, lead.pk)


def test_todo_and_actions_follow_the_approval(world, lead):
    c = world.cast
    assert [t.case.pk for t in sel.todo_for(c.alice)] == [lead.pk]
    assert "filing_submit" in {a.action for a in sel.actions_for(c.alice, sel.case_get_for(c.alice, lead.pk))}
    svc.case_transition(actor=c.alice, case_id=lead.pk, action="filing_submit")
    assert sel.todo_for(c.alice) == []  # waiting for the approver, not for alice
    tasks = sel.todo_for(c.carol)
    assert [t.case.pk for t in tasks] == [lead.pk] and tasks[0].what == "审批立案"
    assert {a.action for a in sel.actions_for(c.carol, sel.case_get_for(c.carol, lead.pk))} == {
        "approve",
        "send_back",
        "reassign",
    }
    assert {a.action for a in sel.actions_for(c.alice, sel.case_get_for(c.alice, lead.pk))} == {"withdraw"}
    svc.approval_act(actor=c.alice, case_id=lead.pk, decision="withdraw")
    assert sel.case_get_for(c.alice, lead.pk).state == "lead"


def test_overdue_filter(world, lead):
    c = world.cast
    svc.case_transition(actor=c.alice, case_id=lead.pk, action="filing_submit")
    svc.approval_act(actor=c.carol, case_id=lead.pk, decision="approve")
    svc.approval_act(
        actor=world.paula, case_id=lead.pk, decision="approve"
    )  # default chain: approver_1 → approver_2
    assert sel.case_list_for(c.alice, overdue=True, today=dt.date(2026, 11, 30)).count() == 0
    assert sel.case_list_for(c.alice, overdue=True, today=dt.date(2026, 12, 1)).count() == 1


def test_scope_is_the_grants_agency_ids_or_the_division_subquery(world, lead, django_assert_num_queries):
    """``cases_in_scope`` filters on the agencies' ids read from the cached grants when every grant
    names its agency (no query, no subquery); a division grant keeps the agencies' subquery; a
    global grant no filter — and each sees exactly the cases of the agencies it covers."""
    from lawtrail.cases.models import Case
    from lawtrail.core.permissions import Perm
    from lawtrail.registry.selectors import agencies_in_scope, in_agencies_of

    c = world.cast
    for user in (c.alice, c.bob, c.carol, c.erin, c.frank, c.admin):
        agencies = agencies_in_scope(user, Perm.CASE_VIEW).values("pk")
        assert set(sel.cases_in_scope(user)) == set(Case.objects.filter(agency__in=agencies)), user
    with django_assert_num_queries(0):  # the grants were read above: alice's filter is their ids
        assert in_agencies_of(c.alice, Perm.CASE_VIEW).children == [("agency_id__in", [c.agency_a.pk])]
    assert "registry_agency" in str(sel.cases_in_scope(c.erin).query)  # the division's agencies
    assert "WHERE" not in str(sel.cases_in_scope(c.admin).query)
    assert [x.pk for x in sel.cases_in_scope(c.bob)] == []  # agency b: no case


def test_todo_lists_the_soonest_of_more_own_cases_than_it_shows(world):
    """The first ``limit`` of an officer's open cases, soonest deadline first (then newest): the
    ids are picked first, then only those cases are read."""
    c = world.cast
    cases = [
        svc.case_create(
            actor=c.alice, agency=c.agency_a, domain=c.market, region=c.changan, title=f"案{k}",
            officer_ids=[world.andy.pk] if k % 2 else [],
        )
        for k in range(5)
    ]  # fmt: skip
    from lawtrail.cases.models import Case

    Case.objects.filter(pk=cases[3].pk).update(next_due=dt.date(2020, 1, 20))
    Case.objects.filter(pk=cases[1].pk).update(next_due=dt.date(2020, 1, 10))
    rest = [cases[k] for k in (0, 2, 4)]  # the others by their own deadline, then newest first
    rest.sort(key=lambda x: (Case.objects.get(pk=x.pk).next_due, -x.pk))
    assert [t.case.pk for t in sel.todo_for(c.alice, limit=3)] == [cases[1].pk, cases[3].pk, rest[0].pk]
    # andy co-handles 1 and 3 (not the handler): his own cases come through the officers table
    assert [t.case.pk for t in sel.todo_for(world.andy)] == [cases[1].pk, cases[3].pk]


def test_todo_pages_merge_every_source_soonest_first(world):
    """待办 a page at a time (``todo_page``): each source gives its first page × size tasks, the
    merge is cut to the page — the pages, end to end, are the whole list, each with the count of
    all of it, and only the own cases on the page are read."""
    from lawtrail.cases import extensions
    from lawtrail.cases.models import Case

    c = world.cast
    cases = [
        svc.case_create(
            actor=c.alice, agency=c.agency_a, domain=c.market, region=c.changan, title=f"案{k}"
        )
        for k in range(5)
    ]  # fmt: skip
    for k, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(next_due=dt.date(2030, 1, 10 + 4 * k))
    # a capability's tasks, due between the own cases' deadlines (one on the same case)
    extra = [(cases[k % 5], dt.date(2030, 1, 8 + 5 * k)) for k in range(4)]

    def items(actor, scope, limit):
        if actor != c.alice:
            return []
        mine = [extensions.TodoItem(case, f"核对{due.day}", due, "/x") for case, due in extra]
        return sorted(mine, key=lambda i: i.due_on)[:limit]

    extensions.todo_items(app="tests_todo_pages", items=items)
    try:
        whole = [(t.case.pk, t.what, t.due_on) for t in sel.todo_for(c.alice)]
        assert len(whole) == 9 and [d for *_x, d in whole] == sorted(d for *_x, d in whole)
        for size in (1, 2, 3, 4, 9, 10):
            seen = []
            for page in range(1, 11):
                got = sel.todo_page(c.alice, page=page, size=size)
                assert got.count == 9
                assert len(got.tasks) == min(size, max(0, 9 - (page - 1) * size))
                seen += [(t.case.pk, t.what, t.due_on) for t in got.tasks]
            assert seen == whole, size
        # an own case on the page is read whole (named by its next task, its agency loaded)
        first = sel.todo_page(c.alice, size=2).tasks
        assert [t.what for t in first] == ["核对8", "提请立案"]  # a lead's next task
        assert first[1].case.title == "案0" and first[1].case.agency.name == c.agency_a.name
    finally:
        extensions._TODO[:] = [s for s in extensions._TODO if s.app != "tests_todo_pages"]


def test_todo_api_pages(world):
    from tests.cases.walk import C, Walk

    c = world.cast
    for k in range(5):
        svc.case_create(actor=c.alice, agency=c.agency_a, domain=c.market, region=c.changan, title=f"案{k}")
    client = Walk(c.admin)
    r = client.call(c.alice, "get", f"{C}todo", {"page_size": 2, "page": 2})
    body = r.json()
    assert r.status_code == 200 and body["count"] == 5 and len(body["results"]) == 2
    assert "page=3" in body["next"] and "page_size=2" in body["next"]
    assert "page=" not in body["previous"] and "page_size=2" in body["previous"]
    last = client.call(c.alice, "get", f"{C}todo", {"page_size": 2, "page": 3}).json()
    assert last["next"] is None and len(last["results"]) == 1
    everything = client.call(c.alice, "get", f"{C}todo").json()  # default: 50 a page
    assert everything["count"] == 5 and everything["next"] is None and everything["previous"] is None
    assert [t["case"]["id"] for t in body["results"]] == [t["case"]["id"] for t in everything["results"][2:4]]
    for bad in ({"page": 0}, {"page": "x"}, {"page_size": 201}, {"page": 10_000, "page_size": 2}):
        r = client.call(c.alice, "get", f"{C}todo", bad)
        assert r.status_code == 400 and r.json()["code"] == "INVALID_INPUT", bad
