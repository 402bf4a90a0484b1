"""Recording's hooks on the case flow (registered in ``apps.RecordingConfig.ready``):

- ``evidence_add`` (登记证据): the files named in ``evidence_file_ids`` become the new evidence
  item's files (custody: linked);
- ``decision_submit``: APL-41 — records of electronic monitoring devices that were not reviewed
  (device and record) cannot ground the decision;
- the on-site steps (实施强制措施, 执行完毕, 举行听证, 送达 …): G118-8 — an act that the agency's
  list ``recording.whole_process_acts`` names (查封扣押财产, 强制拆除 …) needs a linked audio-video
  recording; the step links the recordings uploaded for it (custody: linked).

Each guard gathers facts and calls a rule of ``rules.py``; effects call services. They run in
the step's transaction (``lawtrail.cases.hooks``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lawtrail.cases import hooks
from lawtrail.cases.context import StepContext
from lawtrail.cases.inputs import f
from lawtrail.cases.models import CaseEvent, Evidence, Measure
from lawtrail.core.errors import ValidationFailed
from lawtrail.core.precompiled import Precompiled

from . import rules, services
from .models import CustodyEvent, Device, EvidenceFile

APP = "recording"

#: the steps that can be an on-site act of G118-8 (which of them need a recording is the
#: profile list's say: ``recording.whole_process_acts``)
AV_STEPS = (
    "measure_take",
    "execution_complete",
    "enforcement_decide",
    "hearing_hold",
    "notice_serve",
    "decision_serve",
    "on_the_spot_file",
)


@dataclass(frozen=True)
class EvidenceFilesInput:
    """The case's uploaded files that the new evidence item consists of."""

    evidence_file_ids: tuple[int, ...] = f(
        gettext_lazy("证据文件"), (), help="本案已上传、作为本证据的文件 id", form=False
    )


@dataclass(frozen=True)
class RecordingsInput:
    """The audio-video recordings of this act (G118-8); by default those uploaded for this step."""

    recording_ids: tuple[int, ...] = f(
        gettext_lazy("音像记录"),
        (),
        help="本次执法的录音录像文件 id（不填：本案上传时标明为本环节的录音录像）",
        form=False,
    )


# ----------------------------------------------------------------------------- evidence_add


def _case_files(ctx: StepContext, ids) -> list[EvidenceFile]:
    ids = set(ids)
    if not ids:  # most evidence comes without files: no query to build (nothing to read)
        return []
    rows = list(EvidenceFile.objects.filter(case=ctx.case, pk__in=ids))
    if len(rows) != len(ids):
        raise ValidationFailed(_("请选择本案的证据文件。"), code="RECORDING_FILE_UNKNOWN")
    return rows


def evidence_files_known(ctx: StepContext) -> None:
    inp: EvidenceFilesInput = ctx.extra[APP]
    ctx.facts["recording_files"] = _case_files(ctx, inp.evidence_file_ids)


def evidence_files_link(ctx: StepContext) -> None:
    files = ctx.facts.get("recording_files")
    if not files:  # most evidence is added without files: the item just created is not read back
        return
    evidence = Evidence.objects.get(pk=ctx.out["evidence_id"])
    for file in files:
        services.evidence_file_link(actor=ctx.actor, file=file, evidence=evidence)
    ctx.out["evidence_file_ids"] = sorted(f.pk for f in files)


# ----------------------------------------------------------------------------- APL-41


#: the case's evidence files from monitoring devices, with their device (``decision_submit``):
#: compiled once per thread
_MONITORING_FILES = Precompiled(
    lambda case_id: EvidenceFile.objects.filter(
        case_id=case_id, evidence__isnull=False, device__kind__in=Device.MONITORING
    ).select_related("device")
)


def monitoring_records_reviewed(ctx: StepContext) -> None:
    """APL-41 on ``decision_submit``: the case's evidence from monitoring devices is reviewed."""
    files = _MONITORING_FILES.all(ctx.case.pk)
    rules.monitoring_records_check(
        [
            rules.RecordFacts(
                file_id=f.pk,
                from_monitoring_device=True,
                device_reviewed=f.device.review_status == Device.Review.PASSED,
                record_reviewed=f.record_review == EvidenceFile.RecordReview.PASSED,
            )
            for f in files
        ]
    )


# ----------------------------------------------------------------------------- G118-8


#: the case's last 决定强制执行 (its mode names the act of ``execution_complete``), compiled once
#: per thread
_ENFORCEMENT_DECIDED = Precompiled(
    lambda case_id: CaseEvent.objects.filter(case_id=case_id, action="enforcement_decide").order_by("-id")[:1]
)


