"""Reads of a person's notifications (only their own)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lawtrail.core.errors import NotFound

from .models import Notification


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """Newest first (a page paginates it)."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_get(user: Any, pk: int) -> Notification:
    """One of ``user``'s notifications; anyone else's is NOTIFICATION_NOT_FOUND (404)."""
    n = Notification.objects.filter(user=user, pk=pk).first()
    if n is None:
        raise NotFound(_("该消息不存在或不是发给您的。"), code="NOTIFICATION_NOT_FOUND")
    return n
