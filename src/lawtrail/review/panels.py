"""What legal review shows on the case page and in the case API (``lawtrail.cases.extensions``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lawtrail.cases import extensions
from lawtrail.core.permissions import Perm
from lawtrail.registry.selectors import user_has_perm

from . import rules, services
from .models import ReviewFlag

APP = "review"


def _flags(request: Any, case: Any) -> dict[str, Any] | None:
    req = services.requirement_of(case)
    return {"required": True, "passed": req.passed} if req.required else None


def _flag_form(request: Any, case: Any) -> dict[str, Any] | None:
    user = request.user
    may = user_has_perm(user, Perm.CASE_HANDLE, case.agency) or user_has_perm(
        user, Perm.CASE_APPROVE, case.agency
    )
    if not may or case.state not in rules.FLAGGABLE_STATES:
        return None
    return {"case": case, "kinds": ReviewFlag.Kind.choices}


def _detail_values(case: Any) -> dict[str, Any]:
    req = services.requirement_of(case)
    return {"review_required": req.required, "review_passed": bool(req.passed)}


def register() -> None:
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
