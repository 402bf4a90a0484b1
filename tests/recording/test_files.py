"""Evidence files in the case (issue 10): upload into the vault with metadata from the file,
thumbnails, the chain of custody, 查阅留痕, the upload window (G118-8) and the evidence_add hook."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.recording import services
from lawtrail.recording.models import CustodyEvent, Device, EvidenceFile
from tests.cases.procedure_kit import filed_case, set_profile, step
from tests.cast import api_client_for

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def _file(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_photo_upload_reads_exif_makes_a_thumbnail_and_starts_the_chain(world, vault, tmp_path):
    c = world.cast
    case = filed_case(world)
    path = _file(tmp_path, "现场.jpg", jpeg(when="2026:09:01 08:30:00", gps=(38.04, 114.51)))
    f = services.evidence_file_add(actor=c.alice, case=case, path=path, name="现场.jpg", place="长安区某店")
    assert f.media == "photo" and f.blob.media_type == "image/jpeg"
    assert f.captured_at_source == "exif" and f.captured_at.strftime("%H:%M") == "08:30"
    assert f.latitude is not None and float(f.latitude) == pytest.approx(38.0333, abs=0.01)
    assert f.thumb_id and f.thumb.media_type == "image/jpeg"
    assert len(f.blob.sha256) == 64 and len(f.blob.sm3) == 64
    kinds = list(f.custody.values_list("kind", flat=True))
    assert kinds == ["captured", "uploaded"]
    for ev in f.custody.all():
        assert Entry.objects.filter(subject_type="recording.custodyevent", subject_id=str(ev.pk)).exists()
    assert Entry.objects.filter(action="recording:file:add", subject_id=str(f.pk)).exists()


def test_same_photo_twice_is_stored_once(world, vault, tmp_path):
    c = world.cast
    case = filed_case(world)
    data = jpeg()
    a = services.evidence_file_add(
        actor=c.alice, case=case, path=_file(tmp_path, "a.jpg", data), name="a.jpg"
    )
    b = services.evidence_file_add(
        actor=c.alice, case=case, path=_file(tmp_path, "b.jpg", data), name="b.jpg"
    )
    assert a.blob_id == b.blob_id and a.pk != b.pk


def test_an_officer_of_another_agency_cannot_upload(world, vault, tmp_path):
    case = filed_case(world)
    with pytest.raises(ApplicationError) as exc:
        services.evidence_file_add(
            actor=world.cast.bob, case=case, path=_file(tmp_path, "a.jpg", jpeg()), name="a.jpg"
        )
    assert exc.value.code == "PERMISSION_DENIED"
    assert not EvidenceFile.objects.exists()


def _video(tmp_path, seconds=2, when=None):
    out = tmp_path / "clip.mp4"
    args = [
        "ffmpeg",
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=duration={seconds}:size=160x120:rate=10",
        "-pix_fmt",
        "yuv420p",
    ]
    if when:
        args += ["-metadata", f"creation_time={when}"]
    subprocess.run([*args, str(out)], check=True, capture_output=True)
    return out


def test_video_duration_and_time_from_the_container_poster_frame(world, vault, tmp_path):
    c = world.cast
    case = filed_case(world)
    path = _video(tmp_path, when="2026-09-01T00:10:00Z")
    f = services.evidence_file_add(actor=c.alice, case=case, path=path, name="执法记录仪.mp4")
    assert f.media == "video" and f.duration == pytest.approx(2.0, abs=0.2)
    assert f.captured_at_source == "container" and f.captured_at == dt.datetime(
        2026, 9, 1, 0, 10, tzinfo=dt.UTC
    )
    assert f.poster_id and f.thumb_id == f.poster_id and (f.width, f.height) == (160, 120)


def test_late_recording_is_flagged_and_its_reason_asked_g118_8(world, vault, tmp_path):
    c = world.cast
    case = filed_case(world)
    set_profile(c.agency_a, "recording.upload_window", 24)
    # captured 2026-08-30 10:00 (+08) per the container, uploaded 2026-09-01 10:00: 48 h > 24 h
    path = _video(tmp_path, when="2026-08-30T02:00:00Z")
    f = services.evidence_file_add(actor=c.alice, case=case, path=path, name="late.mp4")
    assert f.late and not f.late_reason
    with pytest.raises(ApplicationError) as exc:
        services.late_reason_give(actor=c.alice, file=f, reason=" ")
    assert exc.value.code == "RECORDING_LATE_REASON_REQUIRED"
    f = services.late_reason_give(actor=c.alice, file=f, reason="现场无网络，次日返回单位后上传")
    assert f.late_reason
    # within the window: not flagged
    on_time = _video(tmp_path, seconds=1, when="2026-09-01T01:00:00Z")
    assert not services.evidence_file_add(actor=c.alice, case=case, path=on_time, name="ok.mp4").late


def test_views_and_downloads_are_recorded_and_shown(world, vault, tmp_path, client):
    c = world.cast
    case = filed_case(world)
    f = services.evidence_file_add(
        actor=c.alice, case=case, path=_file(tmp_path, "a.jpg", jpeg()), name="a.jpg"
    )
    client.force_login(c.carol)
    page = client.get(f"/backoffice/recording/files/{f.pk}/")
    assert page.status_code == 200
    assert (
        client.get(f"/backoffice/recording/files/{f.pk}/content").status_code == 200
    )  # same view, counted once
    dl = client.get(f"/backoffice/recording/files/{f.pk}/content?download=1")
    assert dl.status_code == 200 and "attachment" in dl["Content-Disposition"]
    assert b"".join(dl.streaming_content) == (tmp_path / "a.jpg").read_bytes()
    views = CustodyEvent.objects.filter(file=f, actor=c.carol)
    assert sorted(views.values_list("kind", flat=True)) == ["downloaded", "viewed"]
    for ev in views:
        assert Entry.objects.filter(subject_type="recording.custodyevent", subject_id=str(ev.pk)).exists()
    page = client.get(f"/backoffice/recording/files/{f.pk}/")
    assert "下载" in page.content.decode() and page.content.decode().count('data-kind="viewed"') == 1
    # another agency's officer sees nothing and leaves no trace
    client.force_login(c.bob)
    assert client.get(f"/backoffice/recording/files/{f.pk}/content").status_code == 404
    assert not CustodyEvent.objects.filter(file=f, actor=c.bob).exists()


def test_upload_through_the_api_and_link_through_the_evidence_add_step(world, vault):
    c = world.cast
    case = filed_case(world)
    api = api_client_for(c.alice)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = api.post(
        f"/api/v1/recording/cases/{case.pk}/files",
        {"file": SimpleUploadedFile("照片1.jpg", jpeg(), content_type="image/jpeg"), "place": "现场"},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    fid = r.json()["id"]
    assert r.json()["sha256"] and r.json()["media"] == "photo"
    # a renamed executable is refused by content
    bad = api.post(
        f"/api/v1/recording/cases/{case.pk}/files",
        {
            "file": SimpleUploadedFile("x.jpg", b"\x7fELF" + b"\0" * 200, content_type="image/jpeg"),
            "step": "nope",
        },
        format="multipart",
    )
    assert bad.status_code == 400
    step(c.alice, case, "evidence_add", kind="physical", title="现场照片", evidence_file_ids=[fid])
    f = EvidenceFile.objects.get(pk=fid)
    assert f.evidence.title == "现场照片"
    assert list(f.custody.values_list("kind", flat=True)) == ["captured", "uploaded", "linked"]
    detail = api_client_for(c.carol).get(f"/api/v1/recording/files/{fid}")
    assert detail.status_code == 200 and detail.json()["custody"][-1]["kind"] == "viewed"


def test_case_page_shows_the_files_section(world, vault, tmp_path, client):
    c = world.cast
    case = filed_case(world)
    services.evidence_file_add(actor=c.alice, case=case, path=_file(tmp_path, "a.jpg", jpeg()), name="a.jpg")
    client.force_login(c.alice)
    html = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert 'id="evidence-files"' in html and "/thumb" in html and 'capture="environment"' in html


# ----------------------------------------------------------------------------- devices (APL-41)


def test_device_register_review_and_stream_key(world):
    c = world.cast
    with pytest.raises(ApplicationError) as exc:
        services.device_register(actor=c.alice, agency=c.agency_a, serial="CAM-1", kind="fixed_camera")
    assert exc.value.code == "PERMISSION_DENIED"
    d = services.device_register(
        actor=c.grace, agency=c.agency_a, serial="CAM-1", kind="fixed_camera", location="中山路与建设大街路口"
    )
    assert d.review_status == "pending" and d.is_monitoring
    with pytest.raises(ApplicationError) as exc:
        services.device_register(actor=c.grace, agency=c.agency_a, serial="CAM-1", kind="drone")
    assert exc.value.code == "RECORDING_DEVICE_SERIAL_TAKEN"
    d = services.device_review(actor=c.dave, device=d, passed=True, note="技术指标合格，设置合理")
    assert d.review_status == "passed"
    d, key = services.device_stream_key_regenerate(actor=c.grace, device=d)
    assert services.device_stream_key_matches(d, key) and not services.device_stream_key_matches(d, key + "x")
    d2, key2 = services.device_stream_key_regenerate(actor=c.grace, device=d)
    assert not services.device_stream_key_matches(d2, key) and services.device_stream_key_matches(d2, key2)
    d2 = services.device_update(actor=c.grace, device=d2, location="另一路口")
    assert d2.review_status == "pending"  # moved: reviewed again
    assert Entry.objects.filter(subject_type="recording.device", subject_id=str(d.pk)).count() == 5


def test_device_api_and_pages(world):
    c = world.cast
    api = api_client_for(c.grace)
    r = api.post(
        "/api/v1/recording/devices",
        {"serial": "UAV-7", "kind": "drone", "agency": c.agency_a.pk, "holder": c.alice.pk},
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert api_client_for(c.bob).get(f"/api/v1/recording/devices/{pk}").status_code == 404
    r = api.post(f"/api/v1/recording/devices/{pk}/stream-key")
    assert r.status_code == 200 and len(r.json()["stream_key"]) > 20
    assert api_client_for(c.alice).post(f"/api/v1/recording/devices/{pk}/stream-key").status_code == 403
    assert (
        api.patch(f"/api/v1/recording/devices/{pk}", {"task": "河道巡查"}, format="json").json()["task"]
        == "河道巡查"
    )
    assert Device.objects.get(pk=pk).holder == c.alice


def test_unreviewed_monitoring_record_cannot_ground_a_decision_apl_41(world, vault, tmp_path):
    from lawtrail.cases import services as svc

    c = world.cast
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="proposal", levels=["approver_1"])
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="decision", levels=["approver_1"])
    case = filed_case(world)
    cam = services.device_register(actor=c.grace, agency=c.agency_a, serial="SPD-1", kind="speed_meter")
    f = services.evidence_file_add(
        actor=c.alice, case=case, path=_file(tmp_path, "speed.jpg", jpeg()), name="speed.jpg", device=cam
    )
    assert f.record_review == "pending"
    step(
        c.alice,
        case,
        "evidence_add",
        kind="electronic",
        title="测速记录",
        evidence_file_ids=[f.pk],
        cross_examined=True,
    )
    step(c.alice, case, "investigation_end", report="经调查属实。")
    step(c.alice, case, "proposal_submit", outcome="penalty", kinds=["fine"], amount="70000", tier="normal")
    from lawtrail.cases import services as cs

    cs.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    step(c.alice, case, "notice_serve", served_on="2026-09-01")
    step(c.alice, case, "statement_record", waived=True)
    step(c.alice, case, "statement_close")
    from tests.cases.procedure_kit import refused_step

    err = refused_step("RECORDING_DEVICE_UNREVIEWED", c.alice, case, "decision_submit")
    assert err.rule == "APL-41"
    services.device_review(actor=c.dave, device=cam, passed=True)
    refused_step("RECORDING_DEVICE_UNREVIEWED", c.alice, case, "decision_submit")  # the record itself too
    services.record_review(actor=c.dave, file=f, passed=True)
    # the guard's read, compiled once per thread: the ORM's answer, with the device
    from lawtrail.recording import gates

    orm = list(
        EvidenceFile.objects.filter(
            case=case, evidence__isnull=False, device__kind__in=Device.MONITORING
        ).select_related("device")
    )
    fast = gates._MONITORING_FILES.all(case.pk)
    assert fast == orm == [f]
    assert [(x.device, x.device.review_status, x.record_review) for x in fast] == [
        (x.device, x.device.review_status, x.record_review) for x in orm
    ]
    assert step(c.alice, case, "decision_submit").state == "deciding"
