"""What one step writes (issue 14: transitions): only the case's columns it changed, every journal
entry of the step in one INSERT, the case's row alone locked, the lock's SQL compiled once."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lawtrail.cases import engine, hooks, outbox
from lawtrail.cases import services as svc
from lawtrail.cases.models import Case, CaseEvent, Delivery, Party
from lawtrail.cases.tags import EventTag
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.services import journal_snapshot, journal_verify
from tests.cases.procedure_kit import filed_case, journaled, new_case, person_id, step

pytestmark = pytest.mark.django_db


def _sql(captured, prefix: str) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(prefix)]


def test_a_step_updates_only_the_columns_it_changed_and_journals_in_one_insert(world):
    case = new_case(world)
    with CaptureQueriesContext(connection) as captured:
        step(world.cast.alice, case, "filing_submit")
    updates = [s for s in _sql(captured, "UPDATE") if "cases_case" in s.split("SET")[0]]
    assert updates, "the step changed the case's state"
    state_update = next(s for s in updates if '"state"' in s.split("WHERE")[0])
    assert '"title"' not in state_update and '"facts"' not in state_update  # not all sixty columns
    # the case's, the event's, the approval's … in one INSERT (on PostgreSQL inside the step's last
    # statement, with its event and outbox rows)
    assert len([q for q in captured.captured_queries if "INSERT INTO journal_entry" in q["sql"]]) == 1
    case.refresh_from_db()
    assert case.state == "filing"
    assert journaled(case, "filing_submit")


def test_a_column_written_by_other_means_during_the_step_is_not_written_back(world):
    case = new_case(world)
    with transaction.atomic():
        locked = engine.lock(case.pk)
        loaded = journal_snapshot(locked)
        Case.objects.filter(pk=case.pk).update(title="另一处写入的标题")  # e.g. a bulk UPDATE of the step
        locked.facts = "经查，当事人销售不合格产品。"
        engine.save_changed(locked, loaded)
    case.refresh_from_db()
    assert case.facts == "经查，当事人销售不合格产品。"
    assert case.title == "另一处写入的标题"


def test_the_lock_reads_the_case_with_its_agency_and_locks_only_the_case_row(world):
    case = new_case(world)
    for _ in range(2):  # the first call compiles; the second reuses the SQL
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            locked = engine.lock(case.pk)
            assert locked.agency.division.path and locked.domain.code and locked.region.path
            assert locked.blocked is False
        (sql,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
        if connection.features.has_select_for_update_of:
            assert sql.rstrip().endswith('FOR UPDATE OF "cases_case"')


@pytest.fixture
def listener():
    """A consumer of ``cases:evidence:added``: the ids of the events it was handed."""
    seen: list[int] = []
    outbox.consumer(app="tests", name="writes", tags=[EventTag.EVIDENCE_ADDED])(lambda e: seen.append(e.pk))
    yield seen
    outbox.unregister("tests.writes")


def _inserts(captured, table: str) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if f"INSERT INTO {table}" in q["sql"].replace('"', "")
    ]


def test_the_steps_event_its_outbox_rows_and_its_journal_are_written_together(
    world, listener, django_capture_on_commit_callbacks
):
    case = filed_case(world)
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as captured,
    ):
        step(world.cast.alice, case, "evidence_add", evidence_kind="record", title="现场检查笔录")
    events, deliveries, entries = (
        _inserts(captured, t) for t in ("cases_caseevent", "cases_delivery", "journal_entry")
    )
    assert len(events) == len(deliveries) == len(entries) == 1
    if connection.vendor == "postgresql":  # one round trip: the event, its outbox rows, the entries
        assert events == deliveries == entries and events[0].startswith("WITH")
    event = CaseEvent.objects.get(case=case, action="evidence_add")
    assert listener == [event.pk]  # its delivery dispatched after commit, by its id, and consumed
    delivery = Delivery.objects.get(event=event, consumer="tests.writes")
    assert delivery.done_at is not None and delivery.attempts == 1
    assert journaled(case, "evidence_add")
    assert Entry.objects.filter(
        action="cases:case:evidence_add", subject_type="cases.case", subject_id=str(case.pk)
    ).exists()
    report = journal_verify()
    assert report.ok, report.problems


def test_an_event_a_hook_writes_during_the_step_stays_before_the_steps_own(world):
    """The step's event id is drawn with the row lock (PostgreSQL); an event a hook writes first
    (a note on the 大事记) takes it, so the 大事记 keeps the order the events were written in."""

    def note(ctx):
        engine.case_note(Case.objects.get(pk=ctx.case.pk), actor=ctx.actor, action="review_route", on=ctx.on)

    hook = hooks.register(app="testing", action="evidence_add", effect=note)
    try:
        case = filed_case(world)
        step(world.cast.alice, case, "evidence_add", evidence_kind="record", title="现场检查笔录")
    finally:
        hooks.unregister(hook)
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions[-2:] == ["review_route", "evidence_add"]
    assert journaled(case, "review_route") and journaled(case, "evidence_add")
    report = journal_verify()
    assert report.ok, report.problems


def test_a_refused_step_writes_nothing_and_the_next_step_follows_in_order(world):
    case = filed_case(world)
    before = list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True))
    entries = Entry.objects.count()
    with pytest.raises(ApplicationError):  # refused after the lock: the state does not allow it
        step(world.cast.alice, case, "archive")
    assert list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True)) == before
    assert Entry.objects.count() == entries
    step(world.cast.alice, case, "evidence_add", evidence_kind="record", title="现场检查笔录")
    after = list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True))
    assert after[:-1] == before and after[-1] > max(before)
    assert journaled(case, "evidence_add")


def _written(world, changes: dict, *, deadline_due=None):
    """``changes`` made to the locked case and written by ``save_changed`` in a step's memos (a
    deadline due on ``deadline_due`` stored in the same step, when given); the row as read back."""
    from lawtrail.cases import deadlines
    from lawtrail.cases.models import Deadline

    case = new_case(world)
    with transaction.atomic(), engine.step_memos():
        locked = engine.lock(case.pk)
        loaded = journal_snapshot(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        if deadline_due is not None:
            Deadline.objects.create(
                case=case, kind="t", label="t", rule="t", started_on=deadline_due, due_on=deadline_due
            )
            deadlines.refresh_next_due([case.pk])  # deferred: written by the step's own UPDATE
        engine.save_changed(locked, loaded)
    return Case.objects.get(pk=case.pk)


def test_the_compiled_update_writes_what_the_orm_writes_for_every_shape_of_values(world):
    """The step's UPDATE, compiled once per set of columns (and of which are NULL): text, dates,
    decimals, a key, a NULL, then the same columns with other values — and with ``next_due`` from
    the deadlines the step moved — read back as set."""
    import datetime as dt
    from decimal import Decimal

    shapes = [
        {"facts": "经查一。", "filed_on": dt.date(2026, 9, 1), "proposed_amount": Decimal("1200.50")},
        {
            "facts": "经查二。",
            "filed_on": None,
            "proposed_amount": Decimal("7"),
        },  # the same columns, one NULL
        {"facts": "经查三。", "filed_on": dt.date(2026, 9, 3), "proposed_amount": None},
        {"facts": "经查四。", "filed_on": dt.date(2026, 9, 4), "proposed_amount": Decimal("0.01")},
        # a column the new case holds (act_date), written with a value, then NULL, then a value again
        {"facts": "经查五。", "act_date": dt.date(2026, 8, 1)},
        {"facts": "经查六。", "act_date": None},
        {"facts": "经查七。", "act_date": dt.date(2026, 8, 3)},
    ]
    for due in (None, dt.date(2026, 8, 25)):  # sooner than the lead's own deadline
        for changes in shapes:
            row = _written(world, changes, deadline_due=due)
            assert {k: getattr(row, k) for k in changes} == changes, (changes, due)
            if due is not None:
                assert row.next_due == due
    row = _written(world, {"handler_id": world.andy.pk})
    assert row.handler_id == world.andy.pk


def test_a_listener_to_the_cases_saves_still_hears_the_steps_save(world):
    """Someone listening to ``Case``'s save signals: the step saves through the ORM, so they hear it."""
    from django.db.models.signals import post_save, pre_save

    heard = []

    def listener(sender, instance, update_fields=None, **kw):
        heard.append((kw.get("signal") is pre_save, sorted(update_fields or [])))

    pre_save.connect(listener, sender=Case, weak=False)
    post_save.connect(listener, sender=Case, weak=False)
    try:
        row = _written(world, {"facts": "有人在听。"})
    finally:
        pre_save.disconnect(listener, sender=Case)
        post_save.disconnect(listener, sender=Case)
    assert row.facts == "有人在听。"
    assert heard[-2:] == [(True, ["facts"]), (False, ["facts"])]  # (before it, the case's creation)


