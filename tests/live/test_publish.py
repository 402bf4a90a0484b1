"""nginx-rtmp's callbacks against LawTrail: each publish authorised by the device's stream key
(registered, reviewed, in use), the session journaled from start to stop, and the finished
recording hashed into the vault and proposed as evidence of the device's case."""

from __future__ import annotations

import subprocess

import pytest

from lawtrail.core.errors import PermissionDenied
from lawtrail.core.journal.models import Entry
from lawtrail.core.vault.services import vault_verify
from lawtrail.live import services
from lawtrail.live.models import LiveSession
from lawtrail.live.nginx import callback_token
from lawtrail.live.sim import prepare_clip
from lawtrail.recording import services as recording
from lawtrail.recording.models import CustodyEvent, EvidenceFile
from tests.live.conftest import make_case, make_drone

pytestmark = pytest.mark.django_db


def url(call: str, token: str | None = None) -> str:
    return f"/live/rtmp/{token or callback_token()}/{call}"


def publish(client, serial, key, clientid="7"):
    return client.post(url("publish"), {"call": "publish", "name": serial, "key": key, "clientid": clientid,
                                        "addr": "127.0.0.1", "app": "live"})  # fmt: skip


def test_refusals_open_no_session_and_are_journaled_in_bounded_buckets(cast, drone, client):
    from lawtrail.live.models import PublishRefusal

    unreviewed = make_drone(cast, serial="BC-7", reviewed=False)
    off = make_drone(cast, serial="BC-8")
    recording.device_update(actor=cast.grace, device=off.device, active=False)
    entries = Entry.objects.exclude(action="live:publish:refused").count()
    for serial, key in (
        (drone.device.serial, "wrong-key"),
        (drone.device.serial, ""),
        ("NO-SUCH-DEVICE", drone.key),
        ("BC-7", unreviewed.key),
        ("BC-8", off.key),
    ):
        r = publish(client, serial, key)
        assert r.status_code == 403, (serial, r.content)
        assert r.json()["code"] == "LIVE_PUBLISH_REFUSED" and "推流未获授权" in r.json()["message"]
    assert not LiveSession.objects.exists()
    assert Entry.objects.exclude(action="live:publish:refused").count() == entries  # nothing else written
    buckets = {(p.source, p.reason): p.count for p in PublishRefusal.objects.all()}
    assert buckets == {
        ("DJI-M30-001", "key"): 2,
        ("", "unknown"): 1,
        ("BC-7", "unreviewed"): 1,
        ("BC-8", "inactive"): 1,
    }
    refused = Entry.objects.filter(action="live:publish:refused")
    assert refused.count() == 4  # the first of each bucket
    with pytest.raises(PermissionDenied):
        services.publish_authorise(serial=drone.device.serial, key=drone.key + "x")


def test_a_flood_of_unauthenticated_publishes_grows_the_journal_by_log10(cast, client):
    from lawtrail.live.models import PublishRefusal

    for n in range(120):  # every name different, none registered: one bucket
        services.publish_refusal_record(device=None, name=f"FAKE-{n}", reason="unknown", addr="10.0.0.9")
    row = PublishRefusal.objects.get()
    assert (row.count, row.last_name, row.last_addr) == (120, "FAKE-119", "10.0.0.9")
    notes = list(
        Entry.objects.filter(action="live:publish:refused").order_by("id").values_list("note", flat=True)
    )
    assert notes == ["- unknown x1", "- unknown x10", "- unknown x100"]


def test_the_callback_needs_its_token_and_post(drone, client):
    assert publish(client, drone.device.serial, drone.key).status_code == 204
    r = client.post(url("publish", token="0" * 32), {"name": drone.device.serial, "key": drone.key})
    assert r.status_code == 404
    assert client.get(url("publish")).status_code == 405
    assert client.post(url("unknown"), {"name": drone.device.serial}).status_code == 404
    assert LiveSession.objects.count() == 1


