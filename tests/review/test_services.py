"""Review services over real cases: routing at proposal approval and at a hearing, the
materials, reviewers (qualification, independence, assignment), the send-back-and-resubmit
loop with the diff, the decision gate, the time limit and its extension, and the journal."""

from __future__ import annotations

import datetime as dt

import pytest

from lawtrail.cases import services as csvc
from lawtrail.cases.models import CaseEvent, State
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.registry.models import RoleGrant
from lawtrail.review import rules
from lawtrail.review import services as svc
from lawtrail.review.models import Review, ReviewCriterion
from lawtrail.review.services import requirement_of
from tests.factories import StaffFactory, UserFactory, make_id_number

ALL_OK = {k: {"ok": True} for k in rules.POINT_KEYS}
BAD = {**ALL_OK, "discretion": {"ok": False, "finding": "罚款幅度未说明理由"}}


def refused(code, fn, **kw):
    with pytest.raises(ApplicationError) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message
    return exc.value


def journaled(action):
    return Entry.objects.filter(action=action).exists()


@pytest.fixture
def city_list(world):
    """The city's default list (石家庄市) and an agency addition, as admin and grace set them."""
    c = world.cast
    amount = svc.criterion_create(
        actor=c.admin,
        division_code="130100",
        category="amount",
        title="较大数额罚款",
        amount_person="10000",
        amount_organisation="70000",
    )
    revoke = svc.criterion_create(
        actor=c.admin,
        division_code="130100",
        category="penalty_kind",
        title="吊销许可证件",
        penalty_kinds=["revoke_licence"],
    )
    hearing = svc.criterion_create(
        actor=c.grace, agency_id=c.agency_a.pk, category="hearing", title="经听证的案件"
    )
    return {"amount": amount, "revoke": revoke, "hearing": hearing}


@pytest.mark.parametrize("amount,hit", [("69999.99", False), ("70000", True), ("70001", True)])
def test_APL58_routing_at_proposal_approval_organisation_threshold(walk, city_list, amount, hit):
    case = walk.proposed(amount=amount)
    assert requirement_of(case).required is hit
    events = CaseEvent.objects.filter(case=case, action="review_route")
    assert events.exists() is hit
    if hit:
        assert requirement_of(case).reasons[0]["criterion"] == city_list["amount"].pk
        assert "70000" in events.get().note
        assert journaled("cases:event:review_route")


def test_APL58_opt_out_of_inherited_entry_and_own_entries(walk, city_list, world):
    c = world.cast
    refused(
        "REASON_REQUIRED",
        svc.criterion_opt_out,
        actor=c.grace,
        agency_id=c.agency_a.pk,
        criterion_id=city_list["amount"].pk,
        reason=" ",
    )
    refused(
        "REVIEW_NOT_INHERITED",
        svc.criterion_opt_out,
        actor=c.grace,
        agency_id=c.agency_a.pk,
        criterion_id=city_list["hearing"].pk,
        reason="x",
    )
    refused(
        "PERMISSION_DENIED",
        svc.criterion_opt_out,
        actor=c.alice,
        agency_id=c.agency_a.pk,
        criterion_id=city_list["amount"].pk,
        reason="x",
    )
    svc.criterion_opt_out(
        actor=c.grace, agency_id=c.agency_a.pk, criterion_id=city_list["amount"].pk, reason="本局执行更高标准"
    )
    assert journaled("review:criterion:opt_out")
    case = walk.proposed(amount="80000")
    assert not requirement_of(case).required
    svc.criterion_opt_in(actor=c.grace, agency_id=c.agency_a.pk, criterion_id=city_list["amount"].pk)
    from lawtrail.review.selectors import criteria_in_force

    assert city_list["amount"] in criteria_in_force(c.agency_a)
    assert city_list["hearing"] not in criteria_in_force(c.agency_b)  # an agency's own entry stays its own


