"""Reads of the journal: entries (scoped), checkpoints, tree heads and proofs (public: hashes only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lawtrail.core.errors import NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.permissions import Perm, has_perm
from lawtrail.core.scope import agency_ids_for, journal_subjects_q

from . import merkle
from .models import Checkpoint, Entry, TreeState
from .services import entry_leaf_data, journal_integrate, stored_hashes


def journal_has_perm(user: Any, perm: Perm) -> bool:
    """A grant carrying ``perm`` anywhere (the journal is one log for the whole deployment).
    ``None`` here is an anonymous reader, not the system."""
    if user is None:
        return False
    return has_perm(user, perm)


def entry_list_for(
    actor: Any, *, action: str = "", subject_type: str = "", subject_id: str = ""
) -> QuerySet[Entry]:
    if not journal_has_perm(actor, Perm.JOURNAL_VIEW):
        raise PermissionDenied("您没有查看执法日志的权限。", code="JOURNAL_VIEW_FORBIDDEN")
    qs = Entry.objects.order_by("-id")
    scope = agency_ids_for(actor, Perm.JOURNAL_VIEW)  # None: a global reader
    if scope is not None:  # a unit administrator, a supervisor: entries about their agencies' rows
        qs = qs.filter(journal_subjects_q(scope))
    if action:
        qs = qs.filter(action=action)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    return qs


def checkpoint_list() -> QuerySet[Checkpoint]:
    return Checkpoint.objects.order_by("-id")


def checkpoint_latest() -> Checkpoint:
    cp = Checkpoint.objects.order_by("-id").first()
    if cp is None:
        raise NotFound("尚未签署任何日志检查点。", code="JOURNAL_CHECKPOINT_NOT_FOUND")
    return cp


def tree_size() -> int:
    state = TreeState.objects.filter(pk=1).first()
    return state.size if state else 0


def _size_ok(size: int) -> int:
    """Refuse a tree size beyond the integrated tree (integrating first, in case it just grew)."""
    current = tree_size()
    if size > current:
        journal_integrate()
        current = tree_size()
    if size < 0 or size > current:
        raise ValidationFailed(
            f"树大小 {size} 无效：当前日志共 {current} 条。", code="JOURNAL_TREE_SIZE_INVALID"
        )
    return size


def _checkpoint_at(size: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(size=size).order_by("-id").first()


def root_at(size: int) -> bytes:
    keys = merkle.frontier_keys(size)
    hashes = stored_hashes(set(keys))
    return merkle.range_hash(0, size, hashes.__getitem__)


def inclusion_proof(*, seq: int, size: int | None = None) -> dict[str, Any]:
    """PATH(seq, D[0:size]) with the leaf and the root; ``size`` defaults to the latest
    checkpoint covering the entry, else the current tree."""
    entry = Entry.objects.filter(seq=seq).first()
    if entry is None and seq >= tree_size() and journal_integrate():
        entry = Entry.objects.filter(seq=seq).first()  # it may just have been sequenced
    if entry is None:
        raise NotFound(f"日志条目 #{seq} 不存在（或尚未排序）。", code="JOURNAL_ENTRY_NOT_FOUND")
    if size is None:
        latest = Checkpoint.objects.order_by("-id").first()
        size = latest.size if latest is not None and latest.size > seq else tree_size()
    _size_ok(size)
    if seq >= size:
        raise ValidationFailed(
            f"日志条目 #{seq} 不在大小为 {size} 的树中。", code="JOURNAL_TREE_SIZE_INVALID"
        )
    ranges = merkle.inclusion_ranges(seq, size)
    hashes = stored_hashes(merkle.keys_for(ranges) | set(merkle.frontier_keys(size)))
    get = hashes.__getitem__
    return {
        "entry": seq,
        "tree_size": size,
        "leaf_hash": entry.leaf_hash,
        "leaf_data": entry_leaf_data(entry).decode(),
        "proof": [merkle.range_hash(a, b, get).hex() for a, b in ranges],
        "root_hash": merkle.range_hash(0, size, get).hex(),
        "checkpoint": _checkpoint_at(size),
    }


def consistency_proof(*, first: int, second: int | None = None) -> dict[str, Any]:
    """PROOF(first, D[0:second]); ``second`` defaults to the latest checkpoint, else the tree."""
    if second is None:
        latest = Checkpoint.objects.order_by("-id").first()
        second = latest.size if latest is not None else tree_size()
    _size_ok(second)
    if first < 0 or first > second:
        raise ValidationFailed(
            f"树大小 {first} 无效：须在 0 与 {second} 之间。", code="JOURNAL_TREE_SIZE_INVALID"
        )
    ranges = merkle.consistency_ranges(first, second)
    keys = merkle.keys_for(ranges) | set(merkle.frontier_keys(first)) | set(merkle.frontier_keys(second))
    get = stored_hashes(keys).__getitem__
    return {
        "first": first,
        "second": second,
        "first_root": merkle.range_hash(0, first, get).hex(),
        "second_root": merkle.range_hash(0, second, get).hex(),
        "proof": [merkle.range_hash(a, b, get).hex() for a, b in ranges],
        "first_checkpoint": _checkpoint_at(first),
        "second_checkpoint": _checkpoint_at(second),
    }
