"""笔录 — on-site, inquiry and inspection records as structured rows (APL-55, ACL-18), signed by
hand on a tablet: each signature is a PNG in the vault, hashed and journaled. Imported by
``models.py`` (kept in a module of its own so that the evidence-file tables stay as they are)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Transcript(models.Model):
    """One 笔录 of a case: when, where, who asked or inspected, who was asked or present, what was
    found or said, and who signed — the officers (at least two, APL-42) and the party, or the
    party's refusal noted and a witness's signature (ACL-18)."""

    class Kind(models.TextChoices):
        ONSITE = "onsite", _("现场笔录")
        INQUIRY = "inquiry", _("询问笔录")
        INSPECTION = "inspection", _("勘验笔录")

    class Status(models.TextChoices):
        DRAFT = "draft", _("待签名")
        SIGNED = "signed", _("已签名确认")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("笔录种类"), max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200)
    officer_1 = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("执法人员")
    )
    officer_2 = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("执法人员")
    )
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("记录人"),
    )
    subject_name = models.CharField(_("当事人（被询问人、被检查人）"), max_length=100)
    subject_detail = models.CharField(_("基本情况"), max_length=300, blank=True)
    present = models.CharField(_("在场人"), max_length=200, blank=True)
    credentials_shown = models.BooleanField(_("已出示执法证件并告知权利义务"), default=False)
    content = models.TextField(_("笔录内容"))
    party_refused = models.BooleanField(_("当事人拒绝签名"), default=False)
    refusal_note = models.CharField(_("拒签情况"), max_length=300, blank=True)
    witness_name = models.CharField(_("见证人"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("制作时间"))
    signed_at = models.DateTimeField(_("签名确认时间"), null=True, blank=True)
    pdf = models.ForeignKey(
        "vault.Blob",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("笔录PDF"),
    )

    class Meta:
        verbose_name = _("笔录")
        verbose_name_plural = _("笔录")
        ordering = ["case_id", "started_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_name}"


class TranscriptSignature(models.Model):
    """A handwritten signature on a 笔录, captured on a tablet: the PNG is a vault blob."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("执法人员")
        RECORDER = "recorder", _("记录人")
        PARTY = "party", _("当事人")
        WITNESS = "witness", _("见证人")

    transcript = models.ForeignKey(Transcript, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(_("签名人身份"), max_length=8, choices=Role.choices)
    name = models.CharField(_("签名人"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    blob = models.ForeignKey("vault.Blob", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("签名时间"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("笔录签名")
        verbose_name_plural = _("笔录签名")
        ordering = ["transcript_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"