def test_criterion_refusals(world):
    c = world.cast
    refused(
        "PERMISSION_DENIED",
        svc.criterion_create,
        actor=c.grace,
        division_code="130100",
        category="all",
        title="x",
    )
    refused(
        "PERMISSION_DENIED",
        svc.criterion_create,
        actor=c.bob,
        agency_id=c.agency_a.pk,
        category="all",
        title="x",
    )
    refused(
        "REVIEW_THRESHOLD_REQUIRED",
        svc.criterion_create,
        actor=c.grace,
        agency_id=c.agency_a.pk,
        category="amount",
        title="x",
    )
    refused(
        "REVIEW_PENALTY_KIND_INVALID",
        svc.criterion_create,
        actor=c.grace,
        agency_id=c.agency_a.pk,
        category="penalty_kind",
        title="x",
        penalty_kinds=["hanging"],
    )
    refused("REVIEW_OWNER_REQUIRED", svc.criterion_create, actor=c.admin, category="all", title="x")
    assert not ReviewCriterion.objects.exists()
    crit = svc.criterion_create(actor=c.grace, agency_id=c.agency_a.pk, category="all", title="全部")
    svc.criterion_update(actor=c.grace, criterion_id=crit.pk, active=False)
    assert journaled("review:criterion:create") and journaled("review:criterion:update")


def test_APL58_flag_public_interest_routes_at_once(walk, world):
    c = world.cast
    svc.criterion_create(
        actor=c.grace, agency_id=c.agency_a.pk, category="public_interest", title="重大公共利益"
    )
    case = walk.proposed()
    assert not requirement_of(case).required
    refused(
        "PERMISSION_DENIED",
        svc.review_flag,
        actor=c.dave,
        case_id=case.pk,
        kind="public_interest",
        reason="x",
    )
    refused(
        "REASON_REQUIRED", svc.review_flag, actor=c.alice, case_id=case.pk, kind="public_interest", reason=""
    )
    svc.review_flag(actor=c.alice, case_id=case.pk, kind="public_interest", reason="涉及全区学校食堂")
    case.refresh_from_db()
    assert requirement_of(case).required and requirement_of(case).reasons[0]["category"] == "public_interest"
    assert journaled("review:flag:create")


