"""Cases API: the on-the-spot procedure from the street to its filed copy, list filters and
query counts, detail contents (pending deadlines with their reason), 待办, the schema."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from lawtrail.cases import api, workflow
from lawtrail.cases import services as svc
from lawtrail.cases.deadlines import refresh_next_due
from lawtrail.cases.models import Case, Deadline, State
from lawtrail.core.permissions import Perm
from tests.cases.walk import C, Walk
from tests.factories import make_credit_code, make_id_number

S = State


def spot_body(world, **over):
    c = world.cast
    body = {
        "domain": "market",
        "region": c.changan.code,
        "party_kind": "person",
        "party_name": "赵某",
        "party_id_number": make_id_number(77, "130102", born=dt.date(1985, 3, 3)),
        "officer_ids": [world.andy.pk],
        "kinds": ["fine"],
        "amount": "50",
        "act_date": "2026-09-01",
        "facts": "在长安区某路占道经营。",
        "violation_ids": [world.violation.pk],
        "form_serial": "冀市监简0007",
    }
    body.update(over)
    return body


def test_on_the_spot_penalty_from_the_street_to_filing_through_the_api(world):
    """APL-51/52/68/71 over REST: decided, served and collected on the spot, cash handed over
    (2 WD + 2 WD), executed, 备案, closed and archived — each refusal on the way."""
    c = world.cast
    alice, carol, bob = c.alice, c.carol, c.bob
    w = Walk(observer=c.admin)
    spot = C + "on-the-spot"
    w.refused(
        alice,
        "post",
        spot,
        spot_body(world, amount="201"),
        status=400,
        code="CASE_ON_THE_SPOT_FINE_OVER_LIMIT",
    )
    w.refused(
        alice,
        "post",
        spot,
        spot_body(world, credentials_shown=False),
        status=400,
        code="CASE_CREDENTIALS_NOT_SHOWN",
    )
    w.refused(alice, "post", spot, spot_body(world, facts=""), status=400, code="CASE_FACTS_REQUIRED")
    w.refused(
        alice, "post", spot, spot_body(world, form_serial=""), status=400, code="CASE_FORM_SERIAL_REQUIRED"
    )
    w.refused(
        alice,
        "post",
        spot,
        spot_body(world, party_signed=False),
        status=400,
        code="CASE_ON_THE_SPOT_SIGNATURE",
    )
    w.refused(alice, "post", spot, spot_body(world, officer_ids=[]), status=400, code="CASE_OFFICERS_LT_2")
    w.refused(carol, "post", spot, spot_body(world), status=403, code="PERMISSION_DENIED")
    w.refused(bob, "post", spot, spot_body(world, agency=c.agency_a.pk), status=404, code="AGENCY_NOT_FOUND")
    w.refused(alice, "post", spot, spot_body(world, kinds=None), status=400, code="INVALID_INPUT")
    case = w.ok(
        alice,
        "post",
        spot,
        spot_body(world, collected=True, receipt_number="财政票据No.000123"),
        status=201,
        state=S.SERVED,
    )
    cid = case["id"]
    assert case["procedure"] == "on_the_spot" and case["number"] == "冀市监简0007"
    assert case["fine_amount"] == "50.00" and case["paid_amount"] == "50.00"
    due = {d["kind"]: d["due_on"] for d in case["deadlines"] if d["active"]}
    assert due == {"cash_to_agency": "2026-09-03", "cash_to_bank": "2026-09-07"}
    assert "cash_handover" in {a["action"] for a in case["actions"]}
    w.refused(alice, "post", spot, spot_body(world), status=409, code="CASE_FORM_SERIAL_USED")

    w.act_refused(alice, cid, "cash_handover", 409, "CASE_HANDOVER_ORDER", to="bank")
    w.act(alice, cid, "cash_handover", state=S.SERVED, to="agency", handed_on="2026-09-01")
    w.act_refused(alice, cid, "cash_handover", 409, "CASE_HANDOVER_DONE", to="agency")
    case = w.act(alice, cid, "cash_handover", state=S.SERVED, to="bank", handed_on="2026-09-01")
    assert not [d for d in case["deadlines"] if d["active"]]
    w.act(alice, cid, "execution_complete", state=S.EXECUTED)
    w.act_refused(carol, cid, "close", 409, "CASE_ON_THE_SPOT_NOT_FILED")
    case = w.act(alice, cid, "on_the_spot_file", state=S.EXECUTED, note="报送法制科备案")
    assert case["filed_copy_on"] == "2026-09-01"
    w.act_refused(alice, cid, "on_the_spot_file", 409, "CASE_ON_THE_SPOT_FILED")
    w.act(carol, cid, "close", state=S.CLOSED)
    case = w.act(alice, cid, "archive", state=S.ARCHIVED)
    assert [e["action"] for e in case["timeline"]] == [
        "on_the_spot",
        "cash_handover",
        "cash_handover",
        "execution_complete",
        "on_the_spot_file",
        "close",
        "archive",
    ]


def _lead(world, n: int, **kw):
    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title=kw.pop("title", f"案件{n}"),
        officer_ids=[world.andy.pk],
        act_date=dt.date(2026, 8, 20),
        violation_ids=[world.violation.pk],
        **kw,
    )
    svc.party_add(
        actor=c.alice,
        case=case,
        kind="organisation",
        name=f"某公司{n}",
        credit_code=make_credit_code(900 + n, "130102"),
    )
    return case


@pytest.mark.parametrize("rows", [3, 30])
def test_case_list_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries, rows):
    """The first page costs the same handful of queries whether there are 3 cases or 30."""
    for n in range(rows):
        case = _lead(world, n)
        svc.case_transition(actor=world.cast.alice, case_id=case.pk, action="filing_submit")
    client = Walk(world.cast.carol)
    with django_assert_max_num_queries(6):
        r = client.call(world.cast.carol, "get", C, {"limit": 20, "state": "filing", "q": "案件"})
    assert r.status_code == 200 and r.json()["count"] == rows
    assert len(r.json()["results"]) == min(rows, 20)


def test_case_list_filters(world):
    c = world.cast
    a = _lead(world, 1, title="销售过期食品案")
    b = _lead(world, 2, title="无证经营案")
    Deadline.objects.create(
        case=b,
        kind="x",
        label="测试期限",
        rule="APL-60",
        started_on=dt.date(2026, 8, 1),
        due_on=dt.date(2026, 8, 31),
    )
    refresh_next_due([b.pk])  # a deadline written by hand, not through cases.deadlines
    w = Walk(c.admin)

    def ids(**q):
        return [r["id"] for r in w.ok(c.carol, "get", C, q)["results"]]

    assert ids() == [b.pk, a.pk]
    assert ids(q="过期") == [a.pk]
    assert ids(q="某公司2") == [b.pk]
    assert ids(overdue="true") == [b.pk]
    assert ids(overdue="false") == [a.pk]
    assert ids(state="lead", domain="market") == [b.pk, a.pk]
    assert ids(domain="other") == []
    assert ids(officer=world.andy.pk) == [b.pk, a.pk]
    assert ids(officer=c.carol.pk) == []
    assert ids(date_from="2026-09-02") == [] and ids(date_to="2026-09-01") == [b.pk, a.pk]
    assert w.refused(c.carol, "get", C, {"date_from": "昨天"}, status=400, code="INVALID_INPUT")
    assert w.ok(c.bob, "get", C)["count"] == 0
    page = w.ok(c.carol, "get", C, {"limit": 1, "offset": 1})
    assert page["count"] == 2 and [r["id"] for r in page["results"]] == [a.pk]


def test_detail_shows_a_provisional_deadline_with_its_reason_and_todo_has_due_dates(world):
    """WD-1 and issue 8: a deadline reaching an unentered calendar year is shown with a date counted
    with weekends only, marked provisional, with why — never blocking, never presented as final."""
    c = world.cast
    case = _lead(world, 1)
    svc.case_transition(actor=c.alice, case_id=case.pk, action="filing_submit")
    with time_machine.travel(
        dt.datetime(2026, 12, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
        svc.approval_act(actor=world.paula, case_id=case.pk, decision="approve")
        w = Walk(c.admin)
        detail = w.ok(c.alice, "get", f"{C}{case.pk}")
        deadline = next(d for d in detail["deadlines"] if d["kind"] == "decision")
        assert deadline["due_on"] == "2027-03-01" and deadline["provisional"] and deadline["active"]
        assert "2027年法定节假日安排尚未录入" in deadline["pending_reason"]
        todo = w.ok(c.alice, "get", C + "todo")["results"]
        assert todo[0]["case"]["id"] == case.pk and todo[0]["due_on"] == "2027-03-01"
    other = _lead(world, 2)
    svc.case_transition(actor=c.alice, case_id=other.pk, action="filing_submit")
    svc.approval_act(actor=c.carol, case_id=other.pk, decision="approve")
    svc.approval_act(actor=world.paula, case_id=other.pk, decision="approve")
    todo = Walk(c.admin).ok(c.alice, "get", C + "todo")["results"]
    assert [t["case"]["id"] for t in todo][:2] == [other.pk, case.pk]  # soonest first
    assert (
        todo[0]["due_on"] == "2026-11-30" and todo[0]["what"] == "登记证据、调查终结"
    )  # the task, not the state (issue 9)


def test_detail_lists_the_actions_the_user_may_take(world):
    c = world.cast
    case = _lead(world, 1)
    w = Walk(c.admin)
    mine = {a["action"] for a in w.ok(c.alice, "get", f"{C}{case.pk}")["actions"]}
    assert "filing_submit" in mine and "decline" not in mine
    theirs = {a["action"] for a in w.ok(c.carol, "get", f"{C}{case.pk}")["actions"]}
    assert {"decline", "transfer", "suspend", "terminate"} <= theirs and "filing_submit" not in theirs
    # a supervisor only records what anyone who sees the case may (e.g. a party's recusal request)
    viewing = {t.action for t in workflow.TABLE if t.perm == Perm.CASE_VIEW}
    assert {a["action"] for a in w.ok(c.erin, "get", f"{C}{case.pk}")["actions"]} <= viewing
    svc.case_transition(actor=c.alice, case_id=case.pk, action="filing_submit")
    acts = w.ok(c.carol, "get", f"{C}{case.pk}")["actions"]
    assert {a["action"]: a["url"] for a in acts}["approve"] == f"/api/v1/cases/{case.pk}/approval/approve"


def test_every_action_of_the_table_has_an_endpoint_and_typed_inputs():
    """An action added to workflow.TABLE is served at once, its request generated from its typed
    input (a frozen dataclass of inputs.py): no field is left untyped."""
    import dataclasses

    assert set(api.ACTION_VIEWS) == {t.action for t in workflow.TABLE}
    for t in workflow.TABLE:
        assert dataclasses.is_dataclass(t.input) and t.input.__dataclass_params__.frozen, t.action
        request = api.ACTION_VIEWS[t.action]().get_serializer_class if False else None
        assert request is None


def test_schema_documents_each_action_with_its_rule_and_error_codes(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/cases/{id}/actions/hearing_schedule"]["post"]
    assert op["summary"] == "通知听证（APL-64）"
    # 415: a body of another media type (documented for every operation with a body: core/api_schema.py)
    assert set(op["responses"]) == {"200", "400", "403", "404", "409", "415"}
    assert "CASE_HEARING_CHAIR_IS_INVESTIGATOR" in op["responses"]["400"]["description"]
    assert "CASE_STATE_CONFLICT" in op["responses"]["409"]["description"]
    body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][body]["properties"]) == {
        "hearing_on",
        "notified_on",
        "host_id",
    }
    error = schema["components"]["schemas"]["CaseErrorOut"]
    assert set(error["properties"]) == {"code", "message", "rule", "details"}


def test_an_assisting_agency_replies_without_seeing_the_case(world):
    """协查: bob's agency (B) answers A's request; the answer is a receipt, not A's case."""
    from lawtrail.cases.models import Assistance

    c = world.cast
    case = _lead(world, 1)
    ask = Assistance.objects.create(
        case=case,
        to_agency=c.agency_b,
        request="请核查当事人住所",
        requested_on=dt.date(2026, 9, 1),
        requested_by=c.alice,
    )
    w = Walk(c.admin)
    w.refused(c.bob, "get", f"{C}{case.pk}", status=404, code="CASE_NOT_FOUND")
    path = f"{C}{case.pk}/actions/assistance_reply"
    w.refused(c.bob, "post", path, {"assistance_id": ask.pk}, status=400, code="CASE_ASSISTANCE_REPLY_EMPTY")
    w.refused(
        c.alice,
        "post",
        path,
        {"assistance_id": ask.pk, "reply": "x"},
        status=404,
        code="CASE_ASSISTANCE_NOT_FOUND",
    )
    done = w.ok(c.bob, "post", path, {"assistance_id": ask.pk, "reply": "当事人住所属实。"})
    assert done == {"case": case.pk, "action": "assistance_reply", "label": "答复协查请求"}
    ask.refresh_from_db()
    assert ask.reply == "当事人住所属实。" and ask.replied_by == c.bob


