"""What disclosure shows about cases: tasks in the handler's 待办 (``cases.extensions.todo_items``)
and the record's state on the case page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from lawtrail.cases import extensions

from . import rules, selectors
from .models import Record, Status

APP = "disclosure"


def _todo(actor: Any, scope: Any, limit: int) -> list[extensions.TodoItem]:
    out = []
    for r in selectors.todo_records_compiled(actor, limit, scope):
        if r.status == Status.DRAFT:
            what, due = "公示处罚决定（事后公开）", r.due_on
        else:
            what, due = (
                f"撤回或更正公示（决定已{rules.CHANGE_KINDS.get(r.change_kind, '')}）",
                r.withdrawal_due_on,
            )
        out.append(extensions.TodoItem(r.case, what, due, reverse("disclosure:record", args=[r.pk])))
    return out


def _case_panel(request: Any, case: Any) -> dict[str, Any] | None:
    record = Record.objects.filter(case=case).first()
    if record is None:
        return None
    today = timezone.localdate()
    return {
        "record": record,
        "overdue": rules.overdue(record.due_on, today, record.status != Status.DRAFT),
    }


def register() -> None:
    extensions.todo_items(app=APP, items=_todo)
    extensions.page_panel(app=APP, slot="flags", template="disclosure/_case_flag.html", context=_case_panel)
