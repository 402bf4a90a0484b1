"""The case file's tables: one archive package per archived case, and who downloaded it (查阅留痕).

Every row is written with its journal entry (``services``); the stored package itself is a vault
blob (``lawtrail.core.vault``), never changed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArchivePackage(models.Model):
    """The archive package (案卷档案包) of one archived case.

    Built in two steps: the outbox consumer of the archive step fixes the manifest (its SHA-256 in
    the journal: ``archive:package:manifest``); after that commits, the package is sealed — the
    covering checkpoint signed, the inclusion proofs gathered, the ZIP stored in the vault
    (``archive:package:seal``)."""

    class Status(models.TextChoices):
        BUILDING = "building", _("生成中")
        SEALED = "sealed", _("已封存")

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="archive_package")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.BUILDING)
    archive_number = models.CharField(_("档号"), max_length=64, blank=True)
    manifest = models.ForeignKey(
        "vault.Blob", on_delete=models.PROTECT, related_name="+", verbose_name=_("清单")
    )
    manifest_sha256 = models.CharField(_("清单SHA-256"), max_length=64)
    file_count = models.PositiveIntegerField(_("文件数"), default=0)
    entry_count = models.PositiveIntegerField(_("日志条目数"), default=0)
    created_at = models.DateTimeField(_("生成时间"))
    blob = models.ForeignKey(
        "vault.Blob",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("档案包"),
    )
    sealed_at = models.DateTimeField(_("封存时间"), null=True, blank=True)
    checkpoint_size = models.BigIntegerField(_("检查点树大小"), null=True, blank=True)

    class Meta:
        verbose_name = _("案卷档案包")
        verbose_name_plural = _("案卷档案包")

    def __str__(self) -> str:
        return f"{self.archive_number or self.case_id} {self.get_status_display()}"


class ArchiveAccess(models.Model):
    """查阅留痕: one download of a package by a member of staff."""

    package = models.ForeignKey(ArchivePackage, on_delete=models.PROTECT, related_name="accesses")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    via = models.CharField(_("途径"), max_length=16)  # "page" or "api"

    class Meta:
        verbose_name = _("档案包查阅记录")
        verbose_name_plural = _("档案包查阅记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor} {self.at:%Y-%m-%d %H:%M}"
