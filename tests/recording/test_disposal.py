"""Disposal of evidence files after the retention period (G118-9): asked for by an officer of the
case, approved by a 负责人; the vault deletes the bytes and keeps the row; refused before the case
is archived and before ``recording.retention_years`` from the archiving have passed."""

from __future__ import annotations

import datetime as dt

import pytest

from lawtrail.cases.models import Case
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.vault import vault_open
from lawtrail.core.vault.services import vault_storage
from lawtrail.recording import services
from lawtrail.recording.models import CustodyEvent, Disposal, EvidenceFile
from tests.cases.procedure_kit import SAMPLE_RECORDING, filed_case, set_profile
from tests.cast import api_client_for

pytestmark = pytest.mark.django_db


def _archived(case, on):
    Case.objects.filter(pk=case.pk).update(state="archived", archived_on=on)
    case.refresh_from_db()
    return case


@pytest.fixture
def old_file(world, vault):
    """A recording of a case archived on 2019-06-03 (six years ended on 2025-06-03)."""
    case = filed_case(world)
    f = services.evidence_file_add(actor=world.cast.alice, case=case, path=SAMPLE_RECORDING, name="扣押.mp4")
    _archived(case, dt.date(2019, 6, 3))
    return EvidenceFile.objects.get(pk=f.pk)


def _refused(code, fn, **kw):
    with pytest.raises(ApplicationError) as exc:
        fn(**kw)
    assert exc.value.code == code, (exc.value.code, exc.value.message)
    return exc.value


def test_refused_while_the_case_is_not_archived(world, vault):
    case = filed_case(world)
    f = services.evidence_file_add(actor=world.cast.alice, case=case, path=SAMPLE_RECORDING, name="a.mp4")
    n = Entry.objects.count()
    err = _refused(
        "RECORDING_DISPOSAL_CASE_NOT_ARCHIVED",
        services.disposal_request,
        actor=world.cast.alice,
        file=f,
        reason="x",
    )
    assert err.status == 409 and err.rule == "G118-9" and "第九项" in err.message and "《" in err.message
    assert not Disposal.objects.exists() and Entry.objects.count() == n


@pytest.mark.parametrize(
    ("archived_on", "years", "refused"),
    [
        (dt.date(2022, 1, 10), 6, True),  # ends 2028-01-10
        (dt.date(2020, 9, 1), 6, True),  # ends today (2026-09-01): not yet past
        (dt.date(2020, 8, 31), 6, False),
        (dt.date(2024, 1, 1), 1, False),  # the agency's shorter period (a profile key)
        (dt.date(2019, 6, 3), 10, True),
    ],
)
def test_refused_before_the_retention_period_ends(world, vault, archived_on, years, refused):
    c = world.cast
    set_profile(c.agency_a, "recording.retention_years", years)
    case = filed_case(world)
    f = services.evidence_file_add(actor=c.alice, case=case, path=SAMPLE_RECORDING, name="a.mp4")
    _archived(case, archived_on)
    if refused:
        err = _refused(
            "RECORDING_DISPOSAL_RETENTION", services.disposal_request, actor=c.alice, file=f, reason="x"
        )
        assert f"{years}年" in err.message and "届满前不得处置" in err.message and "第九项" in err.message
        assert not Disposal.objects.exists()
    else:
        d = services.disposal_request(actor=c.alice, file=f, reason="保存期限届满，未作为定案证据")
        assert d.status == "requested" and f"{years}年" in d.basis


def test_request_approve_dispose_keeps_the_row_and_ends_the_chain(
    world, old_file, django_capture_on_commit_callbacks
):
    c = world.cast
    f = old_file
    key = f.blob.key
    _refused(
        "RECORDING_DISPOSAL_REASON_REQUIRED", services.disposal_request, actor=c.alice, file=f, reason=" "
    )
    _refused("PERMISSION_DENIED", services.disposal_request, actor=c.bob, file=f, reason="x")
    d = services.disposal_request(actor=c.alice, file=f, reason="保存期限届满")
    assert d.retention_ends_on == dt.date(2025, 6, 3)
    assert Entry.objects.filter(action="recording:disposal:request", subject_id=str(d.pk)).exists()
    _refused("RECORDING_DISPOSAL_PENDING", services.disposal_request, actor=c.alice, file=f, reason="x")
    # not a 负责人 (承办机构负责人 carol, the officer alice): refused, nothing changes
    for who in (c.carol, c.alice):
        _refused(
            "RECORDING_DISPOSAL_LEADER_REQUIRED",
            services.disposal_decide,
            actor=who,
            disposal=d,
            approve=True,
        )
    assert Disposal.objects.get(pk=d.pk).status == "requested" and vault_storage().exists(key)
    with django_capture_on_commit_callbacks(execute=True):
        d = services.disposal_decide(actor=world.paula, disposal=d, approve=True, note="同意处置")
    f.refresh_from_db()
    f.blob.refresh_from_db()
    assert d.status == "approved" and d.decided_by == world.paula
    assert (
        f.disposed_at is not None
        and f.blob.disposed_at is not None
        and "证据文件处置" in f.blob.disposal_basis
    )
    assert not vault_storage().exists(key)  # the bytes are gone, the digests stay
    assert len(f.blob.sha256) == 64 and f.blob.size > 0
    last = f.custody.order_by("id").last()
    assert last.kind == CustodyEvent.Kind.DISPOSED and last.actor == world.paula and "6年" in last.note
    assert Entry.objects.filter(subject_type="recording.custodyevent", subject_id=str(last.pk)).exists()
    assert Entry.objects.filter(action="recording:disposal:approve", subject_id=str(d.pk)).exists()
    assert Entry.objects.filter(action="recording:file:dispose", subject_id=str(f.pk)).exists()
    assert Entry.objects.filter(action="vault:blob:dispose", subject_id=str(f.blob.pk)).exists()
    with pytest.raises(ApplicationError) as exc:
        vault_open(f.blob)
    assert exc.value.code == "VAULT_BLOB_DISPOSED"
    _refused("RECORDING_STATE_CONFLICT", services.disposal_request, actor=c.alice, file=f, reason="x")
    _refused(
        "RECORDING_DISPOSAL_DECIDED",
        services.disposal_decide,
        actor=world.quentin,
        disposal=d,
        approve=True,
    )


