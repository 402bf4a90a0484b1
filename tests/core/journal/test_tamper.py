"""The tamper suite of issue 13: what someone with write access to the database — but not the
application — can do, and how ``lawtrail verify`` names each.

Each case starts from a clean, verified log (the ``log`` fixture asserts it), makes one
change behind the application's back, and expects the named line(s). Every kind of
tampering the audit found undetected is here: rows inserted (a superuser, a global
administrator's grant, an API token, a Django permission, a second factor), rows deleted,
authentication columns changed, an appended forged entry.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from lawtrail.core.accounts.models import ApiToken, token_digest
from lawtrail.core.journal import merkle
from lawtrail.core.journal.models import Checkpoint, Entry
from lawtrail.core.journal.services import (
    journal_append,
    journal_checkpoint,
    journal_integrate,
    journal_verify,
    leaf_data,
)
from lawtrail.core.journal.signing import entry_mac
from lawtrail.core.permissions import Role
from lawtrail.registry.models import RoleGrant


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def log(make_domain, django_user_model):
    """A journaled user, three journaled domains, a checkpoint; verify is clean."""
    with transaction.atomic():
        user = django_user_model.objects.create_user("clerk", password="x")
        journal_append(actor=None, action="test:user:create", subject=user)
    domains = [make_domain(f"d{i}") for i in range(3)]
    journal_checkpoint()
    report = journal_verify()
    assert report.ok, report.problems
    return {"user": user, "domains": domains}


def _problems():
    report = journal_verify()
    assert not report.ok
    return report.problems


# --- rows inserted behind the application's back ------------------------------------------


@pytest.mark.django_db
def test_an_inserted_superuser_is_named(log, django_user_model):
    root = django_user_model.objects.create_superuser("intruder", password="x")
    assert f"core.user id={root.pk} 不在日志中：这一行未经应用写入" in _problems()


@pytest.mark.django_db
def test_an_inserted_superuser_in_plain_sql_is_named(log):
    raw(
        "INSERT INTO core_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined, display_name, must_change_password) "
        "VALUES ('x', %s, 'sql-root', '', '', '', %s, %s, %s, '', %s)",
        [True, True, True, timezone.now(), False],
    )
    pk = type(log["user"]).objects.get(username="sql-root").pk
    assert _problems() == [f"core.user id={pk} 不在日志中：这一行未经应用写入"]


@pytest.mark.django_db
def test_an_inserted_global_admin_grant_is_named(log):
    grant = RoleGrant.objects.create(user=log["user"], role=Role.ADMIN)
    assert _problems() == [f"registry.rolegrant id={grant.pk} 不在日志中：这一行未经应用写入"]


@pytest.mark.django_db
def test_an_inserted_api_token_is_named(log):
    now = timezone.now()
    token = ApiToken.objects.create(
        user=log["user"],
        digest=token_digest("forged"),
        prefix="forged",
        created_at=now,
        expires_at=now + dt.timedelta(days=365),
    )
    assert _problems() == [f"accounts.apitoken id={token.pk} 不在日志中：这一行未经应用写入"]


@pytest.mark.django_db
def test_an_inserted_django_permission_is_named(log):
    """The application never writes per-user permissions: a row there is always tampering."""
    log["user"].user_permissions.add(Permission.objects.get(codename="change_user"))
    through = type(log["user"]).user_permissions.through
    row = through.objects.get()
    assert _problems() == [f"core.user_user_permissions id={row.pk} 不在日志中：这一行未经应用写入"]


@pytest.mark.django_db
def test_an_inserted_totp_device_is_named(log):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=log["user"], name="forged", confirmed=True)
    assert _problems() == [f"otp_totp.totpdevice id={device.pk} 不在日志中：这一行未经应用写入"]


@pytest.mark.django_db
def test_many_inserted_rows_are_counted_not_all_named(log):
    from lawtrail.core.journal.verification import NAMED_PER_KIND
    from lawtrail.registry.models import Domain

    Domain.objects.bulk_create([Domain(code=f"x{i}", name=f"x{i}") for i in range(NAMED_PER_KIND + 5)])
    problems = _problems()
    assert len(problems) == NAMED_PER_KIND + 1
    assert problems[-1] == "registry.domain 另有 5 行不在日志中"


# --- rows deleted, authentication columns changed -----------------------------------------


@pytest.mark.django_db
def test_a_deleted_row_is_named(log):
    user = log["user"]
    raw("DELETE FROM core_user WHERE id = %s", [user.pk])
    assert _problems() == [f"core.user id={user.pk} 已不在数据库中，但日志条目 #0 记录它存在"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column, value",
    [
        ("password", "pbkdf2_sha256$1$x$forged"),
        ("is_superuser", True),
        ("is_staff", True),
        ("is_active", False),
    ],
)
def test_an_authentication_column_changed_in_sql_is_named(log, column, value):
    user = log["user"]
    raw(f"UPDATE core_user SET {column} = %s WHERE id = %s", [value, user.pk])
    assert _problems() == [f"core.user id={user.pk} 与日志条目 #0 记录的状态不符"]


# --- an appended forged entry -------------------------------------------------------------


def _forge_entry(subject_type, subject_id, after_digest, mac=""):
    """What someone with database rights can append: a well-formed entry, leaf hash right,
    sequenced by the application's own sequencer — but no authentication code they could compute."""
    at = timezone.now()
    data = leaf_data(
        at, None, "system", "accounts:user:create", subject_type, subject_id, "", after_digest, ""
    )
    Entry.objects.create(
        at=at,
        actor_label="system",
        action="accounts:user:create",
        subject_type=subject_type,
        subject_id=subject_id,
        after_digest=after_digest,
        leaf_hash=merkle.leaf_hash(data).hex(),
        mac=mac,
    )
    journal_integrate()


