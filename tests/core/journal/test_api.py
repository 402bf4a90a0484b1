"""The journal API and CLI: entries (scoped), checkpoints, proofs, public key — and the
standalone docs/verify_checkpoint.py run on real API output."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from lawtrail.core.journal.models import Checkpoint
from lawtrail.core.journal.services import journal_checkpoint
from lawtrail.core.permissions import Role
from lawtrail.registry.models import RoleGrant

SCRIPT = Path(__file__).resolve().parents[3] / "docs" / "verify_checkpoint.py"
BASE = "/api/v1/journal"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def log(make_domain):
    for i in range(5):
        make_domain(f"a{i}")
    first = journal_checkpoint()
    for i in range(5, 13):
        make_domain(f"a{i}")
    second = journal_checkpoint()
    return first, second


def run_script(tmp_path, kind, key, doc):
    (tmp_path / "key.json").write_text(json.dumps(key))
    (tmp_path / "doc.json").write_text(json.dumps(doc))
    return subprocess.run(
        [sys.executable, str(SCRIPT), kind, str(tmp_path / "key.json"), str(tmp_path / "doc.json")],
        capture_output=True,
        text=True,
        check=False,
    )


def grant(user, role):
    from lawtrail.registry.models import Division

    division, _ = Division.objects.get_or_create(
        code="130100", defaults={"name": "石家庄市", "level": Division.Level.CITY}
    )
    RoleGrant.objects.create(user=user, role=role, division=division)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 403), ("plain", 403), ("supervisor", 200), ("superuser", 200)],
)
def test_entries_need_journal_view(api, log, plain_user, superuser, who, status):
    if who == "plain":
        api.force_authenticate(plain_user)
    elif who == "supervisor":
        grant(plain_user, Role.SUPERVISOR)
        api.force_authenticate(plain_user)
    elif who == "superuser":
        api.force_authenticate(superuser)
    response = api.get(f"{BASE}/entries", {"subject_type": "registry.domain", "limit": 3})
    assert response.status_code == status
    if status == 200 and who == "supervisor":
        # issue 13: a scoped reader sees entries about the rows of their agencies only; a domain
        # (the catalogue) belongs to no agency, so its entries are for global readers
        assert response.json()["count"] == 0
    elif status == 200:
        body = response.json()
        assert body["count"] == 13 and len(body["results"]) == 3
        assert body["results"][0]["seq"] == 12 and body["results"][0]["action"] == "registry:domain:create"
    else:
        assert response.json()["code"] in {"NOT_AUTHENTICATED", "JOURNAL_VIEW_FORBIDDEN"}


@pytest.mark.django_db
def test_checkpoint_create_needs_permission(api, plain_user, superuser):
    api.force_authenticate(plain_user)
    response = api.post(f"{BASE}/checkpoints")
    assert (response.status_code, response.json()["code"]) == (403, "JOURNAL_CHECKPOINT_FORBIDDEN")
    assert not Checkpoint.objects.exists()
    api.force_authenticate(superuser)
    response = api.post(f"{BASE}/checkpoints")
    assert response.status_code == 201 and response.json()["size"] == 0


@pytest.mark.django_db
def test_latest_checkpoint_missing_is_404(api):
    response = api.get(f"{BASE}/checkpoints/latest")
    assert (response.status_code, response.json()["code"]) == (404, "JOURNAL_CHECKPOINT_NOT_FOUND")


@pytest.mark.django_db
def test_public_checkpoint_verifies_with_script(api, log, tmp_path):
    key = api.get(f"{BASE}/public-key").json()
    assert key["algorithm"] == "Ed25519" and key["verifier_key"].startswith("test.lawtrail/journal+")
    listing = api.get(f"{BASE}/checkpoints").json()
    assert [c["size"] for c in listing["results"]] == [13, 5]
    latest = api.get(f"{BASE}/checkpoints/latest").json()
    assert latest["note"].startswith(latest["text"] + "\n\u2014 test.lawtrail/journal ")
    result = run_script(tmp_path, "checkpoint", key, latest)
    assert result.returncode == 0, result.stdout + result.stderr
    latest["signature"] = latest["signature"][::-1]
    assert run_script(tmp_path, "checkpoint", key, latest).returncode == 1


@pytest.mark.django_db
@pytest.mark.parametrize("entry, size", [(0, None), (4, None), (12, None), (3, 5), (0, 1), (7, 9)])
def test_inclusion_proof_verifies_with_script(api, log, tmp_path, entry, size):
    key = api.get(f"{BASE}/public-key").json()
    params = {"entry": entry} | ({"size": size} if size is not None else {})
    response = api.get(f"{BASE}/proofs/inclusion", params)
    assert response.status_code == 200, response.json()
    proof = response.json()
    assert proof["tree_size"] == (size or 13)
    assert (proof["checkpoint"] is not None) == (proof["tree_size"] in {5, 13})
    result = run_script(tmp_path, "inclusion", key, proof)
    assert result.returncode == 0, result.stdout + result.stderr
    forged = dict(
        proof, leaf_data=proof["leaf_data"].replace("registry:domain:create", "registry:domain:forged")
    )
    assert run_script(tmp_path, "inclusion", key, forged).returncode == 1


@pytest.mark.django_db
@pytest.mark.parametrize("first, second", [(5, None), (5, 13), (1, 13), (8, 13), (13, 13), (3, 7)])
def test_consistency_proof_verifies_with_script(api, log, tmp_path, first, second):
    key = api.get(f"{BASE}/public-key").json()
    params = {"first": first} | ({"second": second} if second is not None else {})
    proof = api.get(f"{BASE}/proofs/consistency", params).json()
    assert proof["second"] == (second or 13)
    result = run_script(tmp_path, "consistency", key, proof)
    assert result.returncode == 0, result.stdout + result.stderr
    if proof["proof"]:
        proof["proof"][0] = "00" * 32
        assert run_script(tmp_path, "consistency", key, proof).returncode == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, params, status, code",
    [
        ("proofs/inclusion", {"entry": 99}, 404, "JOURNAL_ENTRY_NOT_FOUND"),
        ("proofs/inclusion", {"entry": 3, "size": 3}, 400, "JOURNAL_TREE_SIZE_INVALID"),
        ("proofs/inclusion", {"entry": 3, "size": 14}, 400, "JOURNAL_TREE_SIZE_INVALID"),
        ("proofs/inclusion", {"entry": "x"}, 400, "JOURNAL_QUERY_INVALID"),
        ("proofs/consistency", {"first": 14}, 400, "JOURNAL_TREE_SIZE_INVALID"),
        ("proofs/consistency", {"first": 2, "second": 99}, 400, "JOURNAL_TREE_SIZE_INVALID"),
        ("proofs/consistency", {}, 400, "JOURNAL_QUERY_INVALID"),
    ],
)
def test_proof_errors_have_codes(api, log, path, params, status, code):
    response = api.get(f"{BASE}/{path}", params)
    assert (response.status_code, response.json()["code"]) == (status, code)


@pytest.mark.django_db
def test_cli_proofs_match_api(api, log, capsys, tmp_path):
    key = api.get(f"{BASE}/public-key").json()
    call_command("journal_proof", "inclusion", "--entry", "6", "--size", "13")
    cli = json.loads(capsys.readouterr().out)
    assert cli == api.get(f"{BASE}/proofs/inclusion", {"entry": 6, "size": 13}).json()
    assert run_script(tmp_path, "inclusion", key, cli).returncode == 0
    call_command("journal_proof", "consistency", "--from", "5", "--to", "13")
    cli = json.loads(capsys.readouterr().out)
    assert cli == api.get(f"{BASE}/proofs/consistency", {"first": 5, "second": 13}).json()
    assert run_script(tmp_path, "consistency", key, cli).returncode == 0
    with pytest.raises(CommandError, match="JOURNAL_ENTRY_NOT_FOUND"):
        call_command("journal_proof", "inclusion", "--entry", "50")


@pytest.mark.django_db
def test_cli_checkpoint_prints_signed_note(log, capsys):
    call_command("journal_checkpoint")
    out = capsys.readouterr().out
    assert out.startswith("test.lawtrail/journal\n13\n") and "\u2014 test.lawtrail/journal " in out


@pytest.mark.django_db
def test_inclusion_proof_sequences_a_fresh_entry_first(api, log, make_domain, tmp_path):
    make_domain("fresh")  # committed, not yet sequenced
    proof = api.get(f"{BASE}/proofs/inclusion", {"entry": 13}).json()
    assert (proof["entry"], proof["tree_size"], proof["checkpoint"]) == (13, 14, None)
    key = api.get(f"{BASE}/public-key").json()
    assert run_script(tmp_path, "inclusion", key, proof).returncode == 0
