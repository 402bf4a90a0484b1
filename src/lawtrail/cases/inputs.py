"""Typed step inputs: what each row of the transition table takes, as a frozen dataclass.

The engine parses a request into the row's input once (``parse``), before any guard runs, and
hands the same value to the row's guards, the hooks and the effect. The API request
serializers, the OpenAPI schema and the page forms are generated from these types
(``serializers.action_input_serializer``, ``forms.ActionForm``), so a field is declared once.

Every field is optional at this level: what a step requires is decided by its guards, so a
missing value is refused with the rule's own code and article. A value of the wrong type is
refused here (``CASE_DATE_INVALID``, ``CASE_AMOUNT_INVALID`` …), never as a 500.

A field name means one thing across the table: 证据种类 is ``evidence_kind``, 强制措施种类
``measure_kind``, 不计入期限的期间种类 ``exclusion_kind``, 复议或诉讼 ``remedy_kind``; 当场收缴
罚款交至何处 is ``handed_to``. The old names (``kind``, ``to``) are still accepted as deprecated
aliases (``alias=``) so existing clients keep working; the schema marks them so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lawtrail.core.errors import ValidationFailed
from lawtrail.core.inputs import date_plausible

# ----------------------------------------------------------------------------- field declarations


@dataclass(frozen=True)
class Spec:
    """How one input is shown: its label (page), help (schema), widget and choices."""

    label: Any
    help: str = ""
    widget: str = ""  # "" = from the type; or "text" (multi-line), "line", "json"
    source: str = ""  # choices: a static list (forms.STATIC_CHOICES) or one the page supplies
    # ("staff": any staff member; "officers": those whose 执法证 is valid for the case — a picker)
    initial: str = ""  # "today": the page pre-fills today's date
    alias: tuple[str, ...] = ()  # deprecated request names accepted for this field
    rows: int = 3
    form: bool = True  # shown in the case page's form (False: filled by another page, e.g. review)


def f(label: Any, default: Any = None, **spec: Any) -> Any:
    """One input field: ``f(_("理由"), "", help=…)``. Tuples default to ``()``."""
    meta = {"spec": Spec(label=label, **spec)}
    if isinstance(default, tuple):
        return dc_field(default=(), metadata=meta)
    return dc_field(default=default, metadata=meta)


L = gettext_lazy


def spec_of(fld: dataclasses.Field) -> Spec:
    return fld.metadata.get("spec") or Spec(label=fld.name)


# ----------------------------------------------------------------------------- parsing


def _base(tp: Any) -> tuple[Any, bool]:
    """(the type without ``| None``, whether None is allowed)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0], True
    return tp, False


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes", "y")
    return bool(value)


def _to_date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(
            _("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": value},
            code="CASE_DATE_INVALID",
            details={"field": name},
        ) from None


def _to_datetime(value: Any, name: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, dt.datetime):
        try:
            value = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationFailed(
                _("时间格式应为 YYYY-MM-DDTHH:MM：%(value)s") % {"value": value},
                code="CASE_DATETIME_INVALID",
                details={"field": name},
            ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value)