def _enforcement_mode(ctx: StepContext) -> str:
    """The mode of the case's enforcement, for the steps whose act it names (``acts_of_step``:
    completing a demolition is 强制拆除); "" for every other step, which reads no event."""
    if ctx.row.action == "enforcement_decide":
        return str(ctx.data.get("mode") or "")
    if ctx.row.action != "execution_complete":
        return ""
    ev = _ENFORCEMENT_DECIDED.first(ctx.case.pk)
    return str((ev.data or {}).get("mode") or "") if ev else ""


def _uploaded_for(action: str) -> Precompiled[EvidenceFile]:
    """The case's audio-video files uploaded for ``action`` and not yet linked to a step of it, as a
    query of the case alone: the action is written into it (the JSON key's lookup takes its value
    in a form ``Precompiled`` cannot swap), one compiled query per step of ``AV_STEPS``."""
    linked = CustodyEvent.objects.filter(kind=CustodyEvent.Kind.LINKED, data__action=action).values("file_id")
    return Precompiled(
        lambda case_id: (
            EvidenceFile.objects.filter(
                case_id=case_id, step=action, media__in=("video", "audio"), disposed_at__isnull=True
            )
            .exclude(pk__in=linked)
            .order_by("id")
        )
    )


#: ``_uploaded_for`` of each on-site step (``AV_STEPS``), compiled once per thread (3 steps a
#: case read it)
_UPLOADED_FOR: dict[str, Precompiled[EvidenceFile]] = {}


def _pending_recordings(ctx: StepContext) -> list[EvidenceFile]:
    """The case's audio-video files uploaded for this step and not yet linked to an earlier one."""
    action = ctx.row.action
    compiled = _UPLOADED_FOR.get(action) or _UPLOADED_FOR.setdefault(action, _uploaded_for(action))
    return compiled.all(ctx.case.pk)


def av_recorded(ctx: StepContext) -> None:
    """G118-8 on the on-site steps: a step that is one of the acts of the agency's list
    ``recording.whole_process_acts`` (查封扣押财产, 强制拆除 …) needs an audio-video recording of
    this case — named in ``recording_ids``, else those uploaded for this step and not linked to an
    earlier one. Refused: ``RECORDING_AV_REQUIRED`` (409), nothing changes."""
    inp: RecordingsInput = ctx.extra[APP]
    if inp.recording_ids:
        files = [x for x in _case_files(ctx, inp.recording_ids) if x.is_av and x.disposed_at is None]
    else:
        files = _pending_recordings(ctx)
    acts = rules.acts_of_step(
        action=ctx.row.action,
        label=str(ctx.row.label),
        measure_kind=str(ctx.data.get("measure_kind") or ctx.facts.get("measure_kind") or _measure_kind(ctx)),
        enforcement_mode=_enforcement_mode(ctx),
    )
    rules.av_required_check(
        acts=acts,
        listed=ctx.profile("recording.whole_process_acts") or [],
        recordings=len(files),
        step=str(ctx.row.label),
    )
    ctx.facts["recording_av"] = files


def _measure_kind(ctx: StepContext) -> str:
    mid = ctx.data.get("measure_id")
    if ctx.row.action != "measure_take" or not mid:
        return ""
    m = Measure.objects.filter(pk=mid, case=ctx.case).first()
    return m.kind if m else ""


def av_link(ctx: StepContext) -> None:
    files = ctx.facts.get("recording_av") or []
    for file in files:
        with_data = {"action": ctx.row.action, "on": ctx.on.isoformat()}
        services.step_link(
            actor=ctx.actor, file=file, action=ctx.row.action, data=with_data, note=str(ctx.row.label)
        )
    if files:
        ctx.out["recording_ids"] = [x.pk for x in files]


def register() -> None:
    hooks.register(
        app=APP,
        action="evidence_add",
        guard=evidence_files_known,
        effect=evidence_files_link,
        input=EvidenceFilesInput,
        rule="APL-47",
        doc="已上传的证据文件关联为本证据（保管链：关联）",
    )
    hooks.register(
        app=APP,
        action="decision_submit",
        guard=monitoring_records_reviewed,
        rule="APL-41",
        doc="电子技术监控设备的记录须经审核（设备和记录）方可作为证据",
    )
    for action in AV_STEPS:
        hooks.register(
            app=APP,
            action=action,
            guard=av_recorded,
            effect=av_link,
            input=RecordingsInput,
            rule="G118-8",
            doc="音像记录事项清单所列执法行为须关联全过程录音录像；关联本环节上传的录音录像",
        )