def test_content_another_file_still_holds_is_not_deleted(world, old_file, django_capture_on_commit_callbacks):
    c = world.cast
    other = filed_case(world)
    same = services.evidence_file_add(actor=c.alice, case=other, path=SAMPLE_RECORDING, name="同一录像.mp4")
    assert same.blob_id == old_file.blob_id  # stored once
    d = services.disposal_request(actor=c.alice, file=old_file, reason="保存期限届满")
    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_decide(actor=world.quentin, disposal=d, approve=True)
    old_file.refresh_from_db()
    same.blob.refresh_from_db()
    assert old_file.disposed_at is not None and same.blob.disposed_at is None
    with vault_open(same.blob) as fh:
        assert fh.read() == SAMPLE_RECORDING.read_bytes()


def test_a_refusal_needs_reasons_and_leaves_the_file(world, old_file):
    c = world.cast
    d = services.disposal_request(actor=c.alice, file=old_file, reason="保存期限届满")
    _refused(
        "RECORDING_DISPOSAL_REASON_REQUIRED",
        services.disposal_decide,
        actor=world.paula,
        disposal=d,
        approve=False,
    )
    d = services.disposal_decide(
        actor=world.paula, disposal=d, approve=False, note="该录像仍涉及复议，继续保存"
    )
    assert d.status == "rejected" and Entry.objects.filter(action="recording:disposal:reject").exists()
    old_file.refresh_from_db()
    assert old_file.disposed_at is None
    assert services.disposal_request(actor=c.alice, file=old_file, reason="复议已结束").status == "requested"


def test_api_request_and_decision(world, old_file):
    c = world.cast
    r = api_client_for(c.alice).post(
        f"/api/v1/recording/files/{old_file.pk}/disposals", {"reason": "届满"}, format="json"
    )
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["status"] == "requested" and d["retention_ends_on"] == "2025-06-03"
    r = api_client_for(c.carol).post(
        f"/api/v1/recording/disposals/{d['id']}/decision", {"approve": True}, format="json"
    )
    assert r.status_code == 403 and r.json()["code"] == "RECORDING_DISPOSAL_LEADER_REQUIRED"
    r = api_client_for(world.paula).post(
        f"/api/v1/recording/disposals/{d['id']}/decision", {"approve": True}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    listed = api_client_for(c.alice).get(f"/api/v1/recording/files/{old_file.pk}/disposals").json()
    assert [x["status"] for x in listed] == ["approved"]
    r = api_client_for(c.bob).get(f"/api/v1/recording/files/{old_file.pk}/disposals")
    assert r.status_code == 404


def test_the_file_page_buttons(world, old_file, client):
    c = world.cast
    client.force_login(c.alice)
    page = client.get(f"/backoffice/recording/files/{old_file.pk}/").content.decode()
    assert 'id="disposal-request"' in page and "申请处置" in page
    r = client.post(f"/backoffice/recording/files/{old_file.pk}/dispose", {"reason": "保存期限届满"})
    assert r.status_code == 302
    d = Disposal.objects.get(file=old_file)
    page = client.get(f"/backoffice/recording/files/{old_file.pk}/").content.decode()
    assert "待批准" in page and 'id="disposal-decide"' not in page  # the officer cannot decide
    client.force_login(world.paula)
    page = client.get(f"/backoffice/recording/files/{old_file.pk}/").content.decode()
    assert 'id="disposal-approve"' in page and 'id="disposal-reject"' in page
    r = client.post(f"/backoffice/recording/disposals/{d.pk}/decide", {"decision": "approve", "note": "同意"})
    assert r.status_code == 302
    page = client.get(f"/backoffice/recording/files/{old_file.pk}/").content.decode()
    assert "已批准并处置" in page and "该文件已按规定处置" in page and 'id="file-download"' not in page
    # a refusal on the page (a second request of a disposed file) is shown, nothing changes
    r = client.post(f"/backoffice/recording/files/{old_file.pk}/dispose", {"reason": "x"})
    assert Disposal.objects.filter(file=old_file).count() == 1
