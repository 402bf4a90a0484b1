"""Rule profiles: national defaults → province → city → county → agency.

A ``Profile`` belongs to one level (national, a division, or an agency); its
``ProfileValue`` rows set keys of the registry (``keys.py``) from an effective date on.
Rows are written only through ``services.profile_value_set`` (journaled) and read through
``selectors.profile_value`` / ``profile_explain``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("国家默认")
        DIVISION = "division", _("行政区划")
        AGENCY = "agency", _("本单位")

    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    division = models.OneToOneField(
        "registry.Division",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rule_profile",
        verbose_name=_("行政区划"),
    )
    agency = models.OneToOneField(
        "registry.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rule_profile",
        verbose_name=_("执法主体"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("规则配置")
        verbose_name_plural = _("规则配置")
        ordering = ["level", "division__code", "agency_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["level"], condition=Q(level="national"), name="profile_one_national"
            ),
            models.CheckConstraint(
                condition=(
                    Q(level="national", division__isnull=True, agency__isnull=True)
                    | Q(level="division", division__isnull=False, agency__isnull=True)
                    | Q(level="agency", division__isnull=True, agency__isnull=False)
                ),
                name="profile_level_matches_owner",
            ),
        ]

    def __str__(self) -> str:
        if self.level == self.Level.DIVISION and self.division_id:
            return str(self.division)
        if self.level == self.Level.AGENCY and self.agency_id:
            return str(self.agency)
        return str(_("国家默认"))

    def clean(self) -> None:
        owners = (bool(self.division_id), bool(self.agency_id))
        expected = {
            self.Level.NATIONAL: (False, False),
            self.Level.DIVISION: (True, False),
            self.Level.AGENCY: (False, True),
        }
        if expected.get(self.level) != owners:
            raise ValidationError(
                _("国家默认不关联区划或单位；区划配置须且只能关联区划；单位配置须且只能关联单位。")
            )


class ProfileValue(models.Model):
    """One key's value in a profile, in force from ``effective_from`` until a later row."""

    profile = models.ForeignKey(
        Profile, on_delete=models.PROTECT, related_name="values", verbose_name=_("规则配置")
    )
    key = models.CharField(_("配置项"), max_length=64)
    value = models.JSONField(_("值"))
    effective_from = models.DateField(_("生效日期"))
    note = models.CharField(_("依据/说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("配置值")
        verbose_name_plural = _("配置值")
        ordering = ["profile_id", "key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "key", "effective_from"], name="profilevalue_unique_date"
            ),
        ]
        indexes = [models.Index(fields=["key", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.effective_from})"
