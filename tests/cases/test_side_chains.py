"""Per-agency approval chains for decision-limit extensions (APL-60) and compulsory measures
(ACL-17/18, ACL-19, APL-56): configured by the agency admin, approved level by level, the effect
applied only when the head (the last level, always) approves; the case is not blocked meanwhile."""

import datetime as dt

import pytest
import time_machine

from lawtrail.cases import selectors
from lawtrail.cases import services as svc
from lawtrail.cases.models import Approval, ApprovalChain, ApprovalStep, CaseEvent, Measure
from lawtrail.core.journal.models import Entry
from tests.cases.procedure_kit import filed_case, journaled, recorded, refused, refused_step, step
from tests.cases.test_measures import requested, take_kw

D = dt.date
THREE = ["approver_1", "approver_2", "approver_3"]
TZ8 = dt.timezone(dt.timedelta(hours=8))


def three_levels(world, action):
    return svc.approval_chain_set(
        actor=world.cast.grace, agency=world.cast.agency_a, action=action, levels=THREE
    )


def act(actor, case, decision, approval=None, **kw):
    return svc.approval_act(
        actor=actor, case_id=case.pk, decision=decision, approval_id=approval.pk if approval else None, **kw
    )


def refused_act(code, actor, case, decision, approval=None, **kw):
    """A refused approval act changes nothing: no step, no event."""
    steps, events = ApprovalStep.objects.count(), CaseEvent.objects.filter(case_id=case.pk).count()
    err = refused(
        code,
        svc.approval_act,
        actor=actor,
        case_id=case.pk,
        decision=decision,
        approval_id=approval.pk if approval else None,
        **kw,
    )
    assert ApprovalStep.objects.count() == steps
    assert CaseEvent.objects.filter(case_id=case.pk).count() == events
    return err


def decision_due(case):
    return case.deadlines.get(kind="decision", active=True).due_on


# ----------------------------------------------------------------------------- configuration


@pytest.mark.parametrize("action", ["extension", "measure"])
def test_default_chain_is_the_head(world, action):
    chains = {x["action"]: x for x in selectors.approval_chains_for(world.cast.grace, world.cast.agency_a.pk)}
    assert chains[action]["levels"] == ["approver_3"] and not chains[action]["configured"]


@pytest.mark.parametrize(
    ("action", "levels", "rule"),
    [
        ("extension", ["approver_1", "approver_2"], "APL-60"),
        ("extension", ["approver_3", "approver_1"], "APL-60"),
        ("measure", ["approver_1"], "ACL-17/18, APL-56"),
        ("measure", ["approver_2", "approver_3", "approver_1"], "ACL-17/18, APL-56"),
    ],
)
def test_APL_60_ACL_18_chain_must_end_with_the_head(world, action, levels, rule):
    err = refused(
        "APPROVAL_CHAIN_HEAD_LAST",
        svc.approval_chain_set,
        actor=world.cast.grace,
        agency=world.cast.agency_a,
        action=action,
        levels=levels,
    )
    assert err.rule == rule and "负责人" in err.message and "第" in err.message
    assert not ApprovalChain.objects.filter(action=action).exists()


@pytest.mark.parametrize("action", ["extension", "measure"])
def test_three_level_chain_configured_and_journaled(world, action):
    chain = three_levels(world, action)
    assert chain.levels == THREE
    assert Entry.objects.filter(action="cases:approval_chain:set", subject_id=str(chain.pk)).exists()
    refused(
        "PERMISSION_DENIED",
        svc.approval_chain_set,
        actor=world.cast.alice,
        agency=world.cast.agency_a,
        action=action,
        levels=["approver_3"],
    )


# ----------------------------------------------------------------------------- measures


