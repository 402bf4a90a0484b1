"""``journal_verify``: recompute the log from its rows and name everything that does not match.

One pass over the entries in seq order (a server-side cursor), merged with one pass over
the stored subtree hashes in their post-order position — the same order in which the
rebuilt tree completes them — so memory stays flat at any size. Then the checkpoints
(root at their size, text, signature, a history that never shrinks), the entries no
checkpoint covers yet (each must carry a valid authentication code), and the journaled
rows themselves: for every subject, the latest entry's after-digest must equal the digest
of the row as it is now, and every row of every journaled table must be a subject (a row
inserted in SQL — a superuser, a role grant, a token — has no entry).
"""

from __future__ import annotations

import base64
import binascii
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby

from django.apps import apps
from django.db import connection, transaction

from . import merkle
from .coverage import verified_models
from .models import Checkpoint, Entry, Node, TreeState
from .services import canonical_digest, journal_hold, journal_integrate, journal_snapshot, leaf_data
from .signing import checkpoint_body, entry_mac, journal_key, mac_key
from .witness import Witnessed, record_of, witness_read

#: at most this many lines per kind of finding per table (then a count of the rest)
NAMED_PER_KIND = 20


@dataclass
class VerifyReport:
    entries: int = 0
    nodes: int = 0
    checkpoints: int = 0
    witnessed: int = 0
    subjects: int = 0
    tables: int = 0
    #: entries past the newest valid checkpoint (authenticated by their code alone)
    unsigned: int = 0
    problems: list[str] = field(default_factory=list)
    #: seqs whose authentication code is missing or wrong (the newest ones; see _verify_tail)
    _no_mac: deque = field(default_factory=lambda: deque(maxlen=100_000), repr=False)
    _no_mac_total: int = 0
    _later: list = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def _stream(sql: str, params: list | None = None, chunk_size: int = 20_000) -> Iterator[tuple]:
    """Rows of a query through a server-side cursor on PostgreSQL (plain fetchmany on SQLite)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params or [])
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


def journal_verify(*, integrate: bool = True, chunk_size: int = 20_000) -> VerifyReport:
    """Recompute every leaf, the dense seq order, every stored node, every checkpoint and
    every journaled row's current state. ``report.problems`` holds one Chinese line each."""
    if integrate:
        journal_integrate()
    report = VerifyReport()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # one snapshot for all the queries below, even while others keep appending
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # the snapshot starts with this query; the witness is read after it, so a checkpoint
        # the snapshot cannot see may be witnessed already (it is left for the next run)
        db_checkpoints = list(Checkpoint.objects.order_by("id"))
        witnessed = _witnessed_in_snapshot(report, db_checkpoints)
        roots = _verify_tree(
            report, chunk_size, {cp.size for cp in db_checkpoints} | {w.size for w in witnessed}
        )
        signed = _verify_checkpoints(report, roots, db_checkpoints)
        signed = _verify_witness(report, roots, db_checkpoints, witnessed, signed)
        _verify_tail(report, signed)
        _verify_subjects(report, chunk_size)
        _verify_full_tables(report)
    _verify_later_witnessed(report)
    return report


