"""The step context: what the guards, the hooks and the effect of one step share (see ``engine``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext as _

from lawtrail.core.errors import ValidationFailed
from lawtrail.profiles.selectors import profile_value

from . import inputs
from .models import Case, State


@dataclass
class StepContext:
    """What guards, hooks and effects of one step share.

    ``input`` is the row's typed input (never written to); ``data`` is the same values as a
    read-only mapping by field name; ``extra`` holds the parsed inputs of hooks that take input
    of their own, by app; ``facts`` is what guards gathered for the effects (the pending
    approval, the measure, the deferral plan …); ``out`` is what the effects report for the
    event (a new measure's id, a recomputed due date …); ``target`` lets an effect send the case
    elsewhere than the row's target (e.g. a proposal of no penalty goes straight to 待作出决定).
    """

    case: Case
    actor: Any
    on: dt.date
    input: Any = None
    row: Any = None  # the workflow.Transition being taken
    facts: dict[str, Any] = field(default_factory=dict)
    out: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    target: State | None = None
    _view: Mapping[str, Any] | None = field(default=None, repr=False)

    @property
    def data(self) -> Mapping[str, Any]:
        if self._view is None:
            self._view = MappingProxyType(inputs.as_dict(self.input))
        return self._view

    def profile(self, key: str) -> Any:
        return profile_value(self.case.agency, key, on=self.on)

    def date(self, name: str, *, default: dt.date | None = None) -> dt.date:
        """A date of the input, or ``default``; refused when neither is there."""
        value = getattr(self.input, name, None) or default
        if value is None:
            raise ValidationFailed(
                _("请填写%(name)s。") % {"name": name}, code="CASE_FIELD_REQUIRED", details={"field": name}
            )
        return value

    def datetime(self, name: str, *, default: dt.datetime | None = None) -> dt.datetime:
        value = getattr(self.input, name, None) or default
        if value is None:
            raise ValidationFailed(
                _("请填写%(name)s。") % {"name": name}, code="CASE_FIELD_REQUIRED", details={"field": name}
            )
        return value