def test_ACL_18_measure_three_levels_effect_only_at_the_head(world):
    c = world.cast
    three_levels(world, "measure")
    case = filed_case(world)
    m = requested(world, case)
    ap = Approval.objects.get(case=case, action="measure")
    assert ap.measure_id == m.pk and ap.levels == THREE and ap.status == "pending"
    assert ap.payload["items"] == "过期食品20箱" and journaled(case, "measure_request")
    # the case is not blocked: other steps go on while the measure is being approved
    step(c.alice, case, "evidence_add", kind="document", title="进货单", collected_on="2026-09-01")
    # 待办: the step reaches the person of the current level only
    assert [t.what for t in selectors.todo_for(c.carol)] == ["审批强制措施：扣押"]
    assert selectors.todo_for(world.paula) == [] and selectors.todo_for(world.quentin) == []
    # wrong level
    refused_act("APPROVAL_NOT_YOUR_LEVEL", world.quentin, case, "approve")
    refused_act("APPROVAL_NOT_YOUR_LEVEL", world.paula, case, "approve")
    act(c.carol, case, "approve", reasons="同意", expected_level=0)
    m.refresh_from_db()
    assert m.status == Measure.Status.REQUESTED and m.approved_at is None
    refused_act("APPROVAL_STALE", world.paula, case, "approve", expected_level=0)
    assert [t.what for t in selectors.todo_for(world.paula)] == ["审批强制措施：扣押"]
    assert selectors.todo_for(c.carol) == []
    act(world.paula, case, "approve")
    m.refresh_from_db()
    assert m.status == Measure.Status.REQUESTED
    refused_step("MEASURE_STATE_CONFLICT", c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world))
    assert [t.what for t in selectors.todo_for(world.quentin)] == ["审批强制措施：扣押"]
    case = act(world.quentin, case, "approve", reasons="同意扣押")
    m.refresh_from_db()
    ap.refresh_from_db()
    assert m.status == Measure.Status.APPROVED and m.approver == world.quentin and ap.status == "approved"
    assert [s.level for s in ap.steps.all()] == [0, 1, 2] and case.state == "investigating"
    ev = CaseEvent.objects.filter(case=case, action="approval_approve").last()
    assert ev.data["measure_id"] == m.pk and ev.data["approval"] == "measure"
    assert Entry.objects.filter(action="cases:measure:approve", subject_id=str(m.pk)).exists()
    assert selectors.todo_for(world.quentin) == []
    recorded(c.alice, case)
    step(
        c.alice, case, "measure_take", measure_id=m.pk, **take_kw(world, started_at="2026-09-01T15:00+08:00")
    )


def test_measure_old_action_names_act_at_the_current_level(world):
    c = world.cast
    three_levels(world, "measure")
    case = filed_case(world)
    m = requested(world, case)
    refused_step("APPROVAL_NOT_YOUR_LEVEL", world.quentin, case, "measure_approve", measure_id=m.pk)
    step(c.carol, case, "measure_approve", measure_id=m.pk)
    step(world.paula, case, "measure_approve", measure_id=m.pk)
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.REQUESTED
    assert not CaseEvent.objects.filter(case=case, action="measure_approve").exists()
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.APPROVED
    assert journaled(case, "measure_approve")


def test_measure_sent_back_with_reasons_is_not_approved(world):
    c = world.cast
    three_levels(world, "measure")
    case = filed_case(world)
    m = requested(world, case)
    act(c.carol, case, "approve")
    refused_act("REASON_REQUIRED", world.paula, case, "send_back")
    act(world.paula, case, "send_back", reasons="清单不完整", to="previous")
    ap = Approval.objects.get(measure=m)
    assert ap.level == 0 and ap.status == "pending"
    act(c.carol, case, "send_back", reasons="理由不充分")
    ap.refresh_from_db()
    m.refresh_from_db()
    assert ap.status == "sent_back" and m.status == Measure.Status.REJECTED
    assert [s.reasons for s in ap.steps.all()] == ["", "清单不完整", "理由不充分"]
    assert selectors.todo_for(c.carol) == [] and selectors.todo_for(world.quentin) == []


