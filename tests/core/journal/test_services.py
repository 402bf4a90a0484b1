"""journal_append, the sequencer, checkpoints, keys."""

import base64

import pytest
from django.core.management import call_command
from django.db import transaction

from lawtrail.core.errors import PermissionDenied
from lawtrail.core.journal import merkle
from lawtrail.core.journal.models import Checkpoint, Entry, Node, TreeState
from lawtrail.core.journal.selectors import root_at
from lawtrail.core.journal.services import (
    canonical_digest,
    entry_leaf_data,
    journal_append,
    journal_checkpoint,
    journal_integrate,
    journal_snapshot,
)
from lawtrail.core.journal.signing import _load, journal_key


@pytest.mark.django_db
def test_append_inside_transaction_records_the_write(make_domain, superuser):
    domain = make_domain("env", actor=superuser)
    entry = Entry.objects.get()
    assert entry.seq is None  # the sequencer numbers it later
    assert (entry.action, entry.subject_type, entry.subject_id) == (
        "registry:domain:create",
        "registry.domain",
        str(domain.pk),
    )
    assert entry.actor_id == superuser.pk and entry.actor_label == str(superuser)
    assert entry.before_digest == "" and entry.after_digest == canonical_digest(journal_snapshot(domain))
    assert entry.leaf_hash == merkle.leaf_hash(entry_leaf_data(entry)).hex()


@pytest.mark.django_db
def test_append_before_and_delete_digests(make_domain):
    domain = make_domain("tax")
    with transaction.atomic():
        before = journal_snapshot(domain)
        domain.name = "税务"
        domain.save()
        changed = journal_append(actor=None, action="registry:domain:rename", subject=domain, before=before)
    assert changed.before_digest == canonical_digest(before) != changed.after_digest
    assert Entry.objects.get(pk=changed.pk).leaf_hash == changed.leaf_hash
    assert changed.actor_label == "system"
    with transaction.atomic():
        gone = journal_append(
            actor=None,
            action="registry:domain:delete",
            subject=domain,
            before=journal_snapshot(domain),
            deleted=True,
        )
        domain.delete()
    assert gone.after_digest == ""


@pytest.mark.django_db(transaction=True)
def test_append_outside_transaction_is_refused(make_domain):
    domain = make_domain("out")
    with pytest.raises(RuntimeError):
        journal_append(actor=None, action="registry:domain:touch", subject=domain)
    assert Entry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_rollback_leaves_no_gap(make_domain):
    make_domain("a")
    with pytest.raises(RuntimeError), transaction.atomic():
        make_domain("b")
        raise RuntimeError("the service failed after appending")
    make_domain("c")
    assert journal_integrate() == 2
    assert list(Entry.objects.order_by("seq").values_list("seq", flat=True)) == [0, 1]


@pytest.mark.django_db
def test_late_commit_with_lower_id_is_sequenced_next(make_domain):
    """A transaction that got its id early but commits after others is sequenced in a later run."""
    make_domain("x")
    first = Entry.objects.get()
    early = Entry.objects.get(pk=first.pk)
    early.pk = first.pk + 100
    early.save(force_insert=True)  # committed first, higher id
    first_id = first.pk
    Entry.objects.filter(pk=first_id).delete()  # not yet visible
    assert journal_integrate() == 1
    first.save(force_insert=True)  # now the lower id "commits"
    assert journal_integrate() == 1
    assert dict(Entry.objects.values_list("id", "seq")) == {first_id + 100: 0, first_id: 1}


@pytest.mark.django_db
@pytest.mark.parametrize("total, batch", [(1, 1), (7, 3), (20, 20), (33, 8)])
def test_integrate_builds_the_rfc6962_tree(make_domain, total, batch):
    leaves = []
    for i in range(total):
        make_domain(f"d{i}")
        if i % 5 == 4:
            journal_integrate(batch_size=batch)  # interleave appends and runs
    journal_integrate(batch_size=batch)
    leaves = [bytes.fromhex(h) for h in Entry.objects.order_by("seq").values_list("leaf_hash", flat=True)]
    assert list(Entry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(total))
    assert Node.objects.count() == merkle.stored_node_count(total)
    frontier = merkle.Frontier()
    for leaf in leaves:
        list(frontier.push(leaf))
    assert TreeState.objects.get().root_hash == frontier.root().hex() == root_at(total).hex()


@pytest.mark.django_db
def test_checkpoint_is_signed_c2sp_text(make_domain, superuser):
    make_domain("one")
    cp = journal_checkpoint(actor=superuser)
    key = journal_key()
    origin, size, root_b64, stamp, end = cp.text.split("\n")
    assert (origin, size, end) == ("test.lawtrail/journal", "1", "")
    assert base64.b64decode(root_b64).hex() == cp.root_hash == TreeState.objects.get().root_hash
    assert stamp.startswith("time ") and stamp.endswith("Z")
    assert key.verify(cp.text, base64.b64decode(cp.signature))
    assert cp.key_id == key.key_id.hex()


@pytest.mark.django_db
def test_checkpoint_only_if_grown_reuses_latest(make_domain):
    make_domain("one")
    first = journal_checkpoint(only_if_grown=True)
    assert journal_checkpoint(only_if_grown=True) == first
    assert journal_checkpoint().pk != first.pk  # on demand always signs
    make_domain("two")
    assert journal_checkpoint(only_if_grown=True).size == 2


@pytest.mark.django_db
def test_checkpoint_refused_without_permission(plain_user):
    with pytest.raises(PermissionDenied) as err:
        journal_checkpoint(actor=plain_user)
    assert err.value.code == "JOURNAL_CHECKPOINT_FORBIDDEN"
    assert not Checkpoint.objects.exists()


@pytest.mark.django_db
def test_checkpoint_of_empty_log():
    cp = journal_checkpoint()
    assert (cp.size, cp.root_hash) == (0, merkle.EMPTY_ROOT.hex())


@pytest.mark.django_db
def test_keygen_creates_file_once_and_prints_public_key(settings, tmp_path, capsys):
    settings.LAWTRAIL_JOURNAL_KEY = ""
    _load.cache_clear()
    call_command("journal_keygen")
    first = settings.LAWTRAIL_JOURNAL_KEY_FILE.read_text()
    out = capsys.readouterr().out
    assert "已创建密钥文件" in out and journal_key().public_b64 in out
    call_command("journal_keygen")
    assert settings.LAWTRAIL_JOURNAL_KEY_FILE.read_text() == first
    assert "密钥文件已存在" in capsys.readouterr().out


@pytest.mark.django_db
def test_periodic_tasks_integrate_and_checkpoint_once_per_growth(make_domain):
    from lawtrail.core.journal.tasks import journal_checkpoint_task, journal_integrate_task

    make_domain("t1")
    assert journal_integrate_task() == 1
    first = journal_checkpoint_task()
    assert journal_checkpoint_task() == first
    make_domain("t2")
    assert journal_checkpoint_task() != first
    assert Checkpoint.objects.order_by("-id").first().size == 2
