"""Writing notifications: telling people, marking read, handing them to the channels."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.errors import NotFound

from . import channels
from .models import Notification

log = logging.getLogger("lawtrail.notifications")


def notify(
    *,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    key: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Tell each of ``user_ids`` (once per ``key``: a person already told is skipped). Runs in the
    caller's transaction; the channels get the new notifications after it commits."""
    wanted = {int(u) for u in user_ids if u}
    if not wanted:
        return []
    told = set(Notification.objects.filter(key=key, user_id__in=wanted).values_list("user_id", flat=True))
    now = timezone.now()
    rows = [
        Notification(
            user_id=u, kind=kind, title=title[:200], body=body, url=url[:300], key=key[:120], created_at=now
        )
        for u in sorted(wanted - told)
    ]
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)  # a racing producer told them first
    users = [r.user_id for r in rows]
    transaction.on_commit(lambda: send_soon(key=key, user_ids=users))
    return rows


def mark_read(*, user: Any, ids: Iterable[int | str] | None = None) -> int:
    """Mark ``ids`` (all unread when None) of ``user`` read. An id that is not theirs (or not an
    id): 404, nothing marked."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        try:
            ids = {int(i) for i in ids}
        except (TypeError, ValueError):
            raise NotFound(_("该消息不存在或不是发给您的。"), code="NOTIFICATION_NOT_FOUND") from None
        if Notification.objects.filter(pk__in=ids, user=user).count() != len(ids):
            raise NotFound(_("该消息不存在或不是发给您的。"), code="NOTIFICATION_NOT_FOUND")
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def send_soon(*, key: str, user_ids: list[int]) -> None:
    """After commit: hand the new notifications to the channels (the periodic job
    ``notifications.send`` catches what this misses)."""
    try:
        send_pending(key=key, user_ids=user_ids)
    except Exception:  # noqa: BLE001 — the notifications are stored; the next run sends them
        log.exception("notifications: sending failed; the next run retries")


def _message(n: Notification) -> channels.Message:
    base = (getattr(settings, "LAWTRAIL_PUBLIC_URL", "") or "").rstrip("/")
    u = n.user
    return channels.Message(
        notification_id=n.pk,
        user_id=n.user_id,
        username=u.username,
        display_name=getattr(u, "display_name", "") or u.username,
        email=u.email or "",
        kind=n.kind,
        kind_label=str(n.get_kind_display()),
        title=n.title,
        body=n.body,
        link=f"{base}{n.url}" if n.url else "",
        created_at=n.created_at,
    )


def send_pending(*, key: str | None = None, user_ids: list[int] | None = None, limit: int = 500) -> int:
    """Give each unsent notification to every configured channel; a notification counts as sent
    when every channel took it (a failing channel leaves it for the next run)."""
    chans = channels.configured()
    sent = 0
    qs = Notification.objects.filter(sent_at__isnull=True)
    if key is not None:
        qs = qs.filter(key=key, user_id__in=user_ids or [])
    for n in qs.select_related("user").order_by("id")[:limit]:
        msg = _message(n)
        ok = True
        for ch in chans:
            try:
                ch.send(msg)
            except Exception:  # noqa: BLE001 — one channel down does not stop the others
                ok = False
                log.exception("notifications: channel %s failed on %s", getattr(ch, "name", ch), n.pk)
        if ok:
            Notification.objects.filter(pk=n.pk, sent_at__isnull=True).update(sent_at=timezone.now())
            sent += 1
    return sent
