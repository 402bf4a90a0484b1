#!/usr/bin/env python3
"""Check the LawTrail journal without trusting the server (Python 3.11+ and `cryptography` only).

    verify_checkpoint.py checkpoint  KEY.json CHECKPOINT.json
    verify_checkpoint.py inclusion   KEY.json PROOF.json
    verify_checkpoint.py consistency KEY.json PROOF.json
    verify_checkpoint.py document    KEY.json PAGE-PROOF.json

KEY.json        GET /api/v1/journal/public-key (get it once, by a channel you trust)
CHECKPOINT.json GET /api/v1/journal/checkpoints/latest
PROOF.json      GET /api/v1/journal/proofs/inclusion?entry=N[&size=M]
                GET /api/v1/journal/proofs/consistency?first=A[&second=B]
PAGE-PROOF.json the 下载验证材料 link of a public page: a published decision
                (/disclosure/<id>/proof.json) or a credential (…/proof.json): the
                inclusion proof plus the document the page shows. The entry commits
                to the document: its note is "public-sha256:" + SHA-256 of the
                document's canonical JSON (a decision), or its after-digest is (a
                credential, whose row holds nothing private).

A proof is checked against the signed checkpoint it carries (its signature is checked
too); a proof for a size with no checkpoint is only checked against its own root.
Prints OK and exits 0, or prints what failed and exits 1.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def node(a: bytes, b: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + a + b).digest()


def check_checkpoint(key: dict, cp: dict) -> bytes:
    """Verify the signature over the checkpoint text; return the root it signs."""
    public = base64.b64decode(key["public_key"])
    key_id = hashlib.sha256(key["origin"].encode() + b"\n\x01" + public).digest()[:4]
    if cp["key_id"] != key_id.hex():
        raise SystemExit("FAIL: checkpoint signed by another key")
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(
            base64.b64decode(cp["signature"]), cp["text"].encode()
        )
    except InvalidSignature:
        raise SystemExit("FAIL: checkpoint signature is invalid") from None
    origin, size, root_b64, *_ = cp["text"].split("\n")
    if origin != key["origin"] or int(size) != cp["size"]:
        raise SystemExit("FAIL: checkpoint text does not match its fields")
    root = base64.b64decode(root_b64)
    if root.hex() != cp["root_hash"]:
        raise SystemExit("FAIL: checkpoint root does not match its text")
    return root


def inclusion_ok(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def consistency_ok(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if first == second:
        return not proof and first_root == second_root
    if first == 0 or first > second:
        return first == 0 and not proof
    if first & (first - 1) == 0:
        proof = [first_root, *proof]
    if not proof:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


def signed_root(key: dict, cp: dict | None, size: int, claimed: str) -> bytes:
    if cp is not None:
        if cp["size"] != size:
            raise SystemExit("FAIL: proof and checkpoint are for different sizes")
        root = check_checkpoint(key, cp)
        if root.hex() != claimed:
            raise SystemExit("FAIL: proof root differs from the signed checkpoint")
        return root
    print(f"note: no signed checkpoint at size {size}; checking against the proof's own root")
    return bytes.fromhex(claimed)


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[1] not in {"checkpoint", "inclusion", "consistency", "document"}:
        print(__doc__)
        return 2
    kind, key, doc = argv[1], json.load(open(argv[2])), json.load(open(argv[3]))
    if kind == "checkpoint":
        check_checkpoint(key, doc)
        print(f"OK: checkpoint size {doc['size']} signed by {key['origin']}")
        return 0
    if kind == "document":
        digest = hashlib.sha256(
            json.dumps(doc["document"], ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        fields = json.loads(doc["leaf_data"])
        if fields[9] != "public-sha256:" + digest and fields[8] != digest:
            raise SystemExit("FAIL: the journal entry does not commit to this document (it was altered)")
    if kind in ("inclusion", "document"):
        leaf = hashlib.sha256(b"\x00" + doc["leaf_data"].encode()).digest()
        if leaf.hex() != doc["leaf_hash"]:
            raise SystemExit("FAIL: leaf_hash is not the hash of leaf_data")
        root = signed_root(key, doc.get("checkpoint"), doc["tree_size"], doc["root_hash"])
        proof = [bytes.fromhex(p) for p in doc["proof"]]
        if not inclusion_ok(leaf, doc["entry"], doc["tree_size"], proof, root):
            raise SystemExit("FAIL: inclusion proof does not lead to the root")
        if kind == "document":
            print(f"OK: the document is what entry #{doc['entry']} recorded ({fields[4]}, {fields[1]})")
        print(f"OK: entry #{doc['entry']} is in the tree of size {doc['tree_size']}")
        return 0
    first_root = signed_root(key, doc.get("first_checkpoint"), doc["first"], doc["first_root"])
    second_root = signed_root(key, doc.get("second_checkpoint"), doc["second"], doc["second_root"])
    proof = [bytes.fromhex(p) for p in doc["proof"]]
    if not consistency_ok(doc["first"], doc["second"], first_root, second_root, proof):
        raise SystemExit("FAIL: consistency proof does not hold")
    print(f"OK: the tree of size {doc['second']} extends the tree of size {doc['first']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
