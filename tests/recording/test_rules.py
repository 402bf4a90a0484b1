"""recording's rules (``lawtrail.recording.rules``), table-driven: pure functions, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from lawtrail.core.errors import ApplicationError
from lawtrail.recording import rules

LISTED = ["查封扣押财产", "强制拆除", "执法办案场所"]
T0 = dt.datetime(2026, 9, 1, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("action", "label", "measure_kind", "mode", "acts"),
    [
        ("measure_take", "实施强制措施", "seize", "", {"实施强制措施", "查封扣押财产"}),
        ("measure_take", "实施强制措施", "seal", "", {"实施强制措施", "查封扣押财产"}),
        ("measure_take", "实施强制措施", "preservation", "", {"实施强制措施"}),
        ("measure_take", "实施强制措施", "freeze", "", {"实施强制措施"}),
        ("execution_complete", "执行完毕", "", "代履行（强制拆除违法建筑）", {"执行完毕", "强制拆除"}),
        ("execution_complete", "执行完毕", "", "加处罚款", {"执行完毕"}),
        # decided, not yet carried out: the demolition is recorded when it is done
        ("enforcement_decide", "作出强制执行决定", "", "强制拆除", {"作出强制执行决定"}),
        ("hearing_hold", "举行听证", "", "", {"举行听证"}),
    ],
)
def test_G118_8_acts_of_a_step(action, label, measure_kind, mode, acts):
    got = rules.acts_of_step(action=action, label=label, measure_kind=measure_kind, enforcement_mode=mode)
    assert got == acts


@pytest.mark.parametrize(
    ("acts", "listed", "recordings", "refused"),
    [
        ({"实施强制措施", "查封扣押财产"}, LISTED, 0, ["查封扣押财产"]),
        ({"实施强制措施", "查封扣押财产"}, LISTED, 1, None),
        ({"实施强制措施", "查封扣押财产"}, LISTED, 3, None),
        ({"执行完毕", "强制拆除"}, LISTED, 0, ["强制拆除"]),
        ({"实施强制措施"}, LISTED, 0, None),  # 先行登记保存: not on the list
        ({"举行听证"}, LISTED, 0, None),
        ({"举行听证"}, [*LISTED, "举行听证"], 0, ["举行听证"]),  # the agency listed hearings
        ({"实施强制措施", "查封扣押财产"}, [], 0, None),  # an agency list without it
    ],
)
def test_G118_8_audio_video_required(acts, listed, recordings, refused):
    if refused is None:
        rules.av_required_check(acts=acts, listed=listed, recordings=recordings, step="实施强制措施")
        return
    with pytest.raises(ApplicationError) as exc:
        rules.av_required_check(acts=acts, listed=listed, recordings=recordings, step="实施强制措施")
    e = exc.value
    assert e.code == "RECORDING_AV_REQUIRED" and e.status == 409 and e.rule == "G118-8"
    assert e.details["acts"] == refused
    assert (
        "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》"
        in e.message
    )
    assert "第八项" in e.message and "“实施强制措施”" in e.message and refused[0] in e.message


@pytest.mark.parametrize(
    ("captured", "uploaded", "window", "late"),
    [
        (None, T0, 24, False),
        (T0 - dt.timedelta(hours=24), T0, 24, False),
        (T0 - dt.timedelta(hours=24, seconds=1), T0, 24, True),
        (T0 - dt.timedelta(hours=47), T0, 48, False),
    ],
)
def test_G118_8_upload_window(captured, uploaded, window, late):
    assert rules.upload_late(captured_at=captured, uploaded_at=uploaded, window_hours=window) is late


@pytest.mark.parametrize(
    ("records", "refused"),
    [
        ([], False),
        ([rules.RecordFacts(1, True, True, True)], False),
        ([rules.RecordFacts(1, True, False, True)], True),
        ([rules.RecordFacts(1, True, True, False)], True),
        ([rules.RecordFacts(1, False, False, False)], False),
    ],
)
def test_APL_41_monitoring_records_reviewed(records, refused):
    if not refused:
        rules.monitoring_records_check(records)
        return
    with pytest.raises(ApplicationError) as exc:
        rules.monitoring_records_check(records)
    assert exc.value.code == "RECORDING_DEVICE_UNREVIEWED" and "第四十一条" in exc.value.message


@pytest.mark.parametrize(
    ("archived_on", "years", "today", "code"),
    [
        (None, 6, dt.date(2030, 1, 1), "RECORDING_DISPOSAL_CASE_NOT_ARCHIVED"),
        (dt.date(2020, 3, 1), 6, dt.date(2026, 3, 1), "RECORDING_DISPOSAL_RETENTION"),  # the last day
        (dt.date(2020, 3, 1), 6, dt.date(2026, 3, 2), None),
        (dt.date(2020, 2, 29), 6, dt.date(2026, 2, 28), "RECORDING_DISPOSAL_RETENTION"),  # 29 Feb → 28 Feb
        (dt.date(2020, 2, 29), 6, dt.date(2026, 3, 1), None),
        (dt.date(2020, 3, 1), 30, dt.date(2049, 12, 31), "RECORDING_DISPOSAL_RETENTION"),
    ],
)
def test_G118_9_disposal_after_retention(archived_on, years, today, code):
    kw = dict(archived=archived_on is not None, archived_on=archived_on, today=today, years=years)
    if code is None:
        assert rules.disposal_check(**kw) < today
        return
    with pytest.raises(ApplicationError) as exc:
        rules.disposal_check(**kw)
    assert exc.value.code == code and exc.value.status == 409 and exc.value.rule == "G118-9"
    assert "国办发〔2018〕118号" in exc.value.message and "《" in exc.value.message


@pytest.mark.parametrize(
    ("roles", "requested_by", "actor", "ok"),
    [
        ({"approver_2"}, 1, 2, True),
        ({"approver_3"}, 1, 2, True),
        ({"approver_1"}, 1, 2, False),
        ({"officer"}, 1, 2, False),
        ({"approver_3"}, 2, 2, False),  # not the applicant's own approval
    ],
)
def test_G118_9_disposal_decided_by_a_leader(roles, requested_by, actor, ok):
    if ok:
        rules.disposal_decider_check(roles=roles, requested_by=requested_by, actor=actor)
        return
    with pytest.raises(ApplicationError) as exc:
        rules.disposal_decider_check(roles=roles, requested_by=requested_by, actor=actor)
    assert exc.value.code == "RECORDING_DISPOSAL_LEADER_REQUIRED" and exc.value.status == 403
