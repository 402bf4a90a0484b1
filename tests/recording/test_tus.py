"""Resumable uploads (tus 1.0: core, creation, termination, checksum) against a real server, with
the tus reference Python client (tuspy) as the peer: a resume after a cut connection and after
the server is killed with SIGKILL mid-upload, a checksum mismatch refused, termination."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import socket
import time

import pytest
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError

from lawtrail.core.vault.hashing import new_sm3

from .served import Served

MB = 1 << 20


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Served(tmp_path_factory.mktemp("var"))
    world = s.prepare()
    s.start()
    try:
        yield s, world
    finally:
        s.stop()


@pytest.fixture
def served(server):
    """The module's server, started again first if an earlier test killed it."""
    server[0].ensure_running()
    return server


def _data(tmp_path, size, name="clip.bin", seed=7):
    path = tmp_path / name
    block = hashlib.sha256(str(seed).encode()).digest() * (MB // 32)
    with open(path, "wb") as f:
        left = size
        while left:
            f.write(block[: min(left, len(block))])
            left -= min(left, len(block))
    # a recognisable type by content: an MP4 'ftyp' box at the start
    with open(path, "r+b") as f:
        f.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
    return path


def _sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while buf := f.read(MB):
            h.update(buf)
    return h.hexdigest()


def _client(s, world, token="token"):
    return tus_client.TusClient(
        s.base + "/api/v1/recording/uploads", headers={"Authorization": f"Token {world[token]}"}
    )


def _meta(world, name):
    return {"case": str(world["case"]), "filename": name, "filetype": "video/mp4", "step": "evidence_add"}


def _stored(s, url) -> dict:
    uid = url.rstrip("/").rsplit("/", 1)[1]
    out = s.shell(
        "import json\nfrom lawtrail.recording.models import Upload, EvidenceFile\n"
        f"u = Upload.objects.get(uid='{uid}')\nf = u.finished_file\n"
        "from lawtrail.core.journal.models import Entry\n"
        "print(json.dumps({'offset': u.offset, 'sha256': f.blob.sha256 if f else None,"
        " 'sm3': f.blob.sm3 if f else None,"
        " 'size': f.blob.size if f else None, 'custody': list(f.custody.values_list('kind', flat=True)) if f else [],"
        " 'blob_journal': list(Entry.objects.filter(subject_type='vault.blob', subject_id=str(f.blob_id))"
        ".order_by('id').values_list('action', flat=True)) if f else []}))"
    )
    return json.loads(out.strip().splitlines()[-1])


def _raw_patch(s, world, url, path, offset, body_len, send):
    """A PATCH of the file's bytes from ``offset`` that announces ``body_len`` bytes and sends only
    ``send`` of them, then the connection is cut."""
    target = url.split(s.base, 1)[1]
    sock = socket.create_connection(("127.0.0.1", s.port))
    head = (
        f"PATCH {target} HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\nTus-Resumable: 1.0.0\r\n"
        f"Authorization: Token {world['token']}\r\nContent-Type: application/offset+octet-stream\r\n"
        f"Upload-Offset: {offset}\r\nContent-Length: {body_len}\r\n\r\n"
    )
    sock.sendall(head.encode())
    with open(path, "rb") as f:
        f.seek(offset)
        sock.sendall(f.read(send))
    sock.close()


def _offset(s, world, url) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    conn.request(
        "HEAD",
        url.split(s.base, 1)[1],
        headers={"Tus-Resumable": "1.0.0", "Authorization": f"Token {world['token']}"},
    )
    r = conn.getresponse()
    r.read()
    assert r.status == 200 and r.getheader("Tus-Resumable") == "1.0.0"
    return int(r.getheader("Upload-Offset"))


def test_options_advertise_the_extensions(served):
    s, _world = served
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    conn.request("OPTIONS", "/api/v1/recording/uploads")
    r = conn.getresponse()
    r.read()
    assert r.getheader("Tus-Version") == "1.0.0"
    assert set(r.getheader("Tus-Extension").split(",")) == {"creation", "termination", "checksum"}
    assert "sha1" in r.getheader("Tus-Checksum-Algorithm")


def test_whole_upload_with_checksums_lands_in_the_vault(served, tmp_path):
    s, world = served
    path = _data(tmp_path, 5 * MB + 123)
    up = _client(s, world).uploader(
        file_path=str(path), chunk_size=2 * MB, metadata=_meta(world, "整段.mp4"), upload_checksum=True
    )
    up.upload()
    got = _stored(s, up.url)
    assert got["sha256"] == _sha256(path) and got["size"] == path.stat().st_size
    assert got["custody"][:2] == ["captured", "uploaded"]
    # the answer came once the SHA-256 was journaled; the SM3 follows from the stored bytes
    assert got["blob_journal"][0] == "vault:blob:put"
    end = time.monotonic() + 60
    while not got["sm3"] and time.monotonic() < end:
        time.sleep(0.5)
        got = _stored(s, up.url)
    sm3 = new_sm3()
    sm3.update(path.read_bytes())
    assert got["sm3"] == sm3.hexdigest()
    assert got["blob_journal"] == ["vault:blob:put", "vault:blob:sm3"]


def test_resume_after_a_cut_connection(served, tmp_path):
    s, world = served
    path = _data(tmp_path, 20 * MB, seed=11)
    up = _client(s, world).uploader(file_path=str(path), chunk_size=4 * MB, metadata=_meta(world, "断线.mp4"))
    up.upload_chunk()  # 4 MiB acknowledged
    assert _offset(s, world, up.url) == 4 * MB
    # the next request announces the rest and is cut after 10 MiB: what arrived is kept
    _raw_patch(s, world, up.url, path, 4 * MB, 16 * MB, 10 * MB)
    deadline = time.monotonic() + 30
    while _offset(s, world, up.url) == 4 * MB and time.monotonic() < deadline:
        time.sleep(0.2)
    kept = _offset(s, world, up.url)
    assert 4 * MB < kept <= 14 * MB
    # tuspy, started again with the upload's URL, learns the offset (HEAD) and sends the rest
    resumed = _client(s, world).uploader(file_path=str(path), chunk_size=4 * MB, url=up.url)
    assert resumed.offset == kept
    resumed.upload()
    assert _stored(s, up.url)["sha256"] == _sha256(path)


def test_resume_after_the_server_is_killed_mid_upload(served, tmp_path):
    """Deterministic cut: a client sends 20 MiB of a 40 MiB PATCH and then holds the connection
    open, sending nothing; once the server has durably acknowledged 16 MiB (HEAD on another
    connection answers the offset saved every 8 MiB) the server's whole process group gets
    SIGKILL. The offset after the restart is exactly 16 MiB, and tuspy sends the rest."""
    s, world = served
    size, sent, saved = 40 * MB, 20 * MB, 16 * MB
    path = _data(tmp_path, size, seed=13)
    up = _client(s, world).uploader(file_path=str(path), chunk_size=size, metadata=_meta(world, "断电.mp4"))
    up.set_url(up.create_url())
    target = up.url.split(s.base, 1)[1]
    sock = socket.create_connection(("127.0.0.1", s.port))
    try:
        head = (
            f"PATCH {target} HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\nTus-Resumable: 1.0.0\r\n"
            f"Authorization: Token {world['token']}\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Upload-Offset: 0\r\nContent-Length: {size}\r\n\r\n"
        )
        sock.sendall(head.encode())
        with open(path, "rb") as f:
            sock.sendall(f.read(sent))  # then nothing: the request stays open, mid-body
        deadline = time.monotonic() + 60
        while _offset(s, world, up.url) < saved:
            assert time.monotonic() < deadline, "the server never acknowledged 16 MiB"
            time.sleep(0.05)
        acknowledged = _offset(s, world, up.url)
        assert saved <= acknowledged <= sent  # 20 MiB arrived; the offset is saved every 8 MiB
        s.kill9()
    finally:
        sock.close()
    s.start()
    assert _offset(s, world, up.url) == acknowledged  # what was acknowledged survived, nothing more
    resumed = _client(s, world).uploader(
        file_path=str(path), chunk_size=8 * MB, url=up.url, upload_checksum=True
    )
    assert resumed.offset == acknowledged
    resumed.upload()
    got = _stored(s, up.url)
    assert got["sha256"] == _sha256(path) and got["size"] == size


def test_checksum_mismatch_is_refused_and_nothing_is_kept(served, tmp_path):
    s, world = served
    path = _data(tmp_path, 3 * MB, seed=17)
    up = _client(s, world).uploader(file_path=str(path), chunk_size=MB, metadata=_meta(world, "校验.mp4"))
    up.upload_chunk()
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    body = b"\x02" * MB
    wrong = base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    conn.request(
        "PATCH",
        up.url.split(s.base, 1)[1],
        body=body,
        headers={
            "Tus-Resumable": "1.0.0",
            "Authorization": f"Token {world['token']}",
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": str(MB),
            "Upload-Checksum": f"sha1 {wrong}",
        },
    )
    r = conn.getresponse()
    payload = json.loads(r.read())
    assert r.status == 460 and payload["code"] == "RECORDING_UPLOAD_CHECKSUM_MISMATCH"
    assert _offset(s, world, up.url) == MB
    up2 = _client(s, world).uploader(file_path=str(path), chunk_size=MB, url=up.url, upload_checksum=True)
    up2.upload()
    assert _stored(s, up.url)["sha256"] == _sha256(path)


def test_wrong_offset_other_user_and_termination(served, tmp_path):
    s, world = served
    path = _data(tmp_path, 2 * MB, seed=19)
    up = _client(s, world).uploader(file_path=str(path), chunk_size=MB, metadata=_meta(world, "终止.mp4"))
    up.upload_chunk()
    path_only = up.url.split(s.base, 1)[1]
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    headers = {
        "Tus-Resumable": "1.0.0",
        "Authorization": f"Token {world['token']}",
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": "0",
    }
    conn.request("PATCH", path_only, body=b"x" * 10, headers=headers)
    r = conn.getresponse()
    r.read()
    assert r.status == 409
    conn.request("HEAD", path_only, headers={**headers, "Authorization": f"Token {world['token_bob']}"})
    r = conn.getresponse()
    r.read()
    assert r.status == 404  # another officer's upload does not exist for him
    conn.request(
        "PATCH", path_only, body=b"x", headers={k: v for k, v in headers.items() if k != "Tus-Resumable"}
    )
    r = conn.getresponse()
    r.read()
    assert r.status == 412
    conn.request("DELETE", path_only, headers=headers)
    r = conn.getresponse()
    r.read()
    assert r.status == 204
    conn.request("HEAD", path_only, headers=headers)
    r = conn.getresponse()
    r.read()
    assert r.status == 404
    assert not list((s.var / "vault-staging").glob("tus-" + path_only.rsplit("/", 1)[1]))
    # a case of another agency cannot be uploaded to
    with pytest.raises(TusCommunicationError):
        _client(s, world, "token_bob").uploader(
            file_path=str(path), chunk_size=MB, metadata=_meta(world, "x.mp4")
        ).upload_chunk()