@pytest.mark.django_db
@pytest.mark.parametrize("mac", ["", "wrong-key"], ids=["no-code", "code-under-another-key"])
def test_a_forged_entry_appended_for_an_inserted_superuser_is_named(log, django_user_model, mac):
    from lawtrail.core.journal.services import canonical_digest, journal_snapshot

    root = django_user_model.objects.create_superuser("intruder", password="x")
    digest = canonical_digest(journal_snapshot(root))
    if mac:
        mac = entry_mac(b"anything", key=b"not the application's key")
    _forge_entry("core.user", str(root.pk), digest, mac)
    seq = Entry.objects.get(subject_id=str(root.pk), subject_type="core.user").seq
    # the forged entry makes the row look journaled; its missing code gives it away
    assert _problems() == [f"条目 #{seq} 不在任何有效的签名检查点内，且认证码无效：疑似伪造追加"]


@pytest.mark.django_db
def test_entries_appended_by_the_application_after_the_checkpoint_verify(log, make_domain):
    make_domain("later")
    report = journal_verify()
    assert report.ok, report.problems
    assert report.unsigned == 1


@pytest.mark.django_db
def test_a_checkpoint_covers_entries_whose_code_no_longer_verifies(log, settings):
    """After the code's key is rotated (documented: sign a checkpoint first), the old entries
    are vouched for by the signed checkpoint."""
    settings.LAWTRAIL_JOURNAL_MAC_KEY = "a new key"
    assert journal_verify().ok


@pytest.mark.django_db
def test_rotating_the_code_key_with_entries_past_the_checkpoint_is_named(log, make_domain, settings):
    make_domain("later")
    settings.LAWTRAIL_JOURNAL_MAC_KEY = "a new key"
    assert _problems() == ["条目 #4 不在任何有效的签名检查点内，且认证码无效：疑似伪造追加"]


# --- the checkpoint history ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_checkpoint_history_that_shrinks_is_named(log, make_domain):
    make_domain("later")
    big = journal_checkpoint()
    small = Checkpoint.objects.order_by("id").first()
    # a re-signed older checkpoint inserted after the newer one: the history goes backwards
    Checkpoint.objects.create(
        size=small.size,
        root_hash=small.root_hash,
        created_at=small.created_at,
        origin=small.origin,
        text=small.text,
        key_id=small.key_id,
        signature=small.signature,
    )
    problems = _problems()
    new = Checkpoint.objects.order_by("id").last()
    assert (
        f"检查点 #{new.pk}（树大小 {small.size}）早于或小于之前的检查点 #{big.pk}（树大小 {big.size}）：检查点历史不得倒退"
        in problems
    )


# --- the witness: deleted checkpoints, a re-signed rewrite --------------------------------


def _witness_lines(settings):
    from pathlib import Path

    return Path(settings.LAWTRAIL_JOURNAL_WITNESS_FILE).read_text().splitlines()


@pytest.mark.django_db
def test_every_checkpoint_is_witnessed(log, make_domain, settings):
    import json

    make_domain("later")
    cp = journal_checkpoint()
    lines = [json.loads(line) for line in _witness_lines(settings)]
    assert [r["id"] for r in lines] == list(Checkpoint.objects.order_by("id").values_list("id", flat=True))
    assert lines[-1]["text"] == cp.text and lines[-1]["signature"] == cp.signature
    assert journal_verify().witnessed == 2


@pytest.mark.django_db
def test_a_deleted_checkpoint_is_named(log, make_domain):
    make_domain("later")
    journal_checkpoint()
    first = Checkpoint.objects.order_by("id").first()
    raw("DELETE FROM journal_checkpoint WHERE id = %s", [first.pk])
    assert _problems() == [f"见证的检查点 #{first.pk}（树大小 {first.size}）已从数据库中删除"]


@pytest.mark.django_db
def test_the_deleted_latest_checkpoint_is_named(log, make_domain):
    """The newest checkpoint leaves no gap behind it when deleted: only the witness knows."""
    make_domain("later")
    last = journal_checkpoint()
    raw("DELETE FROM journal_checkpoint WHERE id = %s", [last.pk])
    assert _problems() == [f"见证的检查点 #{last.pk}（树大小 {last.size}）已从数据库中删除"]


