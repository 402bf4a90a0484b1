"""What legal review shows on the case page and in the case API (``lawtrail.cases.extensions``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from lawtrail.cases import extensions
from lawtrail.core.permissions import Perm, Role
from lawtrail.core.precompiled import ByIds
from lawtrail.registry.selectors import agency_roles, user_has_perm

from . import rules, selectors, services
from .models import ReviewFlag, ReviewRequirement

APP = "review"


def _flags(request: Any, case: Any) -> dict[str, Any] | None:
    req = services.requirement_of(case)
    return {"required": True, "passed": req.passed} if req.required else None


def _flag_form(request: Any, case: Any) -> dict[str, Any] | None:
    user = request.user
    may = user_has_perm(user, Perm.CASE_HANDLE, case.agency) or user_has_perm(
        user, Perm.CASE_APPROVE, case.agency
    )
    # in 待作出决定 the 情形 is asked by 提请法制审核's own form (gates.SubmitInput): one path
    if not may or case.state not in rules.FLAGGABLE_STATES or case.state == "ready":
        return None
    return {"case": case, "kinds": ReviewFlag.Kind.choices}


def _detail_values(case: Any) -> dict[str, Any]:
    req = services.requirement_of(case)
    return {"review_required": req.required, "review_passed": bool(req.passed)}


def _todo(actor: Any, scope: Any, limit: int) -> list[extensions.TodoItem]:
    """The reviewer's 待办 is her queue: the same selector, so the two always list the same."""
    if not user_has_perm(actor, Perm.CASE_VIEW):
        return []
    if not any(role == Role.REVIEWER for role, _agency in agency_roles(actor)):
        return []  # a review is assigned only to a reviewer of the case's agency (cached grants: no query)
    rows = selectors.review_queue_for(actor, mine=True)[:limit]
    return [
        extensions.TodoItem(
            r.review.case,
            _("法制审核（第%(n)s轮）") % {"n": r.review.round} if r.review.round > 1 else _("法制审核"),
            r.due_on,
            reverse("review:detail", args=[r.review.pk]),
        )
        for r in rows
    ]


#: of cases by their ids, those that must be reviewed and are not passed (every 待办 page asks:
#: compiled once per thread and size class)
_DUE: ByIds = ByIds(
    lambda ids: (
        ReviewRequirement.objects.filter(case_id__in=ids, required=True)
        .exclude(passed=True)
        .values_list("case_id", flat=True)
    )
)


def _task_names(cases: list[Any], names: dict[int, str]) -> None:
    """A case waiting for its decision that must be reviewed first: its next task is 提请法制审核."""
    ready = [c.pk for c in cases if c.state == "ready"]
    if not ready:
        return
    for case_id in _DUE.all(ready):
        names[case_id] = _("提请法制审核")


def register() -> None:
    extensions.todo_items(app=APP, items=_todo)
    extensions.task_names(app=APP, namer=_task_names)
    extensions.page_panel(app=APP, slot="flags", template="review/_case_flag_badge.html", context=_flags)
    extensions.page_panel(app=APP, slot="actions", template="review/_case_flag_form.html", context=_flag_form)
    extensions.detail_fields(
        app=APP,
        fields={
            "review_required": lambda: serializers.BooleanField(
                read_only=True, help_text="须法制审核（APL-58）"
            ),
            "review_passed": lambda: serializers.BooleanField(read_only=True, help_text="法制审核已通过"),
        },
        values=_detail_values,
    )
