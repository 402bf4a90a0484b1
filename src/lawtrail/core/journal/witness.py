"""The witness: every checkpoint is also appended to a file the database cannot rewrite.

The database's checkpoint table is only as trustworthy as whoever can write the database
(and, with the key file on the same host, whoever can read it: they could rebuild the
history and re-sign every checkpoint). The witness is one JSON line per checkpoint,
appended (``O_APPEND``, fsync) inside the checkpoint's transaction, to
``LAWTRAIL_JOURNAL_WITNESS_FILE``. In production that file lives outside var/, on a
filesystem the application's account can only append to (``chattr +a``, or another host's
mount); ``lawtrail verify`` then requires:

- every witnessed checkpoint is still in the database, unchanged (a deleted checkpoint, a
  shrinking history, a re-signed rewrite all break this);
- the log, recomputed, has the witnessed root at every witnessed size;
- every checkpoint in the database was witnessed.

A log that had checkpoints before the witness existed adopts them at its next checkpoint
(the file is created with all of them first).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .models import Checkpoint

FIELDS = ("id", "size", "root_hash", "created_at", "origin", "text", "key_id", "signature")


@dataclass(frozen=True)
class Witnessed:
    id: int
    size: int
    root_hash: str
    created_at: str
    origin: str
    text: str
    key_id: str
    signature: str


def witness_path() -> Path | None:
    path = str(settings.LAWTRAIL_JOURNAL_WITNESS_FILE or "")
    return Path(path) if path else None


def _created_at(cp: Checkpoint) -> str:
    from .services import at_text  # noqa: PLC0415 — cycle: services writes the witness

    return at_text(cp.created_at)


def record_of(cp: Checkpoint) -> Witnessed:
    return Witnessed(
        id=cp.pk,
        size=cp.size,
        root_hash=cp.root_hash,
        created_at=_created_at(cp),
        origin=cp.origin,
        text=cp.text,
        key_id=cp.key_id,
        signature=cp.signature,
    )


def _line(record: Witnessed) -> bytes:
    data = {f: getattr(record, f) for f in FIELDS}
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def witness_append(cp: Checkpoint) -> None:
    """Append ``cp`` (and, on the file's first use, every earlier checkpoint) to the witness.

    Called inside the checkpoint's transaction: if the witness cannot be written, the
    checkpoint is not stored either.
    """
    path = witness_path()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lines: list[bytes] = []
    if not path.exists() or path.stat().st_size == 0:
        lines += [_line(record_of(old)) for old in Checkpoint.objects.filter(pk__lt=cp.pk).order_by("id")]
    lines.append(_line(record_of(cp)))
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, b"".join(lines))
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class WitnessRead:
    path: Path | None
    records: list[Witnessed]
    problems: list[str]


def witness_read() -> WitnessRead:
    """Every record of the witness file; a line that does not parse is named, not skipped."""
    path = witness_path()
    if path is None:
        return WitnessRead(None, [], [])
    records: list[Witnessed] = []
    problems: list[str] = []
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return WitnessRead(path, [], [])
    for number, line in enumerate(raw.splitlines(), start=1):
        try:
            data = json.loads(line)
            records.append(Witnessed(**{f: data[f] for f in FIELDS}))
        except (ValueError, KeyError, TypeError):
            problems.append(f"见证文件第 {number} 行无法读取（被截断或改写）")
    return WitnessRead(path, records, problems)
