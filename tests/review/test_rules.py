"""Table-driven tests of the review rules (APL-58, G118-11..14)."""

import datetime as dt
from decimal import Decimal

import pytest

from lawtrail.core.errors import ApplicationError
from lawtrail.review import rules
from lawtrail.review.rules import CaseFacts, Category, CriterionFacts

BASE = CaseFacts(agency_level="county", domain="market", party_kinds=("person",))


def crit(category, **kw):
    return CriterionFacts(id=1, category=category, title="t", **kw)


AMOUNT = crit(Category.AMOUNT, amount_person=Decimal("10000"), amount_organisation=Decimal("100000"))


@pytest.mark.parametrize(
    "amount,party,hit",
    [
        ("9999", "person", False),
        ("9999.99", "person", False),
        ("10000", "person", True),
        ("10001", "person", True),
        ("10000", "organisation", False),
        ("99999", "organisation", False),
        ("100000", "organisation", True),
        ("100001", "organisation", True),
    ],
)
def test_APL58_G118_12_amount_threshold_boundaries(amount, party, hit):
    f = CaseFacts(agency_level="county", domain="market", amount=Decimal(amount), party_kinds=(party,))
    assert bool(rules.criterion_match(AMOUNT, f)) is hit


def test_APL58_amount_without_threshold_for_that_kind_never_matches():
    c = crit(Category.AMOUNT, amount_person=Decimal("10000"))
    f = CaseFacts(
        agency_level="county", domain="market", amount=Decimal("1000000"), party_kinds=("organisation",)
    )
    assert rules.criterion_match(c, f) is None
    assert (
        rules.criterion_match(c, CaseFacts(agency_level="county", domain="market", party_kinds=("person",)))
        is None
    )


@pytest.mark.parametrize(
    "criterion,facts,hit",
    [
        (
            crit(Category.PENALTY_KIND, penalty_kinds=("revoke_licence",)),
            {"penalty_kinds": ("revoke_licence", "fine")},
            True,
        ),
        (crit(Category.PENALTY_KIND, penalty_kinds=("revoke_licence",)), {"penalty_kinds": ("fine",)}, False),
        (
            crit(Category.PENALTY_KIND, penalty_kinds=("suspend_business",)),
            {"penalty_kinds": ("suspend_business",)},
            True,
        ),
        (crit(Category.MEASURE, measure_kinds=("seal",)), {"measure_kinds": ("seal",)}, True),
        (crit(Category.MEASURE, measure_kinds=("seal",)), {"measure_kinds": ("seize",)}, False),
        (crit(Category.HEARING), {"hearing_held": True}, True),
        (crit(Category.HEARING), {"hearing_held": False}, False),
        (crit(Category.COMPLEX), {"complex_case": True}, True),
        (crit(Category.COMPLEX), {}, False),
        (crit(Category.PUBLIC_INTEREST), {"public_interest": True}, True),
        (crit(Category.PUBLIC_INTEREST), {}, False),
        (crit(Category.FLAGGED), {"flagged": True, "flag_reason": "社会影响大"}, True),
        (crit(Category.FLAGGED), {}, False),
        (crit(Category.ALL), {}, True),
        (crit(Category.ALL, levels=("city",)), {}, False),
        (crit(Category.ALL, levels=("county",)), {}, True),
        (crit(Category.ALL, domain="food"), {}, False),
        (crit(Category.ALL, domain="market"), {}, True),
    ],
)
def test_APL58_G118_12_each_criterion(criterion, facts, hit):
    f = CaseFacts(**{**BASE.__dict__, **facts})
    assert bool(rules.criterion_match(criterion, f)) is hit


def test_APL58_route_lists_every_matching_entry_with_its_reason():
    out = rules.route(
        [AMOUNT, crit(Category.HEARING)],
        CaseFacts(**{**BASE.__dict__, "amount": Decimal(20000), "hearing_held": True}),
    )
    assert [r["category"] for r in out] == ["amount", "hearing"] and "10000" in out[0]["reason"]


@pytest.mark.parametrize(
    "penalty,hearing,required",
    [
        (True, False, ("proposal", "evidence", "report", "notice")),
        (True, True, ("proposal", "evidence", "report", "notice", "hearing")),
        (False, False, ("proposal", "evidence", "report")),
    ],
)
def test_G118_14_materials_required(penalty, hearing, required):
    assert rules.materials_required(penalty_proposed=penalty, hearing_held=hearing) == required


def test_G118_14_missing_material_refused_with_code():
    with pytest.raises(ApplicationError) as e:
        rules.materials_check(required=("proposal", "hearing"), present=["proposal"])
    assert e.value.code == "REVIEW_MATERIALS_MISSING" and e.value.details == {"missing": ["hearing"]}


