"""One notification for one person (站内消息)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """What a person is told: a new task, an approval sent back, a deadline near or passed.

    ``key`` makes producing idempotent: the same fact (an approval waiting at a level, a
    deadline's date) is told to a person once, however often its producer runs (the outbox
    delivers at least once; the deadline job runs every hour)."""

    #: not a journal subject: derived from journaled case events and deadlines; reading it is no act
    JOURNAL_EXEMPT = (
        "derived from journaled case events and deadlines; marking read is not an act of the case"
    )

    class Kind(models.TextChoices):
        TASK = "task", _("新待办")
        RETURNED = "returned", _("退回")
        DUE_SOON = "due_soon", _("期限临近")
        OVERDUE = "overdue", _("已超期")
        INFO = "info", _("通知")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    key = models.CharField(_("去重键"), max_length=120)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # when the configured channels (e-mail, SMS, 政务消息) took it; null until then
    sent_at = models.DateTimeField(_("外发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once")]
        indexes = [
            # the navigation's unread count on every page
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title
