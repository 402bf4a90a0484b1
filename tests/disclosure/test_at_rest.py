"""事后公开 at rest: the unmasked original is encrypted (core/fieldcrypt.py), and the keyword index
follows every write of a record — written, changed, withdrawn — and survives a table rebuild."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from lawtrail.disclosure import search, search_index, services
from lawtrail.disclosure.models import Record, Status


def _raw_original(pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT original FROM disclosure_record WHERE id = %s", [pk])
        return str(cur.fetchone()[0])


def test_the_unmasked_original_is_encrypted_at_rest(walk):
    record = Record.objects.get(case=walk.served())
    raw = _raw_original(record.pk)
    assert raw.startswith("ENC1$")
    for secret in ("130102198001011234", "13912345678", "6222021234567890123", "李四"):
        assert secret not in raw
    # staff still read it (the page beside the public text), and the public text is masked
    assert "130102198001011234" in Record.objects.get(pk=record.pk).original["facts"]
    assert "130102198001011234" not in record.content["facts"]


def _found(q: str) -> set[int]:
    """The ids for the keyword — through its keyword index, by the walk, and as the portal runs it
    — each equal to the plain LIKE scan's."""
    p, errors = search.parse({"q": q})
    assert not errors
    want = set(search.scan(p).values_list("pk", flat=True))
    for how in ("index", "walk"):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                search._hint(how)
            got = set(search.queryset_for(p, connection.vendor, how).values_list("pk", flat=True))
        assert got == want, (q, how)
    assert {r.pk for r in search.run(p).rows} == want
    return want


def test_the_index_follows_a_record_written_changed_and_withdrawn(walk):
    record = Record.objects.get(case=walk.served())
    services.record_edit(actor=walk.c.alice, record_id=record.pk, field="violation", text="售卖甲乙丙丁货品")
    assert record.pk not in _found("甲乙丙丁")  # a draft is not public
    services.record_publish(actor=walk.c.alice, record_id=record.pk)
    assert record.pk in _found("甲乙丙丁")
    assert record.pk in _found("甲乙")  # 1–2 characters: the gram index
    services.record_edit(
        actor=walk.c.alice, record_id=record.pk, field="violation", text="售卖戊己庚辛货品", reason="更正"
    )
    assert record.pk not in _found("甲乙丙丁") and record.pk in _found("戊己庚辛")
    assert record.pk not in _found("甲乙") and record.pk in _found("庚")
    # a write that touches neither status nor text leaves the index as it was
    Record.objects.filter(pk=record.pk).update(explanation="说明")
    assert record.pk in _found("戊己庚辛")
    services.record_change(
        actor=walk.c.alice, record_id=record.pk, change_kind="revoked", changed_on=record.decided_on
    )
    services.record_withdraw(actor=walk.c.alice, record_id=record.pk, explanation="该决定已被撤销。")
    assert Record.objects.get(pk=record.pk).status == Status.WITHDRAWN
    assert record.pk not in _found("戊己庚辛") and record.pk not in _found("戊己")


def test_sqlite_triggers_lost_in_a_table_rebuild_are_recreated(walk):
    """Issue 11: SQLite drops a table's triggers when a migration rebuilds it; ``ensure`` (run after
    every ``migrate``) recreates them and re-fills the index from the published rows."""
    if connection.vendor != "sqlite":
        assert search_index.ensure(connection) == []  # nothing to keep on PostgreSQL
        return
    with connection.cursor() as cur:
        assert search_index.missing(cur) == []  # the migrations left the index whole
    record = Record.objects.get(case=walk.served())
    services.record_publish(actor=walk.c.alice, record_id=record.pk)
    with connection.cursor() as cur:
        for name in search_index.TRIGGERS:
            cur.execute(f"DROP TRIGGER {name}")
    services.record_edit(
        actor=walk.c.alice, record_id=record.pk, field="violation", text="售卖壬癸子丑货品", reason="更正"
    )
    with connection.cursor() as cur:
        assert sorted(search_index.missing(cur)) == sorted(search_index.TRIGGERS)
    assert sorted(search_index.ensure(connection)) == sorted(search_index.TRIGGERS)
    assert record.pk in _found("壬癸子丑")  # re-filled: the write made while they were gone is found
    services.record_edit(
        actor=walk.c.alice, record_id=record.pk, field="violation", text="售卖寅卯辰巳货品", reason="更正"
    )
    assert record.pk not in _found("壬癸子丑") and record.pk in _found("寅卯辰巳")
    assert record.pk not in _found("癸子") and record.pk in _found("卯辰")


@pytest.mark.parametrize(
    ("est", "n", "page", "count"),
    [
        (1, 10_000_000, "index", "index"),  # a rare keyword: look it up, for the page and the count
        (3_000, 10_000_000, "index", "index"),
        (200_000, 10_000_000, "walk", "index"),  # common enough to walk to a page, not to count
        (9_000_000, 10_000_000, "walk", "walk"),  # everywhere: walk for both
        (50, 60, "walk", "index"),  # a small table: most rows match, a page is near
    ],
)
def test_the_plan_is_chosen_per_query_for_the_page_and_the_count(est, n, page, count):
    assert search.choose(est, n) == (page, count)
