"""A penalty case from lead to archive through the REST API only, through every refusal a
rule can give on the way (issue 3). Each step asserts its status, its error code and the
resulting state; a refusal must leave the case exactly as it was (see tests/cases/walk.py).

The story (石家庄市长安区市场监督管理局, time moved with time-machine, calendar 2026):
a limitation-expired lead is declined, a one-officer lead is transferred, a self-approval
is refused and the lead terminated, and the main case — a person selling food without a
licence, flagged complex — is filed through a two-level chain with withdraw, send back
(to the previous level and to the handler) and reassignment, investigated, proposed,
notified, heard, reviewed (sent back once), notified again at a higher amount, deliberated,
decided through three levels, served, paid, closed and archived.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from lawtrail.cases import workflow
from lawtrail.cases.models import State
from lawtrail.registry import services as registry
from lawtrail.registry.models import Credential, RoleGrant, Staff
from tests.cases.conftest import TODAY
from tests.cases.walk import C, Walk
from tests.factories import CredentialFactory, StaffFactory, UserFactory, make_id_number

S = State
TZ = TODAY.tzinfo


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ)


@pytest.fixture
def clock(world):
    traveller = time_machine.travel(TODAY, tick=False)
    coordinates = traveller.start()
    yield coordinates
    traveller.stop()


@pytest.fixture
def extra_people(world):
    """olga: officer and 承办机构负责人 of A (to try approving her own submission);
    carl: a second 承办机构负责人 (to reassign to); rita: a reviewer without 法律职业资格;
    andy also becomes a reviewer with a qualification (to be refused as an investigator)."""
    c = world.cast
    a = c.agency_a
    people = {}
    for n, (username, name, roles) in enumerate(
        (
            ("olga", "奥尔加", ("officer", "approver_1")),
            ("carl", "卡尔", ("approver_1",)),
            ("rita", "丽塔", ("reviewer",)),
        )
    ):
        user = UserFactory(username=username, display_name=name)
        staff = StaffFactory(
            agency=a, user=user, name=name, id_number=make_id_number(8300 + n, a.division.code)
        )
        for role in roles:
            RoleGrant.objects.create(user=user, role=role, agency=a)
        if "officer" in roles:
            CredentialFactory(staff=staff, number=f"1301022024OLG{n}", domain=c.market, region=a.division)
        people[username] = user
    RoleGrant.objects.create(user=world.andy, role="reviewer", agency=a)
    Staff.objects.filter(user=world.andy).update(legal_qualification=True)
    return people


def lead_body(world, **extra):
    c = world.cast
    body = {
        "domain": "market",
        "region": c.changan.code,
        "title": "某食品店未取得食品经营许可从事食品经营案",
        "officer_ids": [world.andy.pk],
        "act_date": "2026-08-20",
        "discovered_on": "2026-08-28",
        "violation_ids": [world.violation.pk],
    }
    body.update(extra)
    return body


PERSON = {
    "kind": "person",
    "name": "王某",
    "id_number": make_id_number(55, "130102", born=dt.date(1990, 5, 4)),
    "address": "石家庄市长安区中山东路1号",  # APL-59: the decision names the party's address
}


def test_penalty_case_from_lead_to_archive_through_the_api(world, extra_people, clock):
    c = world.cast
    alice, bob, carol, dave, grace, admin = c.alice, c.bob, c.carol, c.dave, c.grace, c.admin
    andy, paula, quentin = world.andy, world.paula, world.quentin
    olga, carl, rita = extra_people["olga"], extra_people["carl"], extra_people["rita"]
    w = Walk(observer=admin)
    chains = f"{C}agencies/{c.agency_a.pk}/approval-chains"

    # ------------------------------------------------------------ approval chains (agency admin)
    w.refused(
        alice, "put", f"{chains}/filing", {"levels": ["approver_1"]}, status=403, code="PERMISSION_DENIED"
    )
    w.refused(bob, "get", chains, status=404, code="AGENCY_NOT_FOUND")
    w.refused(
        grace, "put", f"{chains}/filing", {"levels": ["officer"]}, status=400, code="APPROVAL_CHAIN_INVALID"
    )
    w.refused(
        grace,
        "put",
        f"{chains}/filing",
        {"levels": ["approver_1", "approver_1"]},
        status=400,
        code="APPROVAL_CHAIN_INVALID",
    )
    w.refused(
        grace,
        "put",
        f"{chains}/payment",
        {"levels": ["approver_1"]},
        status=400,
        code="APPROVAL_ACTION_UNKNOWN",
    )
    w.refused(grace, "put", f"{chains}/filing", {}, status=400, code="INVALID_INPUT")
    w.ok(grace, "put", f"{chains}/filing", {"levels": ["approver_1", "approver_2"]})
    w.ok(grace, "put", f"{chains}/proposal", {"levels": ["approver_1"]})
    w.ok(grace, "put", f"{chains}/decision", {"levels": ["approver_1", "approver_2", "approver_3"]})
    got = w.ok(alice, "get", chains)
    assert {x["action"]: x["levels"] for x in got}["decision"] == ["approver_1", "approver_2", "approver_3"]
    assert all(x["configured"] for x in got if x["action"] in ("filing", "proposal", "decision"))
    # extensions and measures keep the default one-level chain: the head (APL-60, ACL-17/18)
    assert {x["action"]: x["levels"] for x in got if not x["configured"]} == {
        "extension": ["approver_3"],
        "measure": ["approver_3"],
    }

    # ------------------------------------------------------------ registering leads: refusals
    w.refused(alice, "post", C, lead_body(world, title="  "), status=400, code="CASE_TITLE_REQUIRED")
    w.refused(alice, "post", C, lead_body(world, region="999999"), status=400, code="CASE_REGION_UNKNOWN")
    w.refused(alice, "post", C, lead_body(world, domain="nope"), status=400, code="CASE_DOMAIN_UNKNOWN")
    w.refused(
        alice,
        "post",
        C,
        lead_body(world, region=c.qiaoxi.code),
        status=400,
        code="CASE_REGION_OUT_OF_JURISDICTION",
    )
    w.refused(
        alice, "post", C, lead_body(world, officer_ids=[bob.pk]), status=400, code="CASE_OFFICER_NOT_STAFF"
    )
    w.refused(
        alice, "post", C, lead_body(world, violation_ids=[987654]), status=400, code="CASE_VIOLATION_UNKNOWN"
    )
    w.refused(alice, "post", C, lead_body(world, act_date="2026-13-01"), status=400, code="INVALID_INPUT")
    w.refused(carol, "post", C, lead_body(world), status=403, code="PERMISSION_DENIED")
    w.refused(bob, "post", C, lead_body(world, agency=c.agency_a.pk), status=404, code="AGENCY_NOT_FOUND")
    w.refused(admin, "post", C, lead_body(world), status=400, code="CASE_AGENCY_REQUIRED")

    # ------------------------------------------------------------ lead 1: limitation expired (APL-36) → declined
    old = w.ok(
        alice,
        "post",
        C,
        lead_body(world, title="两年前的违法行为", act_date="2024-03-01"),
        status=201,
        state=S.LEAD,
    )
    w.ok(alice, "post", f"{C}{old['id']}/parties", {**PERSON, "name": "李某"}, status=201)
    w.act_refused(alice, old["id"], "filing_submit", 400, "CASE_LIMITATION_EXPIRED", rule="APL-36")
    w.act_refused(alice, old["id"], "decline", 403, "PERMISSION_DENIED", reason="已过追责时效")
    w.act_refused(carol, old["id"], "decline", 400, "REASON_REQUIRED")
    w.act(
        carol,
        old["id"],
        "decline",
        state=S.DECLINED,
        reason="违法行为已超过追责时效（行政处罚法第三十六条）。",
    )
    w.act_refused(alice, old["id"], "filing_submit", 409, "CASE_STATE_CONFLICT")
    w.refused(
        alice,
        "post",
        f"{C}{old['id']}/parties",
        PERSON,
        status=409,
        code="CASE_STATE_CONFLICT",
        case_id=old["id"],
    )

    # ------------------------------------------------------------ lead 2: one officer (APL-42) → transferred
    solo = w.ok(
        alice, "post", C, lead_body(world, title="一人办理的线索", officer_ids=[]), status=201, state=S.LEAD
    )
    w.ok(alice, "post", f"{C}{solo['id']}/parties", PERSON, status=201)
    w.act_refused(alice, solo["id"], "filing_submit", 400, "CASE_OFFICERS_LT_2", rule="APL-42")
    w.act_refused(carol, solo["id"], "transfer", 400, "REASON_REQUIRED")
    w.act(
        carol, solo["id"], "transfer", state=S.TRANSFERRED, reason="属桥西区管辖", to="桥西区市场监督管理局"
    )

    # ------------------------------------------------------------ lead 3: self-approval refused → terminated
    own = w.ok(olga, "post", C, lead_body(world, title="奥尔加的线索"), status=201, state=S.LEAD)
    w.ok(olga, "post", f"{C}{own['id']}/parties", PERSON, status=201)
    w.act(olga, own["id"], "filing_submit", state=S.FILING)
    w.decide_refused(olga, own["id"], "approve", 403, "APPROVAL_SELF")
    w.decide_refused(carol, own["id"], "withdraw", 403, "APPROVAL_WITHDRAW_NOT_SUBMITTER")
    w.act_refused(carol, own["id"], "terminate", 409, "CASE_APPROVAL_PENDING", reason="x")
    w.decide(olga, own["id"], "withdraw", state=S.LEAD)
    w.act_refused(carol, own["id"], "terminate", 400, "CASE_LEADER_REQUIRED", reason="x")
    w.act(paula, own["id"], "terminate", state=S.TERMINATED, reason="经核查，无违法事实。")

    # ------------------------------------------------------------ the main case: lead and parties
    case = w.ok(alice, "post", C, lead_body(world, complex_case=True), status=201, state=S.LEAD)
    cid = case["id"]
    assert case["handler"] == alice.pk and set(case["officers"]) == {alice.pk, andy.pk}
    assert {a["action"] for a in case["actions"]} >= {"filing_submit"}
    w.refused(bob, "get", f"{C}{cid}", status=404, code="CASE_NOT_FOUND")
    w.act_refused(alice, cid, "filing_submit", 400, "CASE_PARTY_REQUIRED")
    party = f"{C}{cid}/parties"
    w.refused(
        alice,
        "post",
        party,
        {"kind": "organisation", "name": "某店", "credit_code": "91130102MA0000000X"},
        status=400,
        code="CREDIT_CODE_INVALID",
        case_id=cid,
    )
    w.refused(
        alice,
        "post",
        party,
        {**PERSON, "id_number": "13010219900504001"},
        status=400,
        code="ID_NUMBER_INVALID",
        case_id=cid,
    )
    w.refused(
        alice, "post", party, {**PERSON, "kind": "robot"}, status=400, code="PARTY_KIND_INVALID", case_id=cid
    )
    w.refused(
        alice, "post", party, {**PERSON, "name": " "}, status=400, code="PARTY_NAME_REQUIRED", case_id=cid
    )
    w.refused(carol, "post", party, PERSON, status=403, code="PERMISSION_DENIED", case_id=cid)
    w.refused(bob, "post", party, PERSON, status=404, code="CASE_NOT_FOUND")
    case = w.ok(alice, "post", party, PERSON, status=201)
    assert (
        "birth_date" not in case["parties"][0]  # issue 13: the age, never the birth date, beside the mask
        and isinstance(case["parties"][0]["age"], int)
        and "********" in case["parties"][0]["id_number_masked"]
    )

    # APL-42: andy's credential suspended, then reinstated, through the registry services
    cred = Credential.objects.get(staff__user=andy)
    registry.credential_suspend(actor=grace, credential=cred, reason="涉嫌违纪，暂扣执法证")
    w.act_refused(alice, cid, "filing_submit", 400, "CASE_OFFICER_CREDENTIAL_INVALID", rule="APL-42")
    cred.refresh_from_db()
    registry.credential_reinstate(actor=grace, credential=cred, reason="经查无违纪")

    # ------------------------------------------------------------ filing, level by level
    w.act_refused(carol, cid, "filing_submit", 403, "PERMISSION_DENIED")
    w.act_refused(bob, cid, "filing_submit", 404, "CASE_NOT_FOUND")
    w.act(alice, cid, "filing_submit", state=S.FILING)
    w.act_refused(alice, cid, "filing_submit", 409, "CASE_STATE_CONFLICT")
    w.act_refused(alice, cid, "evidence_add", 409, "CASE_STATE_CONFLICT", kind="record", title="笔录")
    w.act_refused(carol, cid, "suspend", 409, "CASE_APPROVAL_PENDING", reason="等待鉴定")
    w.decide(alice, cid, "withdraw", state=S.LEAD)  # 取回 before anyone acted
    w.decide_refused(carol, cid, "approve", 409, "APPROVAL_NOT_PENDING")
    w.act(alice, cid, "filing_submit", state=S.FILING)
    todo = w.ok(carol, "get", f"{C}todo")["results"]
    assert any(t["case"]["id"] == cid and t["what"] == "审批立案" for t in todo)
    w.decide_refused(quentin, cid, "approve", 403, "APPROVAL_NOT_YOUR_LEVEL")
    w.decide_refused(carol, cid, "overrule", 400, "APPROVAL_DECISION_UNKNOWN")
    w.decide_refused(carol, cid, "send_back", 400, "REASON_REQUIRED")
    w.decide_refused(bob, cid, "approve", 404, "CASE_NOT_FOUND")
    w.decide_refused(carol, cid, "reassign", 400, "APPROVAL_REASSIGN_INVALID", assignee_id=paula.pk)
    w.decide(carol, cid, "reassign", state=S.FILING, assignee_id=carl.pk)
    w.decide_refused(carol, cid, "approve", 403, "APPROVAL_ASSIGNED_TO_OTHER")
    case = w.decide(carl, cid, "approve", state=S.FILING, expected_level=0)
    assert case["approvals"][-1]["level"] == 1 and case["approvals"][-1]["current_role"] == "approver_2"
    w.decide_refused(alice, cid, "withdraw", 409, "APPROVAL_ALREADY_ACTED")
    w.decide_refused(carl, cid, "approve", 409, "APPROVAL_STALE", expected_level=0)
    w.decide_refused(carl, cid, "approve", 409, "APPROVAL_STALE")  # his level was approved: stale
    case = w.decide(
        paula, cid, "send_back", state=S.FILING, to="previous", reasons="请补充当事人经营场所照片。"
    )
    assert case["approvals"][-1]["level"] == 0
    w.decide(carol, cid, "approve", state=S.FILING)
    w.decide(paula, cid, "send_back", state=S.LEAD, to="handler", reasons="违法行为发生日存疑，请核实。")
    w.act(alice, cid, "filing_submit", state=S.FILING)
    w.decide(carol, cid, "approve", state=S.FILING, reasons="同意立案。")
    case = w.decide(paula, cid, "approve", state=S.INVESTIGATING, expected_level=1)
    assert case["number"] == "长市监立〔2026〕1号" and case["filed_on"] == "2026-09-01"
    decision_deadline = next(d for d in case["deadlines"] if d["kind"] == "decision" and d["active"])
    assert decision_deadline["due_on"] == "2026-11-30" and decision_deadline["rule"] == "APL-60"
    filing = case["approvals"][-1]
    assert filing["status"] == "approved" and [s["decision"] for s in filing["steps"]] == [
        "approve",
        "approve",
    ]

    # ------------------------------------------------------------ suspension and resumption
    w.act_refused(alice, cid, "suspend", 403, "PERMISSION_DENIED", reason="x")
    w.act_refused(carol, cid, "suspend", 400, "CASE_LEADER_REQUIRED", reason="x")
    w.act_refused(paula, cid, "suspend", 400, "REASON_REQUIRED")
    w.act(paula, cid, "suspend", state=S.SUSPENDED, reason="当事人下落不明。")
    w.act_refused(alice, cid, "evidence_add", 409, "CASE_STATE_CONFLICT", kind="record", title="笔录")
    w.act_refused(paula, cid, "resume", 400, "REASON_REQUIRED")
    w.act(paula, cid, "resume", state=S.INVESTIGATING, reason="已找到当事人。")

    # ------------------------------------------------------------ investigation
    w.act_refused(
        alice, cid, "investigation_end", 400, "CASE_EVIDENCE_REQUIRED", rule="APL-54", report="终结"
    )
    w.act_refused(alice, cid, "evidence_add", 400, "CASE_EVIDENCE_KIND_INVALID", kind="rumour", title="传言")
    w.act_refused(alice, cid, "evidence_add", 400, "CASE_EVIDENCE_TITLE_REQUIRED", kind="record", title="")
    w.act_refused(
        alice,
        cid,
        "evidence_add",
        400,
        "CASE_DATE_IN_FUTURE",
        kind="record",
        title="笔录",
        collected_on="2026-09-05",
    )
    w.act_refused(
        alice, cid, "evidence_add", 400, "INVALID_INPUT", kind="record", title="笔录", collected_on="昨天"
    )
    w.act_refused(dave, cid, "evidence_add", 403, "PERMISSION_DENIED", kind="record", title="笔录")
    w.act(alice, cid, "evidence_add", kind="record", title="现场检查笔录", collected_on="2026-09-01")
    case = w.act(alice, cid, "evidence_add", kind="document", title="营业执照复印件")
    ev_ids = [e["id"] for e in case["evidence"]]
    w.act_refused(
        alice, cid, "evidence_examine", 400, "CASE_EVIDENCE_UNKNOWN", evidence_ids=[987654], record="无异议"
    )
    w.act_refused(
        alice, cid, "evidence_examine", 400, "CASE_EXAMINATION_RECORD_REQUIRED", evidence_ids=ev_ids
    )
    case = w.act(alice, cid, "evidence_examine", evidence_ids=ev_ids, record="当事人对证据无异议。")
    assert all(e["cross_examined"] for e in case["evidence"])
    w.act_refused(alice, cid, "investigation_end", 400, "CASE_REPORT_REQUIRED")
    w.act(
        alice, cid, "investigation_end", state=S.INVESTIGATED, report="经调查，当事人未取得许可从事食品经营。"
    )
    w.act_refused(alice, cid, "investigation_reopen", 400, "REASON_REQUIRED")
    w.act(alice, cid, "investigation_reopen", state=S.INVESTIGATING, reason="需补充询问笔录。")
    w.act(alice, cid, "evidence_add", kind="statement", title="询问笔录")
    case = w.ok(admin, "get", f"{C}{cid}")
    w.act(alice, cid, "evidence_examine", evidence_ids=[case["evidence"][-1]["id"]], record="无异议。")
    w.act(alice, cid, "investigation_end", state=S.INVESTIGATED, report="补充调查完毕。")

    # ------------------------------------------------------------ proposal (APL-57, G27-12)
    fine = {"outcome": "penalty", "kinds": ["fine"]}
    w.act_refused(alice, cid, "proposal_submit", 400, "CASE_OUTCOME_UNKNOWN", outcome="reprimand")
    w.act_refused(alice, cid, "proposal_submit", 400, "CASE_OUTCOME_PENALTY_MISSING", outcome="penalty")
    w.act_refused(
        alice, cid, "proposal_submit", 400, "CASE_FINE_AMOUNT_REQUIRED", rule="APL-9", **fine, tier="normal"
    )
    w.act_refused(
        alice,
        cid,
        "proposal_submit",
        400,
        "CASE_BENCHMARK_TIER_REQUIRED",
        rule="G27-12",
        **fine,
        amount="70000",
    )
    w.act_refused(
        alice,
        cid,
        "proposal_submit",
        400,
        "CASE_FINE_OUTSIDE_TIER",
        rule="G27-12",
        **fine,
        amount="90000",
        tier="normal",
    )
    w.act_refused(
        alice,
        cid,
        "proposal_submit",
        400,
        "CASE_DEVIATION_REASONS_REQUIRED",
        rule="G27-12",
        **fine,
        amount="90000",
        tier="normal",
        deviation_approval="head",
    )
    w.act_refused(alice, cid, "proposal_submit", 400, "INVALID_INPUT", **fine, amount="七万", tier="normal")
    w.act(
        alice,
        cid,
        "proposal_submit",
        state=S.PROPOSING,
        **fine,
        amount="70000",
        tier="normal",
        review_required=True,
    )
    w.decide_refused(paula, cid, "approve", 403, "APPROVAL_NOT_YOUR_LEVEL")
    case = w.decide(carol, cid, "approve", state=S.PROPOSED)
    assert (
        case["proposed_amount"] == "70000.00"
        and case["review_required"]
        and case["benchmark_tier"] == "normal"
    )

    # ------------------------------------------------------------ notice (APL-44/45/63)
    w.act_refused(alice, cid, "notice_serve", 400, "CASE_FIELD_REQUIRED")
    w.act_refused(alice, cid, "notice_serve", 400, "INVALID_INPUT", served_on="9月1日")
    case = w.act(alice, cid, "notice_serve", state=S.NOTIFIED, served_on="2026-09-01")
    assert case["hearing_offered"]  # a person, 70,000 ≥ 10,000 (APL-63)
    running = {d["kind"] for d in case["deadlines"] if d["active"]}
    assert {"statement", "hearing_request", "decision"} <= running
    w.act_refused(alice, cid, "statement_close", 400, "CASE_STATEMENT_PERIOD_RUNNING")
    w.act_refused(alice, cid, "reconsider", 409, "CASE_NO_STATEMENT", result="维持")
    w.act_refused(alice, cid, "statement_record", 400, "CASE_STATEMENT_EMPTY", rule="APL-45")
    w.act(alice, cid, "statement_record", state=S.NOTIFIED, text="当事人称系初次经营，请求从轻处罚。")
    w.act_refused(alice, cid, "reconsider", 400, "CASE_RECONSIDER_EMPTY")
    clock.move_to(at("2026-09-09"))  # the fifth working day after 1 September was 8 September
    w.act_refused(alice, cid, "hearing_request", 400, "CASE_HEARING_REQUEST_LATE", rule="APL-64")
    clock.move_to(at("2026-09-02"))
    w.act(alice, cid, "hearing_request", state=S.HEARING)

    # ------------------------------------------------------------ hearing (APL-64)
    w.act_refused(alice, cid, "hearing_hold", 409, "CASE_HEARING_NOT_SCHEDULED", record="笔录")
    w.act_refused(alice, cid, "hearing_schedule", 400, "CASE_HEARING_HOST_REQUIRED", hearing_on="2026-09-15")
    w.act_refused(
        alice,
        cid,
        "hearing_schedule",
        400,
        "CASE_HEARING_HOST_INVALID",
        hearing_on="2026-09-15",
        host_id=bob.pk,
    )
    w.act_refused(
        alice,
        cid,
        "hearing_schedule",
        400,
        "CASE_HEARING_NOTICE_TOO_LATE",
        rule="APL-64",
        hearing_on="2026-09-08",
        host_id=grace.pk,
    )
    w.act_refused(
        alice,
        cid,
        "hearing_schedule",
        400,
        "CASE_HEARING_CHAIR_IS_INVESTIGATOR",
        hearing_on="2026-09-15",
        host_id=andy.pk,
    )
    w.act(alice, cid, "hearing_schedule", state=S.HEARING, hearing_on="2026-09-15", host_id=grace.pk)
    w.act_refused(alice, cid, "statement_close", 409, "CASE_RECONSIDER_REQUIRED", rule="APL-45")
    w.act(alice, cid, "reconsider", result="当事人所述初次经营属实，但不足以从轻。")
    w.act_refused(alice, cid, "statement_close", 409, "CASE_HEARING_PENDING", rule="APL-64")
    clock.move_to(at("2026-09-15"))
    w.act_refused(alice, cid, "hearing_hold", 400, "CASE_HEARING_RECORD_REQUIRED")
    w.act(alice, cid, "hearing_hold", state=S.HEARING, record="听证笔录：当事人到场陈述。")
    w.act(alice, cid, "statement_close", state=S.READY)

    # ------------------------------------------------------------ legal review (APL-58), sent back once
    # (the row's guards run before the hooks': deliberation, not yet recorded, is asked first)
    w.act_refused(alice, cid, "decision_submit", 400, "CASE_DELIBERATION_REQUIRED", rule="APL-57")
    w.act(alice, cid, "review_submit", state=S.REVIEWING)
    w.act_refused(alice, cid, "review_pass", 403, "PERMISSION_DENIED", opinion="同意")
    # one rule of who may review (review.rules.reviewer_check), on the case API as on the review page
    w.act_refused(andy, cid, "review_pass", 400, "REVIEWER_INVOLVED", rule="APL-58", opinion="同意")
    w.act_refused(rita, cid, "review_pass", 400, "REVIEWER_UNQUALIFIED", rule="APL-58", opinion="同意")
    w.act_refused(dave, cid, "review_send_back", 400, "REASON_REQUIRED")
    w.act(dave, cid, "review_send_back", state=S.INVESTIGATED, reason="违法所得未查清，罚款幅度应重新考虑。")

    # ------------------------------------------------------------ a second proposal and a second notice (APL-45)
    w.act(alice, cid, "proposal_submit", state=S.PROPOSING, **fine, amount="80000", tier="normal")
    w.decide(carol, cid, "approve", state=S.PROPOSED)
    clock.move_to(at("2026-09-16"))
    w.act_refused(
        alice,
        cid,
        "notice_serve",
        400,
        "CASE_RENOTICE_REASON_REQUIRED",
        served_on="2026-09-16",
        amount="80000",
    )
    case = w.act(
        alice,
        cid,
        "notice_serve",
        state=S.NOTIFIED,
        served_on="2026-09-16",
        amount="80000",
        changed_reason="补充调查查明违法所得 12,000 元。",
    )
    assert case["notified_amount"] == "80000.00"
    w.act(alice, cid, "statement_record", waived=True, text="当事人明确放弃陈述申辩和听证。")
    w.act(alice, cid, "statement_close", state=S.READY)

    # ------------------------------------------------------------ review again, deliberation (APL-57), decision
    # the row's guards run before the hooks' (legal review's gate): deliberation is asked first
    w.act_refused(alice, cid, "decision_submit", 400, "CASE_DELIBERATION_REQUIRED", rule="APL-57")
    w.act(alice, cid, "review_submit", state=S.REVIEWING)
    w.act(dave, cid, "review_pass", state=S.READY, opinion="事实清楚，证据确凿，适用依据正确。")
    w.act_refused(alice, cid, "review_submit", 409, "CASE_REVIEW_ALREADY_PASSED")
    w.act_refused(alice, cid, "decision_submit", 400, "CASE_DELIBERATION_REQUIRED", rule="APL-57")
    w.act_refused(
        alice, cid, "deliberate", 403, "PERMISSION_DENIED", attendee_ids=[carol.pk, paula.pk], conclusion="x"
    )
    w.act_refused(
        quentin,
        cid,
        "deliberate",
        400,
        "CASE_DELIBERATION_ATTENDEES",
        attendee_ids=[carol.pk],
        conclusion="x",
    )
    w.act_refused(
        quentin,
        cid,
        "deliberate",
        400,
        "CASE_DELIBERATION_ATTENDEES",
        attendee_ids=[carol.pk, alice.pk],
        conclusion="x",
    )
    # APL-57: the head of the enforcing department (carol, approver_1) is not an agency leader
    w.act_refused(
        quentin,
        cid,
        "deliberate",
        400,
        "CASE_DELIBERATION_ATTENDEES",
        attendee_ids=[carol.pk, paula.pk],
        conclusion="x",
    )
    w.act_refused(
        quentin,
        cid,
        "deliberate",
        400,
        "CASE_DELIBERATION_CONCLUSION",
        attendee_ids=[paula.pk, world.rose.pk],
    )
    case = w.act(
        quentin,
        cid,
        "deliberate",
        state=S.READY,
        attendee_ids=[paula.pk, world.rose.pk],
        conclusion="同意处罚款 80,000 元。",
    )
    assert case["deliberated"]
    w.act(alice, cid, "decision_submit", state=S.DECIDING)
    w.decide(carol, cid, "approve", state=S.DECIDING)
    w.decide(paula, cid, "approve", state=S.DECIDING)
    w.decide_refused(quentin, cid, "approve", 409, "APPROVAL_STALE", expected_level=1)
    case = w.decide(quentin, cid, "approve", state=S.DECIDED, expected_level=2)
    assert (
        case["outcome"] == "penalty"
        and case["fine_amount"] == "80000.00"
        and case["decided_on"] == "2026-09-16"
    )
    # APL-59: the decision document has its own number, apart from the case number (GB/T 9704)
    assert case["decision_number"] == "长市监处罚〔2026〕1号" != case["number"]
    assert any(d["kind"] == "service" and d["active"] and d["rule"] == "APL-61" for d in case["deadlines"])

    # ------------------------------------------------------------ service (APL-61), payment (APL-66/67/72)
    w.act_refused(
        alice,
        cid,
        "decision_serve",
        400,
        "CASE_E_SERVICE_CONSENT_REQUIRED",
        rule="APL-61",
        method="electronic",
    )
    w.act_refused(alice, cid, "decision_serve", 400, "CASE_SERVICE_METHOD_UNKNOWN", method="pigeon")
    case = w.act(alice, cid, "decision_serve", state=S.SERVED, served_on="2026-09-16", method="direct")
    assert any(d["kind"] == "payment" and d["active"] for d in case["deadlines"])
    w.act_refused(alice, cid, "execution_complete", 409, "CASE_FINE_UNPAID", rule="APL-66")
    w.act_refused(carol, cid, "close", 409, "CASE_NOT_EXECUTED", rule="APL-47")
    w.act_refused(alice, cid, "payment_record", 400, "CASE_PAYMENT_INVALID", amount="0")
    w.act_refused(alice, cid, "payment_record", 400, "CASE_PAYMENT_EXCEEDS", rule="APL-72", amount="90000")
    w.act_refused(alice, cid, "demand_serve", 409, "CASE_DEMAND_PREMATURE", rule="ACL-35")
    w.act_refused(alice, cid, "court_apply", 400, "CASE_FIELD_REQUIRED")
    w.act_refused(
        alice, cid, "court_apply", 400, "ENFORCEMENT_DEMAND_REQUIRED", period_expired_on="2026-10-09"
    )
    case = w.act(alice, cid, "payment_record", state=S.SERVED, amount="30000", paid_on="2026-09-16")
    assert case["paid_amount"] == "30000.00"
    w.act_refused(alice, cid, "execution_complete", 409, "CASE_FINE_UNPAID")
    w.act_refused(alice, cid, "payment_record", 400, "CASE_PAYMENT_EXCEEDS", amount="50000.01")
    w.act(alice, cid, "payment_record", state=S.SERVED, amount="50000", paid_on="2026-09-16")
    w.act(alice, cid, "execution_complete", state=S.EXECUTED)

    # ------------------------------------------------------------ close and archive
    w.act_refused(alice, cid, "close", 403, "PERMISSION_DENIED")
    w.act_refused(alice, cid, "archive", 409, "CASE_STATE_CONFLICT")
    w.act(carol, cid, "close", state=S.CLOSED)
    w.act_refused(bob, cid, "archive", 404, "CASE_NOT_FOUND")
    case = w.act(alice, cid, "archive", state=S.ARCHIVED)
    w.act_refused(alice, cid, "archive", 409, "CASE_STATE_CONFLICT")
    assert w.call(alice, "post", f"{C}{cid}/actions/no_such_action").status_code == 404

    # ------------------------------------------------------------ what the API shows at the end
    assert case["closed_on"] == "2026-09-16" and case["archived_on"] == "2026-09-16"
    assert case["archive_number"] == "长市监-2026-D30-0001"  # DA/T 22: 全宗号—年度—保管期限—件号
    assert not [d for d in case["deadlines"] if d["active"]]
    timeline = [e["action"] for e in case["timeline"]]
    assert timeline[0] == "register" and timeline[-1] == "archive"
    assert {
        "approval_withdraw",
        "approval_send_back",
        "approval_reassign",
        "hearing_hold",
        "deliberate",
    } <= set(timeline)
    moving = {t.action for t in workflow.TABLE if t.target is not None}
    assert not {a["action"] for a in case["actions"]} & moving  # only records (e.g. a reply to 协查) remain
    listed = w.ok(carol, "get", C, {"state": "archived"})
    assert [r["id"] for r in listed["results"]] == [cid]
    assert w.ok(carol, "get", C, {"q": "王某", "limit": 10})["count"] >= 2
    assert w.ok(bob, "get", C)["count"] == 0

    print(f"{w.steps} API steps, {len(w.codes)} distinct refusal codes")
    assert w.steps >= 100, w.steps
    assert len(w.codes) >= 60, sorted(w.codes)
