"""Page forms: shape of the input only; every rule is in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lawtrail.core.permissions import AGENCY_SCOPED_ROLES, Role
from lawtrail.core.widgets import DateInput

from .models import SUBJECT_KINDS, Agency, BenchmarkTier, Division, Domain, LegalBasis, PowerItem


class DivisionCodeField(forms.CharField):
    """A GB/T 2260 code typed by hand (a select of every division would be thousands long)."""

    default_error_messages = {"unknown": _("没有这个行政区划代码。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.code if isinstance(value, Division) else value

    def clean(self, value):
        code = (super().clean(value) or "").strip()
        if not code:
            return None
        division = Division.objects.filter(code=code).first()
        if division is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return division


class CredentialIssueForm(forms.Form):
    number = forms.CharField(label=_("执法证号"), max_length=32)
    domain = forms.ModelChoiceField(label=_("执法领域"), queryset=Domain.objects.all())
    region = forms.ModelChoiceField(label=_("执法区域"), queryset=Division.objects.all())
    issued_on = forms.DateField(label=_("发证日期"), widget=DateInput())
    expires_on = forms.DateField(label=_("有效期至"), widget=DateInput())
    issuer = forms.CharField(label=_("发证机关"), max_length=128, required=False)


class CredentialRenewForm(forms.Form):
    expires_on = forms.DateField(label=_("新的有效期至"), widget=DateInput())
    issued_on = forms.DateField(label=_("换证日期"), required=False, widget=DateInput())
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("导入内容"), choices=[("catalog", _("权力事项目录")), ("staff", _("工作人员与执法证"))]
    )
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=128)
    short_name = forms.CharField(label=_("简称"), max_length=16, required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    division = DivisionCodeField(label=_("行政区划代码"))
    level = forms.ChoiceField(label=_("层级"), choices=Agency.Level.choices)
    legal_status = forms.ChoiceField(label=_("主体性质"), choices=Agency.LegalStatus.choices)
    kind = forms.ChoiceField(label=_("类别"), choices=Agency.Kind.choices)
    domains = forms.ModelMultipleChoiceField(
        label=_("执法领域"),
        queryset=Domain.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parent = forms.ModelChoiceField(label=_("上级/委托机关"), queryset=Agency.objects.all(), required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)

    @staticmethod
    def initial_for(agency: Agency) -> dict:
        return {
            "name": agency.name,
            "short_name": agency.short_name,
            "credit_code": agency.credit_code,
            "division": agency.division.code,
            "level": agency.level,
            "legal_status": agency.legal_status,
            "kind": agency.kind,
            "domains": list(agency.domains.all()),
            "parent": agency.parent_id,
            "address": agency.address,
            "phone": agency.phone,
        }


class StaffForm(forms.Form):
    """Create or edit a staff member. On edit the ID number is never sent back to the
    browser: the input is empty with the masked number as placeholder; blank keeps it."""

    name = forms.CharField(label=_("姓名"), max_length=64)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    posts = forms.CharField(label=_("岗位/职务"), max_length=128, required=False)
    legal_qualification = forms.BooleanField(label=_("具有法律职业资格"), required=False)
    legal_qualification_number = forms.CharField(
        label=_("法律职业资格证书编号"), max_length=64, required=False
    )
    is_active = forms.BooleanField(label=_("在岗"), required=False, initial=True)

    def __init__(self, *args, masked_id: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if masked_id is not None:
            field = self.fields["id_number"]
            field.required = False
            field.widget.attrs["placeholder"] = masked_id
            field.help_text = _("已登记：%(masked)s（不修改请留空）") % {"masked": masked_id}
        else:
            del self.fields["is_active"]

    @staticmethod
    def initial_for(staff) -> dict:
        # id_number deliberately absent: the whole number never goes back to a page.
        return {
            "name": staff.name,
            "phone": staff.phone,
            "posts": staff.posts,
            "legal_qualification": staff.legal_qualification,
            "legal_qualification_number": staff.legal_qualification_number,
            "is_active": staff.is_active,
        }


class StaffAccountForm(forms.Form):
    username = forms.CharField(label=_("登录账号"), max_length=150)
    password = forms.CharField(
        label=_("初始密码（留空则暂不能登录）"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class RoleGrantForm(forms.Form):
    """Agency-scoped roles only: the staff page grants at the staff member's agency."""

    role = forms.ChoiceField(
        label=_("角色"), choices=[(r.value, r.label) for r in Role if r in AGENCY_SCOPED_ROLES]
    )