@pytest.mark.parametrize(
    "role,qualified,before,code",
    [
        (False, True, True, "REVIEWER_ROLE_REQUIRED"),
        (True, False, False, "REVIEWER_UNQUALIFIED"),
        (True, False, True, None),
        (True, True, False, None),
    ],
)
def test_APL58_reviewer_eligibility(role, qualified, before, code):
    kw = dict(has_reviewer_role=role, legal_qualification=qualified, reviewed_before=before)
    if code is None:
        rules.reviewer_eligibility_check(**kw)
    else:
        with pytest.raises(ApplicationError) as e:
            rules.reviewer_eligibility_check(**kw)
        assert e.value.code == code and e.value.rule == "APL-58"


def test_APL58_reviewer_independence():
    with pytest.raises(ApplicationError) as e:
        rules.reviewer_independence_check(reviewer_id=3, involved={3: "审批人"})
    assert e.value.code == "REVIEWER_INVOLVED" and "审批人" in e.value.message
    rules.reviewer_independence_check(reviewer_id=4, involved={3: "审批人"})


@pytest.mark.parametrize(
    "reviewer,role,qualified,before,code",
    [
        (9, True, True, False, None),
        (9, True, False, True, None),
        (9, False, True, True, "REVIEWER_ROLE_REQUIRED"),
        (9, True, False, False, "REVIEWER_UNQUALIFIED"),
        (1, True, True, True, "REVIEWER_INVOLVED"),  # the handler
        (2, True, True, True, "REVIEWER_INVOLVED"),  # an evidence collector counts as involved
    ],
)
def test_APL58_reviewer_check_is_the_one_rule(reviewer, role, qualified, before, code):
    kw = dict(
        reviewer_id=reviewer,
        has_reviewer_role=role,
        legal_qualification=qualified,
        reviewed_before=before,
        involved={1: "主办人", 2: "调查取证"},
    )
    if code is None:
        rules.reviewer_check(**kw)
    else:
        with pytest.raises(ApplicationError) as e:
            rules.reviewer_check(**kw)
        assert e.value.code == code and e.value.rule == "APL-58"


@pytest.mark.parametrize(
    ("required", "passed", "code"),
    [
        (False, None, None),
        (True, True, None),
        (True, None, "CASE_REVIEW_REQUIRED"),
        (True, False, "CASE_REVIEW_NOT_PASSED"),
    ],
)
def test_APL58_review_gate(required, passed, code):
    kw = dict(review_required=required, review_passed=passed)
    if code is None:
        rules.review_gate_check(**kw)
    else:
        with pytest.raises(ApplicationError) as e:
            rules.review_gate_check(**kw)
        assert e.value.code == code and e.value.rule == "APL-58"


@pytest.mark.parametrize(
    ("required", "passed", "code"),
    [
        (True, None, None),
        (True, False, None),
        (False, None, "CASE_REVIEW_NOT_REQUIRED"),
        (True, True, "CASE_REVIEW_ALREADY_PASSED"),
    ],
)
def test_APL58_submission(required, passed, code):
    if code is None:
        rules.submission_check(required=required, passed=passed)
    else:
        with pytest.raises(ApplicationError) as e:
            rules.submission_check(required=required, passed=passed)
        assert e.value.code == code and e.value.status == 409


@pytest.mark.parametrize(
    ("state", "ok"),
    [("lead", False), ("investigating", True), ("ready", True), ("deciding", False), ("served", False)],
)
def test_APL58_flag_state(state, ok):
    if ok:
        rules.flag_state_check(state=state)
    else:
        with pytest.raises(ApplicationError) as e:
            rules.flag_state_check(state=state)
        assert e.value.code == "REVIEW_FLAG_STATE" and e.value.status == 409


ALL_OK = {k: {"ok": True} for k in rules.POINT_KEYS}
ONE_BAD = {**ALL_OK, "discretion": {"ok": False, "finding": "罚款幅度偏高"}}


