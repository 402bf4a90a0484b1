"""一案一卷 (issue 10): archiving a case builds its archive package — documents, evidence files,
a manifest with SHA-256 and SM3, the case's journal entries with inclusion proofs under a signed
checkpoint, a 卷内目录 — stored in the vault and journaled; ``lawtrail verify-archive`` checks it
offline and names any changed byte."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import lawtrail
from lawtrail.archive.models import ArchiveAccess, ArchivePackage
from lawtrail.archive.verify import verify_package
from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.services import journal_verify
from lawtrail.core.vault import vault_open
from lawtrail.recording.models import CustodyEvent

pytestmark = pytest.mark.django_db


def _export(package: ArchivePackage, tmp_path: Path) -> Path:
    out = tmp_path / "package.zip"
    with vault_open(package.blob) as src, out.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return out


def _unpack(zip_path: Path, tmp_path: Path) -> Path:
    d = tmp_path / "unpacked"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(d)
    return d


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(data))


def test_archiving_builds_a_sealed_package_with_every_file_and_the_journal(archived, tmp_path):
    p = archived
    assert p.status == ArchivePackage.Status.SEALED and p.blob is not None
    assert p.archive_number and p.archive_number == p.case.archive_number
    manifest = json.loads(zipfile.ZipFile(_export(p, tmp_path)).read("manifest.json"))
    kinds = [f["kind"] for f in manifest["files"]]
    assert kinds.count("document") >= 1 and kinds.count("evidence") == 2 and kinds[0] == "index"
    assert kinds.count("transcript") == 4  # the signed 现场笔录 and its three signatures
    titles = " ".join(f["title"] for f in manifest["files"])
    assert "行政处罚决定书" in titles and "现场照片一.jpg" in titles
    for f in manifest["files"]:
        assert len(f["sha256"]) == 64 and len(f["sm3"]) == 64 and f["size"] > 0 and f["media_type"]
    assert manifest["case"]["archive_number"] == p.archive_number
    actions = {e["action"] for e in manifest["journal"]["entries"]}
    assert {
        "cases:case:archive",
        "documents:document:issue",
        "recording:file:add",
        "vault:blob:put",
    } <= actions
    # the manifest's SHA-256 and the seal are journaled; the evidence files were exported (custody)
    assert Entry.objects.filter(
        action="archive:package:manifest", note=f"manifest-sha256:{p.manifest_sha256}"
    )
    assert Entry.objects.filter(action="archive:package:seal", subject_id=str(p.pk)).exists()
    assert CustodyEvent.objects.filter(kind=CustodyEvent.Kind.EXPORTED).count() == 2
    # (the documents fixture adds a legal basis with get_or_create, outside the journal)
    assert [x for x in journal_verify().problems if "legalbasis" not in x] == []


def test_verify_archive_accepts_the_package_offline(archived, tmp_path):
    z = _export(archived, tmp_path)
    report = verify_package(z)
    assert report.ok, report.problems
    assert "档案包核验通过" in report.summary[0]
    assert verify_package(_unpack(z, tmp_path)).ok
    # the command itself, in a process of its own with no database configured
    key = tmp_path / "key.json"
    key.write_text(zipfile.ZipFile(z).read("journal/public-key.json").decode())
    out = subprocess.run(
        [sys.executable, "-m", "lawtrail.cli", "verify-archive", str(z), "--key", str(key)],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(Path(lawtrail.__file__).parents[1]),  # this checkout, not the venv's
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        },
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "档案包核验通过" in out.stdout and "公钥由 --key 提供" in out.stdout


def _entry_file(d: Path, action: str) -> tuple[Path, int]:
    for p in sorted((d / "journal" / "entries").iterdir()):
        doc = json.loads(p.read_text())
        if json.loads(doc["leaf_data"])[4] == action:
            return p, doc["entry"]
    raise AssertionError(action)


def test_a_changed_byte_anywhere_is_refused_and_named(archived, tmp_path):
    z = _export(archived, tmp_path)
    clean = _unpack(z, tmp_path)
    manifest = json.loads((clean / "manifest.json").read_text())
    photo = next(f for f in manifest["files"] if f["kind"] == "evidence")
    doc = next(f for f in manifest["files"] if f["kind"] == "document")

    def tampered(name: str) -> Path:
        d = tmp_path / name
        shutil.copytree(clean, d)
        return d

    # a byte of an evidence file, and of a document
    for f in (photo, doc):
        d = tampered(f"file-{f['kind']}")
        _flip(d / f["path"], f["size"] // 2)
        r = verify_package(d)
        assert not r.ok and any(f["path"] in x and "SHA-256 不符" in x for x in r.problems), r.problems

    # a byte of the manifest (a title's character)
    d = tampered("manifest")
    text = (d / "manifest.json").read_bytes()
    _flip(d / "manifest.json", text.index("现场照片一".encode()) + 2)
    r = verify_package(d)
    assert not r.ok and any("manifest.json" in x and "清单已被改动" in x for x in r.problems), r.problems

    # a byte of a journal entry (its action), then of its proof
    d = tampered("entry")
    path, seq = _entry_file(d, "cases:case:archive")
    raw = path.read_bytes()
    _flip(path, raw.index(b"cases:case:archive") + 6)
    r = verify_package(d)
    assert not r.ok and any(f"日志条目 #{seq}" in x and "已被改动" in x for x in r.problems), r.problems
    d = tampered("proof")
    path, seq = _entry_file(d, "documents:document:issue")
    doc_json = json.loads(path.read_text())
    if doc_json["proof"]:
        doc_json["proof"][0] = ("0" if doc_json["proof"][0][0] != "0" else "1") + doc_json["proof"][0][1:]
        path.write_text(json.dumps(doc_json, ensure_ascii=False))
        r = verify_package(d)
        assert not r.ok and any(f"日志条目 #{seq}" in x and "存在性证明" in x for x in r.problems), r.problems

    # a byte of the checkpoint (its signed text: the tree size)
    d = tampered("checkpoint")
    cp = json.loads((d / "journal" / "checkpoint.json").read_text())
    cp["text"] = cp["text"].replace("\n" + str(cp["size"]) + "\n", "\n" + str(cp["size"] + 1) + "\n")
    (d / "journal" / "checkpoint.json").write_text(json.dumps(cp, ensure_ascii=False))
    r = verify_package(d)
    assert not r.ok and any("检查点" in x and "签名无效" in x for x in r.problems), r.problems
    d = tampered("checkpoint-byte")
    _flip(
        d / "journal" / "checkpoint.json",
        (d / "journal" / "checkpoint.json").read_bytes().index(b'"signature"') + 16,
    )
    r = verify_package(d)
    assert not r.ok and any("检查点" in x for x in r.problems), r.problems

    # a file added that the manifest does not list; a listed file removed
    d = tampered("extra")
    (d / "files" / "extra.txt").write_text("x")
    (d / photo["path"]).unlink()
    r = verify_package(d)
    assert any("files/extra.txt" in x for x in r.problems) and any(
        photo["path"] in x and "缺失" in x for x in r.problems
    )

    # a byte flipped inside the ZIP itself: the member is named
    raw = bytearray(z.read_bytes())
    at = raw.index(b"\xff\xd8\xff", 100)  # inside the first stored JPEG
    raw[at + 300] ^= 0x01
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(raw))
    r = verify_package(bad)
    assert not r.ok and any("files/" in x for x in r.problems), r.problems


def test_verify_archive_refuses_another_key(archived, tmp_path):
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    z = _export(archived, tmp_path)
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    own = json.loads(zipfile.ZipFile(z).read("journal/public-key.json"))
    r = verify_package(z, key={"origin": own["origin"], "public_key": base64.b64encode(other).decode()})
    assert not r.ok and any("不是由所用公钥签署" in x for x in r.problems)


def test_download_from_the_page_and_the_api_is_recorded_and_scoped(archived, client):
    from django.contrib.auth import get_user_model

    from tests.cast import api_client_for

    c = archived.case
    users = get_user_model().objects
    alice, bob = users.get(username="alice"), users.get(username="bob")
    client.force_login(alice)
    page = client.get(f"/backoffice/cases/{c.pk}/")
    assert page.status_code == 200 and "案卷档案包" in page.content.decode()
    r = client.get(f"/backoffice/archive/cases/{c.pk}/package")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    body = b"".join(r.streaming_content)
    assert body[:2] == b"PK"
    api = api_client_for(alice)
    meta = api.get(f"/api/v1/archive/cases/{c.pk}")
    assert meta.status_code == 200 and meta.json()["status"] == "sealed"
    r = api.get(f"/api/v1/archive/cases/{c.pk}/package")
    assert r.status_code == 200
    accesses = list(ArchiveAccess.objects.filter(package=archived).values_list("via", flat=True))
    assert sorted(accesses) == ["api", "page"]
    assert Entry.objects.filter(action="archive:access:record").count() == 2
    # staff of another agency do not see the case: 404, nothing recorded
    other = api_client_for(bob).get(f"/api/v1/archive/cases/{c.pk}/package")
    assert other.status_code == 404 and other.json()["code"] == "CASE_NOT_FOUND"
    assert ArchiveAccess.objects.count() == 2


def test_archive_build_makes_the_package_of_a_case_archived_without_one(
    world, tmp_path, local_vault, django_capture_on_commit_callbacks
):
    """Cases archived before the case file existed: ``lawtrail archive_build`` builds and seals."""
    from django.core.management import call_command

    from .conftest import archived_case

    case = archived_case(world, tmp_path, django_capture_on_commit_callbacks, deliver=False)
    assert not ArchivePackage.objects.exists()
    call_command("archive_build", "--case", str(case.pk))
    p = ArchivePackage.objects.get(case=case)
    assert p.status == ArchivePackage.Status.SEALED
    assert verify_package(_export(p, tmp_path)).ok
    call_command("archive_build", "--all")  # idempotent
    assert ArchivePackage.objects.count() == 1


def test_a_paper_still_being_made_holds_the_package_back(
    world, tmp_path, local_vault, django_capture_on_commit_callbacks
):  # noqa: F811
    """A document issued at a step whose PDF is still being made after commit (the decision at its
    approval) cannot go into the package: the consumer refuses (ARCHIVE_FILE_PENDING), its delivery
    is retried, and once the PDF exists the package is built."""
    from lawtrail.archive import services as archive
    from lawtrail.core.errors import ApplicationError
    from lawtrail.documents import services as documents

    from .conftest import archived_case

    case = archived_case(world, tmp_path, django_capture_on_commit_callbacks, deliver=False)
    doc = documents.issue(
        actor=world.cast.alice, case=case, kind="penalty_decision", reason="更正笔误", pdf_later=True
    )
    assert not doc.pdf_ready
    with pytest.raises(ApplicationError) as e:
        archive.package_start(actor=world.cast.alice, case=case)
    assert e.value.code == "ARCHIVE_FILE_PENDING" and e.value.details["refs"] == [f"document:{doc.pk}"]
    assert not ArchivePackage.objects.exists()
    documents.pdf_make(document_id=doc.pk)
    assert archive.package_start(actor=world.cast.alice, case=case) is not None
    assert ArchivePackage.objects.filter(case=case).count() == 1
