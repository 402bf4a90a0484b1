"""The document set: the national 市场监督管理行政处罚文书格式范本 (2021 修订, 国市监法发〔2021〕42号)
as the default catalogue. Each kind names its template, whether it carries a number (and the
number's 代字), and the step that issues it. A domain or an agency overrides a kind's template or
title through the profile key ``documents.catalogue`` ({kind: {"title": …, "template": …}}).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DocKind:
    code: str
    title: str
    samr_no: int  # number in the SAMR 2021 set
    template: str  # under documents/paper/
    word: str = ""  # the 代字 of its number (处罚, 罚告 …); "" = not numbered
    to_party: bool = True  # handed to the party (served), or kept in the file
    decision: bool = False  # a decision subject to the APL-59 check
    case_number: str = ""  # the Case field holding its number when the case step hands it out


K = DocKind
KINDS: dict[str, DocKind] = {
    k.code: k
    for k in (
        K("filing_approval", _("立案审批表"), 7, "form.html", to_party=False),
        K("decline_approval", _("不予立案审批表"), 7, "form.html", to_party=False),
        K("onsite_record", _("现场笔录"), 9, "form.html"),
        K("address_confirmation", _("送达地址确认书"), 10, "form.html"),
        K("inquiry_record", _("询问笔录"), 14, "form.html"),
        K("preservation_decision", _("先行登记保存证据通知书"), 16, "form.html", word="先保"),
        K("measure_decision", _("实施行政强制措施决定书"), 21, "form.html", word="强制"),
        K("measure_extend", _("延长行政强制措施期限决定书"), 22, "form.html", word="延强"),
        K("measure_release", _("解除行政强制措施决定书"), 23, "form.html", word="解强"),
        K("measure_list", _("场所/设施/财物清单"), 24, "form.html"),
        K("review_opinion", _("法制审核意见书"), 36, "form.html", to_party=False),
        K("notice", _("行政处罚告知书"), 37, "form.html", word="罚告"),
        K("statement_record", _("陈述申辩笔录"), 38, "form.html"),
        K("hearing_notice", _("行政处罚听证通知书"), 39, "form.html", word="听通"),
        K("hearing_record", _("听证笔录"), 40, "form.html"),
        K("hearing_report", _("听证报告"), 41, "form.html", to_party=False),
        K("deliberation_record", _("行政处罚案件集体讨论记录"), 42, "form.html", to_party=False),
        K(
            "on_the_spot_decision",
            _("当场行政处罚决定书"),
            44,
            "on_the_spot.html",
            decision=True,
            case_number="form_serial",  # the pre-numbered form's serial (APL-52)
        ),
        K(
            "penalty_decision",
            _("行政处罚决定书"),
            45,
            "decision.html",
            word="处罚",
            decision=True,
            case_number="decision_number",
        ),
        K(
            "no_penalty_decision",
            _("不予行政处罚决定书"),
            46,
            "no_penalty.html",
            word="不罚",
            case_number="decision_number",
        ),
        K("payment_deferral", _("延期（分期）缴纳罚款通知书"), 47, "form.html", word="缓罚"),
        K("demand", _("行政处罚决定履行催告书"), 48, "form.html", word="催告"),
        K("court_application", _("强制执行申请书"), 49, "form.html", word="强申"),
        K("service_receipt", _("送达回证"), 50, "form.html", to_party=False),
        K("closing_approval", _("结案审批表"), 53, "form.html", to_party=False),
        K("file_cover", _("卷宗封面"), 54, "form.html", to_party=False),
        K("file_index", _("卷内目录"), 55, "form.html", to_party=False),
    )
}


def kind_get(code: str) -> DocKind | None:
    return KINDS.get(code)
