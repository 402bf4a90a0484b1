"""Page forms of case handling: the shape of the input only.

Every rule is in the services and guards: a form converts types (dates, amounts, ids) and
offers sensible widgets, and leaves each field optional so that the service's refusal —
with its code and article — is what the handler sees.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lawtrail.registry.models import BenchmarkTier, Division, Domain, Violation

from .models import Evidence, Measure, Outcome, Party, Recusal
from .rules import PenaltyKind, ServiceMethod


class DateInput(forms.DateInput):
    """An HTML date input (ISO value: the zh-hans locale would print 2026/11/26)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


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

# ----------------------------------------------------------------------------- action forms

#: Labels that depend on the action (the same field name means different papers).
ACTION_LABELS: dict[tuple[str, str], Any] = {
    ("evidence_examine", "record"): _("质证笔录摘要（当事人意见）"),
    ("hearing_hold", "record"): _("听证笔录摘要"),
    ("notice_serve", "served_on"): _("告知书送达日期"),
    ("notice_serve", "amount"): _("告知罚款金额（元，不填则为拟罚款金额）"),
    ("decision_serve", "served_on"): _("决定书送达日期"),
    ("demand_serve", "served_on"): _("催告书送达日期"),
    ("payment_record", "amount"): _("缴款金额（元）"),
    ("proposal_submit", "amount"): _("罚款金额（元）"),
}


def _choice_id(label, choices) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None, choices=BLANK + list(choices)
    )


