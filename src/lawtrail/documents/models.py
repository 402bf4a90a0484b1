"""法律文书: issued documents (one row per issued version, immutable), the officer's drafts of
the free-text parts, the signatures added as later revisions, and the service (送达) records.

Tables and invariants only; every write goes through ``services`` with its journal entry.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lawtrail.cases.models import Case
from lawtrail.core.vault.models import Blob


class Document(models.Model):
    """One issued version of a document of a case. Never changed once written: a correction is
    a new row (``version`` + 1) with its ``reason``; the PDF is a vault blob (sealed at issue).

    The one exception is ``blob``: a decision issued at its last approval is numbered, checked and
    recorded in the step, and its PDF is laid out, sealed and stored right after the step commits
    (``consumers.decision_pdf``); until then ``blob`` is empty (the paper is 正在制作) — set once,
    journaled."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("文书种类"), max_length=32)
    title = models.CharField(_("文书名称"), max_length=100)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    number = models.CharField(_("文书编号"), max_length=64, blank=True)
    # the public name of the document (QR code, verification page): not guessable
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reason = models.TextField(_("更正理由"), blank=True)
    fields = models.JSONField(_("填写内容"), default=dict)  # what was filled in (the APL-59 check reads it)
    texts = models.JSONField(_("编辑的文字"), default=dict, blank=True)  # the officer's free-text parts
    blob = models.ForeignKey(
        Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("文件")
    )
    issued_on = models.DateField(_("成文日期"))
    issued_at = models.DateTimeField(_("签发时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    step = models.CharField(_("签发环节"), max_length=48, blank=True)

    class Meta:
        verbose_name = _("法律文书")
        verbose_name_plural = _("法律文书")
        ordering = ["case_id", "kind", "version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "version"], name="document_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number or ''} v{self.version}"

    @property
    def pdf_ready(self) -> bool:
        """False while the issued paper's PDF is still being laid out and sealed (正在制作)."""
        return self.blob_id is not None


class Draft(models.Model):
    """The officer's edits of a document's free-text parts before it is issued (one per kind)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="document_drafts")
    kind = models.CharField(_("文书种类"), max_length=32)
    texts = models.JSONField(_("编辑的文字"), default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("文书草稿")
        verbose_name_plural = _("文书草稿")
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="document_draft_unique")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Signature(models.Model):
    """A signature over an issued document: the agency seal at issue, then officers or the party
    as later revisions. ``blob`` is the whole file after this signature (an incremental update
    of the previous one, whose bytes it keeps)."""

    class Role(models.TextChoices):
        SEAL = "seal", _("机关印章")
        OFFICER = "officer", _("执法人员")
        PARTY = "party", _("当事人")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(_("签名身份"), max_length=16, choices=Role.choices)
    signer = models.CharField(_("签名人"), max_length=200)
    field_name = models.CharField(max_length=64)
    signed_at = models.DateTimeField(_("签名时间"))
    timestamped = models.BooleanField(_("可信时间戳"), default=False)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("文书签章")
        verbose_name_plural = _("文书签章")
        ordering = ["document_id", "id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.signer}"


class Service(models.Model):
    """送达: which document was served to whom, how, when, and the receipt (送达回证 or proof)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="services")
    method = models.CharField(_("送达方式"), max_length=16)
    served_on = models.DateField(_("送达日期"))
    recipient = models.CharField(_("受送达人"), max_length=200)
    place = models.CharField(_("送达地点"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    receipt = models.ForeignKey(
        Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("送达回证")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ["document_id", "id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.method} {self.served_on}"
