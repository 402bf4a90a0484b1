"""The vault: content-addressed, SHA-256 + SM3 while streaming, stored once, type by content,
never modified, journaled — on local disk and on a real S3-protocol server (moto_server)."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from django.db import transaction
from PIL import Image

from lawtrail.core.errors import Conflict, ValidationFailed
from lawtrail.core.journal.models import Entry
from lawtrail.core.vault import vault_dispose, vault_get, vault_open, vault_put, vault_verify
from lawtrail.core.vault.hashing import Digests, new_sm3
from lawtrail.core.vault.models import Blob

pytestmark = pytest.mark.django_db


def png_bytes(colour=(200, 30, 30), size=(32, 24)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


def test_sm3_is_the_national_algorithm_gbt_32905_test_vectors():
    # GB/T 32905-2016, appendix A: "abc" and "abcd" × 16
    h = new_sm3()
    h.update(b"abc")
    assert h.hexdigest() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    h = new_sm3()
    h.update(b"abcd" * 16)
    assert h.hexdigest() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_digests_of_a_stream_in_uneven_pieces_equal_the_whole():
    data = os.urandom(3 * 1024 * 1024 + 17)
    d = Digests()
    for start, size in ((0, 10), (10, 100_000), (100_010, 2_000_000), (2_100_010, len(data))):
        d.update(memoryview(data)[start : start + size])
    r = d.result()
    sm3 = new_sm3()
    sm3.update(data)
    assert (r.sha256, r.sm3, r.size) == (hashlib.sha256(data).hexdigest(), sm3.hexdigest(), len(data))


def test_put_hashes_stores_once_and_journals(local_vault, alice):
    data = png_bytes()
    blob = vault_put(io.BytesIO(data), actor=alice, media_type="image/png", name="现场照片.png")
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    sm3 = new_sm3()
    sm3.update(data)
    assert blob.sm3 == sm3.hexdigest()
    assert (blob.size, blob.media_type, blob.name) == (len(data), "image/png", "现场照片.png")
    assert vault_get(blob.sha256.upper()) == blob
    with vault_open(blob) as f:
        assert f.read() == data
    assert vault_verify(blob)
    entries = Entry.objects.filter(subject_type="vault.blob", subject_id=str(blob.pk))
    assert [e.action for e in entries] == ["vault:blob:put"]

    again = vault_put(io.BytesIO(data), actor=alice, name="另一个名字.png")
    assert again.pk == blob.pk
    assert Blob.objects.count() == 1
    assert Entry.objects.filter(subject_type="vault.blob").count() == 1
    stored = [p for p in Path(local_vault).rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [blob.sha256]
    assert not any(Path(str(local_vault) + "-staging").iterdir())  # no staging file left behind


def test_a_changed_stored_byte_fails_verification(local_vault, alice):
    blob = vault_put(io.BytesIO(b"%PDF-1.4\n" + os.urandom(5000)), actor=alice, media_type="application/pdf")
    path = Path(local_vault) / blob.key
    assert oct(path.stat().st_mode & 0o777) == "0o444"  # stored read-only
    os.chmod(path, 0o644)
    raw = bytearray(path.read_bytes())
    raw[100] ^= 0x01
    path.write_bytes(bytes(raw))
    assert not vault_verify(blob)


def test_type_is_read_from_the_content_not_the_name(local_vault, alice):
    exe = b"\x7fELF\x02\x01\x01\x00" + bytes(200)
    with pytest.raises(ValidationFailed) as exc:
        vault_put(io.BytesIO(exe), actor=alice, media_type="image/jpeg", name="照片.jpg")
    assert exc.value.code == "VAULT_MEDIA_TYPE_MISMATCH"
    assert "image/jpeg" in exc.value.message
    assert Blob.objects.count() == 0 and not Entry.objects.filter(subject_type="vault.blob").exists()
    assert not [p for p in Path(local_vault).rglob("*") if p.is_file()]
    # undeclared: stored with the type read from the content
    blob = vault_put(io.BytesIO(png_bytes()), actor=alice, name="scan.pdf")
    assert blob.media_type == "image/png"
    # CSV: libmagic says text; a text declaration agrees
    csv = "时间,地点\n2026-09-01,长安区\n".encode()
    assert vault_put(io.BytesIO(csv), actor=alice, media_type="text/csv").media_type == "text/csv"


def test_empty_file_refused(local_vault, alice):
    with pytest.raises(ValidationFailed) as exc:
        vault_put(io.BytesIO(b""), actor=alice)
    assert exc.value.code == "VAULT_EMPTY_FILE"


def test_rolled_back_put_leaves_no_row_and_the_next_put_adopts_the_stored_object(local_vault, alice):
    data = png_bytes((1, 2, 3))
    with pytest.raises(RuntimeError), transaction.atomic():
        vault_put(io.BytesIO(data), actor=alice)
        raise RuntimeError("the caller's step failed")
    assert Blob.objects.count() == 0
    blob = vault_put(io.BytesIO(data), actor=alice)
    assert vault_verify(blob)


def test_disposal_needs_a_basis_removes_the_bytes_and_keeps_the_row(
    local_vault, alice, django_capture_on_commit_callbacks
):
    blob = vault_put(io.BytesIO(png_bytes((9, 9, 9))), actor=alice)
    with pytest.raises(ValidationFailed):
        vault_dispose(blob, actor=alice, basis=" ")
    with django_capture_on_commit_callbacks(execute=True):
        vault_dispose(blob, actor=alice, basis="石市监处置〔2031〕3号：保管期限届满，经批准销毁")
    blob.refresh_from_db()
    assert blob.disposed_at is not None and blob.sha256
    assert not (Path(local_vault) / blob.key).exists()
    with pytest.raises(Conflict) as exc:
        vault_open(blob)
    assert exc.value.code == "VAULT_BLOB_DISPOSED"
    assert not vault_verify(blob)
    assert list(
        Entry.objects.filter(subject_type="vault.blob").order_by("id").values_list("action", flat=True)
    ) == ["vault:blob:put", "vault:blob:dispose"]


def test_s3_path_against_a_real_s3_protocol_server(s3_vault, alice):
    client, bucket = s3_vault
    data = os.urandom(3 * 1024 * 1024)  # more than one read buffer
    blob = vault_put(io.BytesIO(data), actor=alice, name="export.bin")
    assert blob.media_type == "application/octet-stream"
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == [f"vault/{blob.key}"]
    with vault_open(blob) as f:
        assert f.read() == data
    assert vault_verify(blob)
    assert vault_put(io.BytesIO(data), actor=alice).pk == blob.pk
    assert client.list_objects_v2(Bucket=bucket)["KeyCount"] == 1
    # a changed object in the bucket is caught
    client.put_object(Bucket=bucket, Key=f"vault/{blob.key}", Body=data[:-1] + b"\x00")
    assert not vault_verify(blob)


def _staged_without_sm3(local_vault, data: bytes):
    """What the resumable upload hands the vault: a staged file and its SHA-256 only."""
    from lawtrail.core.vault.services import staging_dir

    path = staging_dir() / f"test-{hashlib.sha256(data).hexdigest()[:8]}"
    path.write_bytes(data)
    d = Digests(sm3=False)
    d.update(data)
    return path, d.result()


def test_sha256_only_digests_leave_sm3_to_the_vault():
    data = os.urandom(2 * 1024 * 1024 + 5)
    d = Digests(sm3=False)
    for start in range(0, len(data), 700_000):
        d.update(data[start : start + 700_000])
    r = d.result()
    assert (r.sha256, r.sm3, r.size) == (hashlib.sha256(data).hexdigest(), "", len(data))


def test_a_blob_adopted_before_its_sm3_is_journaled_by_sha256_then_gets_its_sm3_journaled(
    local_vault, alice, django_capture_on_commit_callbacks, settings
):
    from lawtrail.core.vault.services import vault_adopt, vault_sm3_ensure, vault_sm3_fill

    settings.LAWTRAIL_VAULT_SM3_INLINE = False  # the fill is not run at commit: this test runs it
    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(300_000)
    path, digest = _staged_without_sm3(local_vault, data)
    blob = vault_adopt(path, digest=digest, actor=alice, media_type="video/mp4", name="执法记录仪.mp4")
    assert blob.sha256 == hashlib.sha256(data).hexdigest() and blob.sm3 == ""
    entries = Entry.objects.filter(subject_type="vault.blob", subject_id=str(blob.pk))
    assert [e.action for e in entries] == ["vault:blob:put"]  # the content address, before the answer
    assert vault_verify(blob)  # pending: checked by size and SHA-256

    filled = vault_sm3_fill(blob_id=blob.pk)
    sm3 = new_sm3()
    sm3.update(data)
    assert filled.sm3 == sm3.hexdigest() == Blob.objects.get(pk=blob.pk).sm3
    actions = list(
        Entry.objects.filter(subject_type="vault.blob", subject_id=str(blob.pk))
        .order_by("id")
        .values_list("action", "before_digest", "after_digest")
    )
    assert [a for a, _b, _c in actions] == ["vault:blob:put", "vault:blob:sm3"]
    assert actions[1][1] == actions[0][2]  # the SM3 entry continues the row the put journaled
    assert vault_verify(filled)
    assert vault_sm3_fill(blob_id=blob.pk).sm3 == filled.sm3  # idempotent: no second entry
    assert vault_sm3_ensure(filled) == filled
    assert Entry.objects.filter(subject_type="vault.blob", subject_id=str(blob.pk)).count() == 2


def test_sm3_is_computed_at_commit_when_asked_and_ensured_before_an_export(
    local_vault, alice, django_capture_on_commit_callbacks, settings
):
    from lawtrail.core.vault.services import vault_adopt, vault_sm3_ensure

    settings.LAWTRAIL_VAULT_SM3_INLINE = True
    data = b"%PDF-1.4\n" + os.urandom(80_000)
    path, digest = _staged_without_sm3(local_vault, data)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            blob = vault_adopt(path, digest=digest, actor=alice, media_type="application/pdf")
    sm3 = new_sm3()
    sm3.update(data)
    assert Blob.objects.get(pk=blob.pk).sm3 == sm3.hexdigest()

    settings.LAWTRAIL_VAULT_SM3_INLINE = False
    data2 = b"%PDF-1.4\n" + os.urandom(80_000)
    path2, digest2 = _staged_without_sm3(local_vault, data2)
    blob2 = vault_adopt(path2, digest=digest2, actor=alice, media_type="application/pdf")
    assert blob2.sm3 == ""
    sm3 = new_sm3()
    sm3.update(data2)
    assert vault_sm3_ensure(blob2).sm3 == sm3.hexdigest()


def test_bytes_changed_before_the_sm3_get_none_and_fail_verification(local_vault, alice, settings):
    from lawtrail.core.vault.services import vault_adopt, vault_sm3_fill

    settings.LAWTRAIL_VAULT_SM3_INLINE = False
    data = b"%PDF-1.4\n" + os.urandom(50_000)
    path, digest = _staged_without_sm3(local_vault, data)
    blob = vault_adopt(path, digest=digest, actor=alice, media_type="application/pdf")
    stored = Path(local_vault) / blob.key
    os.chmod(stored, 0o644)
    raw = bytearray(stored.read_bytes())
    raw[1000] ^= 1
    stored.write_bytes(bytes(raw))
    with pytest.raises(Conflict) as exc:
        vault_sm3_fill(blob_id=blob.pk)
    assert exc.value.code == "VAULT_BLOB_DAMAGED"
    assert Blob.objects.get(pk=blob.pk).sm3 == ""
    assert [e.action for e in Entry.objects.filter(subject_type="vault.blob", subject_id=str(blob.pk))] == [
        "vault:blob:put"
    ]
    assert not vault_verify(blob)


def test_the_sweep_fills_what_a_killed_process_left_pending(local_vault, alice, settings):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from lawtrail.core.vault.services import vault_adopt, vault_sm3_sweep

    settings.LAWTRAIL_VAULT_SM3_INLINE = False
    data = b"%PDF-1.4\n" + os.urandom(40_000)
    path, digest = _staged_without_sm3(local_vault, data)
    blob = vault_adopt(path, digest=digest, actor=alice, media_type="application/pdf")
    assert vault_sm3_sweep() == 0  # just stored: its own fill is queued, the sweep leaves it
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        assert vault_sm3_sweep() == 1
    assert len(Blob.objects.get(pk=blob.pk).sm3) == 64
