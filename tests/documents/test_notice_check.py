"""APL-44/45, APL-63: the 行政处罚告知书 checked before it is served (the ``notice_serve`` hook)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lawtrail.cases.models import Case
from lawtrail.core.errors import ValidationFailed
from lawtrail.documents import rules
from lawtrail.documents.models import Draft
from lawtrail.registry.models import LegalBasis

from .conftest import ready_case

EXP = rules.NoticeExpected(
    parties=("某某有限公司",),
    facts="经查事实",
    bases=("《食品安全法》第一百二十二条",),
    kinds=("警告", "罚款"),
    amount=Decimal("70000"),
    period_wd=5,
    hearing=True,
    agency="长安区市场监督管理局",
)
FULL = (
    "当事人 某某有限公司 经查，经查事实 以上事实，有现场笔录等证据证明。依据《食品安全法》第一百二十二条的规定，"
    "本机关拟对你（单位）作出如下行政处罚：警告、罚款，罚款70,000.00元（柒万元整）。"
    "根据《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条、第六十四条的规定，你（单位）享有陈述、申辩和要求听证的权利。"
    "请自收到本告知书之日起5个工作日内向本机关提出陈述、申辩或者书面申请听证，逾期视为放弃上述权利。"
    "长安区市场监督管理局 2026年9月1日"
)


def test_complete_notice_passes():
    assert rules.notice_findings(FULL, EXP) == []
    rules.notice_check(FULL, EXP)


@pytest.mark.parametrize(
    ("remove", "code", "rule", "article"),
    [
        ("当事人 某某有限公司", "DOC_APL44_PARTY", "APL-44", "第四十四条"),
        ("经查，经查事实", "DOC_APL44_FACTS", "APL-44", "第四十四条"),
        ("依据《食品安全法》第一百二十二条的规定，", "DOC_APL44_BASIS", "APL-44", "第四十四条"),
        ("警告、罚款，", "DOC_APL44_PENALTY", "APL-44", "第四十四条"),
        ("（柒万元整）", "DOC_MISMATCH", "APL-44", "第四十四条"),
        ("陈述、申辩和要求听证的权利", "DOC_APL63_HEARING", "APL-63", "第六十三条"),
        ("或者书面申请听证", "DOC_APL63_HEARING", "APL-63", "第六十三条"),
        ("请自收到本告知书之日起5个工作日内", "DOC_APL45_PERIOD", "APL-45", "第四十五条"),
        ("长安区市场监督管理局", "DOC_APL44_AGENCY", "APL-44", "第四十四条"),
    ],
)
def test_missing_element_is_named(remove, code, rule, article):
    with pytest.raises(ValidationFailed) as e:
        rules.notice_check(FULL.replace(remove, ""), EXP)
    assert e.value.code == code and e.value.rule == rule
    assert article in e.value.message and "告知书" in e.value.message


def test_rights_to_state_and_defend():
    text = FULL.replace("陈述、申辩和要求听证", "要求听证").replace("提出陈述、申辩或者", "")
    exp = rules.NoticeExpected(**{**EXP.__dict__, "hearing": False})
    assert [f.code for f in rules.notice_findings(text, exp)] == ["DOC_APL45_RIGHTS"]


def test_period_must_be_the_profiles():
    exp = rules.NoticeExpected(**{**EXP.__dict__, "period_wd": 3})
    assert [f.code for f in rules.notice_findings(FULL, exp)] == ["DOC_APL45_PERIOD"]


def test_no_hearing_right_no_hearing_clause_needed():
    text = FULL.replace("和要求听证", "").replace("或者书面申请听证", "")
    exp = rules.NoticeExpected(**{**EXP.__dict__, "hearing": False})
    assert rules.notice_findings(text, exp) == []


# ----------------------------------------------------------------------------- the hook


def test_notice_serve_passes_with_a_complete_case(world):
    """ready_case goes through notice_serve: the real path passes the hook."""
    case = ready_case(world)
    assert case.notice_served_on == dt.date(2026, 9, 1)


def test_notice_serve_refused_when_the_basis_is_missing(world):
    """A case whose violation has no 处罚依据 cannot be notified: the notice would lack the basis;
    the refusal names the element and the article and changes nothing."""
    LegalBasis.objects.filter(violation=world.violation, role="penalty").delete()
    with pytest.raises(ValidationFailed) as e:
        ready_case(world)
    assert e.value.code == "DOC_APL44_BASIS"
    assert "第四十四条" in e.value.message and "依据" in e.value.message
    case = Case.objects.order_by("-pk").first()
    assert case.state == "proposed" and case.notice_served_on is None
    assert not case.events.filter(action="notice_serve").exists()
    assert Draft.objects.count() == 0


# ----------------------------------------------------------------------------- drafted = rendered


def test_the_steps_check_the_drafted_text_as_the_pdf_reads(world):
    """The guards check a paper's drafted text (its HTML, no layout) instead of a rendered PDF
    (issue 7: a transition must not lay out a PDF inside the step). Both texts give the same
    findings — complete, and with each element missing — for the notice and the decision."""
    import dataclasses

    from lawtrail.documents import services

    case = ready_case(world)
    on = dt.date(2026, 9, 1)
    for code in ("notice", services.decision_kind(case)):
        kind = services.kind_for(case, code)
        drafted = services.drafted(case, kind, on=on, amount=case.proposed_amount)
        pdf = services.render_document(case, kind, on=on, amount=case.proposed_amount)
        assert drafted.pdf == b"" and drafted.fields == pdf.fields
        as_drafted, as_printed = rules._squash(drafted.words()), rules._squash(pdf.words())
        assert as_drafted, code
        if code == "notice":
            f = drafted.fields
            exp = rules.NoticeExpected(
                parties=tuple(p["name"] for p in f["parties"]),
                facts=f["facts"],
                bases=tuple(b for v in f["violations"] for b in v["penalty"]),
                kinds=tuple(f["kinds"]),
                amount=Decimal(f["amount"]) if f.get("fine") else None,
                period_wd=5,
                hearing=bool(f.get("hearing_offered")),
                agency=case.agency.name,
            )
            assert rules.notice_findings(as_drafted, exp) == rules.notice_findings(as_printed, exp) == []
            for missing in (
                dataclasses.replace(exp, agency="不存在的机关"),
                dataclasses.replace(exp, parties=("不存在的当事人",)),
                dataclasses.replace(exp, period_wd=99),
                dataclasses.replace(exp, bases=("《不存在法》第九十九条",)),
            ):
                found = rules.notice_findings(as_drafted, missing)
                assert found and found == rules.notice_findings(as_printed, missing)
        else:
            services.check_decision(case, drafted, number="")
            services.check_decision(case, pdf, number="")


def test_error_map_lists_the_check_codes_under_the_steps_they_refuse_at():
    """The API documents each step's refusals (cases/error_map.py, generated): the codes of the
    notice's and the decision's checks are answered by notice_serve and decision_submit."""
    from lawtrail.cases.error_map import ACTION_ERRORS

    notice = {
        "DOC_APL44_PARTY",
        "DOC_APL44_FACTS",
        "DOC_APL44_BASIS",
        "DOC_APL44_PENALTY",
        "DOC_APL44_AGENCY",
    }
    notice |= {"DOC_APL45_RIGHTS", "DOC_APL45_PERIOD", "DOC_APL63_HEARING", "DOC_MISMATCH"}
    assert notice <= set(ACTION_ERRORS["notice_serve"])
    decision = {f"DOC_APL59_{e}" for e in ("PARTY", "FACTS", "EVIDENCE", "BASIS", "PENALTY", "PERFORMANCE")}
    decision |= {
        "DOC_APL59_REMEDY",
        "DOC_APL59_AGENCY",
        "DOC_APL59_DATE",
        "DOC_APL72_SURCHARGE",
        "DOC_MISMATCH",
    }
    assert decision <= set(ACTION_ERRORS["decision_submit"])