def _field(name: str, action: str, ctx: dict[str, Any]) -> forms.Field:
    """The form field for one input of the transition table (see ``workflow.Transition.fields``)."""
    today = ctx.get("today") or dt.date.today()
    staff = ctx.get("staff") or []
    label = ACTION_LABELS.get((action, name))
    match name:
        case "reason" | "reasons":
            return _text(label or _("理由"))
        case "kind" if action.startswith("measure_"):
            return forms.ChoiceField(
                label=label or _("强制措施种类"), required=False, choices=BLANK + Measure.Kind.choices
            )
        case "measure_id":
            return forms.TypedChoiceField(
                label=label or _("强制措施"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=BLANK + list(ctx.get("measures") or []),
            )
        case "items":
            return _text(label or _("财物清单"), rows=3)
        case "emergency":
            return forms.BooleanField(
                label=label or _("情况紧急，当场实施（24小时内补办批准）"), required=False
            )
        case "started_at":
            return forms.DateTimeField(
                label=label or _("实施时间"),
                required=False,
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            )
        case "officer_ids":
            return forms.TypedMultipleChoiceField(
                label=label or _("实施人员（须持证）"),
                required=False,
                coerce=int,
                choices=staff,
                widget=forms.CheckboxSelectMultiple,
            )
        case "onsite_record":
            return _text(label or _("现场笔录"), rows=4)
        case "party_present":
            return forms.BooleanField(label=label or _("当事人到场"), required=False)
        case "party_signed":
            return forms.BooleanField(label=label or _("当事人已在现场笔录上签名或盖章"), required=False)
        case "refusal_noted":
            return forms.BooleanField(label=label or _("当事人拒绝签名，已在笔录中注明"), required=False)
        case "witness_name":
            return forms.CharField(label=label or _("见证人姓名"), required=False, max_length=64)
        case "days":
            return forms.IntegerField(label=label or _("延长天数"), required=False, min_value=0)
        case "reasons_notified":
            return forms.BooleanField(label=label or _("已书面告知当事人延长理由"), required=False)
        case "start":
            return _date(label or _("检测、检验、检疫或鉴定期间 自"))
        case "end":
            return _date(label or _("至"))
        case "notified":
            return forms.BooleanField(label=label or _("已书面告知当事人该期间"), required=False)
        case "disposal":
            return _text(label or _("处理决定"))
        case "kind":
            return forms.ChoiceField(
                label=label or _("证据种类"), required=False, choices=BLANK + Evidence.Kind.choices
            )
        case "title":
            return forms.CharField(label=label or _("证据名称"), required=False, max_length=200)
        case "collected_on":
            return _date(label or _("收集日期"), initial=today)
        case "evidence_ids":
            return forms.TypedMultipleChoiceField(
                label=label or _("证据"),
                required=False,
                coerce=int,
                choices=ctx.get("evidence") or [],
                widget=forms.CheckboxSelectMultiple,
            )
        case "record":
            return _text(label or _("笔录摘要"), rows=4)
        case "report":
            return _text(label or _("调查终结报告"), rows=5)
        case "outcome":
            return forms.ChoiceField(
                label=label or _("处理结果"), required=False, choices=BLANK + Outcome.choices
            )
        case "amount":
            return _amount(label or _("金额（元）"))
        case "kinds":
            return forms.MultipleChoiceField(
                label=label or _("处罚种类"),
                required=False,
                choices=[(k.value, v) for k, v in PENALTY_KIND_LABELS.items()],
                widget=forms.CheckboxSelectMultiple,
            )
        case "tier":
            return forms.ChoiceField(
                label=label or _("适用裁量阶次"), required=False, choices=BLANK + BenchmarkTier.Tier.choices
            )
        case "deviation_reason":
            return _text(label or _("偏离裁量基准的理由"))
        case "changed_reason":
            return _text(label or _("变更的事实、理由或依据（再次告知较重处罚时必填）"))
        case "waived":
            return forms.BooleanField(label=label or _("当事人明确放弃陈述申辩"), required=False)
        case "text":
            return _text(label or _("陈述申辩内容"), rows=4)
        case "result":
            return _text(label or _("复核意见"))
        case "opinion":
            return _text(label or _("审核意见"))
        case "conclusion":
            return _text(label or _("讨论结论"), rows=4)
        case "host_id":
            return forms.TypedChoiceField(
                label=label or _("听证主持人"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=BLANK + staff,
            )
        case "assignee_id":
            return forms.TypedChoiceField(
                label=label or _("改派给"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=BLANK + staff,
            )
        case "attendee_ids":
            return forms.TypedMultipleChoiceField(
                label=label or _("参加讨论的负责人"),
                required=False,
                coerce=int,
                choices=staff,
                widget=forms.CheckboxSelectMultiple,
            )
        case "method":
            return forms.ChoiceField(
                label=label or _("送达方式"),
                required=False,
                choices=BLANK + [(k.value, v) for k, v in SERVICE_METHOD_LABELS.items()],
            )
        case "consent":
            return forms.BooleanField(label=label or _("当事人已签订电子送达确认书"), required=False)
        case "deviation_approval":
            return forms.ChoiceField(
                label=label or _("偏离裁量基准的批准方式"),
                required=False,
                choices=BLANK + [("head", _("主要负责人批准")), ("deliberation", _("集体讨论决定"))],
            )
        case "review_required":
            return forms.BooleanField(label=label or _("须法制审核"), required=False)
        case "note":
            return _text(label or _("备注"))
        case "to" if action == "cash_handover":
            return forms.ChoiceField(
                label=_("交款对象"),
                required=False,
                choices=BLANK + [("agency", _("交至行政机关")), ("bank", _("缴付指定银行"))],
            )
        case "to" if action == "send_back":
            return forms.ChoiceField(
                label=_("退回至"),
                required=False,
                choices=[("handler", _("承办人")), ("previous", _("上一审批层级"))],
            )
        case "to":
            return forms.CharField(label=label or _("接收机关"), required=False, max_length=200)
        case "account_id" | "replacement_id" | "officer_id":
            labels = {
                "account_id": _("被申请回避的人员"),
                "replacement_id": _("替换人员"),
                "officer_id": _("增派的执法人员"),
            }
            return _choice_id(label or labels[name], staff)
        case "role" if action == "recusal_request":
            return forms.ChoiceField(
                label=label or _("其在本案中的身份"), required=False, choices=BLANK + Recusal.Role.choices
            )
        case "by_party":
            return forms.BooleanField(label=label or _("由当事人申请（否则为本人申请回避）"), required=False)
        case "recusal_id":
            return _choice_id(label or _("回避申请"), ctx.get("recusals") or [])
        case "granted":
            return forms.BooleanField(label=label or _("决定回避"), required=False)
        case "deferred_to":
            return _date(label or _("暂缓缴纳至"))
        case "instalments":
            return forms.JSONField(
                label=label or _('分期计划（JSON：[{"due_on": "YYYY-MM-DD", "amount": "金额"}]）'),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        case "mode":
            return forms.CharField(label=label or _("强制执行方式"), required=False, max_length=200)
        case "perform_by":
            return _date(label or _("催告书载明的履行期限"))
        case "scheduled_at":
            return forms.DateTimeField(
                label=label or _("实施时间"),
                required=False,
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            )
        case "to_agency_id":
            return _choice_id(label or _("接收机关"), ctx.get("agencies") or [])
        case "to_organ":
            return forms.CharField(label=label or _("接收的司法机关名称"), required=False, max_length=200)
        case "judicial":
            return forms.BooleanField(label=label or _("涉嫌犯罪，移送司法机关"), required=False)
        case "receipt_number":
            return forms.CharField(label=label or _("回执（收据）编号"), required=False, max_length=64)
        case "assistance_id":
            return _choice_id(label or _("协查请求"), ctx.get("assistances") or [])
        case "request":
            return _text(label or _("协查事项"))
        case "reply":
            return _text(label or _("协查答复"))
        case "decided_on":
            return _date(label or _("决定日期"), initial=today)
        case "receipt_on":
            return _date(label or _("回执日期"), initial=today)
        case _ if name.endswith("_on"):
            labels = {
                "served_on": _("送达日期"),
                "requested_on": _("申请日期"),
                "hearing_on": _("听证日期"),
                "notified_on": _("通知日期"),
                "paid_on": _("缴款日期"),
                "applied_on": _("申请日期"),
                "period_expired_on": _("催告书履行期限届满日"),
                "handed_on": _("交款日期"),
                "released_on": _("解除日期"),
                "disposed_on": _("处理决定日期"),
            }
            initial = None if name in ("hearing_on", "period_expired_on") else today
            return _date(label or labels.get(name, name), initial=initial)
    return forms.CharField(label=label or name, required=False, max_length=2000)


class ActionForm(forms.Form):
    """The form of one action, built from its inputs."""

    def __init__(self, *args, action: str, field_names: tuple[str, ...], ctx: dict[str, Any], **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        for name in field_names:
            self.fields[name] = _field(name, action, ctx)

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
        widget=forms.CheckboxSelectMultiple,
    )
    violation_ids = forms.ModelMultipleChoiceField(
        label=_("违法行为"), queryset=Violation.objects.none(), required=False
    )
    complex_case = forms.BooleanField(label=_("情节复杂或重大违法（须集体讨论）"), required=False)
    life_or_finance = forms.BooleanField(
        label=_("涉及公民生命健康安全、金融安全且有危害后果"), required=False
    )

    def __init__(self, *args, agency, officers: list[tuple[int, str]], today: dt.date, **kwargs):
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
        self.fields["violation_ids"].widget.attrs["size"] = 6
        self.fields["lead_on"].initial = today
        self.fields["discovered_on"].initial = today
        self.fields["region"].initial = agency.division_id
        if domains.count() == 1:
            self.fields["domain"].initial = domains.first().pk


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
    q = forms.CharField(label=_("关键词（案由、案号、当事人）"), required=False, max_length=100)
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
