"""执法全过程记录: the field devices (APL-41), the evidence files of a case with their chain of
custody (APL-47, G118-8/9), 笔录 signed on a tablet, resumable uploads and case-file packages.

The bytes of every file live in the vault (``lawtrail.core.vault``); these tables say what a
file is evidence of, who captured it with which device, when and where, and who has touched it
since (``CustodyEvent``: captured → uploaded → linked → viewed → downloaded → exported → disposed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Device(models.Model):
    """A device that records enforcement: electronic monitoring devices (APL-41: registered with
    their 法制和技术审核, location and public notice), body cameras and drones (their live streams
    authorised by the device's stream key)."""

    class Kind(models.TextChoices):
        FIXED_CAMERA = "fixed_camera", _("固定监控摄像机")
        SPEED_METER = "speed_meter", _("测速仪")
        NOISE_METER = "noise_meter", _("噪声监测仪")
        OTHER_MONITOR = "other_monitor", _("其他电子技术监控设备")
        BODY_CAMERA = "body_camera", _("执法记录仪")
        DRONE = "drone", _("无人机")
        RECORDER = "recorder", _("录音录像设备")
        DOCK = "dock", _("执法记录仪采集站")

    #: electronic monitoring devices in the sense of APL Art. 41 (their records need review)
    MONITORING = (Kind.FIXED_CAMERA, Kind.SPEED_METER, Kind.NOISE_METER, Kind.OTHER_MONITOR)

    class Review(models.TextChoices):
        PENDING = "pending", _("待审核")
        PASSED = "passed", _("审核通过")
        FAILED = "failed", _("审核未通过")

    serial = models.CharField(_("设备序列号"), max_length=64, unique=True)
    kind = models.CharField(_("设备类型"), max_length=16, choices=Kind.choices)
    model_name = models.CharField(_("品牌型号"), max_length=100, blank=True)
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("持有人"),
    )
    # what the device records for now (the live view shows it; a finished stream is proposed there)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("当前案件"),
    )
    task = models.CharField(_("当前执法任务"), max_length=200, blank=True)
    review_status = models.CharField(
        _("法制和技术审核"), max_length=8, choices=Review.choices, default=Review.PENDING
    )
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    location = models.CharField(_("设置地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    public_notice = models.TextField(_("向社会公布的内容"), blank=True)
    notice_published_on = models.DateField(_("公布日期"), null=True, blank=True)
    # SHA-256 of the stream key (the key itself is shown once, when it is generated)
    stream_key_hash = models.CharField(max_length=64, blank=True)
    stream_key_set_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    registered_at = models.DateTimeField(_("登记时间"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("执法记录设备")
        verbose_name_plural = _("执法记录设备")
        ordering = ["agency_id", "serial"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"

    @property
    def is_monitoring(self) -> bool:
        return self.kind in self.MONITORING


class EvidenceFile(models.Model):
    """One file of a case: a photo, audio, video, scan or data export, stored in the vault."""

    class Media(models.TextChoices):
        PHOTO = "photo", _("照片")
        VIDEO = "video", _("视频")
        AUDIO = "audio", _("录音")
        SCAN = "scan", _("扫描件")
        DATA = "data", _("电子数据")

    class Source(models.TextChoices):
        EXIF = "exif", _("照片EXIF信息")
        CONTAINER = "container", _("音视频文件元数据")
        DEVICE = "device", _("设备上报")
        ENTERED = "entered", _("人工录入")
        UNKNOWN = "unknown", _("未知")

    class RecordReview(models.TextChoices):
        NOT_NEEDED = "", _("无须审核")
        PENDING = "pending", _("待审核")
        PASSED = "passed", _("审核通过")
        FAILED = "failed", _("审核未通过")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    evidence = models.ForeignKey(
        "cases.Evidence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("证据"),
    )
    blob = models.ForeignKey("vault.Blob", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("文件名"), max_length=255)
    media = models.CharField(_("类别"), max_length=8, choices=Media.choices)
    # the case step the file records (a row of cases.workflow.TABLE, e.g. measure_take), and the
    # step's event once the file is linked to it
    step = models.CharField(_("执法环节"), max_length=48, blank=True)
    step_event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.PROTECT, related_name="files")
    captured_at = models.DateTimeField(_("拍摄（录制）时间"), null=True, blank=True)
    captured_at_source = models.CharField(max_length=10, choices=Source.choices, default=Source.UNKNOWN)
    place = models.CharField(_("拍摄（录制）地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    place_source = models.CharField(max_length=10, choices=Source.choices, default=Source.UNKNOWN)
    duration = models.FloatField(_("时长（秒）"), null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))
    # G118-8 (upload window, a profile key): uploaded later than the window after capture
    late = models.BooleanField(_("超时上传"), default=False)
    late_reason = models.TextField(_("超时上传原因"), blank=True)
    # APL-41: a record of an electronic monitoring device is evidence only once reviewed
    record_review = models.CharField(
        _("记录审核"), max_length=8, choices=RecordReview.choices, default=RecordReview.NOT_NEEDED, blank=True
    )
    # derived files, also in the vault (the original is never changed)
    thumb = models.ForeignKey("vault.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    poster = models.ForeignKey(
        "vault.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    playable = models.ForeignKey(
        "vault.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disposed_at = models.DateTimeField(_("处置时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("证据文件")
        verbose_name_plural = _("证据文件")
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["case", "step"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_av(self) -> bool:
        return self.media in (self.Media.VIDEO, self.Media.AUDIO)


class CustodyEvent(models.Model):
    """One link of a file's chain of custody, including every staff view and download (查阅留痕)."""

    class Kind(models.TextChoices):
        CAPTURED = "captured", _("采集")
        UPLOADED = "uploaded", _("上传")
        LINKED = "linked", _("关联")
        VIEWED = "viewed", _("查看")
        DOWNLOADED = "downloaded", _("下载")
        EXPORTED = "exported", _("导出")
        DISPOSED = "disposed", _("处置")

    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="custody")
    kind = models.CharField(_("环节"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("保管链记录")
        verbose_name_plural = _("保管链记录")
        ordering = ["file_id", "id"]

    def __str__(self) -> str:
        return f"{self.file_id} {self.kind}"


class Upload(models.Model):
    """A resumable (tus 1.0) upload in progress: the bytes go to a staging file while both digests
    are computed; on the last byte the file is adopted by the vault and becomes an evidence file."""

    JOURNAL_EXEMPT = (
        "transfer bookkeeping: the offset of an unfinished upload changes with every chunk; the "
        "finished file is journaled as its vault blob and evidence file"
    )

    uid = models.CharField(max_length=32, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    # the hash state is rebuilt from the staged bytes on resume (no pickled state in the database)
    staging = models.CharField(max_length=300)
    finished_file = models.ForeignKey(
        EvidenceFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    head = models.BinaryField(default=b"", blank=True)

    class Meta:
        verbose_name = _("断点续传上传")
        verbose_name_plural = _("断点续传上传")

    def __str__(self) -> str:
        return f"{self.uid} {self.offset}/{self.length}"


class Disposal(models.Model):
    """The approved disposal of an evidence file after its retention period (G118-9): asked for by
    the officer or records keeper of the case, decided by a 负责人 (分管领导 or 主要负责人); approved, the
    stored bytes are deleted (``vault_dispose``) and the rows are kept — digests, size, who, when,
    on what basis."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待批准")
        APPROVED = "approved", _("已批准并处置")
        REJECTED = "rejected", _("不予批准")

    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="disposals")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reason = models.TextField(_("申请理由"))
    # the retention the request was judged by: "保存期限6年，自2019-03-05归档起，至2025-03-05届满"
    basis = models.CharField(_("处置依据"), max_length=300)
    retention_ends_on = models.DateField(_("保存期限届满日"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    decision_note = models.TextField(_("批准意见"), blank=True)

    class Meta:
        verbose_name = _("证据文件处置")
        verbose_name_plural = _("证据文件处置")
        ordering = ["file_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file"], condition=models.Q(status="requested"), name="recording_one_open_disposal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_id} {self.status}"


# 笔录 (on-site, inquiry, inspection records) and their handwritten signatures
from .transcript_models import Transcript, TranscriptSignature  # noqa: E402,F401
