"""笔录 (issue 10; APL-55, ACL-18, APL-42): structured on-site, inquiry and inspection records signed
by hand — two officers and the party, or the party's refusal noted and a witness — each signature a
PNG in the vault, hashed and journaled; complete, the record is rendered to PDF and joins the case
file (一案一卷)."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfReader

from lawtrail.cases import extensions
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.journal.services import journal_verify
from lawtrail.core.vault import vault_open
from lawtrail.recording import rules
from lawtrail.recording import transcript_services as ts
from lawtrail.recording.models import Transcript, TranscriptSignature
from tests.cases.procedure_kit import filed_case

pytestmark = pytest.mark.django_db


def signature(seed: int = 1, *, blank: bool = False) -> bytes:
    """A handwritten-looking PNG (a few strokes), as a tablet's canvas sends it."""
    im = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    if not blank:
        d = ImageDraw.Draw(im)
        for k in range(4):
            d.line(
                [(40 + 120 * k, 150 - 20 * seed), (120 + 120 * k, 60 + 10 * k)], fill=(0, 0, 0, 255), width=5
            )
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.mark.parametrize(
    ("officers", "party", "refused", "witness", "missing"),
    [
        (2, True, False, False, 0),
        (1, True, False, False, 1),  # APL-42: two officers
        (2, False, False, False, 1),  # ACL-18: the party signs …
        (2, False, True, False, 1),  # … or refuses, and then a witness signs
        (2, False, True, True, 0),
        (0, False, True, False, 2),
        (0, False, False, False, 2),
    ],
)
def test_transcript_missing_acl18(officers, party, refused, witness, missing):
    got = rules.transcript_missing(
        officers_signed=officers, party_signed=party, party_refused=refused, witness_signed=witness
    )
    assert len(got) == missing


@pytest.mark.parametrize(("ids", "ok"), [([1, 2], True), ([1, 1], False), ([1], False), ([1, None], False)])
def test_transcript_officers_apl42(ids, ok):
    if ok:
        rules.transcript_officers_check(ids)
    else:
        with pytest.raises(ApplicationError) as e:
            rules.transcript_officers_check(ids)
        assert e.value.code == "RECORDING_TRANSCRIPT_INVALID" and e.value.rule == "APL-42"


def _make(world, case, **kw):
    c = world.cast
    args = {
        "actor": c.alice,
        "case": case,
        "kind": "inquiry",
        "started_at": timezone.now() - dt.timedelta(hours=1),
        "ended_at": timezone.now(),
        "place": "长安区市场监管局询问室",
        "officer_ids": [c.alice.pk, world.andy.pk],
        "subject_name": "王小明",
        "subject_detail": "公民身份号码130102199001011234，联系电话13800000000",
        "content": "问：你是否知道店内销售的食品没有标签？\n答：知道，是从批发市场进的货。",
        "credentials_shown": True,
    }
    args.update(kw)
    return ts.transcript_create(**args)


def test_inquiry_signed_by_two_officers_and_the_party_becomes_a_pdf_in_the_case_file(world, vault):
    c = world.cast
    case = filed_case(world)
    t = _make(world, case)
    assert Entry.objects.filter(action="recording:transcript:create", subject_id=str(t.pk)).exists()
    assert ts.missing_of(t)
    ts.transcript_sign(
        actor=c.alice, transcript=t, role="officer", user_id=c.alice.pk, png=data_url(signature(1))
    )
    ts.transcript_sign(actor=c.alice, transcript=t, role="officer", user_id=world.andy.pk, png=signature(2))
    t.refresh_from_db()
    assert t.status == Transcript.Status.DRAFT
    ts.transcript_sign(actor=c.alice, transcript=t, role="party", png=data_url(signature(3)))
    t.refresh_from_db()
    assert t.status == Transcript.Status.SIGNED and t.pdf_id and t.pdf.media_type == "application/pdf"
    sigs = list(t.signatures.all())
    assert [s.role for s in sigs] == ["officer", "officer", "party"]
    for s in sigs:
        assert s.blob.media_type == "image/png" and len(s.blob.sha256) == 64 and len(s.blob.sm3) == 64
        assert Entry.objects.filter(
            action="recording:transcript:sign", subject_id=str(s.pk), note__contains=s.blob.sha256
        ).exists()
    assert Entry.objects.filter(action="recording:transcript:complete", note__contains=t.pdf.sha256).exists()
    with vault_open(t.pdf) as f:
        text = "".join(p.extract_text() for p in PdfReader(f).pages).replace(" ", "")
    assert "询问笔录" in text and "王小明" in text and "批发市场" in text
    items = [i for i in extensions.case_file_for(case) if i.kind == "transcript"]
    assert len(items) == 4 and items[0].blob == t.pdf and "询问笔录" in items[0].title
    # complete: nothing more is signed
    with pytest.raises(ApplicationError) as e:
        ts.transcript_sign(actor=c.alice, transcript=t, role="witness", name="李四", png=signature(4))
    assert e.value.code == "RECORDING_TRANSCRIPT_SIGNED"


