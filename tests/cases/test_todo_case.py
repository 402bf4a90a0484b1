"""待办's own cases come from ``TodoCase``, a table the database's triggers keep (migration 0017).
These tests hold it to what it copies — the cases, their handler and officers — after every kind of
write (a step, intake, ``update()``, M2M changes, bulk inserts, deletes), and 待办 to the answer
of the cases themselves for every person, so a stale row or another person's row shows up."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db.models import Q

from lawtrail.cases import selectors as sel
from lawtrail.cases import services as svc
from lawtrail.cases.models import Case, TodoCase
from tests.factories import make_credit_code

Through = Case.officers.through


def _copied() -> set[tuple[int, int, int, dt.date | None]]:
    return set(TodoCase.objects.values_list("user_id", "case_id", "agency_id", "next_due"))


def _from_cases() -> set[tuple[int, int, int, dt.date | None]]:
    """What the table must hold, read from the cases and their officers."""
    out = set()
    for c in Case.objects.filter(state__in=sel._WORKING):
        for user in {c.handler_id, *Through.objects.filter(case_id=c.pk).values_list("user_id", flat=True)}:
            out.add((user, c.pk, c.agency_id, c.next_due))
    return out


def _own_reference(user) -> list[tuple[int, dt.date | None]]:
    """The person's own open cases in 待办's order, as 待办 read them before the table: their
    scope's cases they handle or co-handle, in a working state, soonest deadline first, then newest."""
    co = Through.objects.filter(user_id=user.pk).values("case_id")
    mine = sel.cases_in_scope(user).filter(Q(handler_id=user.pk) | Q(pk__in=co), state__in=sel._WORKING)
    rows = list(mine.values_list("pk", "next_due"))
    rows.sort(key=lambda r: (r[1] or dt.date.max, -r[0]))
    return rows


def _own_in_todo(user) -> tuple[int, list[tuple[int, dt.date | None]]]:
    page = sel.todo_page(user, size=200)
    return page.count, [(t.case.pk, t.due_on) for t in page.tasks]


def _own_source(user) -> tuple[int, list[tuple[int, dt.date | None]]]:
    rows = list(sel._own_first(sel._own_agencies(user, sel._scope_shape(user)), user.pk, 200))
    return (rows[0][2] if rows else 0), [(pk, due) for pk, due, _n in rows]


def _check(world) -> None:
    assert _copied() == _from_cases()
    c = world.cast
    for user in (c.alice, c.bob, c.carol, c.erin, c.admin, world.andy, world.paula, world.quentin):
        expected = _own_reference(user)
        assert _own_source(user) == (len(expected), expected), user.username
        if user not in (c.carol, world.paula, world.quentin):  # no approvals wait for the others:
            assert _own_in_todo(user) == (len(expected), expected), user.username  # 待办 is their own


def _lead(world, title: str, actor=None, officers=()) -> Case:
    """A lead ready to be submitted for filing (a party, a violation)."""
    c = world.cast
    case = svc.case_create(
        actor=actor or c.alice, agency=c.agency_a, domain=c.market, region=c.changan, title=title,
        officer_ids=[u.pk for u in officers], act_date=dt.date(2026, 8, 20),
        violation_ids=[world.violation.pk],
    )  # fmt: skip
    svc.party_add(
        actor=actor or c.alice,
        case=case,
        kind="organisation",
        name="某超市",
        credit_code=make_credit_code(5, "130102"),
    )
    return case


def test_the_triggers_know_the_working_states():
    """The triggers name the states in SQL: a state added to the flow needs a migration."""
    migration = importlib.import_module("lawtrail.cases.migrations.0017_todo_case")
    assert tuple(migration.WORKING) == tuple(str(s) for s in sel._WORKING)


@pytest.mark.django_db(transaction=False)
def test_todo_case_follows_every_write(world):
    c = world.cast
    case = _lead(world, "甲案", officers=[world.andy])
    other = svc.case_create(actor=c.alice, agency=c.agency_a, domain=c.market, region=c.changan, title="乙案")
    _check(world)
    assert {u for u, k, *_x in _copied() if k == case.pk} == {c.alice.pk, world.andy.pk}

    Case.objects.filter(pk=case.pk).update(next_due=dt.date(2026, 9, 20))  # a deadline moved
    Case.objects.filter(pk=other.pk).update(next_due=dt.date(2026, 9, 10))
    _check(world)
    assert [pk for pk, _d in _own_in_todo(c.alice)[1]] == [other.pk, case.pk]

    svc.case_transition(actor=c.alice, case_id=case.pk, action="filing_submit")  # waits for approval
    _check(world)
    assert [pk for pk, _d in _own_in_todo(c.alice)[1]] == [other.pk]
    assert _own_in_todo(world.andy) == (0, [])

    Case.objects.filter(pk=case.pk).update(state="investigating")
    _check(world)
    case.officers.add(world.paula)  # a co-officer joins, another leaves
    case.officers.remove(world.andy)
    _check(world)
    assert _own_in_todo(world.andy) == (0, []) and _own_in_todo(world.paula)[0] == 1

    Case.objects.filter(pk=case.pk).update(handler_id=world.andy.pk)
    _check(world)
    assert [pk for pk, _d in _own_in_todo(world.andy)[1]] == [case.pk]

    Case.objects.filter(pk=other.pk).update(agency_id=c.agency_b.pk)  # out of alice's scope
    _check(world)
    assert other.pk not in [pk for pk, _d in _own_in_todo(c.alice)[1]]

    case.officers.set([c.erin.pk, c.bob.pk])  # a division grant's scope (erin); bob cannot see A
    _check(world)
    assert [pk for pk, _d in _own_in_todo(c.erin)[1]] == [case.pk]
    assert _own_in_todo(c.bob) == (0, [])
    case.officers.clear()
    _check(world)

    made = Case.objects.bulk_create(
        [
            Case(
                agency=c.agency_a, domain=c.market, region=c.changan, title=f"丙{k}", handler=c.alice,
                state=state, next_due=dt.date(2026, 10, k + 1), lead_on=dt.date(2026, 8, 1),
            )
            for k, state in enumerate(["lead", "served", "archived", "deciding"])
        ]
    )  # fmt: skip
    Through.objects.bulk_create([Through(case_id=m.pk, user_id=world.andy.pk) for m in made])
    _check(world)
    Through.objects.filter(case_id=made[0].pk).update(case_id=made[1].pk, user_id=world.quentin.pk)
    _check(world)
    Case.objects.filter(pk__in=[m.pk for m in made[:2]]).delete()
    _check(world)
    assert TodoCase.objects.filter(case_id__in=[m.pk for m in made[:2]]).count() == 0


def test_todo_is_each_persons_own(world):
    """Two officers of one agency share the compiled query (the scope's shape): each gets their
    own rows and count, and a write shows in the next 待办 of each."""
    c = world.cast
    mine = [_lead(world, f"案{k}") for k in range(3)]
    andys = svc.case_create(
        actor=world.andy, agency=c.agency_a, domain=c.market, region=c.changan, title="安"
    )
    ids = lambda user: [pk for pk, _d in _own_in_todo(user)[1]]  # noqa: E731
    assert _own_in_todo(c.alice)[0] == 3 and ids(world.andy) == [andys.pk]
    mine[1].officers.add(world.andy)
    assert _own_in_todo(world.andy)[0] == 2 and _own_in_todo(c.alice)[0] == 3
    svc.case_transition(actor=c.alice, case_id=mine[1].pk, action="filing_submit")
    assert ids(world.andy) == [andys.pk] and _own_in_todo(c.alice)[0] == 2
    _check(world)
