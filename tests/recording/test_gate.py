"""G118-8 on the case flow (``lawtrail.recording.gates``): taking a step that the agency's list
``recording.whole_process_acts`` names (查封扣押财产, 强制拆除 …) without an audio-video recording is
refused with the article and changes nothing; the step links the recordings uploaded for it."""

from __future__ import annotations

import pytest

from lawtrail.cases.models import Case, CaseEvent, Measure
from lawtrail.core.journal.models import Entry
from lawtrail.recording import services
from lawtrail.recording.models import CustodyEvent, EvidenceFile
from tests.cases.procedure_kit import (
    SAMPLE_RECORDING,
    filed_case,
    journaled,
    recorded,
    refused_step,
    set_profile,
    step,
)
from tests.cases.test_measures import requested, take_kw
from tests.cast import api_client_for

from .conftest import jpeg

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def approved(world, vault):
    case = filed_case(world)
    m = requested(world, case)  # 扣押
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    return case, m


def _snapshot(case, m):
    return (
        Case.objects.get(pk=case.pk).state,
        CaseEvent.objects.filter(case=case).count(),
        Measure.objects.get(pk=m.pk).status,
        CustodyEvent.objects.filter(kind="linked").count(),
        list(EvidenceFile.objects.filter(case=case).values_list("pk", "step")),
        Entry.objects.count(),
    )


def test_seizure_without_a_recording_is_refused_and_changes_nothing(world, approved, tmp_path):
    case, m = approved
    c = world.cast
    # a photo for the step, and a video uploaded for another step, are not the seizure's recording
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg())
    services.evidence_file_add(actor=c.alice, case=case, path=photo, name="现场.jpg", step="measure_take")
    services.evidence_file_add(
        actor=c.alice, case=case, path=SAMPLE_RECORDING, name="询问.mp4", step="evidence_add"
    )
    before = _snapshot(case, m)
    err = refused_step(
        "RECORDING_AV_REQUIRED", c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world)
    )
    assert err.rule == "G118-8" and err.details == {"acts": ["查封扣押财产"]}
    assert (
        "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》"
        in err.message
    )
    assert _snapshot(case, m) == before