def test_detail_etag_answers_304_until_anything_shown_changes(world):
    """Case detail carries a weak ETag of what the actor sees; If-None-Match with it answers 304
    without a body — until the case, a related row (party, event, deadline, approval) or the
    actions offered change."""
    from tests.cast import api_client_for

    c = world.cast
    case = _lead(world, 1)
    alice = api_client_for(c.alice)
    url = f"{C}{case.pk}"

    def tag_of(client=alice):
        r = client.get(url)
        assert r.status_code == 200 and r["ETag"].startswith('W/"') and "private" in r["Cache-Control"]
        return r["ETag"]

    def fresh(tag, client=alice):
        return client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304

    tag = tag_of()
    r = alice.get(url, HTTP_IF_NONE_MATCH=tag)
    assert r.status_code == 304 and r.content == b"" and r["ETag"] == tag
    assert fresh(tag.removeprefix("W/")) and fresh(f'"x", {tag}') and fresh("*")
    assert not fresh('W/"0"') and alice.get(url, HTTP_IF_NONE_MATCH='W/"0"').json()["id"] == case.pk
    svc.party_add(actor=c.alice, case=case, kind="person", name="赵某")  # a related row
    assert not fresh(tag)
    tag = tag_of()
    svc.case_transition(actor=c.alice, case_id=case.pk, action="filing_submit")  # state, event, approval
    assert not fresh(tag)
    tag = tag_of()
    carol = api_client_for(c.carol)  # another actor: other actions, another tag
    assert tag_of(carol) != tag and not fresh(tag, carol)
    d = Deadline.objects.filter(case=case).first()
    assert d is not None  # a lead's deadline, its date changed in place (no new row, no event)
    Deadline.objects.filter(pk=d.pk).update(due_on=dt.date(2031, 1, 1))
    assert not fresh(tag)
    tag = tag_of()
    Case.objects.filter(pk=case.pk).update(title="改过的案由")  # a column of the case itself
    assert not fresh(tag)
    # a case the actor may not see: 404 whatever the tag
    assert api_client_for(c.bob).get(url, HTTP_IF_NONE_MATCH="*").status_code == 404
