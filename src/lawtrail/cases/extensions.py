"""What capabilities add to how a case is shown — never to how it moves (that is ``hooks`` and
``outbox``). Registered in the capability's ``AppConfig.ready()``:

- ``page_panel``: a template fragment on the case page, in one of its slots — ``flags`` (a
  badge in the 标记 row), ``actions`` (below the step forms), ``sections`` (after the facts) —
  with the context it needs, or nothing when it has nothing to show for this case and user;
- ``detail_fields``: fields of the case detail in the API (``GET /api/v1/cases/{id}``), with
  their serializer fields for the schema.

So the case page and the case API show what legal review, recording, documents … know about a
case without ``cases`` importing any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
