"""The law recording enforces, as pure functions (no database, no request). Each cites its
RULES.md ID; tests are table-driven (tests/recording/test_rules.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed

# ----------------------------------------------------------------------------- G118-8 upload window


def upload_late(*, captured_at: dt.datetime | None, uploaded_at: dt.datetime, window_hours: int) -> bool:
    """G118-8 (国办发〔2018〕118号第八项; NMG Art. 20 as the profile's example): an audio-video
    record is uploaded within ``recording.upload_window`` hours of its capture. A file whose
    capture time is unknown cannot be late."""
    if captured_at is None:
        return False
    return uploaded_at - captured_at > dt.timedelta(hours=window_hours)


def captured_at_check(*, captured_at: dt.datetime | None, uploaded_at: dt.datetime) -> None:
    """G118-8: a capture time after the upload is a wrong clock or a wrong entry (one minute of
    clock skew between a camera and the server is tolerated)."""
    if captured_at is not None and captured_at > uploaded_at + dt.timedelta(minutes=1):
        raise ValidationFailed(
            _("拍摄（录制）时间不能晚于上传时间。"), code="RECORDING_CAPTURED_AT_INVALID", rule="G118-8"
        )


# ----------------------------------------------------------------------------- APL-41 monitoring devices


@dataclass(frozen=True)
class RecordFacts:
    file_id: object
    from_monitoring_device: bool
    device_reviewed: bool  # the device's 法制和技术审核 passed
    record_reviewed: bool  # the record's own review passed


def monitoring_records_check(records: Sequence[RecordFacts]) -> None:
    """APL-41 (《行政处罚法》第四十一条): a record of an electronic monitoring device grounds a
    decision only when the device passed its 法制和技术审核 and the record itself was reviewed;
    unreviewed or failed records are not evidence (``RECORDING_DEVICE_UNREVIEWED``)."""
    bad = [
        r.file_id
        for r in records
        if r.from_monitoring_device and not (r.device_reviewed and r.record_reviewed)
    ]
    if bad:
        raise Conflict(
            _(
                "电子技术监控设备记录的违法事实未经审核或者经审核不符合要求的，不得作为行政处罚的证据（《行政处罚法》第四十一条）。"
            ),
            code="RECORDING_DEVICE_UNREVIEWED",
            rule="APL-41",
            details={"files": bad},
        )


# ----------------------------------------------------------------------------- G118-8 mandatory audio-video

#: the acts of G118-8 that a case step can be recognised as, by the profile list's wording
SEIZURE = "查封扣押财产"
DEMOLITION = "强制拆除"


def acts_of_step(*, action: str, label: str, measure_kind: str = "", enforcement_mode: str = "") -> set[str]:
    """G118-8 (国办发〔2018〕118号第八项): the names of the acts a step of the case flow performs, in
    the words of the profile list ``recording.whole_process_acts`` (the agency's 音像记录事项清单):
    taking a measure of 查封 or 扣押 is 查封扣押财产; completing an enforcement decided as a
    demolition (its mode names 拆除) is 强制拆除 — the act is recorded when it is carried out, not when
    it is decided; any step is also named by its own label (an agency may list “举行听证”,
    “送达处罚决定书” …)."""
    acts = {label}
    if action == "measure_take" and measure_kind in ("seal", "seize"):
        acts.add(SEIZURE)
    if action == "execution_complete" and "拆除" in (enforcement_mode or ""):
        acts.add(DEMOLITION)
    return acts


def av_required_check(*, acts: set[str], listed: Iterable[str], recordings: int, step: str = "") -> None:
    """G118-8 (国办发〔2018〕118号第八项): 查封扣押财产、强制拆除 and the acts of the agency's list
    (``recording.whole_process_acts``) are recorded on audio-video for the whole process; the step
    is refused while no audio-video recording is linked to it (``RECORDING_AV_REQUIRED``, 409)."""
    required = sorted(a for a in acts if a in set(listed))
    if required and recordings <= 0:
        raise Conflict(
            _(
                "“%(act)s”应当进行全过程音像记录：请先在本案“证据文件”中上传本次执法的录音录像（执法环节选“%(step)s”），"
                "再办理此步骤（《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》"
                "（国办发〔2018〕118号）第八项）。"
            )
            % {"act": "、".join(required), "step": step or "、".join(required)},
            code="RECORDING_AV_REQUIRED",
            rule="G118-8",
            details={"acts": required},
        )


# ----------------------------------------------------------------------------- 笔录 (APL-55, ACL-18)

#: APL-42 (《行政处罚法》第四十二条): at least two officers — a number of the law, not a local one
TRANSCRIPT_MIN_OFFICERS = 2


def transcript_officers_check(officer_ids: Sequence[object]) -> None:
    """APL-42 / APL-55 (《行政处罚法》第四十二条、第五十五条): a 笔录 is made by at least two officers
    holding enforcement credentials; the same person twice is one."""
    if len({i for i in officer_ids if i}) < TRANSCRIPT_MIN_OFFICERS:
        raise ValidationFailed(
            _("笔录不完整：%(field)s。") % {"field": _("执法人员不得少于两人")},
            code="RECORDING_TRANSCRIPT_INVALID",
            rule="APL-42",
        )


def transcript_missing(
    *, officers_signed: int, party_signed: bool, party_refused: bool, witness_signed: bool
) -> list[str]:
    """ACL-18 (《行政强制法》第十八条第六、七、八项) and APL-55: the record is signed or sealed by the
    party and the officers; when the party refuses, that is noted in the record; when the party is
    absent or refuses, a witness signs. Returns what is still missing (empty: complete)."""
    missing = []
    if officers_signed < TRANSCRIPT_MIN_OFFICERS:
        missing.append(
            _("执法人员签名（%(n)s/%(m)s）") % {"n": officers_signed, "m": TRANSCRIPT_MIN_OFFICERS}
        )
    if not party_signed and not party_refused:
        missing.append(_("当事人签名，或注明当事人拒绝签名"))
    if party_refused and not witness_signed:
        missing.append(_("见证人签名（当事人拒绝签名时）"))
    return missing


# ----------------------------------------------------------------------------- G118-9 disposal after retention

#: who decides a disposal: the agency's 负责人 (分管领导 or 主要负责人)
DISPOSAL_DECIDERS = frozenset({"approver_2", "approver_3"})


def retention_end(*, archived_on: dt.date, years: int) -> dt.date:
    """G118-9: the retention period of a case's recordings runs from the day the case was archived
    (归档) for ``recording.retention_years`` years (29 Feb → 28 Feb)."""
    try:
        return archived_on.replace(year=archived_on.year + years)
    except ValueError:
        return archived_on.replace(year=archived_on.year + years, day=28)


def disposal_check(*, archived: bool, archived_on: dt.date | None, today: dt.date, years: int) -> dt.date:
    """G118-9 (国办发〔2018〕118号第九项: 执法记录归档保存、防删改): an evidence file is disposed of only
    after its case was archived (``RECORDING_DISPOSAL_CASE_NOT_ARCHIVED``) and the retention period
    ``recording.retention_years`` counted from the archiving has ended
    (``RECORDING_DISPOSAL_RETENTION``); returns the day it ended."""
    if not archived or archived_on is None:
        raise Conflict(
            _(
                "案件尚未归档，其证据文件应当随案保存，不得处置（《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号）第九项）。"
            ),
            code="RECORDING_DISPOSAL_CASE_NOT_ARCHIVED",
            rule="G118-9",
        )
    ends = retention_end(archived_on=archived_on, years=years)
    if today <= ends:
        raise Conflict(
            _(
                "证据文件的保存期限（%(years)s年，自%(archived)s归档起）至%(ends)s届满，届满前不得处置（《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号）第九项）。"
            )
            % {"years": years, "archived": archived_on.isoformat(), "ends": ends.isoformat()},
            code="RECORDING_DISPOSAL_RETENTION",
            rule="G118-9",
            details={"retention_ends_on": ends.isoformat()},
        )
    return ends


def disposal_decider_check(*, roles: Iterable[str], requested_by: object, actor: object) -> None:
    """G118-9: a disposal is approved by the agency's 负责人 (分管领导 or 主要负责人), not by the person
    who asked for it (``RECORDING_DISPOSAL_LEADER_REQUIRED``)."""
    if not set(roles) & DISPOSAL_DECIDERS or requested_by == actor:
        raise PermissionDenied(
            _("证据文件的处置须经行政机关负责人批准，且不得由申请人本人批准。"),
            code="RECORDING_DISPOSAL_LEADER_REQUIRED",
            rule="G118-9",
        )
