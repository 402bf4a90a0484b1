"""journal_batch: one step's entries computed when appended, inserted together at the end."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.services import (
    canonical_digest,
    journal_append,
    journal_append_many,
    journal_batch,
    journal_snapshot,
)
from lawtrail.registry.models import Domain


def _inserts(captured) -> int:
    return sum(
        1 for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("INSERT INTO JOURNAL")
    )


@pytest.mark.django_db
def test_entries_are_inserted_in_one_statement_in_order_with_the_digests_of_their_time():
    with transaction.atomic():
        domain = Domain.objects.create(code="env_b", name="生态环境")
        others = [Domain.objects.create(code=f"b{i}", name=f"领域{i}") for i in range(3)]
        with CaptureQueriesContext(connection) as captured, journal_batch():
            journal_append(actor=None, action="registry:domain:create", subject=domain)
            first_digest = canonical_digest(journal_snapshot(domain))
            before = journal_snapshot(domain)
            domain.name = "生态环境保护"
            domain.save()
            journal_append(actor=None, action="registry:domain:rename", subject=domain, before=before)
            journal_append_many(actor=None, action="registry:domain:create", subjects=others)
            assert Entry.objects.count() == 0  # nothing written until the step's work is done
        assert _inserts(captured) == 1
    entries = list(Entry.objects.order_by("id"))
    assert [e.action for e in entries] == ["registry:domain:create", "registry:domain:rename"] + [
        "registry:domain:create"
    ] * 3
    assert entries[0].after_digest == first_digest  # the state when it was appended, not at the end
    assert entries[1].before_digest == first_digest
    assert entries[1].after_digest == canonical_digest(journal_snapshot(domain))
    assert [e.subject_id for e in entries[2:]] == [str(d.pk) for d in others]


@pytest.mark.django_db
def test_an_error_in_the_step_writes_no_entry():
    with pytest.raises(RuntimeError), transaction.atomic(), journal_batch():
        domain = Domain.objects.create(code="env_c", name="生态环境")
        journal_append(actor=None, action="registry:domain:create", subject=domain)
        raise RuntimeError("the step refused")
    assert Entry.objects.count() == 0


@pytest.mark.django_db
def test_nested_batches_share_the_outer_one():
    with transaction.atomic(), CaptureQueriesContext(connection) as captured, journal_batch():
        a = Domain.objects.create(code="n1", name="甲")
        journal_append(actor=None, action="registry:domain:create", subject=a)
        with journal_batch():
            b = Domain.objects.create(code="n2", name="乙")
            journal_append(actor=None, action="registry:domain:create", subject=b)
        assert Entry.objects.count() == 0
    assert _inserts(captured) == 1
    assert Entry.objects.count() == 2
