"""三库: divisions, agencies (主体库), staff and credentials (人员库), powers (事项库).

Tables and their invariants only; every write goes through ``services.py`` (which
journals it), every person's read through ``selectors.py`` (which scopes it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lawtrail.core.fieldcrypt import EncryptedCharField, LookupHashField, lookup_hash, lookup_hashes
from lawtrail.core.permissions import AGENCY_SCOPED_ROLES, Role

from . import rules


def validate_credit_code(value: str) -> None:
    if not rules.credit_code_valid(value):
        raise ValidationError(_("统一社会信用代码格式或校验位错误（GB 32100）。"), code="CREDIT_CODE_INVALID")


def validate_id_number(value: str) -> None:
    if not rules.id_number_valid(value):
        raise ValidationError(_("公民身份号码格式或校验位错误（GB 11643）。"), code="ID_NUMBER_INVALID")


class Division(models.Model):
    """行政区划 — GB/T 2260 code (6 digits; townships use 9-digit codes under their county)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("地级")
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡级")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("130000/130100/130102/") so that "this division and
    # everything under it" is one indexed prefix query on both SQLite and PostgreSQL.
    path = models.CharField(max_length=128, db_index=True, editable=False)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # path is derived data, not a rule: keep it consistent with parent and code.
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    def compute_path(self) -> str:
        return (self.parent.path if self.parent else "") + self.code + "/"

    def ancestors(self) -> list[Division]:
        codes = [c for c in self.path.split("/") if c and c != self.code]
        by_code = {d.code: d for d in Division.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]