def test_party_refuses_a_witness_signs(world, vault):
    c = world.cast
    case = filed_case(world)
    t = _make(world, case, kind="onsite", subject_name="某餐饮公司（负责人张三）")
    ts.transcript_sign(actor=c.alice, transcript=t, role="officer", user_id=c.alice.pk, png=signature(1))
    ts.transcript_sign(actor=c.alice, transcript=t, role="officer", user_id=world.andy.pk, png=signature(2))
    with pytest.raises(ApplicationError) as e:
        ts.transcript_refusal(actor=c.alice, transcript=t, note="当事人拒绝签名", witness_name="")
    assert e.value.code == "RECORDING_TRANSCRIPT_INVALID" and e.value.rule == "ACL-18"
    ts.transcript_refusal(actor=c.alice, transcript=t, note="当事人看过笔录后拒绝签名", witness_name="李四")
    t.refresh_from_db()
    assert t.party_refused and t.status == Transcript.Status.DRAFT
    with pytest.raises(ApplicationError) as e:  # the party's pad is gone once the refusal is noted
        ts.transcript_sign(actor=c.alice, transcript=t, role="party", png=signature(3))
    assert e.value.code == "RECORDING_TRANSCRIPT_INVALID"
    ts.transcript_sign(actor=c.alice, transcript=t, role="witness", png=signature(4))
    t.refresh_from_db()
    assert t.status == Transcript.Status.SIGNED
    assert t.signatures.get(role="witness").name == "李四"
    assert Entry.objects.filter(action="recording:transcript:refusal", subject_id=str(t.pk)).exists()
    report = journal_verify()  # every row written (records, signatures, blobs) has its entry
    assert report.ok, report.problems


@pytest.mark.parametrize(
    "png",
    [b"not a png", signature(blank=True), "data:image/jpeg;base64,AAAA", "data:image/png;base64,!!"],
    ids=["bytes", "blank-pad", "jpeg-url", "bad-base64"],
)
def test_a_signature_must_be_a_png_with_ink(world, vault, png):
    c = world.cast
    t = _make(world, filed_case(world))
    with pytest.raises(ApplicationError) as e:
        ts.transcript_sign(actor=c.alice, transcript=t, role="party", png=png)
    assert e.value.code == "RECORDING_TRANSCRIPT_SIGNATURE_INVALID"
    assert not TranscriptSignature.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"officer_ids": "one"}, "RECORDING_TRANSCRIPT_INVALID"),  # APL-42
        ({"officer_ids": "other agency"}, "RECORDING_TRANSCRIPT_INVALID"),
        ({"credentials_shown": False}, "RECORDING_TRANSCRIPT_INVALID"),  # APL-55
        ({"content": " "}, "RECORDING_TRANSCRIPT_INVALID"),
        ({"kind": "poem"}, "RECORDING_TRANSCRIPT_INVALID"),
        ({"actor": "bob"}, "PERMISSION_DENIED"),
    ],
)
def test_an_incomplete_transcript_is_refused(world, vault, change, code):
    c = world.cast
    case = filed_case(world)
    if change.get("officer_ids") == "one":
        change["officer_ids"] = [c.alice.pk]
    elif change.get("officer_ids") == "other agency":
        change["officer_ids"] = [c.alice.pk, c.bob.pk]
    if change.get("actor") == "bob":
        change["actor"] = c.bob
    with pytest.raises(ApplicationError) as e:
        _make(world, case, **change)
    assert e.value.code == code
    assert not Transcript.objects.exists()


