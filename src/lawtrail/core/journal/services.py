"""Writes to the journal.

Other apps call only ``journal_append`` (inside their own ``transaction.atomic()``) and
``journal_snapshot`` (before changing a row). The rest is the log's own machinery:

- ``journal_append`` inserts one row with its leaf hash and *no* index — as cheap as a
  plain insert, and it never waits on another transaction.
- ``journal_integrate`` (the sequencer) takes the lock on the ``TreeState`` singleton,
  gives the committed, unsequenced rows dense ``seq`` numbers in id order and stores the
  hashes of the complete subtrees they close. A rolled-back append never got a ``seq``,
  so the leaf indexes have no gaps; a transaction that commits late is simply sequenced
  in a later run.
- ``journal_checkpoint`` integrates, then signs the tree head (Ed25519, C2SP checkpoint text).

Checkpoints themselves are not journaled: they are the log's own output, stored in their
own table and checked by ``journal_verify``.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from lawtrail.core.errors import PermissionDenied
from lawtrail.core.permissions import Perm

from . import merkle
from .models import Checkpoint, Entry, Node, TreeState
from .signing import checkpoint_body, entry_mac, journal_key, mac_key
from .witness import witness_append

LEAF_FORMAT_VERSION = 1

# --- canonical encodings ---------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


#: Columns that third-party code rewrites as a matter of course (a TOTP device's last
#: time step and drift on every code, its throttling counters): left out of the snapshot.
#: The user's password hash and last login are *not* here: they change only through
#: ``lawtrail.core.accounts`` (logins, password changes), which journals the user's state,
#: so a hash or login time written behind the application's back is named by ``verify``.
VOLATILE_FIELDS: dict[str, frozenset[str]] = {
    "otp_totp.totpdevice": frozenset(
        {"last_t", "drift", "throttling_failure_timestamp", "throttling_failure_count", "last_used_at"}
    ),
    "otp_static.staticdevice": frozenset(
        {"throttling_failure_timestamp", "throttling_failure_count", "last_used_at"}
    ),
}


def journal_derived(model: type[models.Model], fields: frozenset[str]) -> None:
    """Leave ``fields`` of ``model`` out of its snapshots: columns derived from other journaled
    rows and rewritten by a bulk UPDATE (``Case.next_due``, from the deadlines), so a copy kept
    for speed is not read as a change behind the application's back. Called in ``ready()``."""
    label = model._meta.label_lower
    VOLATILE_FIELDS[label] = VOLATILE_FIELDS.get(label, frozenset()) | frozenset(fields)
    _PLANS.clear()


def _volatile_fields(instance: models.Model) -> frozenset[str]:
    return VOLATILE_FIELDS.get(instance._meta.label_lower, frozenset())


def journal_snapshot(instance: models.Model) -> dict[str, Any]:
    """The canonical state of a row: every concrete column by its attribute name.

    Values go through the field's ``to_python`` first, so the snapshot of an instance the
    service just saved (``"1.50"`` assigned to a DecimalField) equals the snapshot of the
    same row loaded back from the database — which is what ``journal_verify`` compares.
    """
    state: dict[str, Any] = {}
    # the model from its _meta, not type(): an instance may come wrapped (request.user is lazy)
    for attname, f, plain_type in _snapshot_plan(instance._meta.model):
        value = getattr(instance, attname)
        if value is None or type(value) is plain_type:
            # None, or a value the field's own to_python and _plain return unchanged (a str in a
            # plain text column, an int in an integer or key column, a bool in a boolean one)
            state[attname] = value
            continue
        try:
            value = f.to_python(value)
        except Exception:  # a value the field cannot parse is kept as given
            pass
        state[attname] = _plain(value)
    return state


#: model → its snapshot plan: (attname, field, the value type its to_python and _plain keep as it is)
_PLANS: dict[type, list[tuple[str, models.Field, type | None]]] = {}
#: field classes whose ``to_python`` returns a value of this type unchanged (not overridden below them)
_KEEPS = ((models.CharField, str), (models.TextField, str), (models.BooleanField, bool))


def _keeps(f: models.Field) -> type | None:
    for cls, kind in _KEEPS:
        if isinstance(f, cls) and type(f).to_python is cls.to_python:
            return kind
    if isinstance(f, models.IntegerField | models.AutoField) and type(f).to_python in (
        models.IntegerField.to_python,
        models.AutoField.to_python,
    ):
        return int
    if isinstance(f, models.ForeignKey) and type(f).to_python is models.ForeignKey.to_python:
        return _keeps(f.target_field)
    return None


