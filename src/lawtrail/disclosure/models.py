"""公示 (public disclosure): the post-decision record (事后公开) and every manual change to it.

Tables and invariants only; every write is in ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lawtrail.core.fieldcrypt import EncryptedJSONField
from lawtrail.registry.models import Agency, Division, Domain


class Kind(models.TextChoices):
    """What was decided (G118-6: 许可 and 处罚 within 7 WD, other decisions within 20 WD)."""

    PENALTY = "penalty", _("行政处罚")
    LICENCE = "licence", _("行政许可")
    OTHER = "other", _("其他执法决定")


class Status(models.TextChoices):
    DRAFT = "draft", _("待公示")
    WITHHELD = "withheld", _("不予公开")
    PUBLISHED = "published", _("已公示")
    WITHDRAWN = "withdrawn", _("已撤回")
    EXPIRED = "expired", _("公示期满")


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")


#: The published fields, in the order of the public page; staff edit these one by one.
FIELDS: dict[str, str] = {
    "party": "行政相对人",
    "violation": "违法行为",
    "facts": "主要违法事实",
    "basis": "处罚依据",
    "penalty": "处罚内容",
}


class Record(models.Model):
    """One decision as published (事后公开), G118-6 / APL-48.

    ``original`` keeps the text as the case had it (staff only, encrypted at rest); ``content`` is what the public
    reads — masked by default (``masking.py``), changed by hand only through
    ``services.record_edit`` (each change an ``Edit`` row, journaled). ``search_text`` is the
    public content as one string, the column the search indexes read.
    """

    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="disclosure"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("执法机关"))
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("执法领域"))
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("行政区划")
    )
    # the division's path (root code/…/code/): a filter by division is a prefix match
    division_path = models.CharField(max_length=128)
    kind = models.CharField(_("执法类别"), max_length=16, choices=Kind.choices, default=Kind.PENALTY)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    decision_number = models.CharField(_("决定书文号"), max_length=64)
    party_kind = models.CharField(_("相对人类别"), max_length=16, choices=PartyKind.choices)
    party_name = models.CharField(_("行政相对人名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    fine_amount = models.DecimalField(
        _("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decided_on = models.DateField(_("决定日期"))
    due_on = models.DateField(_("公示期限"), null=True, blank=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(_("公示截止日"), null=True, blank=True)
    withheld_reason = models.CharField(_("不予公开理由"), max_length=200, blank=True)
    # the unmasked text holds personal data: encrypted at rest (core/fieldcrypt.py), staff read it
    original = EncryptedJSONField(default=dict, blank=True)
    content = models.JSONField(default=dict, blank=True)
    search_text = models.TextField(blank=True)
    # APL-48: the decision was changed, revoked or confirmed illegal/invalid
    change_kind = models.CharField(_("决定变动情形"), max_length=16, blank=True)
    changed_on = models.DateField(_("决定变动日"), null=True, blank=True)
    withdrawal_due_on = models.DateField(_("撤回（更正）期限"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    explanation = models.TextField(_("公开说明"), blank=True)
    annotated = models.BooleanField(_("已附说明"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公示记录")
        verbose_name_plural = _("公示记录")
        ordering = ["-decided_on", "-id"]
        indexes = [
            # the public list: published, newest first (the date-index walk of the search)
            models.Index(
                fields=["-decided_on", "-id"], condition=Q(status="published"), name="disclosure_pub_date"
            ),
            # a filter's own date order (search: the walk when an agency or a domain is chosen)
            models.Index(
                fields=["agency", "-decided_on", "-id"],
                condition=Q(status="published"),
                name="disclosure_pub_agency_date",
            ),
            models.Index(
                fields=["domain", "-decided_on", "-id"],
                condition=Q(status="published"),
                name="disclosure_pub_domain_date",
            ),
            # the handler's 待办: drafts by due date, withdrawals pending
            models.Index(fields=["due_on"], condition=Q(status="draft"), name="disclosure_draft_due"),
            models.Index(
                fields=["withdrawal_due_on"],
                condition=Q(withdrawal_due_on__isnull=False, withdrawn_on__isnull=True, annotated=False),
                name="disclosure_withdrawal_due",
            ),
        ]

    def __str__(self) -> str:
        return self.decision_number


class Edit(models.Model):
    """A manual change of one published field by staff (before publication or a correction)."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="edits")
    field = models.CharField(_("字段"), max_length=32)
    before = models.TextField(_("修改前"), blank=True)
    after = models.TextField(_("修改后"), blank=True)
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("公示内容修改")
        verbose_name_plural = _("公示内容修改")
        ordering = ["record_id", "id"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.field}"
