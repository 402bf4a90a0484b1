"""The live state of field devices and their live sessions (docs/recording.md "Live").

``DeviceState``: what a device last reported over MQTT (position, battery, recording flag,
online). One row per device, overwritten every few seconds by ``lawtrail mqtt_listen``; kept
in the database (not Redis) so the live page reads it in the same query as the device's holder
and case, and the embedded default needs no Redis.

``LiveSession``: one authorised RTMP publish, from nginx's ``on_publish`` to its recording
hashed into the vault and proposed as evidence for the case the device recorded for.

``LiveView``: 查阅留痕 of live video — who watched a live session (once per person and session).

``PublishRefusal``: refused publishes, counted per hour, device and reason (all names that are
not a registered device in one row); ``PublishRefusalMark``: its 1st, 10th, 100th … refusal,
journaled, so a flood of unauthenticated publishes cannot grow the journal by more than a few entries
an hour.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceState(models.Model):
    """What a device last reported: the live map and list read it."""

    JOURNAL_EXEMPT = (
        "device-reported telemetry (position, battery, recording flag, online), overwritten every "
        "few seconds by the MQTT listener; the publishes themselves are journaled as LiveSession"
    )

    device = models.OneToOneField(
        "recording.Device", on_delete=models.CASCADE, primary_key=True, related_name="live_state"
    )
    online = models.BooleanField(_("在线"), default=False)
    last_seen = models.DateTimeField(_("最近上报"), null=True, blank=True)  # our clock
    reported_at = models.DateTimeField(null=True, blank=True)  # the device's clock (ts)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    altitude = models.FloatField(_("高度（米）"), null=True, blank=True)
    battery = models.PositiveSmallIntegerField(_("电量（%）"), null=True, blank=True)
    recording = models.BooleanField(_("正在录像"), null=True, blank=True)

    class Meta:
        verbose_name = _("设备实时状态")
        verbose_name_plural = _("设备实时状态")

    def __str__(self) -> str:
        return f"{self.device_id} {'online' if self.online else 'offline'}"


class LiveSession(models.Model):
    """One authorised publish of a device and what became of its recording."""

    class Status(models.TextChoices):
        LIVE = "live", _("直播中")
        ENDED = "ended", _("已结束，录像待入库")
        FILED = "filed", _("录像已入库，已提交为案件证据")
        KEPT = "kept", _("录像已入库，未关联案件")
        FAILED = "failed", _("录像入库失败")

    device = models.ForeignKey("recording.Device", on_delete=models.PROTECT, related_name="live_sessions")
    client_id = models.CharField(max_length=32)  # nginx-rtmp's connection id
    addr = models.CharField(_("推流地址"), max_length=64, blank=True)
    # what the device recorded for when the publish began (where the recording is proposed)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("案件"),
    )
    task = models.CharField(_("执法任务"), max_length=200, blank=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.LIVE)
    record_path = models.CharField(max_length=500, blank=True)
    blob = models.ForeignKey("vault.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evidence_file = models.ForeignKey(
        "recording.EvidenceFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("直播场次")
        verbose_name_plural = _("直播场次")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["device", "client_id"])]

    def __str__(self) -> str:
        return f"{self.device_id} {self.started_at:%Y-%m-%d %H:%M:%S}"


class LiveView(models.Model):
    """查阅留痕: a person watched a live session (their first playlist request of it)."""

    session = models.ForeignKey(LiveSession, on_delete=models.PROTECT, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("查阅时间"))

    class Meta:
        verbose_name = _("直播查阅记录")
        verbose_name_plural = _("直播查阅记录")
        ordering = ["session_id", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="live_view_once")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.user_id} {self.at:%Y-%m-%d %H:%M:%S}"


class PublishRefusal(models.Model):
    """Refused publishes of one hour, device (``source`` = its serial; "" for any name that is not
    a registered device) and reason (``rules.publish_refusal``)."""

    JOURNAL_EXEMPT = (
        "a counter of refused publishes, changed by every refusal; its 1st, 10th, 100th … refusal "
        "is a PublishRefusalMark row, journaled (live:publish:refused)"
    )

    window = models.DateTimeField(_("时段"))  # the start of the hour
    source = models.CharField(_("设备编号"), max_length=64, blank=True)
    reason = models.CharField(_("原因"), max_length=12)
    device = models.ForeignKey(
        "recording.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField(_("次数"), default=0)
    first_at = models.DateTimeField(_("首次"))
    last_at = models.DateTimeField(_("最近"))
    last_name = models.CharField(_("最近一次推流名"), max_length=64, blank=True)
    last_addr = models.CharField(_("最近一次来源地址"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("被拒绝的推流")
        verbose_name_plural = _("被拒绝的推流")
        ordering = ["-window", "source", "reason"]
        constraints = [
            models.UniqueConstraint(fields=["window", "source", "reason"], name="live_refusal_bucket")
        ]

    def __str__(self) -> str:
        return f"{self.window:%Y-%m-%d %H}:00 {self.source or '-'} {self.reason} ×{self.count}"


class PublishRefusalMark(models.Model):
    """The 1st, 10th, 100th … refused publish of a bucket: written once, journaled, never changed
    (the counter itself changes with every refusal and is no journal subject)."""

    bucket = models.ForeignKey(PublishRefusal, on_delete=models.PROTECT, related_name="marks")
    count = models.PositiveIntegerField(_("次数"))
    at = models.DateTimeField(_("时间"))
    name = models.CharField(_("推流名"), max_length=64, blank=True)
    addr = models.CharField(_("来源地址"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("被拒绝的推流（留痕）")
        verbose_name_plural = _("被拒绝的推流（留痕）")
        ordering = ["bucket_id", "count"]

    def __str__(self) -> str:
        return f"{self.bucket_id} ×{self.count}"