def _verify_tree(report: VerifyReport, chunk_size: int, wanted: set[int]) -> dict[int, bytes | None]:
    """Recompute leaves and subtrees; return the root at each size in ``wanted``."""
    problems = report.problems
    state = TreeState.objects.filter(pk=1).first()
    state_size = state.size if state else 0
    roots: dict[int, bytes | None] = {}
    if 0 in wanted:
        roots[0] = merkle.EMPTY_ROOT

    nodes = _stream(f"SELECT pos, hash FROM {Node._meta.db_table} ORDER BY pos", chunk_size=chunk_size)
    next_node = next(nodes, None)
    frontier = merkle.Frontier()

    def push(leaf: bytes | None) -> None:
        nonlocal next_node
        for level, index, h in frontier.push(leaf):
            pos = merkle.node_pos(level, index)
            while next_node is not None and next_node[0] < pos:
                problems.append(f"子树哈希 pos={next_node[0]} 多余（不属于任何子树）")
                next_node = next(nodes, None)
            if next_node is None or next_node[0] != pos:
                problems.append(f"子树哈希（层 {level}，序号 {index}）缺失")
                continue
            report.nodes += 1
            if h is not None and bytes(next_node[1]) != h:
                problems.append(f"子树哈希（层 {level}，序号 {index}）不符")
            next_node = next(nodes, None)
        if frontier.size in wanted:
            roots[frontier.size] = frontier.root()

    sql = (
        "SELECT seq, at, actor_id, actor_label, action, subject_type, subject_id, before_digest, after_digest, "
        f"note, leaf_hash, mac FROM {Entry._meta.db_table} WHERE seq IS NOT NULL ORDER BY seq"
    )
    expected = 0
    key = mac_key()
    for seq, at, actor_id, label, action, stype, sid, before, after, note, stored, mac in _stream(
        sql, chunk_size=chunk_size
    ):
        while expected < seq:
            problems.append(f"条目 #{expected} 缺失（已被删除）")
            push(None)
            expected += 1
        report.entries += 1
        data = leaf_data(at, actor_id, label, action, stype, sid, before, after, note)
        if mac != entry_mac(data, key):
            report._no_mac.append(seq)
            report._no_mac_total += 1
        recomputed = merkle.leaf_hash(data)
        try:
            stored_hash: bytes | None = bytes.fromhex(stored)
        except ValueError:
            stored_hash = None
        if stored_hash != recomputed:
            problems.append(f"条目 #{seq} 叶子哈希不符")
        push(stored_hash)
        expected = seq + 1
    while expected < state_size:
        problems.append(f"条目 #{expected} 缺失（已被删除）")
        push(None)
        expected += 1
    while next_node is not None:
        problems.append(f"子树哈希 pos={next_node[0]} 多余（不属于任何子树）")
        next_node = next(nodes, None)
    if state is not None and state.size == frontier.size and frontier.root() is not None:
        if state.root_hash != frontier.root().hex():
            problems.append(f"日志树状态的根哈希与重新计算的不符（树大小 {state.size}）")
    return roots


def _verify_checkpoints(
    report: VerifyReport, roots: dict[int, bytes | None], checkpoints: list[Checkpoint]
) -> int:
    """Check every checkpoint; return the largest tree size a valid checkpoint signs (0: none)."""
    problems = report.problems
    key = journal_key()
    signed = 0
    previous: Checkpoint | None = None
    for cp in checkpoints:
        report.checkpoints += 1
        name = f"检查点 #{cp.pk}（树大小 {cp.size}）"
        before = len(problems)
        if previous is not None and (cp.size < previous.size or cp.created_at < previous.created_at):
            problems.append(
                f"{name}早于或小于之前的检查点 #{previous.pk}（树大小 {previous.size}）：检查点历史不得倒退"
            )
        previous = cp
        if cp.size not in roots:
            problems.append(f"{name}超出日志的实际大小，无法验证")
        elif roots[cp.size] is None:
            problems.append(f"{name}覆盖了缺失的条目，根哈希无法重新计算")
        elif roots[cp.size].hex() != cp.root_hash:
            problems.append(f"{name}根哈希与日志重新计算的不符")
        try:
            root = bytes.fromhex(cp.root_hash)
        except ValueError:
            root = b""
        if cp.text != checkpoint_body(cp.origin, cp.size, root, cp.created_at):
            problems.append(f"{name}正文与其字段（大小、根哈希、时间）不符")
        if cp.key_id != key.key_id.hex():
            problems.append(f"{name}由其他密钥签署（密钥编号 {cp.key_id}），当前公钥无法验证")
            continue
        try:
            signature = base64.b64decode(cp.signature, validate=True)
        except (binascii.Error, ValueError):
            signature = b""
        if not key.verify(cp.text, signature):
            problems.append(f"{name}签名无效")
        if len(problems) == before:
            signed = max(signed, cp.size)
    return signed


