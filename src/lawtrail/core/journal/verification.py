"""``journal_verify``: recompute the log from its rows and name everything that does not match.

One pass over the entries in seq order (a server-side cursor), merged with one pass over
the stored subtree hashes in their post-order position — the same order in which the
rebuilt tree completes them — so memory stays flat at any size. Then the checkpoints
(root at their size, text, signature) and the journaled rows themselves: for every
subject, the latest entry's after-digest must equal the digest of the row as it is now.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby

from django.apps import apps
from django.db import connection, transaction

from . import merkle
from .models import Checkpoint, Entry, Node, TreeState
from .services import canonical_digest, journal_integrate, journal_snapshot, leaf_data
from .signing import checkpoint_body, journal_key


@dataclass
class VerifyReport:
    entries: int = 0
    nodes: int = 0
    checkpoints: int = 0
    subjects: int = 0
    problems: list[str] = field(default_factory=list)

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
        roots = _verify_tree(report, chunk_size)
        _verify_checkpoints(report, roots)
        _verify_subjects(report, chunk_size)
    return report


def _verify_tree(report: VerifyReport, chunk_size: int) -> dict[int, bytes | None]:
    problems = report.problems
    state = TreeState.objects.filter(pk=1).first()
    state_size = state.size if state else 0
    wanted = set(Checkpoint.objects.values_list("size", flat=True))
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
        f"note, leaf_hash FROM {Entry._meta.db_table} WHERE seq IS NOT NULL ORDER BY seq"
    )
    expected = 0
    for seq, at, actor_id, label, action, stype, sid, before, after, note, stored in _stream(
        sql, chunk_size=chunk_size
    ):
        while expected < seq:
            problems.append(f"条目 #{expected} 缺失（已被删除）")
            push(None)
            expected += 1
        report.entries += 1
        recomputed = merkle.leaf_hash(leaf_data(at, actor_id, label, action, stype, sid, before, after, note))
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


def _verify_checkpoints(report: VerifyReport, roots: dict[int, bytes | None]) -> None:
    problems = report.problems
    key = journal_key()
    for cp in Checkpoint.objects.order_by("id").iterator():
        report.checkpoints += 1
        name = f"检查点 #{cp.pk}（树大小 {cp.size}）"
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
