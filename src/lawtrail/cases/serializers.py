"""Serializers of the cases API: shapes only, no rules (the services and guards decide).

Choice fields are plain strings here on purpose: the values are listed in ``help_text``
and checked by the services, so a refusal carries the service's stable code and the
OpenAPI schema has no colliding enum names (Party.Kind vs Evidence.Kind …).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import extensions, hooks, inputs, workflow
from .models import Approval, ApprovalStep, Case, CaseEvent, Deadline, Evidence, Party, State, state_label
from .selectors import TODO_MAX_DEPTH, TODO_MAX_PAGE_SIZE, TODO_PAGE_SIZE


def _choices(choices) -> str:
    return "；".join(f"`{value}` {label}" for value, label in choices)


# --------------------------------------------------------------------------- errors


class CaseErrorOut(serializers.Serializer):
    """Every refusal: a stable code, a Chinese message, the rule of law when one refused."""

    code = serializers.CharField(help_text="稳定的错误码，如 CASE_OFFICERS_LT_2（见 docs/cases-api.md）")
    message = serializers.CharField(help_text="中文说明（法律规则拒绝时写明条款）")
    rule = serializers.CharField(required=False, help_text="拒绝所依据的规则编号（RULES.md），如 APL-42")
    details = serializers.JSONField(required=False, help_text="补充信息（字段、状态、人员等）")


# --------------------------------------------------------------------------- list and create


class CaseListQuery(serializers.Serializer):
    state = serializers.CharField(required=False, help_text="案件状态：" + _choices(State.choices))
    domain = serializers.CharField(required=False, help_text="执法领域代码，如 market")
    officer = serializers.IntegerField(required=False, help_text="主办或承办人员的账号 id")
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="有逾期期限")
    date_from = serializers.DateField(required=False, help_text="线索登记日不早于")
    date_to = serializers.DateField(required=False, help_text="线索登记日不晚于")
    q = serializers.CharField(required=False, help_text="案由、案号或当事人名称包含的文字")


class CaseRowOut(serializers.ModelSerializer):
    state = serializers.CharField(help_text="案件状态代码")
    state_label = serializers.SerializerMethodField()
    procedure = serializers.CharField()
    agency_name = serializers.CharField(source="agency.name")
    domain = serializers.CharField(source="domain.code")
    domain_name = serializers.CharField(source="domain.name")
    handler_name = serializers.StringRelatedField(source="handler")
    next_due = serializers.DateField(allow_null=True, read_only=True, help_text="最近的未完成期限届满日")

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "state",
            "state_label",
            "procedure",
            "agency",
            "agency_name",
            "domain",
            "domain_name",
            "handler",
            "handler_name",
            "lead_on",
            "filed_on",
            "decided_on",
            "next_due",
        ]

    def get_state_label(self, obj: Case) -> str:
        return state_label(obj.state)


class CaseCreateIn(serializers.Serializer):
    agency = serializers.IntegerField(required=False, help_text="办案机关 id；省略时为本人所在机关")
    domain = serializers.CharField(help_text="执法领域代码")
    region = serializers.CharField(help_text="违法行为发生地行政区划代码")
    title = serializers.CharField(allow_blank=True, help_text="案由")
    lead_on = serializers.DateField(required=False, help_text="线索登记日，默认今天")
    source = serializers.CharField(required=False, allow_blank=True, max_length=32)
    facts = serializers.CharField(required=False, allow_blank=True)
    officer_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="其他承办人员的账号 id（本人自动列入）"
    )
    act_date = serializers.DateField(required=False, allow_null=True, help_text="违法行为发生日")
    act_end_date = serializers.DateField(required=False, allow_null=True, help_text="违法行为终了日")
    discovered_on = serializers.DateField(required=False, allow_null=True, help_text="发现日期")
    complex_case = serializers.BooleanField(required=False, help_text="情节复杂或重大违法（须集体讨论）")
    life_or_finance = serializers.BooleanField(required=False)
    violation_ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class OnTheSpotIn(serializers.Serializer):
    """简易程序 (APL-51/52/68/71): the decision handed over on the spot, with its party."""

    agency = serializers.IntegerField(required=False, help_text="办案机关 id；省略时为本人所在机关")
    domain = serializers.CharField(help_text="执法领域代码")
    region = serializers.CharField(help_text="违法行为发生地行政区划代码")
    party_kind = serializers.CharField(help_text="当事人类别：" + _choices(Party.Kind.choices))
    party_name = serializers.CharField(allow_blank=True)
    party_id_number = serializers.CharField(required=False, allow_blank=True)
    party_credit_code = serializers.CharField(required=False, allow_blank=True)
    party_legal_representative = serializers.CharField(required=False, allow_blank=True)
    party_phone = serializers.CharField(required=False, allow_blank=True)
    party_address = serializers.CharField(required=False, allow_blank=True)
    officer_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    kinds = serializers.ListField(
        child=serializers.CharField(), help_text="处罚种类：warning 警告；fine 罚款"
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    act_date = serializers.DateField(help_text="违法行为发生日")
    facts = serializers.CharField(allow_blank=True, default="", help_text="违法事实")
    basis = serializers.CharField(required=False, allow_blank=True, help_text="处罚依据")
    violation_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    form_serial = serializers.CharField(
        allow_blank=True, default="", help_text="预定格式、编有号码的决定书编号"
    )
    credentials_shown = serializers.BooleanField(required=False, help_text="已出示执法证件")
    party_signed = serializers.BooleanField(required=False, help_text="当事人已签收")
    refusal_noted = serializers.BooleanField(required=False, help_text="当事人拒绝签收已注明")
    collected = serializers.BooleanField(required=False, help_text="当场收缴罚款")
    receipt_number = serializers.CharField(
        required=False, allow_blank=True, help_text="财政部门统一制发的罚款收据编号"
    )
    hard_to_collect_later = serializers.BooleanField(required=False, help_text="不当场收缴事后难以执行")
    remote_area = serializers.BooleanField(required=False, help_text="边远、水上、交通不便地区")
    title = serializers.CharField(required=False, allow_blank=True)
    tier = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="裁量阶次：当事人已满十四周岁不满十八周岁的，须为 lenient 从轻 或 reduced 减轻（APL-30）",
    )


class PartyIn(serializers.Serializer):
    kind = serializers.CharField(help_text="当事人类别：" + _choices(Party.Kind.choices))
    name = serializers.CharField(allow_blank=True)
    id_number = serializers.CharField(required=False, allow_blank=True, help_text="公民身份号码（GB 11643）")
    credit_code = serializers.CharField(
        required=False, allow_blank=True, help_text="统一社会信用代码（GB 32100）"
    )
    legal_representative = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)


# --------------------------------------------------------------------------- detail


class PartyOut(serializers.ModelSerializer):
    kind = serializers.CharField()
    id_number_masked = serializers.SerializerMethodField()
    age = serializers.SerializerMethodField(help_text="周岁（违法行为发生日；不显示出生日期）")

    class Meta:
        model = Party
        fields = [
            "id",
            "kind",
            "name",
            "id_number_masked",
            "age",
            "credit_code",
            "legal_representative",
            "phone",
            "address",
        ]

    def get_id_number_masked(self, obj: Party) -> str:
        return obj.id_number_masked

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_age(self, obj: Party) -> int | None:
        """Full years on the violation date (today without one): never the birth date beside
        the mask, which hides exactly its digits (issue 13)."""
        return obj.age


class CaseViolationOut(serializers.Serializer):
    id = serializers.IntegerField(source="violation.id")
    code = serializers.CharField(source="violation.code")
    name = serializers.CharField(source="violation.name")


class EvidenceOut(serializers.ModelSerializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    collected_by_name = serializers.StringRelatedField(source="collected_by")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "collected_on",
            "collected_by",
            "collected_by_name",
            "cross_examined",
        ]


_EVENT_LABELS = {
    "register": "线索登记",
    "approval_approve": "审批通过",
    "approval_send_back": "审批退回",
    "approval_withdraw": "取回",
    "approval_reassign": "改派",
}


class EventOut(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    actor_name = serializers.StringRelatedField(source="actor")

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "action",
            "label",
            "from_state",
            "to_state",
            "actor",
            "actor_name",
            "at",
            "on",
            "note",
            "data",
        ]

    def get_label(self, obj: CaseEvent) -> str:
        t = workflow.transition_for(obj.action)
        return t.label if t else _EVENT_LABELS.get(obj.action, obj.action)


class DeadlineOut(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "label",
            "rule",
            "started_on",
            "due_on",
            "pending_reason",
            "provisional",
            "met_on",
            "active",
            "overdue",
        ]

    def get_overdue(self, obj: Deadline) -> bool:
        return bool(obj.active and obj.due_on and obj.due_on < timezone.localdate())


class ApprovalStepOut(serializers.ModelSerializer):
    actor_name = serializers.StringRelatedField(source="actor")

    class Meta:
        model = ApprovalStep
        fields = ["level", "decision", "actor", "actor_name", "at", "reasons"]


class ApprovalOut(serializers.ModelSerializer):
    status = serializers.CharField(help_text="审批状态：" + _choices(Approval.Status.choices))
    action_label = serializers.SerializerMethodField()
    current_role = serializers.SerializerMethodField()
    steps = ApprovalStepOut(many=True, read_only=True)

    class Meta:
        model = Approval
        fields = [
            "id",
            "action",
            "action_label",
            "levels",
            "level",
            "current_role",
            "status",
            "submitted_by",
            "assignee",
            "submitted_at",
            "steps",
        ]

    def get_action_label(self, obj: Approval) -> str:
        return workflow.APPROVAL_LABELS.get(obj.action, obj.action)

    def get_current_role(self, obj: Approval) -> str:
        return obj.levels[obj.level] if obj.status == Approval.Status.PENDING and obj.levels else ""


class ActionDoneOut(serializers.Serializer):
    """The receipt of a step taken for another agency (who may not read the case)."""

    case = serializers.IntegerField()
    action = serializers.CharField()
    label = serializers.CharField()


class AvailableActionOut(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())
    kind = serializers.CharField(help_text="`transition` 办案操作；`approval` 审批操作")
    url = serializers.CharField(help_text="POST 的地址")
    approval_id = serializers.IntegerField(
        allow_null=True, required=False, help_text="审批操作所办理的审批 id（POST 时作为 `approval_id` 提交）"
    )


class CaseDetailOut(serializers.ModelSerializer):
    state = serializers.CharField()
    state_label = serializers.SerializerMethodField()
    procedure = serializers.CharField()
    outcome = serializers.CharField()
    proposed_outcome = serializers.CharField()
    agency_name = serializers.CharField(source="agency.name")
    domain = serializers.CharField(source="domain.code")
    region = serializers.CharField(source="region.code")
    handler_name = serializers.StringRelatedField(source="handler")
    officers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    parties = PartyOut(many=True, read_only=True)
    violations = CaseViolationOut(many=True, read_only=True)
    evidence = EvidenceOut(many=True, read_only=True)
    timeline = EventOut(many=True, read_only=True, source="events")
    deadlines = DeadlineOut(many=True, read_only=True)
    approvals = ApprovalOut(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "state",
            "state_label",
            "procedure",
            "agency",
            "agency_name",
            "domain",
            "region",
            "handler",
            "handler_name",
            "officers",
            "source",
            "facts",
            "act_date",
            "act_end_date",
            "discovered_on",
            "complex_case",
            "life_or_finance",
            "deliberated",
            "lead_on",
            "filed_on",
            "notice_served_on",
            "hearing_offered",
            "statement_status",
            "notified_amount",
            "proposed_outcome",
            "proposed_amount",
            "proposed_kinds",
            "benchmark_tier",
            "tier_deviation_reason",
            "outcome",
            "fine_amount",
            "penalty_kinds",
            "decided_on",
            "decision_number",
            "served_on",
            "service_method",
            "e_service_consent",
            "paid_amount",
            "demand_served_on",
            "closed_on",
            "archived_on",
            "archive_number",
            "form_serial",
            "filed_copy_on",
            "parties",
            "violations",
            "evidence",
            "timeline",
            "deadlines",
            "approvals",
            "actions",
        ]

    def get_fields(self) -> dict[str, serializers.Field]:
        """The case's own fields and those capabilities add (``extensions.detail_fields``)."""
        fields = super().get_fields()
        for ext in extensions.registered_detail_fields():
            for name, factory in ext.fields.items():
                field = factory()
                field.source = f"_extension_values.{name}"
                fields[name] = field
        return fields

    def to_representation(self, instance: Case) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for ext in extensions.registered_detail_fields():
            values.update(ext.values(instance))
        instance._extension_values = values
        return super().to_representation(instance)

    def get_actions(self, obj: Case) -> list[dict[str, Any]]:
        return AvailableActionOut(self.context.get("actions", []), many=True).data  # type: ignore[return-value]

    def get_state_label(self, obj: Case) -> str:
        return state_label(obj.state)


