"""Page forms of case handling: the shape of the input only.

Every rule is in the services and guards: a form converts types (dates, amounts, ids) and
offers sensible widgets, and leaves each field optional so that the service's refusal —
with its code and article — is what the handler sees.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lawtrail.core.widgets import DateInput, DateTimeInput
from lawtrail.registry.models import BenchmarkTier, Division, Domain, Violation

from . import inputs
from .models import Evidence, Measure, Outcome, Party, Recusal
from .rules import PenaltyKind, ServiceMethod


def _date(label, **kw) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput(), **kw)


def _text(label, rows: int = 3, **kw) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": rows}), **kw
    )


def _amount(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


PENALTY_KIND_LABELS = {
    PenaltyKind.WARNING: _("警告"),
    PenaltyKind.CRITICISM: _("通报批评"),
    PenaltyKind.FINE: _("罚款"),
    PenaltyKind.CONFISCATE_GAINS: _("没收违法所得"),
    PenaltyKind.CONFISCATE_PROPERTY: _("没收非法财物"),
    PenaltyKind.SUSPEND_LICENCE: _("暂扣许可证件"),
    PenaltyKind.LOWER_QUALIFICATION: _("降低资质等级"),
    PenaltyKind.REVOKE_LICENCE: _("吊销许可证件"),
    PenaltyKind.RESTRICT_BUSINESS: _("限制开展生产经营活动"),
    PenaltyKind.SUSPEND_BUSINESS: _("责令停产停业"),
    PenaltyKind.CLOSE: _("责令关闭"),
    PenaltyKind.RESTRICT_PRACTICE: _("限制从业"),
    PenaltyKind.DETENTION: _("行政拘留"),
    PenaltyKind.OTHER: _("其他行政处罚"),
}
SERVICE_METHOD_LABELS = {
    ServiceMethod.ON_THE_SPOT: _("宣告后当场交付"),
    ServiceMethod.DIRECT: _("直接送达"),
    ServiceMethod.RETAINED: _("留置送达"),
    ServiceMethod.ENTRUSTED: _("委托送达"),
    ServiceMethod.MAIL: _("邮寄送达"),
    ServiceMethod.ANNOUNCEMENT: _("公告送达"),
    ServiceMethod.ELECTRONIC: _("电子送达（须当事人同意并签订确认书）"),
}
BLANK = [("", "—")]
#: Choices of people: shown as a searchable picker (tom-select, web/lawtrail.js) instead of a long list.
PICKER_SOURCES = frozenset({"staff", "officers"})
PICKER = {"data-picker": "", "data-placeholder": _("输入姓名搜索")}
#: the 违法行为 picker: searched by a word of the name (食品, 许可 …); says what it did not find
VIOLATION_PICKER = {
    "data-placeholder": _("输入违法行为名称中的字词搜索"),
    "data-empty": _("没有符合条件的违法行为"),
}


class PickerSelect(forms.Select):
    """A select the page turns into a searchable picker; without JavaScript it stays a select."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={**PICKER, **(attrs or {})}, choices=choices)


class PickerSelectMultiple(forms.SelectMultiple):
    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={**PICKER, **(attrs or {})}, choices=choices)


# ----------------------------------------------------------------------------- action forms

#: Choices of a typed input named by its ``source`` that do not depend on the case.
STATIC_CHOICES: dict[str, Callable[[], list[tuple[Any, Any]]]] = {
    "evidence_kinds": lambda: list(Evidence.Kind.choices),
    "measure_kinds": lambda: list(Measure.Kind.choices),
    "outcomes": lambda: list(Outcome.choices),
    "penalty_kinds": lambda: [(k.value, v) for k, v in PENALTY_KIND_LABELS.items()],
    "tiers": lambda: list(BenchmarkTier.Tier.choices),
    "service_methods": lambda: [(k.value, v) for k, v in SERVICE_METHOD_LABELS.items()],
    "deviation_approvals": lambda: [("head", _("主要负责人批准")), ("deliberation", _("集体讨论决定"))],
    "handed_to": lambda: [("agency", _("交至行政机关")), ("bank", _("缴付指定银行"))],
    "send_back_to": lambda: [("handler", _("承办人")), ("previous", _("上一审批层级"))],
    "recusal_roles": lambda: list(Recusal.Role.choices),
    "remedy_kinds": lambda: [("复议", _("行政复议")), ("诉讼", _("行政诉讼"))],
}


