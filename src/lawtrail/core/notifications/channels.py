"""Channels: where a notification goes besides the in-app list (e-mail, SMS, 政务消息).

A channel is any class with a ``name`` and ``send(message)``; the deployment lists the ones it
uses in ``LAWTRAIL_NOTIFY_CHANNELS`` (dotted paths; default: the log-only channel)::

    class SmsChannel:
        name = "sms"

        def send(self, message: Message) -> None:
            phone = lookup_phone(message.user_id)       # the deployment's own directory
            gateway.send(phone, f"{message.title} {message.link}")

``send`` runs after the notification's transaction has committed, once per notification and
channel (``services.send_pending``); an exception is logged and the notification is retried on
the next run, never undone. A channel must not write to LawTrail's tables. docs/notifications.md
describes the interface and the adapters a province writes (短信网关, 政务微信/钉钉, 粤政易 …)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

log = logging.getLogger("lawtrail.notifications")


@dataclass(frozen=True)
class Message:
    """What a channel is given: plain values, no model (a channel never touches the database)."""

    notification_id: int
    user_id: int
    username: str
    display_name: str
    email: str
    kind: str  # Notification.Kind value
    kind_label: str  # its Chinese label (新待办, 退回, 期限临近, 已超期)
    title: str
    body: str
    link: str  # absolute when LAWTRAIL_PUBLIC_URL is set, else the path
    created_at: dt.datetime


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None: ...


class LogChannel:
    """The default: one structured log line per notification (nothing leaves the server)."""

    name = "log"

    def send(self, message: Message) -> None:
        log.info(
            "notification %s to %s: %s",
            message.notification_id,
            message.username,
            message.title,
            extra={
                "notification": message.notification_id,
                "user": message.username,
                "kind": message.kind,
                "link": message.link,
            },
        )


class EmailChannel:
    """E-mail through Django's mail backend (EMAIL_HOST …); people without an address are skipped."""

    name = "email"

    def send(self, message: Message) -> None:
        if not message.email:
            return
        body = "\n\n".join(p for p in (message.body, message.link) if p)
        send_mail(f"【{message.kind_label}】{message.title}", body, None, [message.email])


def configured() -> list[Channel]:
    """The channels of ``LAWTRAIL_NOTIFY_CHANNELS`` (instances, in order)."""
    paths = getattr(settings, "LAWTRAIL_NOTIFY_CHANNELS", None) or [
        "lawtrail.core.notifications.channels.LogChannel"
    ]
    return [import_string(p)() for p in paths]