@pytest.mark.django_db
def test_all_checkpoints_deleted_is_named(log):
    cp = Checkpoint.objects.get()
    raw("DELETE FROM journal_checkpoint")
    assert _problems() == [f"见证的检查点 #{cp.pk}（树大小 {cp.size}）已从数据库中删除"]


@pytest.mark.django_db
def test_a_rewritten_history_re_signed_with_the_hosts_key_is_named(log, settings):
    """The attacker holds the host: the key file and the entries' code key. They change an
    entry, rebuild the tree, delete the checkpoints and sign new ones — the database is
    consistent with itself, and every check inside it passes. The witness does not."""
    from lawtrail.core.journal.services import entry_leaf_data

    entry = Entry.objects.get(seq=1)
    entry.note = "改写"
    data = entry_leaf_data(entry)
    raw(
        "UPDATE journal_entry SET note = %s, leaf_hash = %s, mac = %s WHERE seq = 1",
        ["改写", merkle.leaf_hash(data).hex(), entry_mac(data)],
    )
    old = Checkpoint.objects.get()
    raw("DELETE FROM journal_checkpoint")
    raw("DELETE FROM journal_node")
    raw("UPDATE journal_entry SET seq = NULL")
    raw("UPDATE journal_treestate SET size = 0, root_hash = %s", [merkle.EMPTY_ROOT.hex()])
    journal_integrate()
    new = journal_checkpoint()
    problems = _problems()
    assert problems == [
        f"见证的检查点 #{old.pk}（树大小 {old.size}）的根哈希与日志重新计算的不符：见证之后日志被改写",
        f"见证的检查点 #{old.pk}（树大小 {old.size}）已从数据库中删除",
    ], problems
    assert new.size == old.size


@pytest.mark.django_db
def test_a_checkpoint_re_signed_in_place_is_named(log):
    """Same id, same size, new root and a valid signature (the key is on the host)."""
    import base64

    from lawtrail.core.journal.signing import checkpoint_body, journal_key

    cp = Checkpoint.objects.get()
    root = b"\x11" * 32
    body = checkpoint_body(cp.origin, cp.size, root, cp.created_at)
    raw(
        "UPDATE journal_checkpoint SET root_hash = %s, text = %s, signature = %s WHERE id = %s",
        [root.hex(), body, base64.b64encode(journal_key().sign(body)).decode(), cp.pk],
    )
    problems = _problems()
    assert f"检查点 #{cp.pk}（树大小 {cp.size}）根哈希与日志重新计算的不符" in problems
    assert (
        f"见证的检查点 #{cp.pk}（树大小 {cp.size}）与数据库中的检查点 #{cp.pk} 不一致：检查点被改写或重新签署"
        in problems
    )


@pytest.mark.django_db
def test_a_checkpoint_inserted_without_witness_is_named(log):
    cp = Checkpoint.objects.get()
    extra = Checkpoint.objects.create(
        size=cp.size,
        root_hash=cp.root_hash,
        created_at=cp.created_at,
        origin=cp.origin,
        text=cp.text,
        key_id=cp.key_id,
        signature=cp.signature,
    )
    assert _problems() == [f"检查点 #{extra.pk}（树大小 {cp.size}）未经见证（见证文件中没有它）"]


@pytest.mark.django_db
def test_a_missing_witness_file_is_named(log, settings):
    from pathlib import Path

    Path(settings.LAWTRAIL_JOURNAL_WITNESS_FILE).unlink()
    assert _problems() == ["见证文件中没有任何检查点，但数据库中有 1 个：见证文件缺失或检查点未经见证"]


@pytest.mark.django_db
def test_a_truncated_witness_line_is_named(log, settings):
    from pathlib import Path

    path = Path(settings.LAWTRAIL_JOURNAL_WITNESS_FILE)
    path.write_bytes(path.read_bytes()[:-20])
    problems = _problems()
    assert "见证文件第 1 行无法读取（被截断或改写）" in problems


@pytest.mark.django_db
def test_the_witness_adopts_earlier_checkpoints_on_first_use(make_domain, settings, tmp_path):
    make_domain("a")
    settings.LAWTRAIL_JOURNAL_WITNESS_FILE = ""  # a log from before the witness
    first = journal_checkpoint()
    settings.LAWTRAIL_JOURNAL_WITNESS_FILE = str(tmp_path / "later-witness.jsonl")
    make_domain("b")
    second = journal_checkpoint()
    assert [line.split(",")[0] for line in _witness_lines(settings)] == [
        f'{{"id":{first.pk}',
        f'{{"id":{second.pk}',
    ]
    assert journal_verify().ok


@pytest.mark.django_db
def test_no_checkpoint_is_stored_when_the_witness_cannot_be_written(log, make_domain, settings, tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("")
    settings.LAWTRAIL_JOURNAL_WITNESS_FILE = str(blocked / "witness.jsonl")
    make_domain("later")
    before = Checkpoint.objects.count()
    with pytest.raises(OSError):
        journal_checkpoint()
    assert Checkpoint.objects.count() == before
