"""journal_verify / `lawtrail verify`: a clean log passes; each kind of tampering is named."""

import pytest
from django.core.management import call_command
from django.db import connection

from lawtrail.core.journal.models import Checkpoint, Entry, Node
from lawtrail.core.journal.services import journal_checkpoint, journal_integrate, journal_verify


@pytest.fixture
def log(make_domain):
    """7 journaled domains, a checkpoint at 4 and one at 7."""
    domains = [make_domain(f"d{i}") for i in range(4)]
    journal_checkpoint()
    domains += [make_domain(f"d{i}") for i in range(4, 7)]
    journal_checkpoint()
    return domains


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def run_verify(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("journal_verify")
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out.splitlines()


@pytest.mark.django_db
def test_clean_log_verifies(log, capsys):
    report = journal_verify()
    assert report.ok, report.problems
    assert (report.entries, report.checkpoints, report.subjects, report.nodes) == (7, 2, 7, 4)
    call_command("journal_verify")  # exit 0: no SystemExit
    assert "日志完整" in capsys.readouterr().out


@pytest.mark.django_db
def test_empty_log_verifies():
    assert journal_verify().ok


def _leaf_action(log):
    raw("UPDATE journal_entry SET action = 'registry:domain:forged' WHERE seq = 2")


def _leaf_hash_consistent(log):
    # the forger also rewrites the leaf hash: the stored tree and the checkpoints catch it
    entry = Entry.objects.get(seq=5)
    from lawtrail.core.journal import merkle
    from lawtrail.core.journal.services import entry_leaf_data

    entry.note = "伪造"
    raw(
        "UPDATE journal_entry SET note = %s, leaf_hash = %s WHERE seq = 5",
        ["伪造", merkle.leaf_hash(entry_leaf_data(entry)).hex()],
    )


def _subject_row(log):
    raw("UPDATE registry_domain SET name = '被改' WHERE id = %s", [log[3].pk])


def _subject_deleted(log):
    raw("DELETE FROM registry_domain WHERE id = %s", [log[6].pk])


def _checkpoint_root(log):
    cp = Checkpoint.objects.order_by("id").first()
    raw("UPDATE journal_checkpoint SET root_hash = %s WHERE id = %s", ["00" * 32, cp.pk])


def _checkpoint_signature(log):
    cp = Checkpoint.objects.order_by("id").last()
    sig = cp.signature[:10] + ("A" if cp.signature[10] != "A" else "B") + cp.signature[11:]
    raw("UPDATE journal_checkpoint SET signature = %s WHERE id = %s", [sig, cp.pk])


def _entry_deleted(log):
    raw("DELETE FROM journal_entry WHERE seq = 1")


def _last_entry_deleted(log):
    raw("DELETE FROM journal_entry WHERE seq = 6")


def _node_changed(log):
    raw("UPDATE journal_node SET hash = %s WHERE pos = 0", [b"\x00" * 32])


def _node_deleted(log):
    Node.objects.filter(pos=2).delete()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper, expected",
    [
        (_leaf_action, ["条目 #2 叶子哈希不符"]),
        (
            _leaf_hash_consistent,
            ["子树哈希（层 1，序号 2）不符", "检查点 #{cp2}（树大小 7）根哈希与日志重新计算的不符"],
        ),
        (_subject_row, ["registry.domain id={d3} 与日志条目 #3 记录的状态不符"]),
        (_subject_deleted, ["registry.domain id={d6} 已不在数据库中，但日志条目 #6 记录它存在"]),
        (_checkpoint_root, ["检查点 #{cp1}（树大小 4）根哈希与日志重新计算的不符"]),
        (_checkpoint_signature, ["检查点 #{cp2}（树大小 7）签名无效"]),
        (_entry_deleted, ["条目 #1 缺失（已被删除）"]),
        (_last_entry_deleted, ["条目 #6 缺失（已被删除）"]),
        (_node_changed, ["子树哈希（层 1，序号 0）不符"]),
        (_node_deleted, ["子树哈希（层 2，序号 0）缺失"]),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_tampering_is_caught_and_named(log, tamper, expected, capsys):
    tamper(log)
    cps = list(Checkpoint.objects.order_by("id").values_list("id", flat=True))
    names = {"cp1": cps[0], "cp2": cps[1], "d3": log[3].pk, "d6": log[6].pk}
    report = journal_verify()
    assert not report.ok
    for line in expected:
        assert line.format(**names) in report.problems, report.problems
    code, out = run_verify(capsys)
    assert code == 1
    assert [line.format(**names) for line in expected if line.format(**names) in out] == [
        line.format(**names) for line in expected
    ]


@pytest.mark.django_db
def test_unsequenced_entries_are_integrated_before_verifying(make_domain):
    make_domain("late")
    journal_integrate()
    make_domain("later")  # not yet sequenced
    report = journal_verify()
    assert report.ok and report.entries == 2


@pytest.mark.django_db
def test_password_hash_and_login_time_written_behind_the_apps_back_are_tampering(superuser):
    """Issue 13: the password hash is an authentication column — a hash set in SQL is named."""
    from django.db import transaction

    from lawtrail.core.journal.services import journal_append

    with transaction.atomic():
        journal_append(actor=None, action="registry:user:create", subject=superuser)
    assert journal_verify().ok
    raw("UPDATE core_user SET password = 'pbkdf2_sha256$1$x$forged' WHERE id = %s", [superuser.pk])
    assert journal_verify().problems == [f"core.user id={superuser.pk} 与日志条目 #0 记录的状态不符"]


@pytest.mark.django_db
def test_a_login_through_the_application_is_journaled_not_tampering(superuser, client):
    """A login sets last_login (and may re-hash the password): the login event journals the
    user's new state, so verify stays clean."""
    from django.db import transaction

    from lawtrail.core.journal.services import journal_append
    from tests.factories import TEST_PASSWORD

    superuser.set_password(TEST_PASSWORD)
    superuser.save()
    with transaction.atomic():
        journal_append(actor=None, action="registry:user:create", subject=superuser)
    assert client.login(username=superuser.username, password=TEST_PASSWORD)
    assert journal_verify().ok
    assert Entry.objects.filter(action="accounts:user:auth_state", subject_id=str(superuser.pk)).exists()