# --------------------------------------------------------------------------- 待办


class TodoCaseOut(serializers.ModelSerializer):
    state = serializers.CharField()
    state_label = serializers.SerializerMethodField()
    agency_name = serializers.CharField(source="agency.name")
    domain = serializers.CharField(source="domain.code")

    class Meta:
        model = Case
        fields = ["id", "number", "title", "state", "state_label", "agency_name", "domain"]

    def get_state_label(self, obj: Case) -> str:
        return state_label(obj.state)


class TodoOut(serializers.Serializer):
    case = TodoCaseOut()
    what = serializers.CharField(help_text="待办事项")
    due_on = serializers.DateField(allow_null=True, help_text="最近的期限届满日（无期限为 null）")
    url = serializers.CharField(help_text="办理页面（其他功能的待办；空则为案件页面）")


class TodoQuery(serializers.Serializer):
    page = serializers.IntegerField(required=False, default=1, min_value=1, help_text="页码，从 1 起")
    page_size = serializers.IntegerField(
        required=False,
        default=TODO_PAGE_SIZE,
        min_value=1,
        max_value=TODO_MAX_PAGE_SIZE,
        help_text=f"每页项数（默认 {TODO_PAGE_SIZE}，至多 {TODO_MAX_PAGE_SIZE}）",
    )

    def validate(self, attrs):
        if attrs["page"] * attrs["page_size"] > TODO_MAX_DEPTH:
            raise serializers.ValidationError(
                {"page": _("页码过大：页码 × 每页项数不得超过 %(n)s。") % {"n": TODO_MAX_DEPTH}}
            )
        return attrs


class TodoPageOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="待办事项总数（所有来源）")
    next = serializers.URLField(allow_null=True, help_text="下一页（无则为 null）")
    previous = serializers.URLField(allow_null=True, help_text="上一页（无则为 null）")
    results = TodoOut(many=True)


# --------------------------------------------------------------------------- approvals


class ApprovalActIn(serializers.Serializer):
    reasons = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="审批意见；退回时必填"
    )
    to = serializers.CharField(
        required=False, default="handler", help_text="退回到：`handler` 承办人；`previous` 上一审批层级"
    )
    assignee_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="改派对象账号 id"
    )
    expected_level = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="客户端看到的当前层级（0 起）；与实际不符时返回 409 APPROVAL_STALE",
    )
    approval_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "要办理的审批 id。案件只有一项待审批事项时可省略；同时有多项（如处罚决定审批与延长办案期限、"
            "强制措施审批）时必填，否则返回 400 APPROVAL_ID_REQUIRED"
        ),
    )


class ApprovalChainOut(serializers.Serializer):
    action = serializers.CharField(
        help_text="审批事项：" + "；".join(f"`{k}` {v}" for k, v in workflow.APPROVAL_LABELS.items())
    )
    label = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField(), help_text="审批角色，逐级：approver_1/2/3")
    configured = serializers.BooleanField(help_text="false 表示使用系统默认流程")