class Domain(models.Model):
    """执法领域 (市场监管, 生态环境 …)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("执法领域")
        verbose_name_plural = _("执法领域")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """执法主体 / 行政执法机关 (and the justice bureaus that supervise them)."""

    class LegalStatus(models.TextChoices):
        STATUTORY = "statutory", _("法定行政机关")
        AUTHORISED = "authorised", _("法律法规授权组织")
        ENTRUSTED = "entrusted", _("受委托组织")

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡镇（街道）")

    class Kind(models.TextChoices):
        ENFORCEMENT = "enforcement", _("行政执法机关")
        JUSTICE = "justice", _("司法行政机关（执法监督）")

    name = models.CharField(_("名称"), max_length=128, unique=True)
    short_name = models.CharField(
        _("简称"), max_length=16, blank=True, help_text=_("用于文书编号，如“石市监”。")
    )
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("行政区划")
    )
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.ENFORCEMENT)
    domains = models.ManyToManyField(Domain, related_name="agencies", verbose_name=_("执法领域"), blank=True)
    legal_status = models.CharField(_("主体性质"), max_length=16, choices=LegalStatus.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级/委托机关"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("执法主体")
        verbose_name_plural = _("执法主体")
        ordering = ["division__code", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.legal_status == self.LegalStatus.ENTRUSTED and not self.parent_id:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _("受委托组织必须写明委托机关。"), code="AGENCY_ENTRUSTED_NEEDS_PARENT"
                    )
                }
            )


class Staff(models.Model):
    """人员库 — a person working for an agency; an officer is a staff member with a credential."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="staff", verbose_name=_("所在单位")
    )
    name = models.CharField(_("姓名"), max_length=64)
    # Stored whole (it is needed to check the person's identity), encrypted at rest
    # (core/fieldcrypt.py); every page and API response shows ``id_number_masked`` instead.
    # Exact lookups and uniqueness go through the keyed hash beside it.
    id_number = EncryptedCharField(_("公民身份号码"), max_length=18, validators=[validate_id_number])
    id_number_hash = LookupHashField(source="id_number", unique=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=32, blank=True)
    posts = models.CharField(_("岗位/职务"), max_length=128, blank=True)
    legal_qualification = models.BooleanField(_("具有法律职业资格"), default=False)
    legal_qualification_number = models.CharField(_("法律职业资格证书编号"), max_length=64, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["agency_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return rules.id_number_mask(self.id_number)

    @property
    def phone_masked(self) -> str:
        return rules.phone_mask(self.phone)

    @property
    def age(self) -> int | None:
        """Full years today — what a reader of the masked ID number sees instead of the birth date."""
        return rules.age_on(self.birth_date, timezone.localdate())

    def validate_unique(self, exclude: Any = None) -> None:
        """The ID number is unique through its keyed hash; a clash is reported on the number."""
        self.id_number_hash = lookup_hash(self.id_number)
        taken_under_old_key = (
            Staff.objects.filter(id_number_hash__in=lookup_hashes(self.id_number)[1:])
            .exclude(pk=self.pk)
            .exists()
        )  # during a rotation of the lookup key, rows not yet re-hashed carry the previous key's hash
        if taken_under_old_key:
            raise ValidationError(
                {"id_number": [ValidationError(_("公民身份号码已登记为其他工作人员。"), code="unique")]}
            )
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {}
            if "id_number_hash" in errors:
                errors["id_number"] = [
                    ValidationError(_("公民身份号码已登记为其他工作人员。"), code="unique")
                ]
                del errors["id_number_hash"]
            raise ValidationError(errors or exc) from None

    def clean(self) -> None:
        if self.legal_qualification and not self.legal_qualification_number:
            raise ValidationError(
                {
                    "legal_qualification_number": ValidationError(
                        _("具有法律职业资格的，须填写证书编号。"), code="LEGAL_QUALIFICATION_NUMBER_REQUIRED"
                    )
                }
            )


class Credential(models.Model):
    """执法证 — number, domain, region, validity and status, with its history."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        SUSPENDED = "suspended", _("暂扣")
        REVOKED = "revoked", _("注销")

    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="credentials", verbose_name=_("持证人")
    )
    number = models.CharField(_("执法证号"), max_length=32, unique=True)
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("执法领域"))
    region = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("执法区域")
    )
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.VALID)
    issuer = models.CharField(_("发证机关"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("执法证")
        verbose_name_plural = _("执法证")
        ordering = ["number"]
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError(
                {
                    "expires_on": ValidationError(
                        _("有效期至必须晚于发证日期。"), code="CREDENTIAL_EXPIRY_NOT_AFTER_ISSUE"
                    )
                }
            )

    def is_usable_on(self, day: dt.date) -> bool:
        """Valid status and within its validity on ``day`` (APL-42 needs a usable one)."""
        return self.status == self.Status.VALID and self.issued_on <= day <= self.expires_on


class CredentialChange(models.Model):
    """History of a credential: issue, renewal, suspension, reinstatement, revocation."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("发证")
        RENEW = "renew", _("换证/延期")
        SUSPEND = "suspend", _("暂扣")
        REINSTATE = "reinstate", _("恢复")
        REVOKE = "revoke", _("注销")

    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("变更类型"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("执法证变更记录")
        verbose_name_plural = _("执法证变更记录")
        ordering = ["credential_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.credential_id} {self.get_kind_display()}"


class RoleGrant(models.Model):
    """A role held by a user, scoped to an agency or to a division (and all below it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("执法机关"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_grants",
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("行政区划"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_grants",
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency", "division"], name="rolegrant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.role in AGENCY_SCOPED_ROLES and (not self.agency_id or self.division_id):
            raise ValidationError(_("该角色须授权到具体单位。"), code="ROLE_SCOPE_INVALID")
        if self.role not in AGENCY_SCOPED_ROLES and self.agency_id:
            raise ValidationError(
                _("该角色须授权到行政区划（系统管理员可不限区划）。"), code="ROLE_SCOPE_INVALID"
            )
        if self.role == Role.SUPERVISOR and not self.division_id:
            raise ValidationError(_("执法监督人员须授权到行政区划。"), code="ROLE_SCOPE_INVALID")


class PowerItem(models.Model):
    """权力事项 — an enforcement power in the catalogue."""

    class Kind(models.TextChoices):
        PENALTY = "penalty", _("行政处罚")
        COMPULSION = "compulsion", _("行政强制")
        INSPECTION = "inspection", _("行政检查")
        LICENCE = "licence", _("行政许可")
        OTHER = "other", _("其他行政权力")

    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=300)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="powers", verbose_name=_("执法领域")
    )
    levels = models.CharField(
        _("实施层级"), max_length=64, blank=True, help_text=_("逗号分隔：省级,市级,县级,乡镇（街道）")
    )
    procedure = models.TextField(_("办理程序"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("权力事项")
        verbose_name_plural = _("权力事项")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


#: The parties a violation can be charged to (its 违法主体): a natural person, an organisation.
SUBJECT_KINDS = (("person", _("公民")), ("organisation", _("法人或者其他组织")))


def _both_subject_kinds() -> list[str]:
    return ["person", "organisation"]


class Violation(models.Model):
    """违法行为 — under a penalty power, with its statutory fine range."""

    power = models.ForeignKey(
        PowerItem, on_delete=models.CASCADE, related_name="violations", verbose_name=_("权力事项")
    )
    code = models.CharField(_("违法行为编码"), max_length=48, unique=True)
    name = models.CharField(_("违法行为"), max_length=300)
    penalty_types = models.CharField(_("处罚种类"), max_length=300, blank=True)
    fine_min = models.DecimalField(
        _("罚款下限（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("罚款上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    multiple_min = models.DecimalField(_("倍数下限"), max_digits=8, decimal_places=2, null=True, blank=True)
    multiple_max = models.DecimalField(_("倍数上限"), max_digits=8, decimal_places=2, null=True, blank=True)
    multiple_base = models.CharField(_("倍数基数"), max_length=120, blank=True)
    # who the violated provision applies to: "person" (公民), "organisation" (法人或者其他组织)
    subject_kinds = models.JSONField(_("适用对象"), default=_both_subject_kinds, blank=True)

    class Meta:
        verbose_name = _("违法行为")
        verbose_name_plural = _("违法行为")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.fine_min is not None and self.fine_max is not None and self.fine_min > self.fine_max:
            raise ValidationError(
                {"fine_max": ValidationError(_("罚款上限不得低于下限。"), code="FINE_RANGE_INVERTED")}
            )
        if (
            self.multiple_min is not None
            and self.multiple_max is not None
            and self.multiple_min > self.multiple_max
        ):
            raise ValidationError(
                {"multiple_max": ValidationError(_("倍数上限不得低于下限。"), code="MULTIPLE_RANGE_INVERTED")}
            )


class LegalBasis(models.Model):
    """法律依据 — law, article, clause and quoted text, attached to a power or a violation."""

    class Role(models.TextChoices):
        GRANT = "grant", _("设定依据")
        VIOLATION = "violation", _("违法依据（义务条款）")
        PENALTY = "penalty", _("处罚依据")

    power = models.ForeignKey(
        PowerItem, null=True, blank=True, on_delete=models.CASCADE, related_name="bases"
    )
    violation = models.ForeignKey(
        Violation, null=True, blank=True, on_delete=models.CASCADE, related_name="bases"
    )
    role = models.CharField(_("依据类别"), max_length=16, choices=Role.choices)
    law = models.CharField(_("法律法规名称"), max_length=120)
    article = models.CharField(_("条"), max_length=120)
    clause = models.CharField(_("款/项"), max_length=60, blank=True)
    text = models.TextField(_("条文内容"), blank=True)

    class Meta:
        verbose_name = _("法律依据")
        verbose_name_plural = _("法律依据")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.law}{self.article}{self.clause}"

    def clean(self) -> None:
        if bool(self.power_id) == bool(self.violation_id):
            raise ValidationError(
                _("法律依据须且只能属于一个权力事项或一个违法行为。"), code="LEGAL_BASIS_OWNER_INVALID"
            )


class Benchmark(models.Model):
    """裁量基准 for a violation, issued by a jurisdiction, in force from a date (G27-6)."""

    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="benchmarks")
    division = models.ForeignKey(
        Division,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("适用区划"),
    )
    issuer = models.CharField(_("制定机关"), max_length=128, blank=True)
    effective_from = models.DateField(_("施行日期"))

    class Meta:
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")
        ordering = ["violation_id", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.violation} · {self.effective_from}"


class BenchmarkTier(models.Model):
    """One 裁量阶次 of a benchmark: conditions and the fine range (amount or multiple)."""

    class Tier(models.TextChoices):
        EXEMPT = "exempt", _("不予处罚")
        REDUCED = "reduced", _("减轻处罚")
        LENIENT = "lenient", _("从轻处罚")
        NORMAL = "normal", _("一般处罚")
        SEVERE = "severe", _("从重处罚")

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="tiers")
    tier = models.CharField(_("裁量阶次"), max_length=16, choices=Tier.choices)
    conditions = models.TextField(_("适用条件"), blank=True)
    fine_min = models.DecimalField(
        _("罚款下限（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("罚款上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    multiple_min = models.DecimalField(_("倍数下限"), max_digits=8, decimal_places=2, null=True, blank=True)
    multiple_max = models.DecimalField(_("倍数上限"), max_digits=8, decimal_places=2, null=True, blank=True)
    other_measures = models.CharField(_("其他处罚"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("裁量阶次")
        verbose_name_plural = _("裁量阶次")
        ordering = ["benchmark_id", "id"]
        constraints = [models.UniqueConstraint(fields=["benchmark", "tier"], name="benchmarktier_unique")]

    def __str__(self) -> str:
        return str(self.get_tier_display())

    def clean(self) -> None:
        if self.fine_min is not None and self.fine_max is not None and self.fine_min > self.fine_max:
            raise ValidationError(
                {"fine_max": ValidationError(_("罚款上限不得低于下限。"), code="FINE_RANGE_INVERTED")}
            )
