"""Where the case page lets the handler fix a refusal (``lawtrail.core.refusals``): the anchor of
the form that fixes it, and the words of the link under the refusal."""

from django.utils.translation import gettext_lazy as _

from lawtrail.core.refusals import register_fix

FIXES = {
    # APL-42: the officers are edited in 修改线索 while a lead, else through 增派执法人员
    "CASE_OFFICERS_LT_2": (_("添加协办人员"), "#edit-officers"),
    "CASE_OFFICER_CREDENTIAL_INVALID": (_("更换或添加协办人员"), "#edit-officers"),
    "CASE_PARTY_REQUIRED": (_("登记当事人"), "#party-form"),
    "CASE_PARTY_NOT_SUBJECT": (_("核对当事人"), "#parties"),
    "CASE_ACT_DATE_REQUIRED": (_("填写违法行为发生日"), "#lead-form"),
    "CASE_EVIDENCE_REQUIRED": (_("登记证据"), "#act-evidence_add"),
    "CASE_EVIDENCE_NOT_EXAMINED": (_("组织质证"), "#act-evidence_examine"),
    "CASE_NOTICE_REQUIRED": (_("送达告知书"), "#act-notice_serve"),
    "CASE_REVIEW_REQUIRED": (_("提请法制审核"), "#act-review_submit"),
}


def register() -> None:
    for code, (label, href) in FIXES.items():
        register_fix(code, label, href)