def _witnessed_in_snapshot(report: VerifyReport, checkpoints: list[Checkpoint]) -> list[Witnessed]:
    """The witness records up to the newest checkpoint of the snapshot. The file is read after
    the snapshot began, so later records may belong to a checkpoint committed since (or
    being committed): those wait in ``report._later`` for ``_verify_later_witnessed``."""
    read = witness_read()
    report.problems += read.problems
    if read.path is None:
        report.problems.append(
            "未配置见证文件（LAWTRAIL_JOURNAL_WITNESS_FILE）：无法确认检查点历史未被改写或删除"
        )
        return []
    newest = checkpoints[-1].pk if checkpoints else 0
    report._later = [w for w in read.records if w.id > newest]
    return [w for w in read.records if w.id <= newest]


def _verify_later_witnessed(report: VerifyReport) -> None:
    """Witness records newer than the snapshot: under the sequencer's lock (so no checkpoint
    is half-way through its transaction), each must now be in the database, unchanged."""
    if not report._later:
        return
    with transaction.atomic():
        journal_hold()
        found = Checkpoint.objects.in_bulk([w.id for w in report._later])
    for w in report._later:
        report.witnessed += 1
        name = f"见证的检查点 #{w.id}（树大小 {w.size}）"
        cp = found.get(w.id)
        if cp is None:
            report.problems.append(f"{name}已从数据库中删除")
        elif record_of(cp) != w:
            report.problems.append(f"{name}与数据库中的检查点 #{cp.pk} 不一致：检查点被改写或重新签署")


def _verify_witness(
    report: VerifyReport,
    roots: dict[int, bytes | None],
    checkpoints: list[Checkpoint],
    witnessed: list[Witnessed],
    signed: int,
) -> int:
    """The database's checkpoints against the witness; returns the signed size vouched for
    by both (a checkpoint the witness never saw vouches for nothing)."""
    problems = report.problems
    by_id = {cp.pk: cp for cp in checkpoints}
    seen: set[int] = set()
    previous: Witnessed | None = None
    witnessed_size = 0
    for w in witnessed:
        report.witnessed += 1
        name = f"见证的检查点 #{w.id}（树大小 {w.size}）"
        if previous is not None and (w.id <= previous.id or w.size < previous.size):
            problems.append(f"{name}排在 #{previous.id}（树大小 {previous.size}）之后：见证文件的顺序被改动")
        previous = w
        seen.add(w.id)
        root = roots.get(w.size)
        if root is None or root.hex() != w.root_hash:
            problems.append(f"{name}的根哈希与日志重新计算的不符：见证之后日志被改写")
        else:
            witnessed_size = max(witnessed_size, w.size)
        cp = by_id.get(w.id)
        if cp is None:
            problems.append(f"{name}已从数据库中删除")
        elif record_of(cp) != w:
            problems.append(f"{name}与数据库中的检查点 #{cp.pk} 不一致：检查点被改写或重新签署")
    if checkpoints and not witnessed and not report._later:
        problems.append(
            f"见证文件中没有任何检查点，但数据库中有 {len(checkpoints)} 个：见证文件缺失或检查点未经见证"
        )
    else:
        for cp in checkpoints:
            if cp.pk not in seen:
                problems.append(f"检查点 #{cp.pk}（树大小 {cp.size}）未经见证（见证文件中没有它）")
    # with no witness at all (a log from before it: adopted at the next checkpoint) the
    # signatures alone vouch; the missing witness is named above
    return min(signed, witnessed_size) if witnessed else signed


def _verify_tail(report: VerifyReport, signed: int) -> None:
    """Entries past the newest valid checkpoint are vouched for by their authentication code
    alone (HMAC under a key outside the database): one without a valid code was appended by
    someone who could write the database but not run the application."""
    report.unsigned = max(report.entries - signed, 0)
    forged = [seq for seq in report._no_mac if seq >= signed]
    if report._no_mac_total > len(report._no_mac) and forged and forged[0] == report._no_mac[0]:
        forged_count = f"至少 {len(forged)}"
    else:
        forged_count = str(len(forged))
    for seq in forged[:NAMED_PER_KIND]:
        report.problems.append(f"条目 #{seq} 不在任何有效的签名检查点内，且认证码无效：疑似伪造追加")
    if len(forged) > NAMED_PER_KIND:
        report.problems.append(f"另有条目无有效认证码且未被签名检查点覆盖（共 {forged_count} 条）")