def _to_decimal(value: Any, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise ValidationFailed(
            _("%(field)s 不是有效的金额。") % {"field": name},
            code="CASE_AMOUNT_INVALID",
            details={"field": name},
        )
    return number


def parse_amount(value: Any, name: str) -> Decimal | None:
    """An amount from a request (``CASE_AMOUNT_INVALID`` when it is not one)."""
    return _to_decimal(value, name)


def _to_int(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationFailed(
            _("%(field)s 应为整数。") % {"field": name}, code="CASE_NUMBER_INVALID", details={"field": name}
        )
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValidationFailed(
            _("%(field)s 应为整数。") % {"field": name}, code="CASE_NUMBER_INVALID", details={"field": name}
        ) from None


def _to_value(tp: Any, value: Any, name: str) -> Any:
    base, nullable = _base(tp)
    origin = typing.get_origin(base)
    if origin is tuple:
        if value in (None, ""):
            return ()
        items = value if isinstance(value, list | tuple | set | frozenset) else [value]
        (item_tp, _ellipsis) = typing.get_args(base)
        if item_tp is int:
            return tuple(_to_int(v, name) for v in items if v not in (None, ""))
        if item_tp is dict:
            if not all(isinstance(v, Mapping) for v in items):
                raise ValidationFailed(
                    _("%(field)s 格式错误。") % {"field": name},
                    code="CASE_FIELD_INVALID",
                    details={"field": name},
                )
            return tuple(dict(v) for v in items)
        return tuple(str(v) for v in items)
    if base is bool:
        return None if (nullable and value is None) else _to_bool(value)
    if base is str:
        return "" if value is None else str(value)
    if base is int:
        return _to_int(value, name)
    if base is Decimal:
        return _to_decimal(value, name)
    if base is dt.datetime:
        return _to_datetime(value, name)
    if base is dt.date:
        return _to_date(value, name)
    if base is dict:
        if value in (None, ""):
            return None
        if not isinstance(value, Mapping):
            raise ValidationFailed(
                _("%(field)s 格式错误。") % {"field": name},
                code="CASE_FIELD_INVALID",
                details={"field": name},
            )
        return dict(value)
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def parse(cls: type, data: Mapping[str, Any] | None) -> Any:
    """The typed input of a step from a request (API, page form, another service). Names the
    type does not declare are ignored, as the API's serializers ignore them; a declared alias
    is read when the field's own name is absent."""
    data = data or {}
    if isinstance(data, cls):
        return data
    tps = hints(cls)
    values: dict[str, Any] = {}
    for fld in dataclasses.fields(cls):
        if fld.name in data:
            raw = data[fld.name]
        else:
            raw = next((data[a] for a in spec_of(fld).alias if a in data), None)
            if raw is None:
                continue
        value = _to_value(tps[fld.name], raw, fld.name)
        if isinstance(value, dt.date):
            # a typing error (0001-01-01, 9999-12-31) never reaches the rules (issue 13)
            plain_date = value.date() if isinstance(value, dt.datetime) else value
            date_plausible(plain_date, label=str(spec_of(fld).label))
        values[fld.name] = value
    return cls(**values)


def as_dict(value: Any) -> dict[str, Any]:
    """The input as a plain mapping by field name (what guards read as ``ctx.data``)."""
    if value is None:
        return {}
    return {fld.name: getattr(value, fld.name) for fld in dataclasses.fields(value)}


def _plain_value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "as_tuple"):  # Decimal
        return str(v)
    if isinstance(v, Mapping):
        return {str(k): _plain_value(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set | frozenset):
        return [_plain_value(x) for x in v]
    return v


def plain(data: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping as JSON (dates, datetimes and amounts as text, at any depth)."""
    return {str(k): _plain_value(v) for k, v in data.items()}


def given(value: Any) -> dict[str, Any]:
    """The fields of a typed input that were given (different from their defaults), as JSON."""
    if value is None:
        return {}
    out: dict[str, Any] = {}
    for fld in dataclasses.fields(value):
        v = getattr(value, fld.name)
        default = fld.default if fld.default is not dataclasses.MISSING else None
        if v != default and v not in (None, "", ()):
            out[fld.name] = v
        elif isinstance(v, bool) and v != default:
            out[fld.name] = v
    return plain(out)


def names(cls: type) -> tuple[str, ...]:
    return tuple(fld.name for fld in dataclasses.fields(cls))


# ----------------------------------------------------------------------------- the inputs

REASON_HELP = "理由"


@dataclass(frozen=True)
class NoInput:
    """The step takes no input."""


@dataclass(frozen=True)
class Reason:
    reason: str = f(L("理由"), "", help="理由", widget="text")


@dataclass(frozen=True)
class Ending:
    """不予立案、终止调查: the reasons, and whether to release the measures still in force (ACL-28)."""

    reason: str = f(L("理由"), "", help="理由", widget="text")
    release_measures: bool = f(
        L("同时解除本案尚未解除的强制措施（《行政强制法》第二十八条）"),
        False,
        help="同时解除本案尚未解除的强制措施和先行登记保存（ACL-28）",
    )


@dataclass(frozen=True)
class EvidenceAdd:
    evidence_kind: str = f(
        L("证据种类"), "", help="证据种类（法定八类）", source="evidence_kinds", alias=("kind",)
    )
    title: str = f(L("证据名称"), "", help="名称")
    collected_on: dt.date | None = f(L("收集日期"), help="收集日期", initial="today")
    cross_examined: bool = f(
        L("当事人已当场确认（视为已质证）"), False, help="当事人已当场确认、签名（如现场笔录），视为已质证"
    )


@dataclass(frozen=True)
class EvidenceExamine:
    evidence_ids: tuple[int, ...] = f(L("证据"), (), help="证据 id", source="evidence")
    record: str = f(L("质证笔录摘要（当事人意见）"), "", help="笔录摘要", widget="text", rows=4)


@dataclass(frozen=True)
class InvestigationEnd:
    report: str = f(L("调查终结报告"), "", help="调查终结报告", widget="text", rows=5)


@dataclass(frozen=True)
class ProposalSubmit:
    outcome: str = f(
        L("处理结果"), "", help="处理结果：penalty / no_penalty / dismissed / transferred", source="outcomes"
    )
    amount: Decimal | None = f(L("罚款金额（元）"), help="金额（元）")
    kinds: tuple[str, ...] = f(L("处罚种类"), (), help="处罚种类，如 warning、fine", source="penalty_kinds")
    tier: str = f(L("适用裁量阶次"), "", help="适用的裁量阶次", source="tiers")
    deviation_reason: str = f(L("偏离裁量基准的理由"), "", help="偏离裁量基准的理由", widget="text")
    deviation_approval: str = f(
        L("偏离裁量基准的批准方式"),
        "",
        help="偏离裁量基准的批准方式：head 主要负责人批准；deliberation 集体讨论",
        source="deviation_approvals",
    )


@dataclass(frozen=True)
class NoticeServe:
    served_on: dt.date | None = f(L("告知书送达日期"), help="送达日期", initial="today")
    amount: Decimal | None = f(L("告知罚款金额（元，不填则为拟罚款金额）"), help="金额（元）")
    changed_reason: str = f(
        L("变更的事实、理由或依据（再次告知较重处罚时必填）"),
        "",
        help="再次告知时变更的事实或依据",
        widget="text",
    )


@dataclass(frozen=True)
class StatementRecord:
    waived: bool = f(L("当事人明确放弃陈述申辩"), False, help="当事人明确放弃陈述申辩")
    text: str = f(L("陈述申辩内容"), "", help="陈述申辩内容", widget="text", rows=4)


@dataclass(frozen=True)
class Reconsider:
    result: str = f(L("复核意见"), "", help="复核意见", widget="text")


@dataclass(frozen=True)
class HearingRequest:
    requested_on: dt.date | None = f(L("申请日期"), help="申请日期", initial="today")


@dataclass(frozen=True)
class HearingSchedule:
    hearing_on: dt.date | None = f(L("听证日期"), help="听证日期")
    notified_on: dt.date | None = f(L("通知日期"), help="通知日期", initial="today")
    host_id: int | None = f(L("听证主持人"), help="听证主持人账号 id", source="staff")


@dataclass(frozen=True)
class HearingHold:
    record: str = f(L("听证笔录摘要"), "", help="笔录摘要", widget="text", rows=4)


@dataclass(frozen=True)
class ReviewPass:
    opinion: str = f(L("审核意见"), "", help="审核意见", widget="text")


@dataclass(frozen=True)
class Deliberate:
    attendee_ids: tuple[int, ...] = f(
        L("参加讨论的负责人"), (), help="参加讨论的负责人账号 id", source="staff"
    )
    conclusion: str = f(L("讨论结论"), "", help="讨论结论", widget="text", rows=4)


@dataclass(frozen=True)
class DecisionSubmit:
    # after 复核 the penalty may be lowered (never raised: APL-45/62); blank = as proposed
    amount: Decimal | None = f(L("罚款金额（元，不填则为拟处理意见的金额）"), help="金额（元）")
    kinds: tuple[str, ...] = f(L("处罚种类"), (), help="处罚种类，如 warning、fine", source="penalty_kinds")


@dataclass(frozen=True)
class DecisionServe:
    served_on: dt.date | None = f(L("决定书送达日期"), help="送达日期", initial="today")
    method: str = f(L("送达方式"), "", help="送达方式，如 direct、mail、electronic", source="service_methods")
    consent: bool = f(L("当事人已签订电子送达确认书"), False, help="当事人已签署电子送达确认书")


@dataclass(frozen=True)
class PaymentRecord:
    amount: Decimal | None = f(L("缴款金额（元）"), help="金额（元）")
    paid_on: dt.date | None = f(L("缴款日期"), help="缴款日期", initial="today")


@dataclass(frozen=True)
class DemandServe:
    served_on: dt.date | None = f(L("催告书送达日期"), help="送达日期", initial="today")
    perform_by: dt.date | None = f(L("催告书载明的履行期限"), help="催告书载明的履行期限")


@dataclass(frozen=True)
class CourtApply:
    applied_on: dt.date | None = f(L("申请日期"), help="申请日期", initial="today")
    period_expired_on: dt.date | None = f(L("催告书履行期限届满日"), help="履行期限届满日")


@dataclass(frozen=True)
class Transfer:
    reason: str = f(L("理由"), "", help="理由", widget="text")
    to_agency_id: int | None = f(L("接收机关"), help="接收机关 id", source="agencies")
    to_organ: str = f(L("接收的司法机关名称"), "", help="接收的司法机关名称")
    judicial: bool = f(L("涉嫌犯罪，移送司法机关"), False, help="移送司法机关")
    release_measures: bool = f(
        L("同时解除本案尚未解除的强制措施（随案移送的，在理由中写明）"),
        False,
        help="同时解除本案尚未解除的强制措施和先行登记保存（ACL-28）",
    )
    to_name: str = f(
        L("接收机关名称"),
        "",
        help="接收机关名称（本系统中同名机关视为 to_agency_id，否则视为 to_organ）",
        alias=("to",),
    )


@dataclass(frozen=True)
class CashHandover:
    handed_to: str = f(
        L("交款对象"),
        "",
        help="`agency` 交至行政机关；`bank` 缴付指定银行",
        source="handed_to",
        alias=("to",),
    )
    handed_on: dt.date | None = f(L("交款日期"), help="交款日期", initial="today")


@dataclass(frozen=True)
class OnTheSpotFile:
    note: str = f(L("备注"), "", help="说明", widget="text")


@dataclass(frozen=True)
class MeasureRequest:
    measure_kind: str = f(L("强制措施种类"), "", help="强制措施种类", source="measure_kinds", alias=("kind",))
    items: str = f(L("财物清单"), "", help="查封、扣押、保存的物品清单", widget="text")
    reason: str = f(L("理由"), "", help="理由", widget="text")


@dataclass(frozen=True)
class MeasureApprove:
    measure_id: int | None = f(L("强制措施"), help="强制措施 id", source="measures")
    approval_id: int | None = f(L("审批"), help="要办理的审批 id（同时有多项待审批时必填）", widget="hidden")


@dataclass(frozen=True)
class MeasureReject:
    measure_id: int | None = f(L("强制措施"), help="强制措施 id", source="measures")
    reason: str = f(L("理由"), "", help="理由", widget="text")
    approval_id: int | None = f(L("审批"), help="要办理的审批 id（同时有多项待审批时必填）", widget="hidden")


@dataclass(frozen=True)
class MeasureTake:
    measure_id: int | None = f(
        L("强制措施"), help="强制措施 id（已批准的措施；紧急实施时不填）", source="measures"
    )
    measure_kind: str = f(L("强制措施种类"), "", help="强制措施种类", source="measure_kinds", alias=("kind",))
    items: str = f(L("财物清单"), "", help="查封、扣押、保存的物品清单", widget="text")
    reason: str = f(L("理由"), "", help="理由", widget="text")
    emergency: bool = f(
        L("情况紧急，当场实施（24小时内补办批准）"), False, help="情况紧急，当场实施后补办批准（ACL-19）"
    )
    started_at: dt.datetime | None = f(L("实施时间"), help="实施时间")
    officer_ids: tuple[int, ...] = f(
        L("实施人员（须持证）"), (), help="实施的执法人员账号 id", source="officers"
    )
    onsite_record: str = f(L("现场笔录"), "", help="现场笔录摘要", widget="text", rows=4)
    party_present: bool = f(L("当事人到场"), False, help="当事人到场")
    party_signed: bool = f(L("当事人已在现场笔录上签名或盖章"), False, help="当事人签名")
    refusal_noted: bool = f(L("当事人拒绝签名，已在笔录中注明"), False, help="当事人拒绝签名已注明")
    witness_name: str = f(L("见证人姓名"), "", help="见证人姓名（当事人不到场时）")


@dataclass(frozen=True)
class MeasureExtend:
    measure_id: int | None = f(L("强制措施"), help="强制措施 id", source="measures")
    days: int | None = f(L("延长天数"), help="天数")
    reasons: str = f(L("延长理由"), "", help="理由", widget="text")
    reasons_notified: bool = f(L("已书面告知当事人延长理由"), False, help="已书面告知当事人延长理由")


@dataclass(frozen=True)
class MeasureTesting:
    measure_id: int | None = f(L("强制措施"), help="强制措施 id", source="measures")
    start: dt.date | None = f(L("检测、检验、检疫或鉴定期间 自"), help="起始日")
    end: dt.date | None = f(L("至"), help="结束日")
    notified: bool = f(L("已书面告知当事人该期间"), False, help="已书面告知当事人")


@dataclass(frozen=True)
class MeasureRelease:
    measure_id: int | None = f(L("强制措施"), help="强制措施 id", source="measures")
    released_on: dt.date | None = f(L("解除日期"), help="解除日期", initial="today")
    reason: str = f(L("解除理由"), "", help="理由", widget="text")


@dataclass(frozen=True)
class PreservationDispose:
    measure_id: int | None = f(L("强制措施"), help="强制措施 id", source="measures")
    disposed_on: dt.date | None = f(L("处理决定日期"), help="处理日期", initial="today")
    disposal: str = f(L("处理决定"), "", help="处理结果", widget="text")


@dataclass(frozen=True)
class ExtensionRequest:
    days: int | None = f(L("延长天数"), help="天数")
    reason: str = f(L("理由"), "", help="理由", widget="text")


@dataclass(frozen=True)
class SideApprovalAct:
    """A level of a side approval acting through its old one-step name (extension_approve …)."""

    reason: str = f(L("理由"), "", help="理由", widget="text")
    approval_id: int | None = f(L("审批"), help="要办理的审批 id（同时有多项待审批时必填）", widget="hidden")


@dataclass(frozen=True)
class ExclusionStart:
    exclusion_kind: str = f(
        L("期间种类"),
        "",
        help="不计入办案期限的期间种类（本机关规则配置所列，如 听证、检测）",
        source="exclusion_kinds",
        alias=("kind",),
    )
    start: dt.date | None = f(L("起始日"), help="起始日", initial="today")
    reason: str = f(L("理由"), "", help="理由", widget="text")


@dataclass(frozen=True)
class ExclusionEnd:
    end: dt.date | None = f(L("结束日"), help="结束日", initial="today")


@dataclass(frozen=True)
class RecusalRequest:
    account_id: int | None = f(L("被申请回避的人员"), help="被申请回避人员的账号 id", source="staff")
    role: str = f(
        L("其在本案中的身份"),
        "",
        help="被申请回避人员在本案中的身份，如 officer、host、reviewer",
        source="recusal_roles",
    )
    # None: follows who is named (oneself: own motion), so an unticked box cannot turn an
    # own-motion withdrawal into a party request
    by_party: bool | None = f(L("由当事人申请（否则为本人申请回避）"), help="由当事人申请（否则为本人申请）")
    reason: str = f(L("理由"), "", help="理由", widget="text")


@dataclass(frozen=True)
class RecusalDecide:
    recusal_id: int | None = f(L("回避申请"), help="回避申请 id", source="recusals")
    granted: bool = f(L("决定回避"), False, help="决定回避")
    note: str = f(L("说明"), "", help="说明", widget="text")
    replacement_id: int | None = f(L("替换人员"), help="替换人员账号 id", source="officers")


@dataclass(frozen=True)
class OfficerAssign:
    officer_id: int | None = f(L("增派的执法人员"), help="增派执法人员账号 id", source="officers")


@dataclass(frozen=True)
class PaymentDefer:
    applied_on: dt.date | None = f(L("申请日期"), help="申请日期", initial="today")
    deferred_to: dt.date | None = f(L("暂缓缴纳至"), help="暂缓缴纳至")
    instalments: tuple[dict, ...] = f(
        L("分期计划（每期一行：缴纳期限 金额，如 2026-12-31 500）"),
        (),
        help='分期计划：[{"due_on": "YYYY-MM-DD", "amount": "金额"}, …]',
        widget="instalments",
    )
    reason: str = f(L("理由"), "", help="理由", widget="text")


@dataclass(frozen=True)
class RemedyStart:
    remedy_kind: str = f(L("复议或诉讼"), "", help="复议 或 诉讼", source="remedy_kinds", alias=("kind",))
    start: dt.date | None = f(L("起始日"), help="起始日", initial="today")
    reason: str = f(L("说明"), "", help="理由", widget="text")


@dataclass(frozen=True)
class RemedyEnd:
    end: dt.date | None = f(L("终结日"), help="结束日", initial="today")


@dataclass(frozen=True)
class EnforcementDecide:
    decided_on: dt.date | None = f(L("决定日期"), help="决定日期", initial="today")
    mode: str = f(L("强制执行方式"), "", help="强制执行方式")
    scheduled_at: dt.datetime | None = f(L("实施时间"), help="实施时间")
    emergency: bool = f(L("情况紧急"), False, help="情况紧急（ACL-43 例外）")
    reason: str = f(L("理由"), "", help="理由", widget="text")


@dataclass(frozen=True)
class TransferReceipt:
    receipt_on: dt.date | None = f(L("回执日期"), help="回执日期", initial="today")
    receipt_number: str = f(L("回执（收据）编号"), "", help="回执编号")


@dataclass(frozen=True)
class AssistanceRequest:
    to_agency_id: int | None = f(L("被请求协查的机关"), help="接收机关 id", source="agencies")
    request: str = f(L("协查事项"), "", help="协查事项", widget="text")


@dataclass(frozen=True)
class AssistanceReply:
    assistance_id: int | None = f(L("协查请求"), help="协查请求 id", source="assistances")
    reply: str = f(L("协查答复"), "", help="协查答复", widget="text")


# ----------------------------------------------------------------------------- approval acts


@dataclass(frozen=True)
class ApprovalApprove:
    reasons: str = f(L("审批意见"), "", help="审批意见", widget="text", initial="同意")


@dataclass(frozen=True)
class ApprovalSendBack:
    reasons: str = f(L("退回理由"), "", help="退回理由（必填）", widget="text")
    to: str = f(
        L("退回至"), "handler", help="`handler` 承办人；`previous` 上一审批层级", source="send_back_to"
    )


@dataclass(frozen=True)
class ApprovalReassign:
    assignee_id: int | None = f(L("改派给"), help="改派对象账号 id", source="staff")


APPROVAL_INPUTS: dict[str, type] = {
    "approve": ApprovalApprove,
    "send_back": ApprovalSendBack,
    "reassign": ApprovalReassign,
    "withdraw": NoInput,
}
