"""Writes to the journal. ``journal_append`` must run inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import Entry


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def journal_snapshot(instance: models.Model) -> dict[str, Any]:
    """The canonical state of a row: every concrete column, in column order."""
    return {f.attname: _plain(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def canonical_digest(state: dict[str, Any] | None) -> str:
    if state is None:
        return ""
    blob = json.dumps(state, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()


def subject_type_of(instance: models.Model) -> str:
    return instance._meta.label_lower


def journal_append(
    *,
    actor: Any,
    action: str,
    subject: models.Model,
    before: dict[str, Any] | None = None,
    deleted: bool = False,
    note: str = "",
) -> Entry:
    """Append one entry for a write to ``subject``, in the caller's transaction.

    ``action`` is a tag ``app:noun:verb`` (e.g. ``registry:credential:issue``);
    ``before`` is ``journal_snapshot(subject)`` taken before the change (None on create);
    ``deleted`` marks that the row is gone after this write.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal_append must be called inside transaction.atomic()")
    after = None if deleted else journal_snapshot(subject)
    entry = Entry(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor is not None else "system",
        action=action,
        subject_type=subject_type_of(subject),
        subject_id=str(subject.pk),
        before_digest=canonical_digest(before),
        after_digest=canonical_digest(after),
        note=note[:200],
    )
    entry.leaf_hash = hashlib.sha256(b"\x00" + json.dumps([entry.actor_label, action]).encode()).hexdigest()
    entry.save(force_insert=True)
    return entry
