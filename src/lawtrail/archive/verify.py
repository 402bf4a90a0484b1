"""``lawtrail verify-archive PACKAGE [--key KEY.json]`` — check an archive package offline.

No database, no Django: the package (the ZIP, or the folder it was unpacked into) and, better,
the agency's public key obtained by a channel one trusts (``GET /api/v1/journal/public-key``).
Without ``--key`` the key inside the package is used, and the summary says so: a forger who
re-signs with a key of their own is caught only against the published key.

What is checked, each failure named (the file, the entry):

1. every file of the manifest: present, its size, SHA-256 and SM3; no file in the package that
   the manifest does not list;
2. the manifest against the journal: its SHA-256 is what the anchor entry
   (``archive:package:manifest``, ``journal/manifest-entry.json``) recorded; each file's vault row
   (as the manifest quotes it) has the digests of the file and is what its journal entry recorded
   (the entry's after-digest); every entry the manifest lists is in the package and vice versa;
3. every entry's leaf hash from its bytes, and its inclusion proof up to the checkpoint's root;
4. the checkpoint: its text against its fields, its Ed25519 signature under the key.

Exit 0 with a Chinese summary when all holds, 1 naming each mismatch, 2 when the package cannot
be read at all.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lawtrail.core.journal.merkle import leaf_hash, verify_inclusion
from lawtrail.core.vault.hashing import new_sm3

MANIFEST = "manifest.json"
ANCHOR = "journal/manifest-entry.json"
CHECKPOINT = "journal/checkpoint.json"
PUBLIC_KEY = "journal/public-key.json"
ENTRIES = "journal/entries/"
KNOWN = {MANIFEST, ANCHOR, CHECKPOINT, PUBLIC_KEY, "README.txt"}
MANIFEST_NOTE = "manifest-sha256:"
CHUNK = 1024 * 1024


class Unreadable(Exception):
    """The package as a whole cannot be read (not a ZIP, not a folder)."""


class Package:
    """A package as a ZIP or as the folder it was unpacked into: names and bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self._names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
        else:
            try:
                self.zip = zipfile.ZipFile(path)
            except (OSError, zipfile.BadZipFile) as e:
                raise Unreadable(f"档案包无法打开：{e}") from None
            self._names = sorted(i.filename for i in self.zip.infolist() if not i.is_dir())

    def names(self) -> list[str]:
        return list(self._names)

    def chunks(self, name: str) -> Iterator[bytes]:
        """The bytes of ``name``; raises ``OSError`` when they cannot be read back whole (a ZIP
        member whose CRC or compressed stream was damaged)."""
        try:
            if self.zip is not None:
                with self.zip.open(name) as f:
                    while chunk := f.read(CHUNK):
                        yield chunk
            else:
                with (self.path / name).open("rb") as f:
                    while chunk := f.read(CHUNK):
                        yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError) as e:
            raise OSError(str(e)) from None

    def read(self, name: str) -> bytes:
        return b"".join(self.chunks(name))


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, text: str) -> None:
        self.problems.append(text)


