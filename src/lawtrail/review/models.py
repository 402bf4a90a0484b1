"""法制审核: the 目录清单 (ReviewCriterion), review rounds (Review) and reviewer assignments.

Tables and invariants only; every write goes through ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lawtrail.cases.models import Case
from lawtrail.registry.models import Agency, Division, Domain

from . import rules


class ReviewCriterion(models.Model):
    """One entry of a 重大执法决定法制审核目录清单 (G118-12).

    Owned either by a division (a default for every agency under it: the city's list applies to
    the county agencies) or by one agency (its own additions). An agency's list in force is its
    own entries plus those of its division and every ancestor division, minus the inherited
    entries it has switched off (``CriterionOptOut``).
    """

    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_criteria",
        verbose_name=_("执法机关"),
    )
    division = models.ForeignKey(
        Division,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_criteria",
        verbose_name=_("行政区划"),
    )
    category = models.CharField(_("类别"), max_length=24, choices=rules.Category.CHOICES)
    title = models.CharField(_("事项"), max_length=200)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    levels = models.JSONField(_("执法层级"), default=list, blank=True)
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("执法领域")
    )
    penalty_kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    measure_kinds = models.JSONField(_("强制措施种类"), default=list, blank=True)
    amount_person = models.DecimalField(
        _("公民金额标准（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_organisation = models.DecimalField(
        _("法人或其他组织金额标准（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    active = models.BooleanField(_("有效"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("法制审核目录清单事项")
        verbose_name_plural = _("法制审核目录清单")
        ordering = ["sort", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=True) & Q(division__isnull=False))
                | (Q(agency__isnull=False) & Q(division__isnull=True)),
                name="reviewcriterion_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if bool(self.agency_id) == bool(self.division_id):
            raise ValidationError(_("目录清单事项须属于一个执法机关或一个行政区划。"))
        if (
            self.category == rules.Category.AMOUNT
            and self.amount_person is None
            and self.amount_organisation is None
        ):
            raise ValidationError(_("涉案金额类事项须至少设定一个金额标准。"))


class CriterionOptOut(models.Model):
    """An agency switches off an entry it inherits from its division (with the reason, published)."""

    agency = models.ForeignKey(Agency, verbose_name=_("执法机关"), on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(
        ReviewCriterion, verbose_name=_("审核要点"), on_delete=models.CASCADE, related_name="opt_outs"
    )
    reason = models.CharField(_("不适用理由"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审核目录停用项")
        verbose_name_plural = _("审核目录停用项")
        constraints = [models.UniqueConstraint(fields=["agency", "criterion"], name="criterionoptout_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} ✕ {self.criterion_id}"


class Review(models.Model):
    """One round of 法制审核 of a case: submitted, assigned, answered with an opinion."""

    class Status(models.TextChoices):
        OPEN = "open", _("审核中")
        AGREED = "agreed", _("同意")
        FINDINGS = "findings", _("存在问题")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("轮次"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("送审时间"))
    submitted_on = models.DateField(_("送审日期"))
    reasons = models.JSONField(_("审核理由"), default=list, blank=True)
    materials = models.JSONField(_("送审材料"), default=list, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)  # proposal fields + evidence at submission
    changes = models.JSONField(default=dict, blank=True)  # rules.resubmission_diff against the last round
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews_assigned",
        verbose_name=_("审核人员"),
    )
    due_on = models.DateField(_("审核期限"), null=True, blank=True)
    due_pending = models.CharField(max_length=200, blank=True)
    extension_status = models.CharField(max_length=16, blank=True)  # "" / requested / approved / rejected
    extension_reason = models.TextField(_("延期理由"), blank=True)
    checklist = models.JSONField(_("审核要点"), default=dict, blank=True)
    categories = models.JSONField(_("问题类别"), default=list, blank=True)
    opinion_text = models.TextField(_("法制审核意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")
        ordering = ["case_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="review_round_unique"),
            models.UniqueConstraint(fields=["case"], condition=Q(status="open"), name="review_one_open"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"])]

    def __str__(self) -> str:
        return f"{self.case} 第{self.round}轮"

    @property
    def with_findings(self) -> bool:
        return self.status == self.Status.FINDINGS


class ReviewAssignment(models.Model):
    """History of who was assigned a round: by the head (指定/改派) or by round robin (轮流分配)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    how = models.CharField(max_length=16)  # round_robin / head / claim
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("审核分配记录")
        verbose_name_plural = _("审核分配记录")
        ordering = ["review_id", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} → {self.reviewer_id}"


class ReviewFlag(models.Model):
    """A handler or leader flags a case for review (APL-58(1)(3)(4); G118-12 重大社会影响)."""

    class Kind(models.TextChoices):
        PUBLIC_INTEREST = "public_interest", _("涉及重大公共利益")
        COMPLEX = "complex", _("案件疑难复杂、涉及多个法律关系")
        OTHER = "other", _("其他需要审核的情形（可能造成重大社会影响等）")

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="review_flags"
    )
    kind = models.CharField(_("情形"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("理由"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("标记人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("标记时间"))

    class Meta:
        verbose_name = _("须审核标记")
        verbose_name_plural = _("须审核标记")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class ReviewRequirement(models.Model):
    """Whether a case must be legally reviewed before its decision (APL-58, G118-12), why, and
    whether its review passed. Review's own facts about a case, kept in review's table (the case
    flow does not know them: the gate on ``decision_submit`` is review's hook).

    ``passed``: None — no opinion since the case was last routed; True — 同意; False — 存在问题.
    """

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="review_requirement"
    )
    required = models.BooleanField(_("须法制审核"), default=False)
    reasons = models.JSONField(_("审核理由"), default=list, blank=True)
    passed = models.BooleanField(_("审核通过"), null=True, blank=True)

    class Meta:
        verbose_name = _("法制审核要求")
        verbose_name_plural = _("法制审核要求")

    def __str__(self) -> str:
        return f"{self.case_id} {'须审核' if self.required else '—'}"
