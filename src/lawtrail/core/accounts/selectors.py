"""Reads of authentication events, scoped like the journal: a global administrator sees all,
a unit administrator their agency's accounts, a supervisor the agencies of their division."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lawtrail.core.errors import PermissionDenied
from lawtrail.core.permissions import Perm
from lawtrail.core.scope import agency_ids_for

from .models import ApiToken, AuthEvent


def auth_event_list_for(
    actor: Any, *, kind: str = "", username: str = "", success: bool | None = None
) -> QuerySet[AuthEvent]:
    scope = agency_ids_for(actor, Perm.JOURNAL_VIEW)
    if scope is not None and not scope:
        raise PermissionDenied("您没有查看登录安全日志的权限。", code="AUTH_EVENTS_FORBIDDEN")
    qs = AuthEvent.objects.order_by("-id")
    if scope is not None:
        qs = qs.filter(agency_id__in=scope)
    if kind:
        qs = qs.filter(kind=kind)
    if username:
        qs = qs.filter(username=username)
    if success is not None:
        qs = qs.filter(success=success)
    return qs


def token_list_for(actor: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-id")