def _choices(source: str, ctx: dict[str, Any]) -> list[tuple[Any, Any]]:
    if source in ctx:
        return list(ctx[source] or [])
    if source in STATIC_CHOICES:
        return STATIC_CHOICES[source]()
    return []


def _form_field(tp: Any, spec: inputs.Spec, ctx: dict[str, Any]) -> forms.Field:
    """The page field of one typed input (``inputs.py``): its label, widget and choices come from
    the declaration; every field is optional, so the guard's refusal is what the handler sees."""
    today = ctx.get("today") or dt.date.today()
    label = spec.label
    base, _nullable = inputs._base(tp)
    origin = typing.get_origin(base)
    if spec.widget == "hidden":
        return forms.IntegerField(required=False, widget=forms.HiddenInput)
    if spec.widget == "instalments":
        return InstalmentsField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    if spec.widget == "json" or base is dict or (origin is tuple and typing.get_args(base)[0] is dict):
        return forms.JSONField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    if origin is tuple:
        item = typing.get_args(base)[0]
        choices = _choices(spec.source, ctx)
        if item is int:
            widget = PickerSelectMultiple if spec.source in PICKER_SOURCES else forms.CheckboxSelectMultiple
            return forms.TypedMultipleChoiceField(
                label=label, required=False, coerce=int, choices=choices, widget=widget
            )
        return forms.MultipleChoiceField(
            label=label, required=False, choices=choices, widget=forms.CheckboxSelectMultiple
        )
    if base is bool:
        return forms.BooleanField(label=label, required=False)
    if base is int:
        if spec.source:
            field = _choice_id(label, _choices(spec.source, ctx))
            if spec.source in PICKER_SOURCES:
                field.widget = PickerSelect(choices=field.choices)
            return field
        return forms.IntegerField(label=label, required=False, min_value=0)
    if base is Decimal:
        return _amount(label)
    if base is dt.datetime:
        return forms.DateTimeField(
            label=label,
            required=False,
            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
            widget=DateTimeInput(),
        )
    if base is dt.date:
        return _date(label, initial=today if spec.initial == "today" else None)
    if spec.source:
        return forms.ChoiceField(label=label, required=False, choices=BLANK + _choices(spec.source, ctx))
    if spec.widget == "text":
        return _text(label, rows=spec.rows)
    return forms.CharField(label=label, required=False, max_length=2000)


class InstalmentsField(forms.Field):
    """分期计划 typed as lines "2026-12-31 500" (one instalment a line) → [{"due_on", "amount"}]."""

    def to_python(self, value):
        out = []
        for line in str(value or "").splitlines():
            parts = line.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(_("每行写一期：缴纳期限 金额，如 2026-12-31 500。"))
            out.append({"due_on": parts[0], "amount": parts[1]})
        return out


def _choice_id(label, choices) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None, choices=BLANK + list(choices)
    )


