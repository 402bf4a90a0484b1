"""What capabilities add to how a case is shown — never to how it moves (that is ``hooks`` and
``outbox``). Registered in the capability's ``AppConfig.ready()``:

- ``page_panel``: a template fragment on the case page, in one of its slots — ``flags`` (a
  badge in the 标记 row), ``actions`` (below the step forms), ``sections`` (after the facts) —
  with the context it needs, or nothing when it has nothing to show for this case and user;
- ``detail_fields``: fields of the case detail in the API (``GET /api/v1/cases/{id}``), with
  their serializer fields for the schema;
- ``case_file_items``: the files a capability holds for a case (evidence, issued documents,
  笔录 …), each a vault blob with its title and date, so the case file (一案一卷) — its 卷内目录
  and the archive package — gathers every capability's files through one door;
- ``todo_items``: the tasks a capability gives a person about cases (a decision to publish, a
  record to withdraw …), listed in their 待办 beside the case flow's own, with a link of its own.

So the case page and the case API show what legal review, recording, documents … know about a
case without ``cases`` importing any of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ImproperlyConfigured

SLOTS = ("flags", "actions", "sections")


@dataclass(frozen=True)
class Panel:
    app: str
    slot: str
    template: str
    context: Callable[..., dict[str, Any] | None]  # (request, case) → context, or None: not shown
    order: int = 100


@dataclass(frozen=True)
class DetailFields:
    app: str
    fields: dict[str, Callable[[], Any]]  # name → a factory of the (read-only) serializer field
    values: Callable[[Any], dict[str, Any]]  # case → {name: value}


_PANELS: list[Panel] = []
_DETAIL: list[DetailFields] = []


def page_panel(
    *, app: str, slot: str, template: str, context: Callable[..., dict[str, Any] | None], order: int = 100
) -> Panel:
    if slot not in SLOTS:
        raise ImproperlyConfigured(f"case page panel of {app!r}: unknown slot {slot!r}")
    panel = Panel(app=app, slot=slot, template=template, context=context, order=order)
    if not any(p.app == app and p.template == template and p.slot == slot for p in _PANELS):
        _PANELS.append(panel)
        _PANELS.sort(key=lambda p: p.order)
    return panel


def panels_for(request: Any, case: Any) -> dict[str, list[dict[str, Any]]]:
    """The panels to render on ``case``'s page for ``request.user``, by slot."""
    out: dict[str, list[dict[str, Any]]] = {slot: [] for slot in SLOTS}
    for p in _PANELS:
        ctx = p.context(request, case)
        if ctx is not None:
            out[p.slot].append({"template": p.template, "context": ctx, "app": p.app})
    return out


def detail_fields(
    *, app: str, fields: dict[str, Callable[[], Any]], values: Callable[[Any], dict[str, Any]]
) -> None:
    taken = {n for d in _DETAIL for n in d.fields}
    if taken & set(fields) and not any(d.app == app for d in _DETAIL):
        raise ImproperlyConfigured(f"case detail fields of {app!r} collide: {sorted(taken & set(fields))}")
    if not any(d.app == app for d in _DETAIL):
        _DETAIL.append(DetailFields(app=app, fields=fields, values=values))


def registered_detail_fields() -> list[DetailFields]:
    return list(_DETAIL)


# ----------------------------------------------------------------------------- the case file (一案一卷)


@dataclass(frozen=True)
class CaseFileItem:
    """One file of a case's file: a vault blob (``lawtrail.core.vault``) and what the 卷内目录 says
    of it. ``ref`` is the owner's stable name of the item (``evidence-file:12``, ``document:7/2``),
    unique within the app; ``app`` is filled in by the door."""

    kind: str  # what it is, for grouping: "evidence", "document", "transcript" …
    title: str  # the 卷内目录 line (Chinese)
    blob: Any  # lawtrail.core.vault.models.Blob
    ref: str
    on: dt.date | None = None  # the item's date (capture, issue): the order in the 卷内目录
    filename: str = ""  # a file name for the item inside an archive (extension included)
    meta: dict[str, Any] = field(default_factory=dict)  # plain JSON values the manifest carries
    app: str = ""


@dataclass(frozen=True)
class CaseFileSource:
    app: str
    items: Callable[[Any], list[CaseFileItem]]  # case → its items held by the app


_CASE_FILE: list[CaseFileSource] = []


def case_file_items(*, app: str, items: Callable[[Any], list[CaseFileItem]]) -> None:
    """Register what ``app`` contributes to a case's file (one source per app)."""
    if any(src.app == app for src in _CASE_FILE):
        if any(src.app == app and src.items is items for src in _CASE_FILE):
            return
        raise ImproperlyConfigured(f"case file items of {app!r} registered twice")
    _CASE_FILE.append(CaseFileSource(app=app, items=items))


def case_file_for(case: Any) -> list[CaseFileItem]:
    """Every registered app's files of ``case``, ordered by date (undated last), app and ref."""
    out: list[CaseFileItem] = []
    for src in _CASE_FILE:
        out.extend(replace(item, app=src.app) for item in src.items(case))
    return sorted(out, key=lambda i: (i.on is None, i.on or dt.date.min, i.app, i.ref))


def case_file_sources() -> list[CaseFileSource]:
    return list(_CASE_FILE)


def unregister_case_file_items(app: str) -> None:
    """Tests only."""
    _CASE_FILE[:] = [src for src in _CASE_FILE if src.app != app]


# ----------------------------------------------------------------------------- 待办


@dataclass(frozen=True)
class TodoItem:
    """One task of a capability in a person's 待办: the case, what to do, by when, and where."""

    case: Any
    what: str
    due_on: dt.date | None
    url: str = ""


@dataclass(frozen=True)
class TodoSource:
    app: str
    # (actor, the cases the actor may read, limit) → the actor's tasks held by the app
    items: Callable[[Any, Any, int], list[TodoItem]]


_TODO: list[TodoSource] = []


def todo_items(*, app: str, items: Callable[[Any, Any, int], list[TodoItem]]) -> None:
    """Register what ``app`` adds to a person's 待办 (one source per app)."""
    existing = next((src for src in _TODO if src.app == app), None)
    if existing is not None:
        if existing.items is items:  # the same registration again (ready() run twice)
            return
        raise ImproperlyConfigured(f"todo items of {app!r} registered twice")
    _TODO.append(TodoSource(app=app, items=items))


def todo_from_capabilities(actor: Any, scope: Any, limit: int) -> list[TodoItem]:
    out: list[TodoItem] = []
    for src in _TODO:
        out.extend(src.items(actor, scope, limit))
    return out


# ----------------------------------------------------------------------------- task names


#: (cases, {case id: task name}) → None: a capability names the next task of cases it knows more
#: about (legal review: "提请法制审核" for a case in 待作出决定 that must be reviewed first).
TaskNamer = Callable[[list[Any], dict[int, str]], None]
_TASK_NAMERS: list[tuple[str, TaskNamer]] = []


def task_names(*, app: str, namer: TaskNamer) -> None:
    """Register how ``app`` refines the 待办 column's task names (one namer per app)."""
    if any(a == app for a, _n in _TASK_NAMERS):
        if any(a == app and n is namer for a, n in _TASK_NAMERS):
            return
        raise ImproperlyConfigured(f"task names of {app!r} registered twice")
    _TASK_NAMERS.append((app, namer))


def refine_task_names(cases: list[Any], names: dict[int, str]) -> None:
    for _app, namer in _TASK_NAMERS:
        namer(cases, names)