class ApprovalChainIn(serializers.Serializer):
    levels = serializers.ListField(child=serializers.CharField(), help_text="审批角色，逐级：approver_1/2/3")


# --------------------------------------------------------------------------- action inputs


def _field_for(tp: Any, spec: inputs.Spec, default: Any) -> serializers.Field:
    """The request field of one typed input (inputs.py): optional, typed; the guards decide
    what is required, so a missing value is refused with the rule's own code."""
    base, _nullable = inputs._base(tp)
    help_text = spec.help or str(spec.label)
    if spec.alias:
        help_text += "（旧字段名 " + "、".join(f"`{a}`" for a in spec.alias) + " 仍可使用，已弃用）"
    origin = typing.get_origin(base)
    if origin is tuple:
        (item,) = typing.get_args(base)[:1]
        child = {int: serializers.IntegerField(), dict: serializers.DictField()}.get(
            item, serializers.CharField()
        )
        return serializers.ListField(child=child, required=False, help_text=help_text)
    if base is bool:
        if _nullable:
            return serializers.BooleanField(
                required=False, allow_null=True, default=None, help_text=help_text
            )
        return serializers.BooleanField(required=False, help_text=help_text)
    if base is int:
        return serializers.IntegerField(required=False, allow_null=True, help_text=help_text)
    if base is Decimal:
        return serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False, allow_null=True, help_text=help_text
        )
    if base is dt.datetime:
        return serializers.DateTimeField(required=False, allow_null=True, help_text=help_text)
    if base is dt.date:
        return serializers.DateField(required=False, allow_null=True, help_text=help_text)
    if base is dict:
        return serializers.DictField(required=False, allow_null=True, help_text=help_text)
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text=help_text)


