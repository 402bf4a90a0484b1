"""Chain resolution: national → province → city → county → agency, by effective date."""

import datetime as dt

import pytest
import time_machine

from lawtrail.core.errors import ValidationFailed
from lawtrail.profiles.selectors import (
    profile_effective_table,
    profile_explain,
    profile_value,
    profile_values_all,
)
from lawtrail.profiles.services import profile_value_set

D = dt.date
KEY = "review.time_limit"


def _set(chain, level, value, on):
    profile_value_set(actor=None, profile=chain["profiles"][level], key=KEY, value=value, effective_from=on)


@pytest.mark.parametrize(
    ("rows", "on", "value", "level_label"),
    [
        # national only
        ([("national", 5, D(2021, 7, 15))], D(2026, 6, 1), 5, "国家默认"),
        # province overrides national
        ([("national", 5, D(2021, 7, 15)), ("province", 7, D(2024, 1, 1))], D(2026, 6, 1), 7, "省"),
        # city overrides province
        (
            [("national", 5, D(2021, 7, 15)), ("province", 7, D(2024, 1, 1)), ("city", 8, D(2024, 1, 1))],
            D(2026, 6, 1),
            8,
            "市",
        ),
        # county overrides city
        ([("city", 8, D(2024, 1, 1)), ("county", 9, D(2025, 1, 1))], D(2026, 6, 1), 9, "县"),
        # agency overrides all
        (
            [
                ("national", 5, D(2021, 7, 15)),
                ("province", 7, D(2024, 1, 1)),
                ("city", 8, D(2024, 1, 1)),
                ("county", 9, D(2024, 1, 1)),
                ("agency", 10, D(2024, 1, 1)),
            ],
            D(2026, 6, 1),
            10,
            "本单位",
        ),
        # a future value is not yet in force
        ([("national", 5, D(2021, 7, 15)), ("agency", 10, D(2027, 1, 1))], D(2026, 6, 1), 5, "国家默认"),
        # ... and is once its date comes
        ([("national", 5, D(2021, 7, 15)), ("agency", 10, D(2027, 1, 1))], D(2027, 1, 1), 10, "本单位"),
        # two values at one level: the latest in force on the date
        ([("province", 7, D(2022, 1, 1)), ("province", 6, D(2025, 1, 1))], D(2026, 6, 1), 6, "省"),
        ([("province", 7, D(2022, 1, 1)), ("province", 6, D(2025, 1, 1))], D(2024, 6, 1), 7, "省"),
        # a nearer level's value not yet in force does not hide the farther one
        ([("province", 7, D(2022, 1, 1)), ("city", 8, D(2026, 7, 1))], D(2026, 6, 1), 7, "省"),
        # another province's value never applies
        (
            [("national", 5, D(2021, 7, 15)), ("other_province", 3, D(2022, 1, 1))],
            D(2026, 6, 1),
            5,
            "国家默认",
        ),
    ],
)
def test_profile_chain_resolution(chain, rows, on, value, level_label):
    for level, v, d in rows:
        _set(chain, level, v, d)
    assert profile_value(chain["agency"], KEY, on=on) == value
    assert profile_explain(chain["agency"], KEY, on=on).level_label == level_label
    assert profile_values_all(chain["agency"], on)[KEY] == value  # a step's one-query read agrees


@pytest.mark.parametrize("on", [D(2020, 1, 1), D(2024, 6, 1), D(2026, 6, 1), D(2027, 1, 1)])
def test_profile_values_all_equals_profile_explain_for_every_key(chain, on):
    """Every registered key, set at some levels and not at others (the built-in default), with an
    agency and without one: the one-query read resolves as each key's own read does."""
    _set(chain, "national", 5, D(2021, 7, 15))
    _set(chain, "county", 9, D(2025, 1, 1))
    _set(chain, "agency", 10, D(2027, 1, 1))
    for agency in (chain["agency"], None):
        got = profile_values_all(agency, on)
        expected = {r.key: r.value for r in profile_effective_table(agency, on)}
        assert got == expected
        assert got[KEY] == profile_explain(agency, KEY, on=on).value


def test_profile_explain_says_where_from(chain):
    _set(chain, "national", 5, D(2021, 7, 15))
    profile_value_set(
        actor=None,
        profile=chain["profiles"]["city"],
        key=KEY,
        value=8,
        effective_from=D(2024, 3, 1),
        note="石家庄市政府令第X号",
    )
    got = profile_explain(chain["agency"], KEY, on=D(2026, 6, 1))
    assert (got.value, got.level, got.level_label, got.source_name) == (8, "division", "市", "石家庄市")
    assert got.effective_from == D(2024, 3, 1)
    assert got.note == "石家庄市政府令第X号"
    national = profile_explain(None, KEY, on=D(2026, 6, 1))
    assert (national.value, national.level_label, national.source_name) == (5, "国家默认", "国家")


def test_profile_without_any_row_falls_back_to_the_registry_default(chain):
    got = profile_explain(chain["agency"], KEY, on=D(2026, 6, 1))
    assert (got.value, got.level, got.effective_from) == (5, "builtin", None)


def test_profile_value_unknown_key(chain):
    with pytest.raises(ValidationFailed) as info:
        profile_value(chain["agency"], "no.such.key")
    assert info.value.code == "PROFILE_KEY_UNKNOWN"


@time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False)
def test_profile_value_defaults_to_today(chain):
    _set(chain, "agency", 10, D(2026, 6, 1))
    _set(chain, "agency", 11, D(2026, 6, 2))
    assert profile_value(chain["agency"], KEY) == 10


def test_profile_effective_table_is_one_query(chain, django_assert_num_queries):
    _set(chain, "city", 8, D(2024, 1, 1))
    agency = type(chain["agency"]).objects.select_related("division").get(pk=chain["agency"].pk)
    with django_assert_num_queries(1):
        table = profile_effective_table(agency, D(2026, 6, 1))
    by_key = {r.key: r for r in table}
    assert by_key[KEY].value == 8
    assert by_key["on_the_spot.fine_max.person"].value == 200


def test_profile_memo_reads_each_key_once_per_step(chain, django_assert_num_queries):
    """Inside ``profile_memo`` (one case step) a key is read once per agency and date; outside it
    every read sees the table as it is; a caller changing a returned dict changes no later read."""
    from lawtrail.profiles.selectors import profile_memo

    _set(chain, "city", 8, D(2024, 1, 1))
    agency = type(chain["agency"]).objects.select_related("division").get(pk=chain["agency"].pk)
    with profile_memo():
        with django_assert_num_queries(1):
            assert profile_value(agency, KEY, D(2026, 6, 1)) == 8
            assert profile_value(agency, KEY, D(2026, 6, 1)) == 8
            with profile_memo():  # nested: the outer memo
                assert profile_value(agency, KEY, D(2026, 6, 1)) == 8
        with django_assert_num_queries(1):
            assert profile_value(agency, KEY, D(2023, 6, 1)) == 5  # another date: read
        fonts = profile_value(agency, "documents.fonts", D(2026, 6, 1))
        fonts["song"] = "changed by a caller"
        assert profile_value(agency, "documents.fonts", D(2026, 6, 1))["song"] != "changed by a caller"
    _set(chain, "agency", 9, D(2025, 1, 1))
    assert profile_value(agency, KEY, D(2026, 6, 1)) == 9  # the memo ended with its block
