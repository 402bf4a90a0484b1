"""Precompiled: a fixed query compiled once, run with its value swapped in — the same objects as
the ORM's own query, with no compile on later calls."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawtrail.core.precompiled import Precompiled
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