def test_ACL_19_emergency_post_approval_through_the_chain(world):
    c = world.cast
    three_levels(world, "measure")
    case = filed_case(world)
    kw = dict(kind="seal", items="生产车间一间", reason="证据可能灭失", emergency=True)
    recorded(c.alice, case)
    step(c.alice, case, "measure_take", **kw, **take_kw(world, started_at="2026-09-01T10:00+08:00"))
    m = case.measures.get()
    ap = Approval.objects.get(measure=m)
    todo = selectors.todo_for(c.carol)
    assert [(t.what, t.due_on) for t in todo] == [("审批强制措施：查封", D(2026, 9, 2))]
    refused_act("MEASURE_POST_APPROVAL_NO_WITHDRAW", c.alice, case, "withdraw")
    act(c.carol, case, "approve")
    act(world.paula, case, "approve")
    with time_machine.travel(dt.datetime(2026, 9, 2, 10, 1, tzinfo=TZ8), tick=False):
        err = refused_act("MEASURE_POST_APPROVAL_LATE", world.quentin, case, "approve")
        assert err.rule == "ACL-19"
        act(world.quentin, case, "send_back", reasons="不符合紧急情形")
    m.refresh_from_db()
    ap.refresh_from_db()
    assert m.status == Measure.Status.RELEASED and ap.status == "sent_back"
    assert not case.deadlines.filter(kind=f"measure_approval:{m.pk}", active=True).exists()


def test_release_closes_a_pending_post_approval(world):
    c = world.cast
    case = filed_case(world)
    kw = dict(kind="seize", items="货车一辆", reason="可能转移", emergency=True)
    recorded(c.alice, case)
    step(c.alice, case, "measure_take", **kw, **take_kw(world))
    m = case.measures.get()
    step(c.alice, case, "measure_release", measure_id=m.pk, reason="已无必要")
    assert Approval.objects.get(measure=m).status == "withdrawn"
    assert selectors.todo_for(world.quentin) == []


# ----------------------------------------------------------------------------- extensions


def test_APL_60_extension_three_levels_deadline_only_at_the_head(world):
    c = world.cast
    three_levels(world, "extension")
    case = filed_case(world)
    assert decision_due(case) == D(2026, 11, 30)
    step(c.alice, case, "extension_request", days=30, reason="案情复杂，需补充调查")
    ap = Approval.objects.get(case=case, action="extension")
    assert ap.payload["days"] == 30 and ap.levels == THREE
    assert [t.what for t in selectors.todo_for(c.carol)] == ["审批延长办案期限"]
    step(c.alice, case, "evidence_add", kind="document", title="检验报告", collected_on="2026-09-01")
    refused_act("APPROVAL_NOT_YOUR_LEVEL", world.paula, case, "approve")
    act(c.carol, case, "approve")
    step(world.paula, case, "extension_approve", reason="同意")  # the old name, at level 2
    case.refresh_from_db()
    assert decision_due(case) == D(2026, 11, 30) and case.extension_requested_days == 30
    assert [t.what for t in selectors.todo_for(world.quentin)] == ["审批延长办案期限"]
    case = act(world.quentin, case, "approve", reasons="同意延长三十日")
    assert decision_due(case) == D(2026, 12, 30) and case.extension_requested_days is None
    assert svc.decision_extensions(case) == [30]
    ev = CaseEvent.objects.filter(case=case, action="approval_approve").last()
    assert ev.data["days"] == 30 and ev.data["due_on"] == "2026-12-30"
    assert selectors.todo_for(world.quentin) == []