def _verify_subjects(report: VerifyReport, chunk_size: int) -> None:
    """The latest entry of every subject (by id: the order the writes happened in) must
    describe the row as it is now."""
    table = Entry._meta.db_table
    sql = (
        "SELECT subject_type, subject_id, seq, id, after_digest FROM ("
        "SELECT subject_type, subject_id, seq, id, after_digest, row_number() OVER ("
        f"PARTITION BY subject_type, subject_id ORDER BY id DESC) AS rn FROM {table}) latest "
        "WHERE rn = 1 ORDER BY subject_type, subject_id"
    )
    rows = _stream(sql, chunk_size=chunk_size)
    for stype, group in groupby(rows, key=lambda r: r[0]):
        try:
            model = apps.get_model(stype)
        except (LookupError, ValueError):
            model = None
        batch: list[tuple] = []
        for row in group:
            report.subjects += 1
            if model is None:
                report.problems.append(f"条目 #{_label(row)} 的对象类型 {stype} 不存在")
                continue
            batch.append(row)
            if len(batch) >= 1000:
                _check_rows(report, model, batch)
                batch = []
        if batch and model is not None:
            _check_rows(report, model, batch)


def _label(row: tuple) -> str:
    _stype, _sid, seq, entry_id, _after = row
    return str(seq) if seq is not None else f"?（id={entry_id}，尚未排序）"


def _check_rows(report: VerifyReport, model, batch: list[tuple]) -> None:
    pk = model._meta.pk
    wanted = {}
    for row in batch:
        try:
            wanted[pk.to_python(row[1])] = row
        except Exception:
            report.problems.append(
                f"{model._meta.label_lower} id={row[1]} 编号无效（日志条目 #{_label(row)}）"
            )
    found = model._base_manager.in_bulk(list(wanted))
    label = model._meta.label_lower
    for key, row in wanted.items():
        after = row[4]
        instance = found.get(key)
        if instance is None:
            if after:
                report.problems.append(
                    f"{label} id={row[1]} 已不在数据库中，但日志条目 #{_label(row)} 记录它存在"
                )
        elif not after:
            report.problems.append(
                f"{label} id={row[1]} 仍在数据库中，但日志条目 #{_label(row)} 记录它已删除"
            )
        elif canonical_digest(journal_snapshot(instance)) != after:
            report.problems.append(f"{label} id={row[1]} 与日志条目 #{_label(row)} 记录的状态不符")


def _verify_full_tables(report: VerifyReport) -> None:
    """Every row of every journaled table must be a journal subject: an anti-join of each
    table with the entries (index ``journal_entry_subject``), so only the rows no entry
    names come back. A row whose subject is journaled is checked by ``_verify_subjects``."""
    qn = connection.ops.quote_name
    entries = qn(Entry._meta.db_table)
    for model in verified_models():
        report.tables += 1
        label = model._meta.label_lower
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        text = _TEXT.get(connection.vendor, "varchar(64)")
        sql = (
            f"SELECT t.{pk} FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM {entries} e "
            f"WHERE e.subject_type = %s AND e.subject_id = CAST(t.{pk} AS {text})) "
            f"ORDER BY t.{pk}"
        )
        missing = 0
        for (pk_value,) in _stream(sql, [label]):
            missing += 1
            if missing <= NAMED_PER_KIND:
                report.problems.append(f"{label} id={pk_value} 不在日志中：这一行未经应用写入")
        if missing > NAMED_PER_KIND:
            report.problems.append(f"{label} 另有 {missing - NAMED_PER_KIND} 行不在日志中")


_TEXT = {"postgresql": "text", "sqlite": "TEXT"}