class PowerForm(forms.Form):
    code = forms.CharField(label=_("事项编码"), max_length=40)
    name = forms.CharField(label=_("事项名称"), max_length=300)
    kind = forms.ChoiceField(label=_("类型"), choices=PowerItem.Kind.choices)
    domain = forms.ModelChoiceField(label=_("执法领域"), queryset=Domain.objects.all())
    levels = forms.CharField(
        label=_("实施层级"),
        max_length=64,
        required=False,
        help_text=_("逗号分隔：省级,市级,县级,乡镇（街道）"),
    )
    procedure = forms.CharField(label=_("办理程序"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LegalBasisForm(forms.Form):
    role = forms.ChoiceField(label=_("依据类别"), choices=LegalBasis.Role.choices)
    law = forms.CharField(label=_("法律法规名称"), max_length=120)
    article = forms.CharField(label=_("条"), max_length=120)
    clause = forms.CharField(label=_("款/项"), max_length=60, required=False)
    text = forms.CharField(label=_("条文内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ViolationForm(forms.Form):
    code = forms.CharField(label=_("违法行为编码"), max_length=48)
    name = forms.CharField(label=_("违法行为"), max_length=300)
    penalty_types = forms.CharField(label=_("处罚种类"), max_length=300, required=False)
    fine_min = forms.DecimalField(label=_("罚款下限（元）"), required=False, max_digits=14, decimal_places=2)
    fine_max = forms.DecimalField(label=_("罚款上限（元）"), required=False, max_digits=14, decimal_places=2)
    multiple_min = forms.DecimalField(label=_("倍数下限"), required=False, max_digits=8, decimal_places=2)
    multiple_max = forms.DecimalField(label=_("倍数上限"), required=False, max_digits=8, decimal_places=2)
    multiple_base = forms.CharField(label=_("倍数基数"), max_length=120, required=False)
    subject_kinds = forms.MultipleChoiceField(
        label=_("适用对象"),
        choices=SUBJECT_KINDS,
        initial=["person", "organisation"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "违法行为所适用的当事人（都不选视为两者均适用）；与当事人不符的，办案时不能适用该违法行为。"
        ),
    )


class BenchmarkForm(forms.Form):
    division = DivisionCodeField(label=_("适用区划代码"), required=False, help_text=_("留空表示全国适用"))
    issuer = forms.CharField(label=_("制定机关"), max_length=128)
    effective_from = forms.DateField(label=_("施行日期"), widget=DateInput())


class BenchmarkTierRow(forms.Form):
    """One of the five fixed 裁量阶次 rows; a row left wholly blank is not part of the benchmark."""

    tier = forms.ChoiceField(choices=BenchmarkTier.Tier.choices, widget=forms.HiddenInput)
    conditions = forms.CharField(
        label=_("适用条件"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fine_min = forms.DecimalField(label=_("罚款下限（元）"), required=False, max_digits=14, decimal_places=2)
    fine_max = forms.DecimalField(label=_("罚款上限（元）"), required=False, max_digits=14, decimal_places=2)
    multiple_min = forms.DecimalField(label=_("倍数下限"), required=False, max_digits=8, decimal_places=2)
    multiple_max = forms.DecimalField(label=_("倍数上限"), required=False, max_digits=8, decimal_places=2)
    other_measures = forms.CharField(label=_("其他处罚"), max_length=200, required=False)

    VALUE_FIELDS = ("conditions", "fine_min", "fine_max", "multiple_min", "multiple_max", "other_measures")

    def tier_label(self):
        value = self["tier"].value()
        return BenchmarkTier.Tier(value).label if value in BenchmarkTier.Tier.values else value

    def is_used(self) -> bool:
        data = self.cleaned_data
        return any(data.get(k) not in (None, "") for k in self.VALUE_FIELDS)


BenchmarkTierFormSet = forms.formset_factory(BenchmarkTierRow, extra=0, max_num=5, validate_max=True)


def benchmark_tier_formset(data=None) -> forms.BaseFormSet:
    initial = [{"tier": t.value} for t in BenchmarkTier.Tier]
    return BenchmarkTierFormSet(data, initial=initial, prefix="tiers")
