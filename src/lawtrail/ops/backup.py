"""``lawtrail backup DIR`` / ``lawtrail restore DIR``: the database, the vault's files and the
journal's witness — everything but the keys.

A backup is a directory::

    manifest.json            format, time, database vendor, journal origin and key id, SHA-256 of every file
    database.dump            PostgreSQL: pg_dump custom format (--no-owner --no-privileges)
    database.sqlite3         SQLite: a consistent copy (SQLite's online backup)
    vault/<key>              every file of the vault storage (local disk or the S3 bucket)
    journal-witness.jsonl    the witnessed checkpoints

While the database is copied the journal's tree is held (``journal_hold``): no checkpoint is
signed between the copy of the witness and the database snapshot, so the two agree; writes
go on. The vault is copied after the database: content-addressed and never overwritten, it
then holds at least every file the copied rows name.

Not in a backup, on purpose: the journal's signing key, the secret key (and with it the
default key of the entries' authentication code), the S3 credentials. Keep them apart
(docs/operations.md): a backup that leaves the building cannot then forge checkpoints.

Restore: the checksums are checked first; the database is replaced (PostgreSQL:
pg_restore --clean into DATABASE_URL; SQLite: the copy written over the database file
through the online backup); vault files missing from the storage are put back (existing
ones are never overwritten); the witness file is written only where there is none — it is
append-only and never rewritten. Then ``lawtrail verify``.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection, transaction
from django.utils import timezone

from lawtrail.core.journal.services import journal_hold
from lawtrail.core.journal.signing import journal_key
from lawtrail.core.journal.witness import witness_path

FORMAT = 1
CHUNK = 1 << 20


class BackupError(RuntimeError):
    pass


@dataclass
class BackupResult:
    directory: Path
    database: str
    vault_files: int
    witness_lines: int


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _pg_args(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _walk(storage: Storage, prefix: str = ""):
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:  # a local vault nothing was ever put into
        return
    for name in sorted(files):
        yield posixpath.join(prefix, name) if prefix else name
    for sub in sorted(dirs):
        yield from _walk(storage, posixpath.join(prefix, sub) if prefix else sub)


def _vault() -> Storage:
    return storages["vault"]


def _copy_database(target: Path) -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_args(settings_dict)
        out = target / "database.dump"
        cmd = [
            "pg_dump",
            "-Fc",
            "--no-owner",
            "--no-privileges",
            *args,
            "-f",
            str(out),
            str(settings_dict["NAME"]),
        ]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_dump 失败：{done.stderr.strip()}")
        return out.name
    if connection.vendor == "sqlite":
        out = target / "database.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(str(out))
        try:  # SQLite's online backup of this very connection's database: a consistent copy
            connection.connection.backup(dest)
        finally:
            dest.close()
        return out.name
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def _copy_witness(directory: Path, newest: int | None) -> int:
    """Copy the witness file (only records of checkpoints up to id ``newest`` when given)."""
    source = witness_path()
    if source is None or not source.exists():
        return 0
    lines = source.read_bytes().splitlines(keepends=True)
    if newest is not None:
        lines = [line for line in lines if _record_id(line) <= newest]
    (directory / "journal-witness.jsonl").write_bytes(b"".join(lines))
    return len(lines)


def _record_id(line: bytes) -> int:
    try:
        return int(json.loads(line)["id"])
    except (ValueError, KeyError, TypeError):
        return 0  # kept: verify names an unreadable line where it stands


def backup(directory: Path) -> BackupResult:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"备份目录 {directory} 不是空的")
    directory.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            journal_hold()  # no checkpoint between the witness copy and pg_dump's snapshot
            witness_lines = _copy_witness(directory, None)
            database = _copy_database(directory)
    else:
        if connection.in_atomic_block:
            raise BackupError("SQLite 的在线备份不能在事务中进行")
        database = _copy_database(directory)  # one consistent snapshot
        # witnessed before commit, so every checkpoint of the copy is in the witness read
        # after it; records of checkpoints committed since are left out
        with sqlite3.connect(str(directory / database)) as copy:
            newest = copy.execute("SELECT coalesce(max(id), 0) FROM journal_checkpoint").fetchone()[0]
        copy.close()
        witness_lines = _copy_witness(directory, newest)
    storage = _vault()
    vault_files = 0
    for name in _walk(storage):
        dest = directory / "vault" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out, CHUNK)
        vault_files += 1
    key = journal_key()
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": connection.vendor, "file": database},
        "journal": {"origin": key.origin, "key_id": key.key_id.hex(), "witness_lines": witness_lines},
        "vault_files": vault_files,
        "sha256": {p.relative_to(directory).as_posix(): _sha256(p) for p in files},
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return BackupResult(directory, database, vault_files, witness_lines)


@dataclass
class RestoreResult:
    database: str
    vault_restored: int
    vault_present: int
    witness: str


def _manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{directory} 不是 LawTrail 备份（manifest.json 无法读取）") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持")
    for name, digest in manifest["sha256"].items():
        path = directory / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"备份文件 {name} 缺失或已损坏（校验和不符）")
    return manifest


def _restore_database(directory: Path, manifest: dict) -> str:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {vendor}，当前数据库是 {connection.vendor}")
    source = directory / manifest["database"]["file"]
    settings_dict = connection.settings_dict
    if vendor == "postgresql":
        if not connection.in_atomic_block:
            connection.close()  # hold no lock on the tables pg_restore drops
        args, env = _pg_args(settings_dict)
        cmd = [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            "-d",
            str(settings_dict["NAME"]),
            str(source),
        ]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_restore 失败：{done.stderr.strip()}")
        return str(settings_dict["NAME"])
    if connection.in_atomic_block:
        raise BackupError("SQLite 的恢复不能在事务中进行")
    connection.ensure_connection()
    src = sqlite3.connect(str(source))
    try:  # page by page over the live database, in one step
        src.backup(connection.connection)
    finally:
        src.close()
    return str(settings_dict["NAME"])


def _restore_witness(directory: Path) -> str:
    source = directory / "journal-witness.jsonl"
    target = witness_path()
    if not source.exists():
        return "备份中没有见证文件"
    if target is None:
        raise ImproperlyConfigured("LAWTRAIL_JOURNAL_WITNESS_FILE 未配置，无法恢复见证文件")
    if target.exists() and target.stat().st_size:
        return f"见证文件 {target} 已存在，保持不变（只追加、从不改写）"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, source.read_bytes())
        os.fsync(fd)
    finally:
        os.close(fd)
    return f"见证文件已恢复到 {target}"


def restore(directory: Path) -> RestoreResult:
    directory = Path(directory)
    manifest = _manifest(directory)
    database = _restore_database(directory, manifest)
    storage = _vault()
    restored = present = 0
    vault_dir = directory / "vault"
    for path in sorted(p for p in vault_dir.rglob("*") if p.is_file()) if vault_dir.exists() else []:
        name = path.relative_to(vault_dir).as_posix()
        if storage.exists(name):
            present += 1
            continue
        with open(path, "rb") as fh:
            saved = storage.save(name, File(fh, name=posixpath.basename(name)))
        if saved != name:
            raise BackupError(f"文件库把 {name} 存成了 {saved}")
        restored += 1
    witness = _restore_witness(directory)
    return RestoreResult(database, restored, present, witness)
