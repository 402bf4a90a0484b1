"""Who must follow a change of the calendar (a year defined, a holiday moved): the apps above the
kernel register a listener here (``register`` in their ``AppConfig.ready()``); the calendar's
services call them in the same transaction and report what moved. The kernel imports none of
them — this is how stored deadlines follow the calendar (issue 8) without the calendar knowing
cases.

A listener is ``fn(*, year: int, dry_run: bool) -> list[Change]``: with ``dry_run`` it only says
what would move (the preview on the calendar page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    what: str  # e.g. "长市监立〔2026〕5号：陈述申辩期限"
    before: dt.date | None
    after: dt.date | None
    was_provisional: bool


Listener = Callable[..., list[Change]]
_LISTENERS: dict[str, Listener] = {}


def register(name: str, fn: Listener) -> None:
    _LISTENERS[name] = fn


def notify(*, year: int, dry_run: bool = False) -> list[Change]:
    out: list[Change] = []
    for fn in _LISTENERS.values():
        out += fn(year=year, dry_run=dry_run)
    return out