def test_a_session_from_publish_to_evidence(
    cast, drone, client, live_dirs, local_vault, django_capture_on_commit_callbacks
):
    _, rec = live_dirs
    assert publish(client, drone.device.serial, drone.key, clientid="41").status_code == 204
    session = LiveSession.objects.get()
    assert (session.status, session.case, session.holder, session.task) == (
        "live",
        drone.case,
        cast.alice,
        "长安区建筑工地巡查",
    )
    r = client.post(
        url("publish_done"), {"call": "publish_done", "name": drone.device.serial, "clientid": "41"}
    )
    assert r.status_code == 204
    session.refresh_from_db()
    assert session.status == "ended" and session.ended_at is not None

    flv = prepare_clip(str(rec / f"{drone.device.serial}-1765000000.flv"), seconds=2)
    # a path outside nginx's recording directory is not ours to take
    outside = live_dirs[0] / "x.flv"
    outside.write_bytes(b"FLV")
    r = client.post(url("record_done"), {"name": drone.device.serial, "clientid": "41", "path": str(outside)})
    assert r.status_code == 204 and LiveSession.objects.get().record_path == ""

    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url("record_done"), {"call": "record_done", "name": drone.device.serial, "clientid": "41",
                                             "path": flv, "recorder": ""})  # fmt: skip
    assert r.status_code == 204
    session.refresh_from_db()
    assert session.status == "filed", session.note
    file = session.evidence_file
    assert file.case == drone.case and file.device == drone.device and file.media == "video"
    assert file.evidence is None  # proposed: an officer links it to an evidence item
    assert file.captured_by == cast.alice and file.blob.media_type == "video/mp4"
    assert file.captured_at == session.started_at and 1.5 < file.duration < 3
    assert vault_verify(file.blob) and session.blob_id == file.blob_id
    kinds = list(CustodyEvent.objects.filter(file=file).values_list("kind", flat=True))
    assert kinds == ["captured", "uploaded"]
    actions = list(Entry.objects.filter(subject_id=str(session.pk), action__startswith="live:")
                   .order_by("id").values_list("action", flat=True))  # fmt: skip
    assert actions == [
        "live:session:start",
        "live:session:stop",
        "live:session:recorded",
        "live:session:file",
    ]
    assert not (rec / f"{drone.device.serial}-1765000000.flv").exists()  # the vault holds it now
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=format_name", "-of", "csv=p=0",
                            str(local_vault / "sha256" / file.blob.sha256[:2] / file.blob.sha256[2:4] / file.blob.sha256)],
                           capture_output=True, text=True)  # fmt: skip
    assert "mp4" in probe.stdout

    # the officer sees it on the case page
    client.force_login(cast.alice)
    page = client.get(f"/backoffice/cases/{drone.case.pk}/").content.decode()
    assert file.name in page


def test_record_done_before_publish_done_ends_the_session_once(
    cast, drone, client, live_dirs, local_vault, django_capture_on_commit_callbacks
):
    """nginx-rtmp sends its two closing calls from separate events; either may come first."""
    assert publish(client, drone.device.serial, drone.key, clientid="42").status_code == 204
    flv = prepare_clip(str(live_dirs[1] / f"{drone.device.serial}-2.flv"), seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url("record_done"), {"name": drone.device.serial, "clientid": "42", "path": flv})
    assert r.status_code == 204
    r = client.post(url("publish_done"), {"name": drone.device.serial, "clientid": "42"})
    assert r.status_code == 204
    session = LiveSession.objects.get()
    assert session.status == "filed" and session.ended_at is not None
    actions = list(Entry.objects.filter(subject_id=str(session.pk), action__startswith="live:")
                   .order_by("id").values_list("action", flat=True))  # fmt: skip
    assert actions == [
        "live:session:start",
        "live:session:stop",
        "live:session:recorded",
        "live:session:file",
    ]


def test_a_recording_without_a_case_is_kept_in_the_vault(
    cast, client, live_dirs, local_vault, django_capture_on_commit_callbacks
):
    d = make_drone(cast, serial="BC-1", case=None)
    assert publish(client, "BC-1", d.key, clientid="5").status_code == 204
    flv = prepare_clip(str(live_dirs[1] / "BC-1-1.flv"), seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("record_done"), {"name": "BC-1", "clientid": "5", "path": flv})
    session = LiveSession.objects.get()
    assert session.status == "kept" and session.blob_id and session.evidence_file is None
    assert not EvidenceFile.objects.exists()


def test_a_new_publish_closes_a_session_left_open(cast, drone, client):
    publish(client, drone.device.serial, drone.key, clientid="1")
    publish(client, drone.device.serial, drone.key, clientid="2")
    first, second = LiveSession.objects.order_by("started_at")
    assert first.ended_at is not None and second.ended_at is None


def test_an_archived_case_gets_no_new_file(
    cast, client, live_dirs, local_vault, django_capture_on_commit_callbacks
):
    case = make_case(cast)
    d = make_drone(cast, serial="BC-2", case=case)
    publish(client, "BC-2", d.key, clientid="9")
    case.state = "archived"
    case.save()
    flv = prepare_clip(str(live_dirs[1] / "BC-2-1.flv"), seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("record_done"), {"name": "BC-2", "clientid": "9", "path": flv})
    session = LiveSession.objects.get()
    assert session.status == "kept" and "RECORDING_STATE_CONFLICT" in session.note