def test_the_step_links_the_recording_uploaded_for_it(world, approved):
    case, m = approved
    c = world.cast
    f = recorded(c.alice, case)
    case = step(c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.TAKEN and journaled(case, "measure_take")
    ev = CaseEvent.objects.filter(case=case, action="measure_take").latest("id")
    link = CustodyEvent.objects.get(file=f, kind="linked")
    assert link.data["action"] == "measure_take" and link.actor == c.alice
    assert Entry.objects.filter(subject_type="recording.custodyevent", subject_id=str(link.pk)).exists()
    assert list(f.custody.values_list("kind", flat=True)) == ["captured", "uploaded", "linked"]
    assert ev.data["recording_ids"] == [f.pk]  # the case's 大事记 names the recording
    # a second seizure in the case needs its own recording: the first one is linked already
    m2 = requested(world, case, kind="seal")
    step(world.quentin, case, "measure_approve", measure_id=m2.pk)
    refused_step("RECORDING_AV_REQUIRED", c.alice, case, "measure_take", measure_id=m2.pk, **take_kw(world))
    f2 = recorded(c.alice, case)
    step(c.alice, case, "measure_take", measure_id=m2.pk, **take_kw(world))
    assert CustodyEvent.objects.filter(file=f2, kind="linked").count() == 1
    assert CustodyEvent.objects.filter(file=f, kind="linked").count() == 1


def test_a_recording_named_in_the_step(world, approved, tmp_path):
    case, m = approved
    c = world.cast
    f = services.evidence_file_add(actor=c.alice, case=case, path=SAMPLE_RECORDING, name="扣押.mp4")
    photo = tmp_path / "p.jpg"
    photo.write_bytes(jpeg())
    p = services.evidence_file_add(actor=c.alice, case=case, path=photo, name="p.jpg")
    refused_step(
        "RECORDING_AV_REQUIRED", c.alice, case, "measure_take", measure_id=m.pk, recording_ids=[p.pk],
        **take_kw(world),
    )  # fmt: skip
    refused_step(
        "RECORDING_FILE_UNKNOWN", c.alice, case, "measure_take", measure_id=m.pk, recording_ids=[99999],
        **take_kw(world),
    )  # fmt: skip
    step(c.alice, case, "measure_take", measure_id=m.pk, recording_ids=[f.pk], **take_kw(world))
    f.refresh_from_db()
    assert f.step == "measure_take" and f.custody.filter(kind="linked").exists()


@pytest.mark.parametrize(
    ("listed", "kind", "needs"),
    [
        (None, "preservation", False),  # 先行登记保存 is not 查封扣押财产
        (None, "seal", True),
        (["强制拆除"], "seize", False),  # the agency's list decides
        (["实施强制措施"], "preservation", True),  # a step named by its label
    ],
)
def test_the_agency_list_decides(world, vault, listed, kind, needs):
    c = world.cast
    if listed is not None:
        set_profile(c.agency_a, "recording.whole_process_acts", listed)
    case = filed_case(world)
    m = requested(world, case, kind=kind)
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    if needs:
        refused_step(
            "RECORDING_AV_REQUIRED", c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world)
        )
        recorded(c.alice, case)
    step(c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.TAKEN


def test_api_answers_409_with_the_code_and_changes_nothing(world, approved):
    case, m = approved
    c = world.cast
    api = api_client_for(c.alice)
    body = {"measure_id": m.pk, **take_kw(world)}
    before = _snapshot(case, m)
    r = api.post(f"/api/v1/cases/{case.pk}/actions/measure_take", body, format="json")
    assert r.status_code == 409, r.content
    payload = r.json()
    assert payload["code"] == "RECORDING_AV_REQUIRED" and payload["rule"] == "G118-8"
    assert "第八项" in payload["message"] and "上传本次执法的录音录像" in payload["message"]
    assert _snapshot(case, m) == before
    f = recorded(c.alice, case)
    r = api.post(f"/api/v1/cases/{case.pk}/actions/measure_take", body, format="json")
    assert r.status_code == 200, r.content
    assert EvidenceFile.objects.get(pk=f.pk).custody.filter(kind="linked").exists()


def test_the_case_page_tells_the_officer_where_to_upload(world, approved, client):
    case, m = approved
    c = world.cast
    client.force_login(c.alice)
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert 'id="evidence-upload"' in page and 'id="evidence-upload-av"' in page
    assert "查封扣押财产" in page and 'option value="measure_take"' in page
    form = {
        "measure_id": m.pk,
        "started_at": "2026-09-01T10:30",
        "officer_ids": [world.andy.pk],
        "onsite_record": "现场笔录：扣押过期食品20箱。",
        "party_present": "on",
        "party_signed": "on",
    }
    on_case_page = {**HX, "HTTP_HX_CURRENT_URL": f"http://testserver/backoffice/cases/{case.pk}/"}
    r = client.post(f"/backoffice/cases/{case.pk}/act/measure_take/", form, **on_case_page)
    body = r.content.decode()
    assert r.status_code == 409, body[:2000]
    assert "应当进行全过程音像记录" in body and "第八项" in body
    assert 'href="#evidence-upload"' in body and "上传本次执法的录音录像" in body
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.APPROVED
    # on the step's own page (no JavaScript, or from it by htmx) the link leads to the case page's
    # upload form, naming the step
    elsewhere = f'href="/backoffice/cases/{case.pk}/?step=measure_take#evidence-upload"'
    for extra in (
        {},
        {**HX, "HTTP_HX_CURRENT_URL": f"http://testserver/backoffice/cases/{case.pk}/act/measure_take/"},
    ):
        r = client.post(f"/backoffice/cases/{case.pk}/act/measure_take/", form, **extra)
        body = r.content.decode()
        assert r.status_code == 409 and elsewhere in body, body[:2000]
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.APPROVED


def _pending_by_the_orm(case, action):
    """``_pending_recordings`` as the ORM's queryset reads it (what the compiled query replaces)."""
    linked = CustodyEvent.objects.filter(kind="linked", data__action=action).values("file_id")
    return list(
        EvidenceFile.objects.filter(
            case=case, step=action, media__in=("video", "audio"), disposed_at__isnull=True
        )
        .exclude(pk__in=linked)
        .order_by("id")
    )


def test_the_compiled_read_of_the_pending_recordings_equals_the_orms(world, approved):
    """Each on-site step's recordings uploaded and not yet linked (compiled once per thread, one
    query per step): the ORM's answer, before and after the step linked its own, for every step."""
    from types import SimpleNamespace

    from lawtrail.recording import gates

    case, m = approved
    c = world.cast
    first, second = recorded(c.alice, case), recorded(c.alice, case)
    served = recorded(c.alice, case, "notice_serve")

    def pending(action):
        return gates._pending_recordings(SimpleNamespace(case=case, row=SimpleNamespace(action=action)))

    for action in gates.AV_STEPS:
        assert pending(action) == _pending_by_the_orm(case, action)
    assert pending("measure_take") == [first, second]
    case = step(c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    for action in gates.AV_STEPS:
        assert pending(action) == _pending_by_the_orm(case, action)
    assert pending("measure_take") == [] and pending("notice_serve") == [served]