def test_evidence_added_without_files_is_not_read_back_and_examined_items_in_one_update(world):
    """evidence_add: the recording hook reads the new item only to link files to it; none given,
    none read. evidence_examine: the items examined marked in one UPDATE, each journaled."""
    case = filed_case(world)
    with CaptureQueriesContext(connection) as captured:
        step(world.cast.alice, case, "evidence_add", evidence_kind="record", title="现场检查笔录")
    assert not [s for s in _sql(captured, "SELECT") if 'FROM "cases_evidence"' in s]
    step(world.cast.alice, case, "evidence_add", evidence_kind="statement", title="询问笔录")
    ids = list(case.evidence.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        step(world.cast.alice, case, "evidence_examine", evidence_ids=ids, record="当事人无异议。")
    assert len([s for s in _sql(captured, "UPDATE") if '"cases_evidence"' in s.split("SET")[0]]) == 1
    assert all(case.evidence.values_list("cross_examined", flat=True))
    for pk in ids:
        assert Entry.objects.filter(
            action="cases:evidence:examine", subject_type="cases.evidence", subject_id=str(pk)
        ).exists()
    report = journal_verify()
    assert report.ok, report.problems


def test_the_case_reads_its_parties_once_as_the_orm_gives_them(world):
    """``Case.party_list``: the parties in the ORM's order, each one's case the instance, read with
    one statement the first time and none after (the guards, hooks and papers of a step ask again)."""
    case = new_case(world)
    svc.party_add(actor=world.cast.alice, case=case, kind="person", name="王五", id_number=person_id())
    fresh = Case.objects.get(pk=case.pk)
    with CaptureQueriesContext(connection) as captured:
        parties = fresh.party_list()
        again = fresh.party_list()
        names = [p.case.title for p in parties]
        assert list(fresh.parties.all()) == parties
    assert len(captured.captured_queries) == 1
    assert parties == again == list(Party.objects.filter(case=case).order_by("case_id", "id"))
    assert [p.name for p in parties] == ["石家庄某某商贸有限公司", "王五"]
    assert parties[1].id_number == person_id()  # decrypted as the ORM decrypts it
    assert names == [case.title, case.title]
    assert Case.objects.prefetch_related("parties").get(pk=case.pk).party_list() == parties