def _canonical_digest(state: dict[str, Any]) -> str:
    """The journal's digest of a row snapshot (``journal.services.canonical_digest``)."""
    data = json.dumps(state, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def _json(pkg: Package, name: str, report: Report, what: str) -> Any:
    try:
        return json.loads(pkg.read(name))
    except FileNotFoundError:
        report.fail(f"{what}（{name}）缺失")
    except KeyError:
        report.fail(f"{what}（{name}）缺失")
    except OSError as e:
        report.fail(f"{what}（{name}）已损坏，无法读出：{e}")
    except (ValueError, UnicodeDecodeError):
        report.fail(f"{what}（{name}）无法解析：内容已被改动")
    return None


def _key_of(doc: dict[str, Any]) -> tuple[str, bytes]:
    return doc["origin"], base64.b64decode(doc["public_key"])


def check_checkpoint(cp: dict[str, Any], origin: str, public: bytes, report: Report) -> bytes | None:
    """The checkpoint's signature, and its text against its fields; the root it signs."""
    try:
        key_id = hashlib.sha256(origin.encode() + b"\n\x01" + public).digest()[:4]
        if cp["key_id"] != key_id.hex():
            report.fail(
                f"检查点（{CHECKPOINT}）不是由所用公钥签署的（密钥编号 {cp['key_id']} ≠ {key_id.hex()}）"
            )
            return None
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(
                base64.b64decode(cp["signature"]), cp["text"].encode()
            )
        except (InvalidSignature, ValueError):
            report.fail(f"检查点（{CHECKPOINT}）签名无效：检查点已被改动")
            return None
        lines = cp["text"].split("\n")
        cp_origin, size, root_b64 = lines[0], int(lines[1]), lines[2]
        root = base64.b64decode(root_b64)
        if cp_origin != origin or size != cp["size"] or root.hex() != cp["root_hash"]:
            report.fail(f"检查点（{CHECKPOINT}）的字段与其签名正文不符：检查点已被改动")
            return None
        return root
    except (KeyError, IndexError, TypeError, ValueError):
        report.fail(f"检查点（{CHECKPOINT}）格式有误：检查点已被改动")
        return None


def _check_entry(
    doc: dict[str, Any], name: str, root: bytes | None, size: int | None, report: Report
) -> tuple[str, list[Any]] | None:
    """An entry's leaf hash from its bytes and its inclusion proof; (leaf hash, leaf fields)."""
    try:
        seq = int(doc["entry"])
        data = doc["leaf_data"].encode()
        leaf = leaf_hash(data)
        label = f"日志条目 #{seq}（{name}）"
        if leaf.hex() != doc["leaf_hash"]:
            report.fail(f"{label}内容与其叶子哈希不符：条目已被改动")
            return None
        fields = json.loads(data)
        if root is not None and size is not None:
            proof = [bytes.fromhex(p) for p in doc["proof"]]
            if int(doc["tree_size"]) != size or not verify_inclusion(leaf, seq, size, proof, root):
                report.fail(f"{label}的存在性证明不能推出签名检查点的根哈希：条目或证明已被改动")
                return None
        return leaf.hex(), fields
    except (KeyError, TypeError, ValueError, AttributeError):
        report.fail(f"日志条目（{name}）格式有误：条目已被改动")
        return None


def verify_package(path: Path, *, key: dict[str, Any] | None = None) -> Report:
    """Check the package at ``path`` (a ZIP or a folder); ``key`` the published public key."""
    report = Report()
    pkg = Package(path)
    names = pkg.names()

    manifest_bytes = b""
    try:
        manifest_bytes = pkg.read(MANIFEST)
    except (FileNotFoundError, KeyError):
        report.fail(f"清单（{MANIFEST}）缺失")
    except OSError as e:
        report.fail(f"清单（{MANIFEST}）已损坏，无法读出：{e}")
    manifest: dict[str, Any] | None = None
    if manifest_bytes:
        try:
            manifest = json.loads(manifest_bytes)
        except (ValueError, UnicodeDecodeError):
            report.fail(f"清单（{MANIFEST}）无法解析：清单已被改动")
    manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()

    # --- 4. the key and the checkpoint
    own_key = _json(pkg, PUBLIC_KEY, report, "公钥") if key is None else None
    key_doc = key if key is not None else own_key
    root: bytes | None = None
    size: int | None = None
    cp = _json(pkg, CHECKPOINT, report, "签名检查点")
    if cp is not None and key_doc is not None:
        try:
            origin, public = _key_of(key_doc)
        except (KeyError, TypeError, ValueError):
            report.fail("公钥格式有误")
        else:
            root = check_checkpoint(cp, origin, public, report)
            if root is not None:
                size = int(cp["size"])

    # --- 3. the entries and their proofs
    entries: dict[str, tuple[int, list[Any], str]] = {}  # leaf hash → (seq, fields, file)
    for name in names:
        if not (name.startswith(ENTRIES) and name.endswith(".json")):
            continue
        doc = _json(pkg, name, report, "日志条目")
        if doc is None:
            continue
        checked = _check_entry(doc, name, root, size, report)
        if checked is not None:
            entries[checked[0]] = (int(doc["entry"]), checked[1], name)
    anchor = _json(pkg, ANCHOR, report, "清单的日志条目")
    anchor_fields = None
    if anchor is not None:
        checked = _check_entry(anchor, ANCHOR, root, size, report)
        if checked is not None:
            anchor_fields = checked[1]
            seq = int(anchor["entry"])
            if anchor_fields[9] != MANIFEST_NOTE + manifest_sha and manifest_bytes:
                report.fail(f"清单（{MANIFEST}）的 SHA-256 与日志条目 #{seq} 记录的不符：清单已被改动")

    if manifest is None:
        return _finish(report, manifest, entries, key is not None, cp)

    # --- 2. the manifest's list of entries against the entries in the package
    listed: dict[str, dict[str, Any]] = {}
    try:
        for e in manifest["journal"]["entries"]:
            listed[e["leaf_hash"]] = e
    except (KeyError, TypeError):
        report.fail(f"清单（{MANIFEST}）的日志条目列表格式有误：清单已被改动")
    for leaf, e in listed.items():
        if leaf not in entries:
            report.fail(
                f"清单列出的日志条目（{e.get('action', '')} {e.get('subject', '')}，{e.get('at', '')}）"
                "不在档案包中，或已被改动"
            )
    for leaf, (seq, _fields, name) in entries.items():
        if leaf not in listed:
            report.fail(f"日志条目 #{seq}（{name}）未列入清单")

    # --- 1. the files, and each against its vault row's journal entry
    listed_paths = set()
    files = manifest.get("files") if isinstance(manifest, dict) else None
    for f in files or []:
        try:
            path_in, title = f["path"], f.get("title", "")
        except (KeyError, TypeError):
            report.fail(f"清单（{MANIFEST}）的文件列表格式有误：清单已被改动")
            continue
        listed_paths.add(path_in)
        label = f"文件“{title}”（{path_in}）"
        if path_in not in names:
            report.fail(f"{label}缺失")
            continue
        sha, sm3, n = hashlib.sha256(), new_sm3(), 0
        try:
            for chunk in pkg.chunks(path_in):
                sha.update(chunk)
                sm3.update(chunk)
                n += len(chunk)
        except OSError as e:
            report.fail(f"{label}已损坏，无法读出：{e}")
            continue
        bad = []
        if n != f.get("size"):
            bad.append(f"大小 {n} ≠ {f.get('size')}")
        if sha.hexdigest() != f.get("sha256"):
            bad.append("SHA-256 不符")
        if sm3.hexdigest() != f.get("sm3"):
            bad.append("SM3 不符")
        if bad:
            report.fail(f"{label}与清单不符（{'，'.join(bad)}）：文件已被改动")
        vault, vault_entry = f.get("vault"), f.get("vault_entry")
        if not isinstance(vault, dict) or not vault_entry:
            report.fail(f"{label}没有记录其存入保管库的日志条目")
            continue
        if (vault.get("sha256"), vault.get("sm3"), vault.get("size")) != (
            f.get("sha256"),
            f.get("sm3"),
            f.get("size"),
        ):
            report.fail(f"{label}在清单中的哈希与保管库记录不一致：清单已被改动")
        found = entries.get(vault_entry)
        if found is None:
            report.fail(f"{label}存入保管库的日志条目不在档案包中")
            continue
        seq, fields, _name = found
        if (
            fields[5] != "vault.blob"
            or fields[6] != str(vault.get("id"))
            or fields[8] != _canonical_digest(vault)
        ):
            report.fail(f"{label}的保管库记录与日志条目 #{seq} 记录的不符：清单已被改动")
    for name in names:
        if name in KNOWN or name in listed_paths or name.startswith(ENTRIES):
            continue
        report.fail(f"档案包中有清单未列出的文件：{name}")
    return _finish(report, manifest, entries, key is not None, cp)


def _finish(
    report: Report, manifest: dict[str, Any] | None, entries: dict, key_given: bool, cp: dict | None
) -> Report:
    if report.ok and manifest is not None and cp is not None:
        case = manifest.get("case", {})
        files = manifest.get("files", [])
        report.summary = [
            f"档案包核验通过：{case.get('title', '')}",
            f"  档号 {case.get('archive_number') or '—'}，案号 {case.get('number', '')}，{case.get('agency', '')}",
            f"  文件 {len(files)} 个：大小、SHA-256、SM3 均与清单相符，且与保管库的日志记录一致",
            f"  清单的 SHA-256 与日志条目记录的相符；本案日志条目 {len(entries)} 条均有存在性证明",
            f"  签名检查点：树大小 {cp.get('size')}，{cp.get('created_at', '')}，签名有效"
            + (
                "（公钥由 --key 提供）"
                if key_given
                else "（公钥取自档案包本身，请用 --key 核对机构公布的公钥）"
            ),
        ]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="lawtrail verify-archive", description="离线核验案卷档案包（一案一卷），无需数据库。"
    )
    parser.add_argument("package", help="档案包（ZIP 文件，或其解压后的文件夹）")
    parser.add_argument("--key", help="机构公布的日志公钥（GET /api/v1/journal/public-key 的 JSON）")
    args = parser.parse_args(argv)
    key = None
    if args.key:
        try:
            key = json.loads(Path(args.key).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            print(f"公钥文件无法读取：{e}", file=sys.stderr)
            return 2
    path = Path(args.package)
    if not path.exists():
        print(f"档案包不存在：{path}", file=sys.stderr)
        return 2
    try:
        report = verify_package(path, key=key)
    except Unreadable as e:
        print(str(e), file=sys.stderr)
        return 2
    if report.ok:
        print("\n".join(report.summary))
        return 0
    for p in report.problems:
        print(p)
    print(f"档案包核验未通过：{len(report.problems)} 处不符。")
    return 1


if __name__ == "__main__":
    sys.exit(main())
