"""Merkle tree arithmetic of RFC 6962 §2.1 / RFC 9162 §2.1 — pure functions, no database.

Hashes: leaf = SHA-256(0x00 || data), interior node = SHA-256(0x01 || left || right).
The tree over ``n`` leaves has the shape of RFC 6962 MTH: split at ``k``, the largest
power of two smaller than ``n``.

Storage addressing. A *complete subtree* ``(level, index)`` covers leaves
``[index * 2**level, (index + 1) * 2**level)``. Level 0 is a leaf (its hash lives on the
entry row); every complete subtree of level ≥ 1 is stored once, in the order the
sequencer completes it (post-order). That order is dense: the node completed as the
``c``-th leaf arrives gets position ``node_pos(level, index)`` below, so the node table has
exactly ``n - popcount(n)`` rows ``0 .. n - popcount(n) - 1`` for a tree of ``n`` leaves, and
``journal_verify`` can compare the stored nodes with the recomputed ones in one merge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

Key = tuple[int, int]  # (level, index) of a complete subtree


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def largest_power_of_two_below(n: int) -> int:
    """k with k < n <= 2k (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def node_pos(level: int, index: int) -> int:
    """Dense post-order position of the stored complete subtree (level >= 1)."""
    c = (index + 1) << level  # leaf count at which the subtree completes
    trailing = (c & -c).bit_length() - 1
    return c - c.bit_count() - (trailing - level) - 1


def stored_node_count(size: int) -> int:
    return size - size.bit_count()


def is_complete(start: int, end: int) -> bool:
    width = end - start
    return width > 0 and width & (width - 1) == 0 and start % width == 0


def key_of(start: int, end: int) -> Key:
    width = end - start
    level = width.bit_length() - 1
    return level, start >> level


# --- which stored hashes a computation needs -------------------------------------------


def range_keys(start: int, end: int) -> list[Key]:
    """Complete subtrees whose hashes give MTH(D[start:end]) (RFC split, left to right)."""
    if is_complete(start, end):
        return [key_of(start, end)]
    k = largest_power_of_two_below(end - start)
    return range_keys(start, start + k) + range_keys(start + k, end)


def range_hash(start: int, end: int, get: Callable[[Key], bytes]) -> bytes:
    """MTH(D[start:end]) from stored complete subtrees (``get((level, index))``)."""
    if start == end:
        return EMPTY_ROOT
    if is_complete(start, end):
        return get(key_of(start, end))
    k = largest_power_of_two_below(end - start)
    return node_hash(range_hash(start, start + k, get), range_hash(start + k, end, get))


def inclusion_ranges(m: int, n: int) -> list[tuple[int, int]]:
    """Leaf ranges of the audit path PATH(m, D[0:n]) (RFC 6962 §2.1.1), bottom first."""
    out: list[tuple[int, int]] = []

    def walk(m: int, start: int, end: int) -> None:
        if end - start <= 1:
            return
        k = largest_power_of_two_below(end - start)
        if m < k:
            walk(m, start, start + k)
            out.append((start + k, end))
        else:
            walk(m - k, start + k, end)
            out.append((start, start + k))

    walk(m, 0, n)
    return out


def consistency_ranges(m: int, n: int) -> list[tuple[int, int]]:
    """Leaf ranges of PROOF(m, D[0:n]) (RFC 6962 §2.1.2), for 0 < m <= n."""
    out: list[tuple[int, int]] = []

    def subproof(m: int, start: int, end: int, whole: bool) -> None:
        if m == end - start:
            if not whole:
                out.append((start, end))
            return
        k = largest_power_of_two_below(end - start)
        if m <= k:
            subproof(m, start, start + k, whole)
            out.append((start + k, end))
        else:
            subproof(m - k, start + k, end, False)
            out.append((start, start + k))

    if 0 < m < n:
        subproof(m, 0, n, True)
    return out


def keys_for(ranges: Iterable[tuple[int, int]]) -> set[Key]:
    needed: set[Key] = set()
    for start, end in ranges:
        needed.update(range_keys(start, end))
    return needed


# --- building (the sequencer and the verifier) -------------------------------------------


class Frontier:
    """The right edge of a growing tree: one hash per set bit of its size.

    ``push`` adds a leaf hash and yields each complete subtree it closes, as
    ``(level, index, hash)``, in post-order (the storage order). A ``None`` hash stands
    for an unknown leaf (a deleted entry); every subtree above it is then ``None`` too.
    """

    def __init__(self, size: int = 0, hashes: list[bytes | None] | None = None) -> None:
        self.size = size
        # (level, hash) from left (highest level) to right
        levels = [bit for bit in range(size.bit_length() - 1, -1, -1) if size >> bit & 1]
        self.stack: list[tuple[int, bytes | None]] = list(zip(levels, hashes or [], strict=True))

    def push(self, leaf: bytes | None) -> Iterator[tuple[int, int, bytes | None]]:
        self.stack.append((0, leaf))
        self.size += 1
        while len(self.stack) >= 2 and self.stack[-1][0] == self.stack[-2][0]:
            level, right = self.stack.pop()
            _, left = self.stack.pop()
            merged = node_hash(left, right) if left is not None and right is not None else None
            self.stack.append((level + 1, merged))
            yield level + 1, (self.size >> (level + 1)) - 1, merged

    def root(self) -> bytes | None:
        if not self.stack:
            return EMPTY_ROOT
        acc = self.stack[-1][1]
        for _, h in reversed(self.stack[:-1]):
            if h is None or acc is None:
                return None
            acc = node_hash(h, acc)
        return acc


def frontier_keys(size: int) -> list[Key]:
    """The complete subtrees making up a tree of ``size`` leaves, left to right."""
    keys: list[Key] = []
    start = 0
    for bit in range(size.bit_length() - 1, -1, -1):
        if size >> bit & 1:
            keys.append((bit, start >> bit))
            start += 1 << bit
    return keys


# --- checking (what a client does; docs/verify_checkpoint.py repeats these) -------------


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: first_root is the first node
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