def test_APL_60_extension_sent_back_ends_the_request(world):
    c = world.cast
    three_levels(world, "extension")
    case = filed_case(world)
    step(c.alice, case, "extension_request", days=10, reason="复杂")
    act(c.carol, case, "approve")
    refused_step("REASON_REQUIRED", world.paula, case, "extension_reject")
    step(world.paula, case, "extension_reject", reason="理由不充分")
    case.refresh_from_db()
    ap = Approval.objects.get(case=case, action="extension")
    assert ap.status == "sent_back" and case.extension_requested_days is None
    assert decision_due(case) == D(2026, 11, 30) and svc.decision_extensions(case) == []
    assert journaled(case, "extension_reject")
    # a new request may be made
    step(c.alice, case, "extension_request", days=10, reason="补充理由")


def test_extension_withdrawn_by_the_submitter(world):
    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "extension_request", days=10, reason="复杂")
    act(c.alice, case, "withdraw")
    case.refresh_from_db()
    assert case.extension_requested_days is None
    assert Approval.objects.get(case=case, action="extension").status == "withdrawn"


def test_default_one_level_chain_through_the_old_names(world):
    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "extension_request", days=30, reason="复杂")
    m = requested(world, case)
    refused_step("CASE_LEADER_REQUIRED", c.carol, case, "extension_approve")
    step(world.quentin, case, "extension_approve")
    step(world.quentin, case, "measure_approve", measure_id=m.pk)
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.APPROVED
    assert decision_due(case) == D(2026, 12, 30)
    assert not Approval.objects.filter(case=case, status="pending").exists()


# ----------------------------------------------------------------------------- several pending


def test_several_pending_approvals_need_approval_id(world):
    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "extension_request", days=30, reason="复杂")
    m = requested(world, case)
    err = refused_act("APPROVAL_ID_REQUIRED", world.quentin, case, "approve")
    assert len(err.details["approval_ids"]) == 2
    ap = Approval.objects.get(measure=m)
    act(world.quentin, case, "approve", approval=ap)
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.APPROVED
    assert Approval.objects.get(case=case, action="extension").status == "pending"
    # only one left: no id needed
    act(world.quentin, case, "approve")
    assert decision_due(case) == D(2026, 12, 30)
    refused_act("APPROVAL_NOT_PENDING", world.quentin, case, "approve", approval=ap)


def test_case_actions_list_each_pending_side_approval(world):
    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "extension_request", days=30, reason="复杂")
    requested(world, case)
    acts = selectors.actions_for(world.quentin, selectors.case_get_for(world.quentin, case.pk))
    approvals = [a for a in acts if a.kind == "approval" and a.action == "approve"]
    assert len(approvals) == 2 and len({a.approval_id for a in approvals}) == 2
    # the case is not waiting: the handler still has the case's own steps
    own = {a.action for a in selectors.actions_for(c.alice, selectors.case_get_for(c.alice, case.pk))}
    assert "investigation_end" in own and "withdraw" in own


def test_api_approval_id(world, client):
    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "extension_request", days=30, reason="复杂")
    m = requested(world, case)
    client.force_login(world.quentin)
    url = f"/api/v1/cases/{case.pk}/approval/approve"
    r = client.post(url, {}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "APPROVAL_ID_REQUIRED"
    ap = Approval.objects.get(measure=m)
    r = client.post(url, {"approval_id": ap.pk}, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert [a["approval_id"] for a in body["actions"] if a["kind"] == "approval"]
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.APPROVED


def test_page_approval_form_carries_the_approval_id(world, client):
    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "extension_request", days=30, reason="复杂")
    m = requested(world, case)
    ap = Approval.objects.get(measure=m)
    client.force_login(world.quentin)
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert f'id="act-approve-{ap.pk}"' in page and f'name="approval_id" value="{ap.pk}"' in page
    assert "强制措施审批" in page and "延长办案期限审批" in page
    r = client.post(
        f"/backoffice/cases/{case.pk}/act/approve/",
        {"approval_id": ap.pk, "expected_level": 0, "reasons": ""},
    )
    assert r.status_code == 302, r.content.decode()[:500]
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.APPROVED
