"""The signer interface: checkpoints signed by a separate process holding the key
(``lawtrail signer serve``, over a Unix socket or TCP on localhost); the application holds
no key at all."""

import base64
import json
import subprocess
import sys
import time

import pytest

from lawtrail.core.journal.models import Checkpoint
from lawtrail.core.journal.services import journal_checkpoint, journal_verify
from lawtrail.core.journal.signer import SignerError, request
from lawtrail.core.journal.signing import RemoteSigner, _load, journal_key, key_from_file
from tests.ports import start_on_free_port, wait_for_port

ORIGIN = "test.lawtrail/journal"  # journal_key_settings (conftest) sets this origin


def _start(args):
    proc = subprocess.Popen(
        [sys.executable, "-m", "lawtrail.cli", "signer", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def signer_socket(tmp_path):
    key_file = tmp_path / "signer-host" / "journal.key"
    sock = tmp_path / "signer.sock"
    proc = _start(
        [
            "--key-file",
            str(key_file),
            "--origin",
            ORIGIN,
            "--socket",
            str(sock),
            "--log",
            str(tmp_path / "signed.log"),
        ]
    )
    deadline = time.monotonic() + 20
    while not sock.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the signer did not start"
        time.sleep(0.05)
    yield {"url": f"unix://{sock}", "key_file": key_file, "log": tmp_path / "signed.log", "proc": proc}
    _stop(proc)


@pytest.fixture
def remote(settings, signer_socket, tmp_path):
    """The application configured with the signer's URL and no key of its own."""
    settings.LAWTRAIL_JOURNAL_SIGNER_URL = signer_socket["url"]
    settings.LAWTRAIL_JOURNAL_KEY = ""
    settings.LAWTRAIL_JOURNAL_KEY_FILE = tmp_path / "app-host" / "journal.key"
    _load.cache_clear()
    return signer_socket


@pytest.mark.django_db
def test_checkpoints_are_signed_by_the_signer_process(remote, make_domain, settings):
    make_domain("a")
    cp = journal_checkpoint()
    signer_key = key_from_file(remote["key_file"], ORIGIN)
    assert isinstance(journal_key(), RemoteSigner)
    assert cp.key_id == signer_key.key_id.hex()
    assert signer_key.verify(cp.text, base64.b64decode(cp.signature))
    assert not settings.LAWTRAIL_JOURNAL_KEY_FILE.exists()  # the application never had a key
    make_domain("b")
    journal_checkpoint()
    assert journal_verify().ok
    signed = [json.loads(line) for line in remote["log"].read_text().splitlines()]
    assert [s["size"] for s in signed] == [1, 2]  # the signer's own record of what it signed


@pytest.mark.django_db
def test_the_public_key_api_serves_the_signers_key(remote, client):
    info = client.get("/api/v1/journal/public-key").json()
    assert info["public_key"] == key_from_file(remote["key_file"], ORIGIN).public_b64


def test_the_signer_refuses_what_is_not_a_checkpoint_of_its_log(signer_socket):
    url = signer_socket["url"]
    root = base64.b64encode(b"\0" * 32).decode()
    good = f"{ORIGIN}\n5\n{root}\ntime 2026-03-01T02:10:00.000000Z\n"
    assert request(url, "POST", "/sign", {"text": good})["signature"]
    for text in [
        "lawtrail readiness probe\n",
        f"other.origin/journal\n6\n{root}\ntime 2026-03-01T02:10:00.000000Z\n",
        f"{ORIGIN}\n6\n{root}\ntime 2026-03-01T02:10:00.000000Z\nextra line\n",
    ]:
        with pytest.raises(SignerError, match="签名服务拒绝"):
            request(url, "POST", "/sign", {"text": text})
    # never a smaller tree than one it signed: a rewritten, shorter history is not re-signed
    with pytest.raises(SignerError, match="smaller than 5"):
        request(url, "POST", "/sign", {"text": good.replace("\n5\n", "\n4\n")})


def test_the_signer_remembers_the_largest_tree_across_restarts(signer_socket, tmp_path):
    url = signer_socket["url"]
    root = base64.b64encode(b"\0" * 32).decode()
    request(url, "POST", "/sign", {"text": f"{ORIGIN}\n9\n{root}\ntime 2026-03-01T02:10:00.000000Z\n"})
    _stop(signer_socket["proc"])
    sock = tmp_path / "again.sock"
    proc = _start(
        ["--key-file", str(signer_socket["key_file"]), "--origin", ORIGIN, "--socket", str(sock)]
        + ["--log", str(signer_socket["log"])]
    )
    try:
        deadline = time.monotonic() + 20
        while not sock.exists():
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        with pytest.raises(SignerError, match="smaller than 9"):
            request(
                f"unix://{sock}",
                "POST",
                "/sign",
                {"text": f"{ORIGIN}\n8\n{root}\ntime 2026-03-01T02:11:00.000000Z\n"},
            )
    finally:
        _stop(proc)


@pytest.mark.django_db
def test_the_signer_over_tcp_on_localhost(settings, tmp_path, make_domain):
    def start(port):
        proc = _start(
            ["--key-file", str(tmp_path / "k"), "--origin", ORIGIN, "--listen", f"127.0.0.1:{port}"]
        )
        try:
            wait_for_port(port, proc=proc)
        except OSError:
            _stop(proc)
            raise
        return port, proc

    port, proc = start_on_free_port(start)
    try:
        settings.LAWTRAIL_JOURNAL_SIGNER_URL = f"http://127.0.0.1:{port}"
        _load.cache_clear()
        make_domain("a")
        cp = journal_checkpoint()
        assert cp.key_id == key_from_file(tmp_path / "k", ORIGIN).key_id.hex()
        assert journal_verify().ok
    finally:
        _stop(proc)


@pytest.mark.django_db
def test_no_checkpoint_is_stored_when_the_signer_is_down(remote, make_domain):
    make_domain("a")
    journal_key()  # connected while it was up
    _stop(remote["proc"])
    with pytest.raises(SignerError, match="签名服务"):
        journal_checkpoint()
    assert not Checkpoint.objects.exists()


@pytest.mark.django_db
def test_a_signer_of_another_origin_is_refused(settings, signer_socket):
    from django.core.exceptions import ImproperlyConfigured

    settings.LAWTRAIL_JOURNAL_SIGNER_URL = signer_socket["url"]
    settings.LAWTRAIL_JOURNAL_LOG_ORIGIN = "another.origin/journal"
    _load.cache_clear()
    with pytest.raises(ImproperlyConfigured):
        journal_key()
