"""RFC 6962 §2.1 tree heads and proofs against a naive recursive reference written here.

The reference (``mth``, ``path``, ``proof``) follows the RFC's definitions literally and
shares no code with ``lawtrail.core.journal.merkle``.
"""

import hashlib

import pytest

from lawtrail.core.journal import merkle


def h_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def h_node(a: bytes, b: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + a + b).digest()


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return h_leaf(d[0])
    k = split(len(d))
    return h_node(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) <= 1:
        return []
    k = split(len(d))
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = split(n)
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


def proof(m: int, d: list[bytes]) -> list[bytes]:
    return subproof(m, d, True)


LEAVES = [f"leaf-{i}".encode() for i in range(20)]
SIZES = range(1, 21)


def stored(d: list[bytes]):
    """Build the tree with the sequencer's Frontier; return a getter over what it stores."""
    store: dict = {}
    frontier = merkle.Frontier()
    for i, leaf in enumerate(d):
        store[(0, i)] = merkle.leaf_hash(leaf)
        for level, index, node in frontier.push(merkle.leaf_hash(leaf)):
            store[(level, index)] = node
    return store, frontier


def test_rfc6962_known_vector_empty_and_one():
    # RFC 6962 / CT test vectors: the empty tree and the single empty leaf
    assert mth([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert mth([b""]).hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"


@pytest.mark.parametrize("n", SIZES)
def test_rfc6962_tree_head(n):
    d = LEAVES[:n]
    store, frontier = stored(d)
    assert frontier.root() == mth(d)
    assert merkle.range_hash(0, n, store.__getitem__) == mth(d)
    # the node table is dense in post-order: exactly n - popcount(n) positions 0..k-1
    positions = sorted(merkle.node_pos(level, index) for level, index in store if level > 0)
    assert positions == list(range(merkle.stored_node_count(n)))


@pytest.mark.parametrize("n", SIZES)
def test_rfc6962_inclusion_all_leaves(n):
    d = LEAVES[:n]
    store, _ = stored(d)
    root = mth(d)
    for m in range(n):
        got = [merkle.range_hash(a, b, store.__getitem__) for a, b in merkle.inclusion_ranges(m, n)]
        assert got == path(m, d), (m, n)
        assert merkle.verify_inclusion(h_leaf(d[m]), m, n, got, root)
        if got:
            assert not merkle.verify_inclusion(h_leaf(b"other"), m, n, got, root)


@pytest.mark.parametrize("n", SIZES)
def test_rfc6962_consistency_all_pairs(n):
    d = LEAVES[:n]
    store, _ = stored(d)
    for m in range(1, n + 1):
        got = [merkle.range_hash(a, b, store.__getitem__) for a, b in merkle.consistency_ranges(m, n)]
        expected = proof(m, d) if m < n else []
        assert got == expected, (m, n)
        assert merkle.verify_consistency(m, n, mth(d[:m]), mth(d), got)
        if m < n:
            assert not merkle.verify_consistency(m, n, mth(d[: m - 1] + [b"x"]), mth(d), got)


def test_frontier_resumes_from_stored_subtrees():
    store, _ = stored(LEAVES[:13])
    keys = merkle.frontier_keys(13)
    assert keys == [(3, 0), (2, 2), (0, 12)]
    frontier = merkle.Frontier(13, [store[k] for k in keys])
    for leaf in LEAVES[13:20]:
        list(frontier.push(merkle.leaf_hash(leaf)))
    assert frontier.root() == mth(LEAVES[:20])
