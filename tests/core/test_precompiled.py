"""Precompiled: a fixed query compiled once, run with its value swapped in — the same objects as
the ORM's own query, with no compile on later calls."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawtrail.core.precompiled import ByIds, Precompiled
from lawtrail.registry.models import Agency


def _agency(pk):
    return Agency.objects.select_related("division").filter(pk=pk)


@pytest.mark.django_db
def test_each_value_gives_the_orm_s_own_object_with_its_related_rows(cast):
    query = Precompiled(_agency)
    agencies = list(Agency.objects.select_related("division").order_by("pk"))
    assert len(agencies) >= 2
    for expected in agencies + agencies[::-1]:  # compiled once, then reused in both orders
        with CaptureQueriesContext(connection) as captured:
            got = query.first(expected.pk)
            assert got.division.path == expected.division.path  # loaded with it: no second query
        assert len(captured.captured_queries) == 1
        assert str(expected.pk) in captured.captured_queries[0]["sql"]
        assert (got.pk, got.name, got.division_id) == (expected.pk, expected.name, expected.division_id)


@pytest.mark.django_db
def test_a_missing_row_is_none_and_the_value_must_be_used_once(cast):
    assert Precompiled(_agency).first(10**9) is None
    with pytest.raises(ValueError):
        Precompiled(lambda pk: Agency.objects.filter(pk=pk) | Agency.objects.filter(parent_id=pk)).first(1)


@pytest.mark.django_db
def test_several_values_integers_and_strings_and_all_rows(cast):
    def of_division(division_id, name):
        return Agency.objects.filter(division_id=division_id).exclude(name=name).order_by("pk")

    query = Precompiled(of_division)
    agencies = list(Agency.objects.order_by("pk"))
    for a in agencies + agencies[::-1]:
        expected = list(of_division(a.division_id, a.name))
        with CaptureQueriesContext(connection) as captured:
            got = query.all(a.division_id, a.name)
        assert len(captured.captured_queries) == 1
        assert [x.pk for x in got] == [x.pk for x in expected]
        assert a.pk not in [x.pk for x in got]
        assert query.first(a.division_id, a.name) == (expected[0] if expected else None)
    with pytest.raises(TypeError):
        query.all(1)


@pytest.mark.django_db
def test_values_rows_and_no_value(cast):
    query = Precompiled(lambda: Agency.objects.values_list("pk", "name").order_by("pk"))
    expected = list(Agency.objects.values_list("pk", "name").order_by("pk"))
    assert query.all() == expected and query.all() == expected  # compiled once, run twice
    dicts = Precompiled(lambda pk: Agency.objects.filter(pk=pk).values("name"))
    assert dicts.first(expected[0][0]) == {"name": expected[0][1]}


@pytest.mark.django_db
def test_a_date_and_a_slice_as_values(cast):
    """``placeholders=``: a date's stand-in is found among the parameters (as itself, or as its
    text on SQLite); a slice's, written into the SQL as LIMIT/OFFSET numbers, becomes a parameter."""
    import datetime as dt

    from lawtrail.registry.models import Credential

    def issued_since(day, offset, limit):
        return (
            Credential.objects.filter(issued_on__gte=day)
            .order_by("pk")
            .values_list("pk", flat=True)[offset : offset + limit]
        )

    query = Precompiled(issued_since, placeholders=[dt.date(1001, 2, 3), 7_310_019_771, 7_310_019_773])
    days = sorted(set(Credential.objects.values_list("issued_on", flat=True)))
    assert len(days) >= 1 and Credential.objects.count() >= 2
    for day in [dt.date(1990, 1, 1), *days, days[-1] + dt.timedelta(days=1)]:
        for offset, limit in ((0, 1), (1, 1), (0, 50), (1, 2), (5, 3)):
            with CaptureQueriesContext(connection) as captured:
                got = query.all(day, offset, limit)
            assert got == list(issued_since(day, offset, limit)), (day, offset, limit)
            assert len(captured.captured_queries) == 1
    with pytest.raises(ValueError):  # a negative stand-in cannot be a slice's
        Precompiled(issued_since, placeholders=[dt.date(1001, 2, 3), -5, -7]).all(days[0], 0, 1)


@pytest.mark.django_db
def test_by_ids_gives_the_rows_of_exactly_the_ids_given_whatever_their_number(cast):
    """Ids padded to a size class by repeating the first: the same rows as the ORM's own query for
    every length (and an id that matches nothing matches nothing), one compiled query per class."""
    ids = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
    query = ByIds(lambda pks: Agency.objects.filter(pk__in=pks).order_by("pk").values_list("pk", "name"))
    for n in range(len(ids) + 1):
        for chosen in (ids[:n], ids[::-1][:n], [10**9, *ids[:n]]):
            expected = list(Agency.objects.filter(pk__in=chosen).order_by("pk").values_list("pk", "name"))
            assert query.all(chosen) == expected, chosen
    assert sorted(query._sized) == [1 << k for k in range(len(query._sized))]


@pytest.mark.django_db
def test_typed_columns_related_rows_and_annotations_as_the_orm_gives_them_on_every_run(cast):
    """What a run works out once from the compiled select — each column's converter (a decimal,
    JSON, a date and time, converted from the database's own value), each model's columns, the
    select_related rows, the annotations — gives, run after run, the ORM's own objects."""
    import decimal

    from django.db.models import Count, Exists, OuterRef, Value

    from lawtrail.registry.models import Violation
    from tests.factories import ViolationFactory

    made = [
        ViolationFactory(power__domain=cast.market, fine_min=decimal.Decimal(m), subject_kinds=kinds)
        for m, kinds in (("5000.50", ["organisation"]), ("1.25", ["person", "organisation"]), ("0", []))
    ]

    def violation(pk):
        return (
            Violation.objects.select_related("power__domain")
            .annotate(
                word=Value("词"),
                sibling=Exists(Violation.objects.filter(power=OuterRef("power")).exclude(pk=OuterRef("pk"))),
                counted=Count("pk"),
            )
            .filter(pk=pk)
        )

    def seen(v):
        return (
            v.pk, v.fine_min, v.fine_max, v.subject_kinds, v.power.pk, v.power.domain.code,
            v.word, v.sibling, v.counted, type(v.fine_min), v._state.adding, v._state.db,
        )  # fmt: skip

    query = Precompiled(violation)
    for v in made + made[::-1] + made:
        expected = violation(v.pk).get()
        got = query.first(v.pk)
        assert seen(got) == seen(expected)
        assert isinstance(got.fine_min, decimal.Decimal) and isinstance(got.subject_kinds, list)
    rows = Precompiled(lambda pk: Violation.objects.filter(pk=pk).values_list("fine_min", "subject_kinds"))
    for v in made + made[::-1]:
        assert rows.all(v.pk) == list(
            Violation.objects.filter(pk=v.pk).values_list("fine_min", "subject_kinds")
        )
