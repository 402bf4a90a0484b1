"""Door 1 into the case flow: same-transaction hooks.

A capability (legal review, recording, documents …) registers, in its ``AppConfig.ready()``,
a guard and/or an effect on a row of ``workflow.TABLE``::

    from lawtrail.cases import hooks

    hooks.register(
        app="review",
        action="decision_submit",
        guard=gates.review_done,   # may refuse the step: raises an ApplicationError
        rule="APL-58",
        doc="须经法制审核且审核通过",
    )

``case_transition`` runs, in one transaction: the row's guards, then every hook's guard (in
registration order), then the row's effect, then every hook's effect, then writes the event,
the journal entries and the outbox deliveries. A refusal anywhere rolls everything back.

For a row that opens an approval (``approval=…``: 立案、处理意见、处罚决定), guards run when the
step is submitted and effects run when the last level approves — the moment the case reaches
the row's target; the effect then sees the input as it was submitted.

Ask "may it refuse the step, or must it change with it?" — yes: a hook; no, it only reacts to
what happened: the outbox (``cases.outbox``). ``lawtrail case_diagram`` lists every hook beside
its row in ``docs/case-states.md``, so nothing runs that a reader of the table cannot see.

A hook may also take input of its own (``input=`` a frozen dataclass of ``cases.inputs``): its
fields are added to the row's request (API serializer, schema, page form) and the parsed value
is handed to the hook as ``ctx.extra[app]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:  # the engine's context; imported only for the type
    from .engine import StepContext

Step = Callable[["StepContext"], None]


@dataclass(frozen=True)
class Hook:
    app: str  # the capability's app label
    action: str  # the row of workflow.TABLE
    guard: Step | None = None
    effect: Step | None = None
    rule: str = ""  # RULES.md IDs the hook enforces
    doc: str = ""  # one line for docs/case-states.md (Chinese)
    input: type | None = None  # extra typed input (a frozen dataclass), parsed into ctx.extra[app]


_HOOKS: dict[str, list[Hook]] = {}


def register(
    *,
    app: str,
    action: str,
    guard: Step | None = None,
    effect: Step | None = None,
    rule: str = "",
    doc: str = "",
    input: type | None = None,  # noqa: A002 — the row's own word for it
) -> Hook:
    """Register a hook on ``action``. An unknown action, a hook without guard or effect, or an
    input field that collides with the row's are startup errors (``ImproperlyConfigured``)."""
    from . import workflow  # noqa: PLC0415 — cycle: workflow imports hooks (Transition.fields)

    row = workflow.transition_for(action)
    if row is None:
        raise ImproperlyConfigured(f"hook of {app!r} on unknown case action {action!r}")
    if guard is None and effect is None:
        raise ImproperlyConfigured(f"hook of {app!r} on {action!r} has neither guard nor effect")
    if input is not None:
        taken = set(row.input_fields()) | {n for h in _HOOKS.get(action, []) for n in _input_names(h.input)}
        clash = taken & set(_input_names(input))
        if clash:
            raise ImproperlyConfigured(f"hook of {app!r} on {action!r}: input fields {sorted(clash)} taken")
    hook = Hook(app=app, action=action, guard=guard, effect=effect, rule=rule, doc=doc, input=input)
    existing = _HOOKS.setdefault(action, [])
    if any(h.app == app and h.guard is guard and h.effect is effect for h in existing):
        return hook  # registered twice by a re-run ready(): keep one
    existing.append(hook)
    return hook


def _input_names(cls: type | None) -> list[str]:
    return [f.name for f in fields(cls)] if cls is not None else []


def hooks_for(action: str) -> tuple[Hook, ...]:
    return tuple(_HOOKS.get(action, ()))


def all_hooks() -> dict[str, tuple[Hook, ...]]:
    return {action: tuple(hs) for action, hs in _HOOKS.items()}


def extra_input_types(action: str) -> list[tuple[str, type]]:
    """(app, input type) of the hooks of ``action`` that take input of their own."""
    return [(h.app, h.input) for h in _HOOKS.get(action, ()) if h.input is not None]


def unregister(hook: Hook) -> None:
    """Tests only: take a hook away again."""
    hooks: list[Any] = _HOOKS.get(hook.action, [])
    if hook in hooks:
        hooks.remove(hook)