def input_fields(*types: type) -> dict[str, serializers.Field]:
    """Request fields of typed inputs, with their deprecated aliases (read when the field is absent)."""
    out: dict[str, serializers.Field] = {}
    for tp in types:
        hints = inputs.hints(tp)
        for fld in dataclasses.fields(tp):
            spec = inputs.spec_of(fld)
            out[fld.name] = _field_for(hints[fld.name], spec, fld.default)
            for alias in spec.alias:
                out.setdefault(
                    alias,
                    _field_for(
                        hints[fld.name],
                        inputs.Spec(label=spec.label, help=f"已弃用，见 `{fld.name}`"),
                        fld.default,
                    ),
                )
    return out


def _camel(action: str) -> str:
    return "".join(part.capitalize() for part in action.split("_"))


def action_input_serializer(t: workflow.Transition) -> type[serializers.Serializer]:
    """The request serializer of one transition, generated from its typed input and the inputs of
    the hooks registered on it (``hooks.register(input=…)``)."""
    types = [t.input, *(tp for _app, tp in hooks.extra_input_types(t.action))]
    attrs: dict[str, Any] = dict(input_fields(*types))
    attrs["__doc__"] = f"{t.label}（{t.action}）的请求体。"
    return type(f"Case{_camel(t.action)}In", (serializers.Serializer,), attrs)


# --------------------------------------------------------------------------- 移送 received


class TransferReceivedOut(serializers.Serializer):
    id = serializers.IntegerField()
    from_agency = serializers.CharField(source="case.agency.name", help_text="移送机关")
    title = serializers.CharField(source="case.title", help_text="案由")
    reason = serializers.CharField(help_text="移送理由")
    sent_on = serializers.DateField()
    to_agency = serializers.CharField(source="to_agency.name", help_text="接收机关")
    accepted_case = serializers.IntegerField(
        source="accepted_case_id", allow_null=True, help_text="受理后登记的线索 id"
    )
    accepted_on = serializers.DateField(allow_null=True)