class ActionForm(forms.Form):
    """The form of one action, generated from its typed inputs (the row's and its hooks')."""

    def __init__(self, *args, action: str, input_types: list[type], ctx: dict[str, Any], **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        for tp in input_types:
            hints = inputs.hints(tp)
            for fld in dataclasses.fields(tp):
                spec = inputs.spec_of(fld)
                if spec.form:
                    self.fields[fld.name] = _form_field(hints[fld.name], spec, ctx)
                    if spec.initial and spec.initial != "today":
                        self.fields[fld.name].initial = spec.initial

    def data_for_service(self) -> dict[str, Any]:
        """The cleaned values, leaving out what was not filled in (so the service's defaults apply)."""
        out = {}
        for name, value in self.cleaned_data.items():
            if value is None or value is False or value == "" or value == []:
                continue
            out[name] = value
        return out


# ----------------------------------------------------------------------------- lead and party


class CaseCreateForm(forms.Form):
    """线索登记 for one agency (the view passes the agency's choices)."""

    title = forms.CharField(label=_("案由"), max_length=300, required=False)
    domain = forms.ModelChoiceField(label=_("执法领域"), queryset=Domain.objects.none())
    region = forms.ModelChoiceField(label=_("违法行为发生地"), queryset=Division.objects.none())
    source = forms.CharField(
        label=_("案件来源"), max_length=32, required=False, help_text=_("如：投诉举报、监督检查")
    )
    facts = _text(_("违法事实（简要）"), rows=4)
    act_date = _date(_("违法行为发生日"))
    act_end_date = _date(_("违法行为终了日（连续或继续状态）"))
    discovered_on = _date(_("发现日期"))
    lead_on = _date(_("线索登记日"))
    officer_ids = forms.TypedMultipleChoiceField(
        label=_("协办人员（须持证，至少一人）"),
        required=False,
        coerce=int,
        widget=PickerSelectMultiple,
        help_text=_("只列出本机关执法证在所选执法领域和区划内有效的人员，本组人员在前。"),
    )
    violation_ids = forms.ModelMultipleChoiceField(
        label=_("违法行为"),
        queryset=Violation.objects.none(),
        required=False,
        widget=PickerSelectMultiple(attrs=VIOLATION_PICKER),
    )
    complex_case = forms.BooleanField(label=_("情节复杂或重大违法（须集体讨论）"), required=False)
    life_or_finance = forms.BooleanField(
        label=_("涉及公民生命健康安全、金融安全且有危害后果"), required=False
    )

    def __init__(self, *args, agency, officers: list[Any], today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        domains = agency.domains.all()
        self.fields["domain"].queryset = domains if domains.exists() else Domain.objects.all()
        self.fields["region"].queryset = Division.objects.filter(
            path__startswith=agency.division.path
        ).order_by("path")
        self.fields["officer_ids"].choices = officers
        self.fields["violation_ids"].queryset = (
            Violation.objects.filter(power__domain__in=self.fields["domain"].queryset)
            .select_related("power")
            .order_by("code")
        )
        self.fields["lead_on"].initial = today
        self.fields["discovered_on"].initial = today
        self.fields["region"].initial = agency.division_id
        if domains.count() == 1:
            self.fields["domain"].initial = domains.first().pk


class LeadEditForm(forms.Form):
    """修改线索: what a lead may still change before it is filed."""

    officer_ids = forms.TypedMultipleChoiceField(
        label=_("协办人员（须持证，至少一人）"),
        required=False,
        coerce=int,
        widget=PickerSelectMultiple,
        help_text=_("只列出本机关执法证在本案执法领域和区划内有效的人员，本组人员在前。"),
    )
    violation_ids = forms.TypedMultipleChoiceField(
        label=_("违法行为"),
        required=False,
        coerce=int,
        widget=PickerSelectMultiple(attrs=VIOLATION_PICKER),
    )
    title = forms.CharField(label=_("案由"), max_length=300, required=False)
    act_date = _date(_("违法行为发生日"))
    act_end_date = _date(_("违法行为终了日（连续或继续状态）"))
    discovered_on = _date(_("发现日期"))
    facts = _text(_("违法事实（简要）"), rows=4)

    def __init__(self, *args, officers, violations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer_ids"].choices = officers
        self.fields["violation_ids"].choices = violations


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Party.Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("姓名/名称"), max_length=200, required=False)
    id_number = forms.CharField(label=_("公民身份号码（自然人）"), max_length=18, required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码（组织）"), max_length=18, required=False)
    legal_representative = forms.CharField(label=_("法定代表人（组织）"), max_length=64, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    address = forms.CharField(label=_("住所/地址"), max_length=200, required=False)


# ----------------------------------------------------------------------------- list filters


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("关键词（案号、当事人、案由、违法事实）"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    state = forms.ChoiceField(label=_("状态"), required=False)
    domain = forms.ChoiceField(label=_("执法领域"), required=False)
    officer = forms.TypedChoiceField(label=_("办案人员"), required=False, coerce=int, empty_value=None)
    overdue = forms.ChoiceField(
        label=_("期限"), required=False, choices=[("", _("全部")), ("1", _("已逾期")), ("0", _("未逾期"))]
    )
    date_from = _date(_("线索登记日 自"))
    date_to = _date(_("至"))

    def __init__(self, *args, states, domains, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("全部"))] + list(states)
        self.fields["domain"].choices = [("", _("全部"))] + list(domains)
        self.fields["officer"].choices = [("", _("全部"))] + list(officers)
