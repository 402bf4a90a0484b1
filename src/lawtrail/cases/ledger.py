"""案件台账: the case list, with its filters, as an Excel workbook — built by a background job
(``cases.ledger_export``) that reports its progress, so a ledger of thousands of cases does not
hold a request open and the handler sees how far it is.

The job's state and the finished file live in the cache (Redis in production, shared by the web
and worker processes) for ``KEEP`` seconds, under a random id bound to the user who asked: nobody
else can read its progress or download it. Without a broker (the embedded default) the task runs
eagerly inside the request, and the progress page shows it done. Every text cell goes through
``core.exports.cell_safe`` (no formula a spreadsheet would run).
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from typing import Any

import openpyxl
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lawtrail.core.exports import cell_safe
from lawtrail.core.permissions import Perm
from lawtrail.registry.models import Domain
from lawtrail.registry.selectors import agencies_in_scope

from . import page_steps, selectors
from .forms import CaseFilterForm
from .models import CaseViolation, Party, State

KEEP = 3600  # seconds a finished ledger can be downloaded
CHUNK = 500  # cases read (and progress reported) at a time
MAX_ROWS = 100_000  # a larger ledger is refused: narrow the filters

COLUMNS: tuple[tuple[Any, int], ...] = (
    (L("序号"), 6),
    (L("案号"), 24),
    (L("案由"), 36),
    (L("当事人"), 28),
    (L("违法行为"), 36),
    (L("执法领域"), 12),
    (L("办案机关"), 24),
    (L("主办人"), 10),
    (L("承办人员"), 18),
    (L("状态"), 14),
    (L("待办"), 16),
    (L("线索登记日"), 12),
    (L("立案日"), 12),
    (L("处理结果"), 14),
    (L("罚款金额（元）"), 14),
    (L("已缴金额（元）"), 14),
    (L("决定日期"), 12),
    (L("决定书文号"), 24),
    (L("结案日"), 12),
    (L("最近期限"), 12),
)


def filter_form(user: Any, data: Any) -> tuple[CaseFilterForm, dict[str, Any]]:
    """The case list's filter form over ``data`` (a QueryDict) and the filters it gives."""
    agency_ids = list(agencies_in_scope(user, Perm.CASE_VIEW).values_list("pk", flat=True))
    form = CaseFilterForm(
        data or None,
        states=State.choices,
        domains=Domain.objects.order_by("sort", "code").values_list("code", "name"),
        officers=selectors.staff_accounts_for(user, agency_ids),
    )
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = {
            "state": d["state"] or None,
            "domain": d["domain"] or None,
            "officer": d["officer"],
            "overdue": {"1": True, "0": False}.get(d["overdue"]),
            "date_from": d["date_from"],
            "date_to": d["date_to"],
            "q": d["q"].strip() or None,
        }
    return form, filters


# ----------------------------------------------------------------------------- the job


def _key(job_id: str) -> str:
    return f"cases:ledger:{job_id}"


def job_state(job_id: str, user: Any) -> dict[str, Any] | None:
    """The job's state if it is ``user``'s (None otherwise: not found, expired, another's)."""
    state = cache.get(_key(job_id))
    if not state or state.get("user") != user.pk:
        return None
    return state


def job_file(job_id: str, user: Any) -> tuple[str, bytes] | None:
    state = job_state(job_id, user)
    if state is None or state.get("status") != "done":
        return None
    data = cache.get(_key(job_id) + ":file")
    return (state["filename"], data) if data is not None else None


def _save(job_id: str, **state: Any) -> None:
    cache.set(_key(job_id), state, KEEP)


def start(user: Any, query: str, total: int) -> str:
    """Queue the ledger of the list ``query`` (the list page's query string) for ``user``."""
    from .tasks import ledger_export_task  # noqa: PLC0415 — cycle: cases.tasks imports this module

    job_id = secrets.token_urlsafe(16)
    _save(job_id, user=user.pk, status="queued", done=0, total=total, filename="")
    ledger_export_task.delay(job_id, user.pk, query)
    return job_id


def run(job_id: str, user_id: int, query: str) -> None:
    """The job: read the filtered list in chunks, write the workbook, keep it in the cache."""
    user = get_user_model().objects.get(pk=user_id)
    today = timezone.localdate()
    _form, filters = filter_form(user, QueryDict(query))
    ids = list(selectors.case_list_for(user, today=today, **filters).values_list("pk", flat=True))
    total = len(ids)
    _save(job_id, user=user_id, status="running", done=0, total=total, filename="")
    data = build(
        user,
        ids,
        today=today,
        progress=lambda done: _save(
            job_id, user=user_id, status="running", done=done, total=total, filename=""
        ),
    )
    filename = f"案件台账-{today:%Y%m%d}.xlsx"
    cache.set(_key(job_id) + ":file", data, KEEP)
    _save(job_id, user=user_id, status="done", done=total, total=total, filename=filename)


def build(user: Any, ids: list[int], *, today: dt.date, progress=None) -> bytes:
    """The workbook of the cases ``ids`` (in that order), read ``CHUNK`` at a time."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title=_("案件台账"))
    for i, (_label, width) in enumerate(COLUMNS):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for label, _w in COLUMNS:
        cell = WriteOnlyCell(ws, value=str(label))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    n = 0
    for start_at in range(0, len(ids), CHUNK):
        chunk = ids[start_at : start_at + CHUNK]
        cases = {
            c.pk: c
            for c in selectors.case_list_for(user, today=today)
            .filter(pk__in=chunk)
            .prefetch_related(
                Prefetch("parties", queryset=Party.objects.only("id", "case_id", "name").order_by("id")),
                Prefetch(
                    "violations",
                    queryset=CaseViolation.objects.select_related("violation").only(
                        "id", "case_id", "violation__name"
                    ),
                ),
                "officers",
            )
        }
        ordered = [cases[i] for i in chunk if i in cases]
        tasks = page_steps.task_names(ordered, today=today)
        for c in ordered:
            n += 1
            ws.append([cell_safe(v) for v in _row(n, c, tasks.get(c.pk, ""))])
        if progress:
            progress(n)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(n: int, c: Any, task: str) -> list[Any]:
    officers = "、".join(str(o) for o in c.officers.all() if o.pk != c.handler_id)
    return [
        n,
        c.number or _("（未立案）"),
        c.title,
        "；".join(p.name for p in c.parties.all()),
        "；".join(cv.violation.name for cv in c.violations.all()),
        c.domain.name,
        c.agency.short_name or c.agency.name,
        str(c.handler),
        officers,
        c.get_state_display(),
        task,
        c.lead_on,
        c.filed_on,
        c.get_outcome_display() if c.outcome else "",
        c.fine_amount,
        c.paid_amount if c.fine_amount is not None else None,
        c.decided_on,
        c.decision_number,
        c.closed_on,
        c.next_due,
    ]
