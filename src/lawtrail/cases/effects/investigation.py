"""调查取证: evidence registered and examined, the investigation ended (APL-54/55/57)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lawtrail.core.errors import ValidationFailed
from lawtrail.core.journal.services import journal_append, journal_snapshot

from ..journal_actions import CaseJournal
from ..models import Evidence


def evidence_add(ctx) -> None:
    inp = ctx.input
    if inp.evidence_kind not in Evidence.Kind.values:
        raise ValidationFailed(_("证据种类应为法定八类证据之一。"), code="CASE_EVIDENCE_KIND_INVALID")
    if not inp.title.strip():
        raise ValidationFailed(_("请填写证据名称。"), code="CASE_EVIDENCE_TITLE_REQUIRED")
    collected_on = inp.collected_on or ctx.on
    if collected_on > ctx.on:
        raise ValidationFailed(_("收集日期不能晚于今天。"), code="CASE_DATE_IN_FUTURE")
    ev = Evidence.objects.create(
        case=ctx.case,
        kind=inp.evidence_kind,
        title=inp.title.strip(),
        collected_on=collected_on,
        collected_by=ctx.actor,
        cross_examined=inp.cross_examined,
    )
    ctx.out["evidence_id"] = ev.pk
    journal_append(actor=ctx.actor, action=CaseJournal.EVIDENCE_ADD, subject=ev)


def evidence_examine(ctx) -> None:
    ids = set(ctx.input.evidence_ids)
    rows = list(ctx.case.evidence.filter(pk__in=ids))
    if not ids or len(rows) != len(ids):
        raise ValidationFailed(_("请选择本案的证据。"), code="CASE_EVIDENCE_UNKNOWN")
    if not ctx.input.record.strip():
        raise ValidationFailed(
            _("请填写质证笔录摘要（当事人意见）。"), code="CASE_EXAMINATION_RECORD_REQUIRED"
        )
    # one UPDATE for the items examined (one statement, not one per item); each item journaled
    # with its state before and after, as a save of each would
    befores = [journal_snapshot(ev) for ev in rows]
    Evidence.objects.filter(pk__in=[ev.pk for ev in rows]).update(cross_examined=True)
    for ev, before in zip(rows, befores, strict=True):
        ev.cross_examined = True
        journal_append(actor=ctx.actor, action=CaseJournal.EVIDENCE_EXAMINE, subject=ev, before=before)


def investigation_end(ctx) -> None:
    if not ctx.input.report.strip():
        raise ValidationFailed(_("请填写调查终结报告。"), code="CASE_REPORT_REQUIRED", rule="APL-57")