def test_the_pages_make_and_sign_a_transcript(world, vault, client):
    c = world.cast
    case = filed_case(world)
    client.force_login(c.alice)
    page = client.get(f"/backoffice/cases/{case.pk}/")
    assert "制作笔录" in page.content.decode()
    r = client.post(
        f"/backoffice/recording/cases/{case.pk}/transcripts",
        {
            "kind": "inspection",
            "started_at": "2026-09-01T09:00",
            "place": "长安区某店后厨",
            "officer_1": c.alice.pk,
            "officer_2": world.andy.pk,
            "subject_name": "张三",
            "credentials_shown": "on",
            "content": "后厨地面有积水，冷藏柜温度计显示12℃。",
        },
    )
    t = Transcript.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/backoffice/recording/transcripts/{t.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert page.count('class="sig-pad"') == 3 and "勘验笔录" in page
    assert page.count("data-signature-pad=") == 3 and page.count("/static/web/signature.js") == 1
    r = client.post(
        f"/backoffice/recording/transcripts/{t.pk}/sign",
        {"role": "party", "png": data_url(signature(blank=True))},
    )
    assert "RECORDING_TRANSCRIPT_SIGNATURE_INVALID" in client.get(r["Location"]).content.decode()
    client.post(
        f"/backoffice/recording/transcripts/{t.pk}/sign", {"role": "party", "png": data_url(signature(5))}
    )
    sig = t.signatures.get()
    img = client.get(f"/backoffice/recording/transcripts/{t.pk}/signatures/{sig.pk}.png")
    assert img.status_code == 200 and b"".join(img.streaming_content).startswith(b"\x89PNG")
    # another agency's officer does not see the record
    client.force_login(c.bob)
    assert client.get(f"/backoffice/recording/transcripts/{t.pk}/").status_code == 404


def test_the_api_makes_signs_and_completes_a_transcript(world, vault):
    from tests.cast import api_client_for

    c = world.cast
    case = filed_case(world)
    api = api_client_for(c.alice)
    base = f"/api/v1/recording/cases/{case.pk}/transcripts"
    body = {
        "kind": "onsite",
        "started_at": "2026-09-01T09:00:00+08:00",
        "ended_at": "2026-09-01T09:40:00+08:00",
        "place": "长安区中山路88号店内",
        "officer_ids": [c.alice.pk, world.andy.pk],
        "subject_name": "某某食品店",
        "present": "店长王小明",
        "credentials_shown": True,
        "content": "现场货架上有无标签的散装食品十二袋。",
    }
    r = api.post(base, body, format="json")
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["kind_label"] == "现场笔录" and t["status"] == "draft" and len(t["missing"]) == 2
    assert Entry.objects.filter(action="recording:transcript:create", subject_id=str(t["id"])).exists()
    assert [x["id"] for x in api.get(base).json()] == [t["id"]]

    sign = f"/api/v1/recording/transcripts/{t['id']}/signatures"
    r = api.post(sign, {"role": "officer", "user": c.alice.pk, "png": data_url(signature(1))}, format="json")
    assert r.status_code == 201 and r.json()["signatures"][0]["role_label"] == "执法人员"
    r = api.post(
        sign,
        {"role": "officer", "user": world.andy.pk, "png": base64.b64encode(signature(2)).decode()},
        format="json",
    )
    assert r.status_code == 201 and r.json()["status"] == "draft"
    r = api.post(
        f"/api/v1/recording/transcripts/{t['id']}/refusal", {"note": "当事人拒绝签名"}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "RECORDING_TRANSCRIPT_INVALID"
    assert "见证人" in r.json()["message"] and "witness_name" not in r.json()["message"]
    r = api.post(
        f"/api/v1/recording/transcripts/{t['id']}/refusal",
        {"note": "当事人拒绝签名", "witness_name": "李四"},
        format="json",
    )
    assert (
        r.status_code == 200
        and r.json()["party_refused"]
        and r.json()["missing"] == ["见证人签名（当事人拒绝签名时）"]
    )
    r = api.post(sign, {"role": "witness", "png": data_url(signature(4))}, format="json")
    assert r.status_code == 201
    done = api.get(f"/api/v1/recording/transcripts/{t['id']}").json()
    assert (
        done["status"] == "signed" and done["status_label"] == "已签名确认" and len(done["pdf_sha256"]) == 64
    )
    assert [s["role"] for s in done["signatures"]] == ["officer", "officer", "witness"]
    r = api.post(sign, {"role": "party", "png": data_url(signature(5))}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "RECORDING_TRANSCRIPT_SIGNED"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"credentials_shown": False}, "RECORDING_TRANSCRIPT_INVALID", "出示执法证件"),
        ({"kind": "chat"}, "RECORDING_TRANSCRIPT_INVALID", "笔录种类"),
        ({"started_at": "昨天"}, "RECORDING_TRANSCRIPT_INVALID", "开始时间"),
        ({"officer_ids": [1]}, "RECORDING_TRANSCRIPT_INVALID", "APL"),
        ({"content": ""}, "RECORDING_TRANSCRIPT_INVALID", "笔录内容"),
    ],
)
def test_the_api_refuses_an_incomplete_transcript_in_chinese_and_makes_nothing(
    world, vault, body, code, field
):
    from tests.cast import api_client_for

    c = world.cast
    case = filed_case(world)
    full = {
        "kind": "inquiry",
        "started_at": "2026-09-01T09:00:00+08:00",
        "place": "询问室",
        "officer_ids": [c.alice.pk, world.andy.pk],
        "subject_name": "王小明",
        "credentials_shown": True,
        "content": "问：……答：……",
    }
    r = api_client_for(c.alice).post(
        f"/api/v1/recording/cases/{case.pk}/transcripts", {**full, **body}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == code
    msg = r.json()["message"] + (r.json().get("rule") or "")
    assert field in msg
    assert not Transcript.objects.filter(case=case).exists()


def test_the_api_hides_another_agencys_transcripts(world, vault):
    from tests.cast import api_client_for

    c = world.cast
    case = filed_case(world)
    t = _make(world, case)
    bob = api_client_for(c.bob)
    assert bob.get(f"/api/v1/recording/transcripts/{t.pk}").json()["code"] == "RECORDING_TRANSCRIPT_NOT_FOUND"
    r = bob.post(
        f"/api/v1/recording/transcripts/{t.pk}/signatures",
        {"role": "party", "png": data_url(signature())},
        format="json",
    )
    assert r.status_code == 404 and not t.signatures.exists()