def _snapshot_plan(model: type) -> list[tuple[str, models.Field, type | None]]:
    plan = _PLANS.get(model)
    if plan is None:
        volatile = VOLATILE_FIELDS.get(model._meta.label_lower, frozenset())
        plan = [(f.attname, f, _keeps(f)) for f in model._meta.concrete_fields if f.attname not in volatile]
        _PLANS[model] = plan
    return plan


def canonical_digest(state: dict[str, Any] | None) -> str:
    """SHA-256 (hex) of the canonical JSON of a snapshot; "" for "no row"."""
    if state is None:
        return ""
    blob = json.dumps(state, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def subject_type_of(instance: models.Model) -> str:
    return instance._meta.label_lower


def at_text(value: dt.datetime | str) -> str:
    if isinstance(value, str):  # SQLite through a raw cursor
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def leaf_data(
    at: dt.datetime | str,
    actor_id: int | None,
    actor_label: str,
    action: str,
    subject_type: str,
    subject_id: str,
    before_digest: str,
    after_digest: str,
    note: str,
) -> bytes:
    """The canonical encoding of an entry (what the leaf hash covers), version 1:

    UTF-8 JSON array, no spaces, non-ASCII kept as is:
    ``[1, at (UTC, µs, "Z"), actor id | null, actor label, action, subject type,
    subject id, before digest, after digest, note]``. ``seq`` and the row id are not in it:
    the leaf's position in the tree is its seq.
    """
    return json.dumps(
        [
            LEAF_FORMAT_VERSION,
            at_text(at),
            actor_id,
            actor_label,
            action,
            subject_type,
            subject_id,
            before_digest,
            after_digest,
            note,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def entry_leaf_data(entry: Entry) -> bytes:
    return leaf_data(
        entry.at,
        entry.actor_id,
        entry.actor_label,
        entry.action,
        entry.subject_type,
        entry.subject_id,
        entry.before_digest,
        entry.after_digest,
        entry.note,
    )


# --- append ------------------------------------------------------------------------------

#: the entries of the step being taken, while ``journal_batch`` is active
_BATCH: ContextVar[list[Entry] | None] = ContextVar("journal_batch", default=None)
_FLUSH_ROWS = 500  # entries per INSERT when a batch is written (bounds the statement's parameters)


@contextmanager
def journal_batch() -> Iterator[None]:
    """Within one step of the case flow (inside its ``transaction.atomic``): every entry appended
    is computed when it is appended — the row's state digested then — and all of them are
    inserted in order, in one statement, when the block ends without an error (still inside the
    transaction, before it commits). A step appends 3–6 entries; one round trip instead of one
    per entry. Until then the entries have no id: nothing in a step reads the journal back (its
    readers — verification, proofs, the archive — run after commit). An error discards them with
    the transaction. Nested uses share the outer batch."""
    if _BATCH.get() is not None:
        yield
        return
    pending: list[Entry] = []
    token = _BATCH.set(pending)
    try:
        yield
    finally:
        _BATCH.reset(token)
    for i in range(0, len(pending), _FLUSH_ROWS):
        _insert_entries(pending[i : i + _FLUSH_ROWS])


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
    ``deleted`` marks that the row is gone after this write. Call it after saving the
    row, so the after-state digest is the row as stored.
    """
    after = None if deleted else journal_snapshot(subject)
    return _append(
        actor=actor,
        action=action,
        subject_type=subject_type_of(subject),
        subject_id=str(subject.pk),
        before_digest=canonical_digest(before),
        after_digest=canonical_digest(after),
        note=note,
    )


def journal_append_all(writes: list[tuple[Any, str, models.Model, dict[str, Any] | None]]) -> list[Entry]:
    """``journal_append`` for several writes of one step — ``(actor, action, subject, before)``
    each, in order — inserted in one statement (one round trip instead of one per entry). Same
    contract: inside the caller's transaction, after the rows are saved."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal_append must be called inside transaction.atomic()")
    entries = _entries_for(writes)
    _insert_entries(entries)
    return entries


def _entries_for(
    writes: list[tuple[Any, str, models.Model, dict[str, Any] | None]],
    afters: dict[int, dict[str, Any]] | None = None,
) -> list[Entry]:
    key = mac_key()
    entries = []
    for i, (actor, action, subject, before) in enumerate(writes):
        after = afters.get(i) if afters else None
        entry = Entry(
            at=timezone.now(),
            actor_id=actor.pk if getattr(actor, "pk", None) else None,
            actor_label=(str(actor) if actor is not None else "system")[:150],
            action=action,
            subject_type=subject_type_of(subject),
            subject_id=str(subject.pk),
            before_digest=canonical_digest(before),
            after_digest=canonical_digest(journal_snapshot(subject) if after is None else after),
            note="",
        )
        data = entry_leaf_data(entry)
        entry.leaf_hash = merkle.leaf_hash(data).hex()
        entry.mac = entry_mac(data, key)  # every entry carries its code, as _append's do
        entries.append(entry)
    return entries


def journal_batch_insert(
    writes: list[tuple[Any, str, models.Model, dict[str, Any] | None]],
    afters: dict[int, dict[str, Any]] | None = None,
) -> tuple[list[Entry], str, list[Any]]:
    """For a step that writes its last rows and its journal in one statement (the case flow on
    PostgreSQL: the event, its outbox rows and the entries as one ``WITH`` statement — one round
    trip instead of three). Inside ``journal_batch`` only: ``writes`` are computed as
    ``journal_append_all`` computes them; returns the step's entries — the batch's pending ones,
    then those of ``writes``, in order — and ``INSERT … RETURNING id`` with its parameters, for
    the caller to run in its statement and then hand the ids to ``journal_batch_inserted``. The
    batch is left empty (what the step appends afterwards is inserted when it ends, as before).
    ``afters``: by the index of a write in ``writes``, ``journal_snapshot`` of its subject as
    saved, where the caller has just taken it (the step's case, snapshotted to find the columns
    it changed) — not taken again."""
    pending = _BATCH.get()
    if pending is None or not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal_batch_insert must be called inside journal_batch()")
    entries = pending + _entries_for(writes, afters)
    pending.clear()
    if len(entries) > _FLUSH_ROWS:  # a step that wrote hundreds of rows: the head as usual
        head, entries = entries[:-_FLUSH_ROWS], entries[-_FLUSH_ROWS:]
        for i in range(0, len(head), _FLUSH_ROWS):
            _write_entries(head[i : i + _FLUSH_ROWS])
    sql, params = _entries_sql(entries)
    return entries, sql, params


def journal_batch_inserted(entries: list[Entry], ids: list[int]) -> None:
    """The ids ``journal_batch_insert``'s statement returned, given to its entries in order."""
    _assigned(entries, sorted(ids))


def journal_state(*, actor: Any, action: str, subject: models.Model, note: str = "") -> Entry | None:
    """Append ``subject``'s current state when it differs from its latest journaled state.

    For rows that change through a framework rather than a service of ours (a login
    sets ``last_login``; a login may re-hash the password): the before digest is the
    latest entry's after digest, so the chain of states stays unbroken.
    """
    stype, sid = subject_type_of(subject), str(subject.pk)
    latest = (
        Entry.objects.filter(subject_type=stype, subject_id=sid)
        .order_by("-id")
        .values_list("after_digest", flat=True)
        .first()
    )
    after = canonical_digest(journal_snapshot(subject))
    if latest == after:
        return None
    return _append(
        actor=actor,
        action=action,
        subject_type=stype,
        subject_id=sid,
        before_digest=latest or "",
        after_digest=after,
        note=note,
    )


def _append(
    *,
    actor: Any,
    action: str,
    subject_type: str,
    subject_id: str,
    before_digest: str,
    after_digest: str,
    note: str,
) -> Entry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal_append must be called inside transaction.atomic()")
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    entry = Entry(
        at=timezone.now(),
        actor_id=actor_id,
        actor_label=(str(actor) if actor is not None else "system")[:150],
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before_digest=before_digest,
        after_digest=after_digest,
        note=note[:200],
    )
    data = entry_leaf_data(entry)
    entry.leaf_hash = merkle.leaf_hash(data).hex()
    entry.mac = entry_mac(data)
    _insert_entry(entry)
    return entry


def journal_append_many(
    *,
    actor: Any,
    action: str,
    subjects: list[models.Model],
    befores: list[dict[str, Any] | None] | None = None,
    deleted: bool = False,
    note: str = "",
) -> int:
    """``journal_append`` for many rows written together (a year of calendar days, a benchmark's
    tiers): one entry per row, inserted in one statement. Same contract: inside the caller's
    transaction, after the rows are saved (or, ``deleted``, after they are gone)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal_append_many must be called inside transaction.atomic()")
    if not subjects:
        return 0
    at = timezone.now()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    label = (str(actor) if actor is not None else "system")[:150]
    befores = befores or [None] * len(subjects)
    key = mac_key()
    entries = []
    for subject, before in zip(subjects, befores, strict=True):
        entry = Entry(
            at=at,
            actor_id=actor_id,
            actor_label=label,
            action=action,
            subject_type=subject_type_of(subject),
            subject_id=str(subject.pk),
            before_digest=canonical_digest(before),
            after_digest="" if deleted else canonical_digest(journal_snapshot(subject)),
            note=note[:200],
        )
        data = entry_leaf_data(entry)
        entry.leaf_hash = merkle.leaf_hash(data).hex()
        entry.mac = entry_mac(data, key)
        entries.append(entry)
    pending = _BATCH.get()
    if pending is not None:
        pending.extend(entries)
    else:
        Entry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


_APPEND_COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "subject_type",
    "subject_id",
    "before_digest",
    "after_digest",
    "note",
    "leaf_hash",
    "mac",
)


def _insert_entry(entry: Entry) -> None:
    """One plain INSERT (the ORM's save() machinery costs more than the insert itself here); inside
    ``journal_batch``, queued for the batch's one INSERT."""
    pending = _BATCH.get()
    if pending is not None:
        pending.append(entry)
        return
    conn = transaction.get_connection()
    sql = (
        f"INSERT INTO {Entry._meta.db_table} ({', '.join(_APPEND_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(_APPEND_COLUMNS))})"
    )
    params = [getattr(entry, c) for c in _APPEND_COLUMNS]
    params[0] = conn.ops.adapt_datetimefield_value(entry.at)
    returning = conn.features.can_return_columns_from_insert
    with conn.cursor() as cursor:
        cursor.execute(sql + (" RETURNING id" if returning else ""), params)
        entry.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    entry._state.adding = False
    entry._state.db = conn.alias


def _insert_entries(entries: list[Entry]) -> None:
    """Several entries in one INSERT, their ids in order (RETURNING; else one INSERT each); inside
    ``journal_batch``, queued for the batch's one INSERT."""
    pending = _BATCH.get()
    if pending is not None:
        pending.extend(entries)
        return
    _write_entries(entries)


def _write_entries(entries: list[Entry]) -> None:
    conn = transaction.get_connection()
    if len(entries) == 1 or not conn.features.can_return_rows_from_bulk_insert:
        for entry in entries:
            _insert_entry(entry)
        return
    sql, params = _entries_sql(entries)
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        ids = sorted(r[0] for r in cursor.fetchall())
    _assigned(entries, ids)


def _entries_sql(entries: list[Entry]) -> tuple[str, list[Any]]:
    """One ``INSERT … RETURNING id`` of ``entries``, with its parameters."""
    conn = transaction.get_connection()
    row = f"({', '.join(['%s'] * len(_APPEND_COLUMNS))})"
    sql = (
        f"INSERT INTO {Entry._meta.db_table} ({', '.join(_APPEND_COLUMNS)}) "
        f"VALUES {', '.join([row] * len(entries))} RETURNING id"
    )
    params: list[Any] = []
    for entry in entries:
        values = [getattr(entry, c) for c in _APPEND_COLUMNS]
        values[0] = conn.ops.adapt_datetimefield_value(entry.at)
        params += values
    return sql, params


def _assigned(entries: list[Entry], ids: list[int]) -> None:
    alias = transaction.get_connection().alias
    for entry, pk in zip(entries, ids, strict=True):
        entry.pk = pk
        entry._state.adding = False
        entry._state.db = alias


# --- the sequencer -----------------------------------------------------------------------


def _lock_state() -> TreeState:
    """Lock the singleton (must be inside atomic). SQLite is serialised by its write lock."""
    if not TreeState.objects.filter(pk=1).exists():
        try:
            with transaction.atomic():
                TreeState.objects.create(pk=1)
        except IntegrityError:  # another sequencer created it first
            pass
    return TreeState.objects.select_for_update().get(pk=1)


def journal_hold() -> TreeState:
    """Lock the tree until the caller's transaction ends: no entry is sequenced and no
    checkpoint signed meanwhile (appends go on). ``lawtrail backup`` holds it while it copies
    the database and the witness, so both show the same checkpoints."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal_hold must be called inside transaction.atomic()")
    return _lock_state()


def stored_hashes(keys: set[merkle.Key]) -> dict[merkle.Key, bytes]:
    """Hashes of complete subtrees: level 0 from the entry rows, the rest from the node table."""
    out: dict[merkle.Key, bytes] = {}
    leaf_seqs = [index for level, index in keys if level == 0]
    if leaf_seqs:
        for seq, h in Entry.objects.filter(seq__in=leaf_seqs).values_list("seq", "leaf_hash"):
            out[(0, seq)] = bytes.fromhex(h)
    by_pos = {merkle.node_pos(level, index): (level, index) for level, index in keys if level > 0}
    if by_pos:
        for pos, h in Node.objects.filter(pos__in=list(by_pos)).values_list("pos", "hash"):
            out[by_pos[pos]] = bytes(h)
    return out


def _assign_seq(ids: list[int], start: int) -> None:
    seqs = list(range(start, start + len(ids)))
    table = Entry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS e SET seq = v.seq "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, seq) WHERE e.id = v.id",
                [ids, seqs],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET seq = %s WHERE id = %s", list(zip(seqs, ids, strict=True))
            )


def _insert_nodes(positions: list[int], hashes: list[bytes]) -> None:
    if not positions:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Node._meta.db_table} (pos, hash) SELECT * FROM unnest(%s::bigint[], %s::bytea[])",
                [positions, hashes],
            )
    else:
        Node.objects.bulk_create(
            [Node(pos=p, hash=h) for p, h in zip(positions, hashes, strict=True)], batch_size=5000
        )


def journal_integrate(*, batch_size: int = 10_000) -> int:
    """Sequence every committed entry that has no ``seq`` yet; returns how many were added."""
    added = 0
    while True:
        with transaction.atomic():
            state = _lock_state()
            rows = list(
                Entry.objects.filter(seq__isnull=True)
                .order_by("id")
                .values_list("id", "leaf_hash")[:batch_size]
            )
            if not rows:
                break
            keys = merkle.frontier_keys(state.size)
            have = stored_hashes(set(keys))
            frontier = merkle.Frontier(state.size, [have[k] for k in keys])
            positions: list[int] = []
            hashes: list[bytes] = []
            for _id, h in rows:
                for level, index, node in frontier.push(bytes.fromhex(h)):
                    positions.append(merkle.node_pos(level, index))
                    hashes.append(node)
            _assign_seq([r[0] for r in rows], state.size)
            _insert_nodes(positions, hashes)
            state.size = frontier.size
            state.root_hash = frontier.root().hex()
            state.save(update_fields=["size", "root_hash", "updated_at"])
        added += len(rows)
        if len(rows) < batch_size:
            break
    return added


# --- checkpoints -------------------------------------------------------------------------


def journal_checkpoint(*, actor: Any = None, only_if_grown: bool = False) -> Checkpoint:
    """Integrate, then sign and store a checkpoint of the current tree.

    ``actor`` None means the system (beat task, CLI); a person needs ``Perm.JOURNAL_CHECKPOINT``.
    With ``only_if_grown`` (the periodic task) no new checkpoint is made while the tree
    has not grown since the latest one; that one is returned.
    """
    from .selectors import journal_has_perm  # noqa: PLC0415 — cycle: selectors import services

    if actor is not None and not journal_has_perm(actor, Perm.JOURNAL_CHECKPOINT):
        raise PermissionDenied("您没有签署日志检查点的权限。", code="JOURNAL_CHECKPOINT_FORBIDDEN")
    journal_integrate()
    key = journal_key()
    with transaction.atomic():
        state = _lock_state()
        latest = Checkpoint.objects.order_by("-id").first()
        if only_if_grown and latest is not None and latest.size == state.size:
            return latest
        now = timezone.now()
        body = checkpoint_body(key.origin, state.size, bytes.fromhex(state.root_hash), now)
        checkpoint = Checkpoint.objects.create(
            size=state.size,
            root_hash=state.root_hash,
            created_at=now,
            origin=key.origin,
            text=body,
            key_id=key.key_id.hex(),
            signature=base64.b64encode(key.sign(body)).decode(),
        )
        # in the transaction, under the tree lock: no checkpoint is stored without its witness
        witness_append(checkpoint)
        return checkpoint


def journal_verify(**kwargs: Any):  # noqa: ANN201 - re-exported, see verification.py
    """Recompute the whole log; see ``verification.journal_verify``."""
    from .verification import journal_verify as _verify  # noqa: PLC0415 — cycle: verification imports services

    return _verify(**kwargs)
