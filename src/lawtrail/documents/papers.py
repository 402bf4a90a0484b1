"""The rest of the set: what each paper of the 2021 national template set says, filled from the
case (its events, measures, approvals, services and the case file). Each builder adds to the
common fields (``fill.case_fields``) the rows of its table (``rows``: label → value), its
paragraphs (``paras``), its item table (``items``) and its signature lines (``signs``); all
share ``paper/form.html`` on ``paper/base.html``. Decisions have their own templates.

Capabilities do not import each other: what legal review decided is read from the case's
events (the review step records its checklist), not from the review app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from lawtrail.cases.extensions import case_file_for
from lawtrail.cases.forms import SERVICE_METHOD_LABELS
from lawtrail.cases.models import Case, Measure
from lawtrail.profiles.selectors import profile_value

from . import rules
from .models import Service

Builder = Callable[[Case, dt.date, dict[str, Any]], dict[str, Any]]
BUILDERS: dict[str, Builder] = {}


def builder(*codes: str):
    def wrap(fn: Builder) -> Builder:
        for code in codes:
            BUILDERS[code] = fn
        return fn

    return wrap


def _event(case: Case, *actions: str):
    return case.events.filter(action__in=actions).order_by("-id").first()


def _data(case: Case, *actions: str) -> dict[str, Any]:
    e = _event(case, *actions)
    return dict(e.data or {}) if e else {}


def _party_line(f: dict) -> str:
    return "；".join(
        f"{p['name']}（{p['code_label']}：{p['code'] or '—'}，{p['address'] or '—'}）" for p in f["parties"]
    )


def _officers(case: Case) -> str:
    return "、".join(str(o) for o in case.officers.all()) or str(case.handler)


def _date(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return rules.date_cn(value)


def _amount(value: Any) -> str:
    if value in (None, ""):
        return ""
    return f"{rules.amount_in_figures(value)}元（{rules.amount_in_capitals(value)}）"


def _approvals(case: Case, action: str) -> list[tuple[str, str]]:
    out = []
    for ap in case.approvals.filter(action=action).order_by("id"):
        for st in ap.steps.select_related("actor").order_by("id"):
            label = {"approve": _("同意"), "send_back": _("退回"), "withdraw": _("取回")}.get(
                st.decision, st.decision
            )
            out.append(
                (str(_("审批意见")), f"{label}。{st.reasons} {st.actor}  {_date(st.at.date())}".strip())
            )
    return out


def _measure(case: Case, kinds: tuple[str, ...], statuses: tuple[str, ...] | None = None) -> Measure | None:
    qs = case.measures.filter(kind__in=kinds)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-id").first()


def _remedy(f: dict) -> str:
    return _(
        "当事人如不服本决定，可以在收到本决定书之日起六十日内向%(body)s申请行政复议，也可以在六个月内依法向%(court)s提起行政诉讼。"
    ) % {
        "body": f.get("reconsideration_body", ""),
        "court": f.get("court", ""),
    }


STANDARD_SIGNS = (_("当事人（签名或者盖章）"), _("执法人员（签名）"))


# ----------------------------------------------------------------------------- 立案


@builder("filing_approval")
def filing_approval(case, on, f):
    return {
        "rows": [
            (_("案件来源"), case.source or _("监督检查")),
            (_("案由"), case.title),
            (_("当事人"), _party_line(f)),
            (_("违法行为发生日"), f["case"]["act_date"]),
            (_("发现日期"), _date(case.discovered_on)),
            (_("简要案情"), f["facts"] or case.facts),
            (_("承办人意见"), _("经初步核查，当事人涉嫌违法，符合立案条件，建议立案。")),
            (_("承办人"), _officers(case)),
            *_approvals(case, "filing"),
            (_("立案日期"), f["case"]["filed_on"]),
        ],
        "signs": (),
    }


@builder("decline_approval")
def decline_approval(case, on, f):
    d = _data(case, "decline")
    return {
        "rows": [
            (_("案件来源"), case.source or _("监督检查")),
            (_("案由"), case.title),
            (_("当事人"), _party_line(f)),
            (_("简要案情"), case.facts),
            (_("不予立案理由"), d.get("reason", "")),
            (_("承办人"), _officers(case)),
        ],
        "signs": (_("负责人（签名）"),),
    }


# ----------------------------------------------------------------------------- 笔录


@builder("onsite_record")
def onsite_record(case, on, f):
    m = case.measures.exclude(onsite_record="").order_by("-id").first()
    return {
        "rows": [
            (_("检查时间"), _date(m.started_at.date()) if m and m.started_at else f["date"]),
            (_("检查地点"), (f["parties"][0]["address"] if f["parties"] else "") or case.region.name),
            (_("执法人员"), _officers(case)),
            (_("当事人"), _party_line(f)),
            (_("见证人"), m.witness_name if m else ""),
        ],
        "paras": [
            _("执法人员出示了执法证件，告知当事人有申请回避的权利和配合检查的义务。"),
            _("现场情况：") + (m.onsite_record if m else ""),
        ],
        "signs": (*STANDARD_SIGNS, _("见证人（签名）")),
    }


@builder("inquiry_record")
def inquiry_record(case, on, f):
    return {
        "rows": [
            (_("询问时间"), f["date"]),
            (_("询问地点"), case.agency.address or case.agency.name),
            (_("询问人"), _officers(case)),
            (_("被询问人"), _party_line(f)),
        ],
        "paras": [
            _(
                "问：我们是%(agency)s的执法人员，这是我们的执法证件，请过目。现依法就%(title)s有关情况向你询问，你应当如实回答，"
                "不得作伪证或者隐匿证据。你有申请回避的权利，是否申请回避？"
            )
            % {"agency": case.agency.name, "title": case.title},
            _("答："),
        ],
        "signs": (_("被询问人（签名）"), _("询问人（签名）"), _("记录人（签名）")),
    }


@builder("statement_record")
def statement_record(case, on, f):
    d = _data(case, "statement_record")
    text = _("当事人明确放弃陈述、申辩的权利。") if d.get("waived") else d.get("text", "")
    return {
        "rows": [(_("时间"), f["date"]), (_("陈述申辩人"), _party_line(f)), (_("承办人"), _officers(case))],
        "paras": [_("陈述申辩内容：") + text],
        "signs": (_("陈述申辩人（签名）"), _("承办人（签名）")),
    }


@builder("hearing_record")
def hearing_record(case, on, f):
    d = _data(case, "hearing_hold")
    return {
        "rows": [
            (_("案由"), case.title),
            (_("听证主持人"), str(case.hearing_host or "")),
            (_("当事人"), _party_line(f)),
            (_("调查人员"), _officers(case)),
        ],
        "paras": [_("听证情况：") + d.get("record", "")],
        "signs": (_("当事人（签名）"), _("主持人（签名）"), _("记录员（签名）")),
    }


@builder("deliberation_record")
def deliberation_record(case, on, f):
    e = _event(case, "deliberate")
    d = dict(e.data or {}) if e else {}
    return {
        "rows": [
            (_("案由"), case.title),
            (_("讨论时间"), _date(e.on) if e else ""),
            (_("主持人"), str(e.actor) if e else ""),
            (_("当事人"), _party_line(f)),
        ],
        "paras": [_("讨论结论：") + str(d.get("conclusion", "") or (e.note if e else ""))],
        "signs": (_("出席人员（签名）"),),
    }


# ----------------------------------------------------------------------------- 强制措施


def _measure_paper(case, f, m: Measure | None, *, verb: str, extra: list | None = None):
    rows = [(_("当事人"), _party_line(f))]
    if m is not None:
        rows += [
            (_("措施种类"), str(m.get_kind_display())),
            (_("场所、设施或者财物"), _("见清单") if m.items else ""),
            (_("理由和依据"), m.reason),
            (_("实施时间"), _date(m.started_at.date()) if m.started_at else ""),
            (_("期限届满日"), _date(m.period_end)),
        ]
    rows += extra or []
    return {
        "rows": rows,
        "paras": [verb, _remedy(f)],
        "items": [line for line in (m.items.splitlines() if m else []) if line.strip()],
        "signs": (),
    }


@builder("preservation_decision")
def preservation_decision(case, on, f):
    m = _measure(case, ("preservation",))
    return _measure_paper(
        case,
        f,
        m,
        verb=_(
            "依据《中华人民共和国行政处罚法》第五十六条的规定，本机关决定对上述物品先行登记保存，"
            "在七日内作出处理决定。在此期间，当事人或者有关人员不得损毁、销毁或者转移证据。"
        ),
    )


@builder("measure_decision")
def measure_decision(case, on, f):
    m = _measure(case, ("seal", "seize", "freeze"))
    return _measure_paper(
        case,
        f,
        m,
        verb=_(
            "依据《中华人民共和国行政强制法》第二十四条的规定，本机关决定对上述场所、设施或者财物实施行政强制措施。"
        ),
    )


@builder("measure_extend")
def measure_extend(case, on, f):
    m = _measure(case, ("seal", "seize", "freeze"))
    extra = [
        (_("延长天数"), str(m.extended_days) if m else ""),
        (_("延长理由"), m.extension_reasons if m else ""),
    ]
    return _measure_paper(
        case,
        f,
        m,
        verb=_("依据《中华人民共和国行政强制法》第二十五条的规定，本机关决定延长上述行政强制措施的期限。"),
        extra=extra,
    )


@builder("measure_release")
def measure_release(case, on, f):
    m = _measure(case, ("seal", "seize", "freeze", "preservation"), ("released",))
    extra = [
        (_("解除日期"), _date(m.released_on) if m else ""),
        (_("解除理由"), m.release_reason if m else ""),
    ]
    return _measure_paper(
        case,
        f,
        m,
        verb=_("依据《中华人民共和国行政强制法》第二十八条的规定，本机关决定解除上述行政强制措施。"),
        extra=extra,
    )


@builder("measure_list")
def measure_list(case, on, f):
    m = case.measures.order_by("-id").first()
    return {
        "rows": [(_("当事人"), _party_line(f)), (_("措施种类"), str(m.get_kind_display()) if m else "")],
        "items": [line for line in (m.items.splitlines() if m else []) if line.strip()],
        "paras": [_("上述物品品种、数量经核对无误。")],
        "signs": (_("当事人（签名或者盖章）"), _("执法人员（签名）"), _("见证人（签名或者盖章）")),
    }


# ----------------------------------------------------------------------------- 法制审核、告知、听证


@builder("review_opinion")
def review_opinion(case, on, f):
    e = _event(case, "review_pass", "review_send_back")
    d = dict(e.data or {}) if e else {}
    checklist = d.get("checklist") or {}
    items = [
        f"{point}：{'符合' if (v or {}).get('ok') else '存在问题'}{('，' + v['finding']) if (v or {}).get('finding') else ''}"
        for point, v in checklist.items()
    ]
    return {
        "rows": [
            (_("案由"), case.title),
            (_("当事人"), _party_line(f)),
            (
                _("审核结论"),
                _("同意") if e and e.action == "review_pass" else _("存在问题，退回补充") if e else "",
            ),
            (_("审核意见"), str(d.get("opinion") or d.get("reason") or (e.note if e else ""))),
            (_("问题类别"), "、".join(d.get("categories") or [])),
            (_("审核人员"), str(e.actor) if e else ""),
            (_("审核日期"), _date(e.on) if e else ""),
        ],
        "items": items,
        "items_title": _("审核要点"),
        "signs": (_("法制审核人员（签名）"),),
    }


@builder("notice")
def notice(case, on, f):
    days = profile_value(case.agency, "statement.period", on=on)
    # the amount and the hearing right as the notice_serve step gives them (fill's ``extra``)
    amount = f["amount"] if f.get("fine") else None
    hearing = bool(f.get("hearing_offered"))
    kinds = "、".join(f["kinds"])
    bases = "、".join(b for v in f["violations"] for b in v["penalty"])
    rights = _("陈述、申辩") + (_("和要求听证") if hearing else "")
    return {
        "rows": [(_("当事人"), _party_line(f))],
        "paras": [
            _("经查，") + f["facts"],
            _("以上事实，有") + "、".join(e["title"] for e in f["evidence"]) + _("等证据证明。"),
            _("依据%(bases)s的规定，本机关拟对你（单位）作出如下行政处罚：%(kinds)s%(amount)s。")
            % {"bases": bases, "kinds": kinds, "amount": ("，罚款" + _amount(amount)) if amount else ""},
            _(
                "根据《中华人民共和国行政处罚法》第四十四条、第四十五条%(h)s的规定，你（单位）享有%(rights)s的权利。"
                "请自收到本告知书之日起%(days)s个工作日内向本机关提出陈述、申辩%(req)s，逾期视为放弃上述权利。"
            )
            % {
                "h": _("、第六十三条、第六十四条") if hearing else "",
                "rights": rights,
                "days": days,
                "req": _("或者书面申请听证") if hearing else "",
            },
        ],
        "signs": (),
    }


@builder("hearing_notice")
def hearing_notice(case, on, f):
    d = _data(case, "hearing_schedule")
    return {
        "rows": [(_("当事人"), _party_line(f))],
        "paras": [
            _(
                "根据你（单位）的申请，本机关定于%(on)s举行听证，听证主持人为%(host)s。请准时参加。"
                "你（单位）有权申请主持人回避，可以委托一至二人代理参加听证。无正当理由拒不出席听证的，视为放弃听证权利。"
            )
            % {"on": _date(d.get("hearing_on")), "host": str(case.hearing_host or "")},
        ],
        "signs": (),
    }


@builder("hearing_report")
def hearing_report(case, on, f):
    d = _data(case, "hearing_hold")
    return {
        "rows": [
            (_("案由"), case.title),
            (_("当事人"), _party_line(f)),
            (_("听证主持人"), str(case.hearing_host or "")),
            (_("听证情况"), d.get("record", "")),
            (_("处理意见"), _("根据听证笔录，建议依法作出决定。")),
        ],
        "signs": (_("主持人（签名）"),),
    }


# ----------------------------------------------------------------------------- 执行、送达、结案


@builder("payment_deferral")
def payment_deferral(case, on, f):
    d = _data(case, "payment_defer")
    plan = [f"{_date(i.get('due_on'))}：{_amount(i.get('amount'))}" for i in (d.get("instalments") or [])]
    return {
        "rows": [(_("当事人"), _party_line(f)), (_("罚款金额"), _amount(case.fine_amount))],
        "paras": [
            _("你（单位）申请延期（分期）缴纳罚款，经本机关批准，同意你（单位）")
            + (
                _("暂缓缴纳至%(d)s。") % {"d": _date(d.get("deferred_to"))}
                if d.get("deferred_to")
                else _("按下列计划分期缴纳。")
            ),
        ],
        "items": plan,
        "signs": (),
    }


@builder("demand")
def demand(case, on, f):
    d = _data(case, "demand_serve")
    fine = case.fine_amount or Decimal(0)
    return {
        "rows": [
            (_("当事人"), _party_line(f)),
            (_("罚款金额"), _amount(fine)),
            (_("已缴金额"), _amount(case.paid_amount)),
        ],
        "paras": [
            _(
                "本机关于%(decided)s对你（单位）作出行政处罚决定，你（单位）至今未履行。依据《中华人民共和国行政强制法》第三十五条的规定，"
                "催告你（单位）于%(by)s前履行上述义务。"
            )
            % {"decided": _date(case.decided_on), "by": _date(d.get("perform_by") or case.demand_perform_by)},
            rules.SURCHARGE_CLAUSE + "。",
            _("你（单位）有权进行陈述和申辩。逾期仍不履行的，本机关将依法申请人民法院强制执行。"),
        ],
        "signs": (),
    }


@builder("court_application")
def court_application(case, on, f):
    return {
        "rows": [
            (_("申请人"), case.agency.name),
            (_("被申请人"), _party_line(f)),
            (
                _("申请事项"),
                _("强制执行本机关作出的行政处罚决定：罚款%(a)s。") % {"a": _amount(case.fine_amount)},
            ),
            (_("决定送达日"), _date(case.served_on)),
            (_("催告书送达日"), _date(case.demand_served_on)),
        ],
        "paras": [
            _(
                "被申请人在法定期限内未申请行政复议或者提起行政诉讼，又不履行行政处罚决定，经催告仍未履行。"
                "依据《中华人民共和国行政强制法》第五十三条的规定，特申请强制执行。"
            )
        ],
        "signs": (),
    }


@builder("address_confirmation")
def address_confirmation(case, on, f):
    p = f["parties"][0] if f["parties"] else {}
    return {
        "rows": [
            (_("受送达人"), p.get("name", "")),
            (_("送达地址"), p.get("address", "")),
            (_("联系电话"), p.get("phone", "")),
            (_("是否同意电子送达"), _("同意") if case.e_service_consent else _("不同意")),
        ],
        "paras": [
            _(
                "受送达人确认上述地址为有效送达地址，地址变更的，应当及时告知本机关；未及时告知的，按原地址送达视为已送达。"
            )
        ],
        "signs": (_("受送达人（签名或者盖章）"),),
    }


@builder("service_receipt")
def service_receipt(case, on, f):
    s = Service.objects.filter(document__case=case).select_related("document").order_by("-id").first()
    methods = {k.value: str(v) for k, v in SERVICE_METHOD_LABELS.items()}
    return {
        "rows": [
            (_("送达文书"), f"{s.document.title}（{s.document.number}）" if s else ""),
            (_("受送达人"), s.recipient if s else _party_line(f)),
            (_("送达方式"), methods.get(s.method, s.method) if s else ""),
            (_("送达地点"), s.place if s else ""),
            (_("送达日期"), _date(s.served_on) if s else ""),
        ],
        "signs": (_("受送达人（签名或者盖章）"), _("送达人（签名）"), _("见证人（签名）")),
    }


@builder("closing_approval")
def closing_approval(case, on, f):
    return {
        "rows": [
            (_("案由"), case.title),
            (_("当事人"), _party_line(f)),
            (_("处理结果"), str(case.get_outcome_display())),
            (_("罚款金额"), _amount(case.fine_amount)),
            (_("已缴金额"), _amount(case.paid_amount)),
            (_("决定日期"), _date(case.decided_on)),
            (_("送达日期"), _date(case.served_on)),
            (_("承办人意见"), _("处罚决定已执行完毕，建议结案。")),
            *_approvals(case, "closing"),
        ],
        "signs": (_("负责人（签名）"),),
    }


@builder("file_cover")
def file_cover(case, on, f):
    return {
        "rows": [
            (_("案号"), case.number),
            (_("案由"), case.title),
            (_("当事人"), "、".join(p["name"] for p in f["parties"])),
            (_("立案日期"), f["case"]["filed_on"]),
            (_("结案日期"), _date(case.closed_on)),
            (_("处理结果"), str(case.get_outcome_display())),
            (_("归档日期"), _date(case.archived_on or on)),
        ],
        "signs": (),
    }


@builder("file_index")
def file_index(case, on, f):
    items = [f"{i.title}　{_date(i.on)}" for i in case_file_for(case)]
    return {
        "rows": [(_("案号"), case.number), (_("案由"), case.title)],
        "items": items,
        "items_title": _("文件名称　日期"),
        "signs": (),
    }


def build(case: Case, code: str, on: dt.date, fields: dict[str, Any]) -> dict[str, Any]:
    fn = BUILDERS.get(code)
    if fn is None:
        return fields
    part = fn(case, on, fields)
    out = dict(fields)
    out["rows"] = [[str(k), str(v or "")] for k, v in part.get("rows", [])]
    out["paras"] = [str(p) for p in part.get("paras", [])]
    out["items"] = [str(i) for i in part.get("items", [])]
    out["items_title"] = str(part.get("items_title", _("清单")))
    out["signs"] = [str(s) for s in part.get("signs", ())]
    return out