@pytest.mark.parametrize(
    "opinion,checklist,cats,text,code",
    [
        ("agree", ALL_OK, [], "同意", None),
        ("findings", ONE_BAD, ["discretion"], "裁量不当", None),
        ("maybe", ALL_OK, [], "x", "REVIEW_OPINION_INVALID"),
        ("agree", {"subject": {"ok": True}}, [], "x", "REVIEW_CHECKLIST_INCOMPLETE"),
        (
            "findings",
            {**ALL_OK, "facts": {"ok": False}},
            ["facts_evidence"],
            "x",
            "REVIEW_FINDING_TEXT_REQUIRED",
        ),
        ("agree", ONE_BAD, [], "x", "REVIEW_AGREE_WITH_FINDINGS"),
        ("agree", ALL_OK, ["law"], "x", "REVIEW_AGREE_WITH_FINDINGS"),
        ("findings", ALL_OK, ["law"], "x", "REVIEW_FINDINGS_REQUIRED"),
        ("findings", ONE_BAD, [], "x", "REVIEW_FINDINGS_REQUIRED"),
        ("findings", ONE_BAD, ["nope"], "x", "REVIEW_CATEGORY_INVALID"),
        ("agree", ALL_OK, [], "  ", "REVIEW_OPINION_TEXT_REQUIRED"),
    ],
)
def test_G118_13_opinion_check(opinion, checklist, cats, text, code):
    kw = dict(opinion=opinion, checklist=checklist, categories=cats, text=text)
    if code is None:
        rules.opinion_check(**kw)
    else:
        with pytest.raises(ApplicationError) as e:
            rules.opinion_check(**kw)
        assert e.value.code == code


def test_G118_12_resubmission_diff():
    prev = {"amount": "70000", "tier": "normal", "evidence": [{"id": 1}]}
    cur = {"amount": "80000", "tier": "normal", "evidence": [{"id": 1}, {"id": 2, "title": "询问笔录"}]}
    d = rules.resubmission_diff(prev, cur)
    assert d["fields"] == [{"field": "amount", "label": "罚款金额", "before": "70000", "after": "80000"}]
    assert d["evidence_added"] == [{"id": 2, "title": "询问笔录"}]
    assert rules.resubmission_diff(None, cur)["first"]


@pytest.mark.parametrize(
    "extended,wd,reason,code",
    [
        (False, 5, "案情复杂", None),
        (True, 5, "x", "REVIEW_ALREADY_EXTENDED"),
        (False, 0, "x", "REVIEW_EXTENSION_NOT_ALLOWED"),
        (False, 5, " ", "REASON_REQUIRED"),
    ],
)
def test_G118_12_extension_once(extended, wd, reason, code):
    kw = dict(already_extended=extended, extension_wd=wd, reason=reason)
    if code is None:
        rules.extension_check(**kw)
    else:
        with pytest.raises(ApplicationError) as e:
            rules.extension_check(**kw)
        assert e.value.code == code


def test_round_robin():
    assert rules.round_robin_pick([5, 3, 9], None) == 3
    assert rules.round_robin_pick([5, 3, 9], 5) == 9
    assert rules.round_robin_pick([5, 3, 9], 9) == 3
    assert rules.round_robin_pick([], 9) is None


def test_G118_11_figures_hand_counted():
    R = rules.ReviewRow
    rows = [
        R(1, True, ("discretion",), 3),
        R(1, False, (), 2),
        R(2, False, (), 5),
        R(3, True, ("facts_evidence", "procedure"), 4),
    ]
    f = rules.figures(
        rows=rows, required_case_ids={1, 2, 3, 4}, reviewers=1, officers=25, ratio_min=Decimal(5)
    )
    assert f["reviews"] == 4 and f["cases_reviewed"] == 3 and f["cases_required"] == 4
    assert f["coverage"] == Decimal("75.00")  # 3 of 4
    assert f["correction_rate"] == Decimal("50.00")  # 2 of 4 reviews
    assert f["findings_by_category"]["discretion"] == 1 and f["findings_by_category"]["procedure"] == 1
    assert f["average_days"] == Decimal("3.5")
    assert f["reviewer_ratio"] == Decimal("4.00") and not f["reviewer_ratio_met"]
    empty = rules.figures(rows=[], required_case_ids=[], reviewers=0, officers=0, ratio_min=Decimal(5))
    assert empty["coverage"] is None and empty["correction_rate"] is None and empty["reviewer_ratio"] is None


@pytest.mark.parametrize(
    ("submitted", "opinion", "code"),
    [
        ("2026-09-10", "2026-09-09", "REVIEW_OPINION_BEFORE_SUBMISSION"),  # the day before
        ("2026-09-10", "2026-09-10", None),  # the same day
        ("2026-09-10", "2026-09-11", None),
    ],
)
def test_APL47_opinion_never_before_its_submission(submitted, opinion, code):
    kw = dict(submitted_on=dt.date.fromisoformat(submitted), opinion_on=dt.date.fromisoformat(opinion))
    if code is None:
        rules.opinion_date_check(**kw)
    else:
        with pytest.raises(ApplicationError) as exc:
            rules.opinion_date_check(**kw)
        assert exc.value.code == code and exc.value.rule == "APL-47"