def test_APL58_2_hearing_held_reroutes(walk, world, city_list, frozen_today):
    import time_machine

    c = world.cast
    alice = c.alice
    case = walk.proposed(amount="70000", party="person", kinds=("fine",))
    assert requirement_of(case).required  # person threshold 10,000
    walk.step(alice, case, "notice_serve", served_on="2026-09-01")
    walk.step(alice, case, "hearing_request", requested_on="2026-09-01")
    walk.step(alice, case, "hearing_schedule", hearing_on="2026-09-15", host_id=c.grace.pk)
    with time_machine.travel(
        dt.datetime(2026, 9, 15, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        case = walk.step(alice, case, "hearing_hold", record="听证笔录：当事人到场陈述。")
    cats = [r["category"] for r in requirement_of(case).reasons]
    assert cats == ["amount", "hearing"]
    assert CaseEvent.objects.filter(case=case, action="review_route").count() == 2


def _qualified_reviewer(world, username="ruth", qualified=True):
    a = world.cast.agency_a
    u = UserFactory(username=username, display_name=username)
    kw = {"legal_qualification": True, "legal_qualification_number": "A2020"} if qualified else {}
    StaffFactory(
        agency=a,
        user=u,
        name=username,
        id_number=make_id_number(9100 + sum(map(ord, username)), a.division.code),
        **kw,
    )
    RoleGrant.objects.create(user=u, role="reviewer", agency=a)
    return u


def test_review_loop_send_back_resubmit_with_diff_then_pass_and_decision_gate(walk, world, city_list):
    c = world.cast
    alice, dave = c.alice, c.dave
    case = walk.ready(walk.proposed(amount="70000"))
    assert case.state == State.READY and requirement_of(case).required
    # APL-58: the decision is refused while the review is required and not done
    refused("CASE_REVIEW_REQUIRED", walk.step, actor=alice, case=case, action="decision_submit")
    review = svc.review_submit(actor=alice, case_id=case.pk)
    assert review.round == 1 and review.reviewer == dave and review.due_on == dt.date(2026, 9, 8)
    assert {m["key"] for m in review.materials if m["present"]} >= {
        "proposal",
        "evidence",
        "report",
        "notice",
    }
    assert case.deadlines.get(kind="review", active=True).due_on == dt.date(2026, 9, 8)
    assert journaled("review:review:submit") and journaled("review:assignment:create")
    # refusals on the opinion
    refused(
        "REVIEW_FINDINGS_REQUIRED",
        svc.review_opinion,
        actor=dave,
        review_id=review.pk,
        opinion="findings",
        checklist=ALL_OK,
        categories=["discretion"],
        text="x",
    )
    refused(
        "PERMISSION_DENIED",
        svc.review_opinion,
        actor=alice,
        review_id=review.pk,
        opinion="agree",
        checklist=ALL_OK,
        categories=[],
        text="同意",
    )
    refused(
        "NOT_FOUND",
        svc.review_opinion,
        actor=c.bob,
        review_id=review.pk,
        opinion="agree",
        checklist=ALL_OK,
        categories=[],
        text="同意",
    )
    review = svc.review_opinion(
        actor=dave,
        review_id=review.pk,
        opinion="findings",
        checklist=BAD,
        categories=["discretion"],
        text="裁量理由不充分，请补充。",
    )
    case.refresh_from_db()
    assert (
        review.status == "findings" and case.state == State.INVESTIGATED and not requirement_of(case).passed
    )
    assert journaled("review:review:findings")
    assert not case.deadlines.filter(kind="review", active=True).exists()
    # the handler adds evidence, proposes again (80,000), notifies again, resubmits
    walk.step(
        alice,
        case,
        "evidence_add",
        kind="witness",
        title="证人证言",
        collected_on="2026-09-01",
        cross_examined=True,
    )
    walk.step(
        alice, case, "proposal_submit", outcome="penalty", kinds=["fine"], amount="80000", tier="normal"
    )
    csvc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    walk.step(alice, case, "notice_serve", served_on="2026-09-01", amount="80000", changed_reason="补充调查")
    walk.step(alice, case, "statement_record", waived=True)
    walk.step(alice, case, "statement_close")
    refused("CASE_REVIEW_NOT_PASSED", walk.step, actor=alice, case=case, action="decision_submit")
    second = svc.review_submit(actor=alice, case_id=case.pk)
    assert second.round == 2
    assert [f["field"] for f in second.changes["fields"]] == ["amount"]
    assert (
        second.changes["fields"][0]["before"] == "70000.00"
        and second.changes["fields"][0]["after"] == "80000.00"
    )
    assert [e["title"] for e in second.changes["evidence_added"]] == ["证人证言"]
    second = svc.review_opinion(
        actor=dave,
        review_id=second.pk,
        opinion="agree",
        checklist=ALL_OK,
        categories=[],
        text="事实清楚，证据确凿，同意。",
    )
    case.refresh_from_db()
    assert second.status == "agreed" and case.state == State.READY and requirement_of(case).passed
    refused(
        "REVIEW_ALREADY_DECIDED",
        svc.review_opinion,
        actor=dave,
        review_id=second.pk,
        opinion="agree",
        checklist=ALL_OK,
        categories=[],
        text="x",
    )
    case = walk.step(alice, case, "decision_submit")
    assert case.state == State.DECIDING


def test_APL58_reviewer_qualification_independence_and_assignment(walk, world, city_list):
    c = world.cast
    case = walk.ready(walk.proposed(amount="70000"))
    rita = _qualified_reviewer(world, "rita", qualified=False)
    review = svc.review_submit(actor=c.alice, case_id=case.pk)
    assert review.reviewer == c.dave  # rita is a first-time reviewer without 法律职业资格
    # the head (quentin, approver_3) reassigns; carol is not the head
    refused(
        "REVIEW_ASSIGN_NOT_HEAD", svc.review_assign, actor=c.carol, review_id=review.pk, reviewer_id=rita.pk
    )
    refused(
        "REVIEWER_UNQUALIFIED",
        svc.review_assign,
        actor=world.quentin,
        review_id=review.pk,
        reviewer_id=rita.pk,
    )
    refused(
        "REVIEWER_ROLE_REQUIRED",
        svc.review_assign,
        actor=world.quentin,
        review_id=review.pk,
        reviewer_id=world.andy.pk,
    )
    # carol approved the proposal: she may not review it even with a reviewer grant (办审分离)
    RoleGrant.objects.create(user=c.carol, role="reviewer", agency=c.agency_a)
    st = c.staff["carol"]
    st.legal_qualification, st.legal_qualification_number = True, "A1"
    st.save()
    refused(
        "REVIEWER_INVOLVED",
        svc.review_assign,
        actor=world.quentin,
        review_id=review.pk,
        reviewer_id=c.carol.pk,
    )
    ruth = _qualified_reviewer(world, "ruth")
    svc.review_assign(actor=world.quentin, review_id=review.pk, reviewer_id=ruth.pk, reason="戴夫出差")
    review.refresh_from_db()
    assert review.reviewer == ruth and [a.how for a in review.assignments.all()] == ["round_robin", "head"]
    assert review.assignments.last().previous == c.dave and journaled("review:review:assign")
    refused(
        "REVIEW_NOT_ASSIGNED",
        svc.review_opinion,
        actor=c.dave,
        review_id=review.pk,
        opinion="agree",
        checklist=ALL_OK,
        categories=[],
        text="同意",
    )
    svc.review_opinion(
        actor=ruth, review_id=review.pk, opinion="agree", checklist=ALL_OK, categories=[], text="同意"
    )


def test_G118_12_time_limit_extension_once_with_approval(walk, world, city_list):
    c = world.cast
    case = walk.ready(walk.proposed(amount="70000"))
    review = svc.review_submit(actor=c.alice, case_id=case.pk)
    refused(
        "REVIEW_NOT_ASSIGNED", svc.review_extension_request, actor=c.alice, review_id=review.pk, reason="x"
    )
    refused(
        "REVIEW_EXTENSION_NOT_REQUESTED",
        svc.review_extension_decide,
        actor=world.quentin,
        review_id=review.pk,
        approve=True,
    )
    svc.review_extension_request(actor=c.dave, review_id=review.pk, reason="案情复杂，需调阅卷宗")
    refused(
        "REVIEW_EXTENSION_PENDING",
        svc.review_extension_request,
        actor=c.dave,
        review_id=review.pk,
        reason="x",
    )
    refused(
        "REVIEW_EXTENSION_NOT_HEAD",
        svc.review_extension_decide,
        actor=c.carol,
        review_id=review.pk,
        approve=True,
    )
    review = svc.review_extension_decide(actor=world.quentin, review_id=review.pk, approve=True)
    assert review.due_on == dt.date(2026, 9, 15) and review.extension_status == "approved"
    assert case.deadlines.get(kind="review", active=True).due_on == dt.date(2026, 9, 15)
    refused(
        "REVIEW_ALREADY_EXTENDED",
        svc.review_extension_request,
        actor=c.dave,
        review_id=review.pk,
        reason="再延",
    )
    assert journaled("review:extension:request") and journaled("review:extension:approve")


def test_G118_14_submission_refused_without_materials(walk, world, city_list):
    c = world.cast
    case = walk.ready(walk.proposed(amount="70000"))
    case.events.filter(action="investigation_end").update(data={}, note="")
    e = refused("REVIEW_MATERIALS_MISSING", svc.review_submit, actor=c.alice, case_id=case.pk)
    assert e.details == {"missing": ["report"]}
    case.refresh_from_db()
    assert case.state == State.READY and not Review.objects.exists()


def test_APL47_an_opinion_dated_before_its_submission_is_refused(walk, world, city_list):
    """Issue 8: an opinion cannot be dated before the submission it answers (the 纠错率 of a
    month counts what happened in it) — refused by the review hook, nothing written."""

    c = world.cast
    case = walk.ready(walk.proposed(amount="70000"))
    review = svc.review_submit(actor=c.alice, case_id=case.pk)
    events = CaseEvent.objects.filter(case=case).count()
    refused(
        "REVIEW_OPINION_BEFORE_SUBMISSION",
        svc.review_opinion,
        actor=review.reviewer,
        review_id=review.pk,
        opinion="agree",
        checklist=ALL_OK,
        categories=[],
        text="同意",
        on=review.submitted_on - dt.timedelta(days=1),
    )
    assert CaseEvent.objects.filter(case=case).count() == events
