"""Verifiable by anyone: what a public page shows, bound to the journal.

A published record's public text is committed in its journal entry: the entry's note carries
``public-sha256:<hex>``, the SHA-256 of the record's public document (``public_document``: the
canonical JSON of what the page shows — never the unmasked original). The entry's leaf is in the
Merkle log; its inclusion proof against the latest signed checkpoint, the agency's public key and
the standalone verifier (docs/verify_checkpoint.py, ``record`` mode) let anyone check offline that
the page is what the agency recorded and has not been altered since.

A credential's page binds its row directly: the row has nothing private, so the journal snapshot
itself is the public document, and its digest is the entry's after-digest.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lawtrail.core.journal.api import InclusionOutput
from lawtrail.core.journal.models import Checkpoint, Entry
from lawtrail.core.journal.selectors import inclusion_proof
from lawtrail.core.journal.services import canonical_digest, journal_snapshot

from .models import FIELDS, Record

NOTE_PREFIX = "public-sha256:"


def public_document(record: Record) -> dict[str, Any]:
    """What the public page of ``record`` shows, as one canonical JSON object."""
    c = record.content or {}
    return {
        "id": record.pk,
        "decision_number": record.decision_number,
        "agency": record.agency.name,
        "domain": record.domain.name,
        "kind": record.get_kind_display(),
        "credit_code": record.credit_code,
        **{k: str(c.get(k, "")) for k in FIELDS},
        "decided_on": record.decided_on.isoformat(),
        "published_on": record.published_on.isoformat() if record.published_on else "",
        "status": record.status,
        "withdrawn_on": record.withdrawn_on.isoformat() if record.withdrawn_on else "",
        "explanation": record.explanation,
    }


def canonical_bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def public_note(record: Record) -> str:
    return NOTE_PREFIX + hashlib.sha256(canonical_bytes(public_document(record))).hexdigest()


def _latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-id").first()


def _bundle(entry: Entry | None) -> dict[str, Any] | None:
    """The entry's inclusion proof against the latest signed checkpoint (None until a checkpoint
    covers the entry: checkpoints are signed every 10 minutes)."""
    if entry is None or entry.seq is None:
        return None
    cp = _latest_checkpoint()
    if cp is None or cp.size <= entry.seq:
        return {"entry": entry.seq, "pending": True}
    proof = dict(InclusionOutput(inclusion_proof(seq=entry.seq, size=cp.size)).data)
    proof["checkpoint"] = dict(proof["checkpoint"]) if proof.get("checkpoint") else None
    return proof


def record_entry(record: Record) -> Entry | None:
    """The entry that committed what the page shows now (publication, correction, withdrawal)."""
    return (
        Entry.objects.filter(
            subject_type="disclosure.record", subject_id=str(record.pk), note__startswith=NOTE_PREFIX
        )
        .order_by("-id")
        .first()
    )


def record_proof(record: Record) -> dict[str, Any] | None:
    entry = record_entry(record)
    bundle = _bundle(entry)
    if bundle is None:
        return None
    bundle["document"] = public_document(record)
    bundle["action"] = entry.action
    bundle["at"] = entry.at.isoformat()
    return bundle


def credential_proof(cred: Any) -> dict[str, Any] | None:
    entry = (
        Entry.objects.filter(subject_type="registry.credential", subject_id=str(cred.pk))
        .order_by("-id")
        .first()
    )
    bundle = _bundle(entry)
    if bundle is None:
        return None
    snapshot = journal_snapshot(cred)
    bundle["document"] = snapshot
    bundle["document_digest"] = canonical_digest(snapshot)
    bundle["digest_matches"] = bundle["document_digest"] == entry.after_digest
    bundle["action"] = entry.action
    bundle["at"] = entry.at.isoformat()
    return bundle
