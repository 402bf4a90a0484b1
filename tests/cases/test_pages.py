"""Case-handling pages: who sees what, each form calling its service, refusals inline, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest

from lawtrail.cases import selectors, workflow
from lawtrail.cases import services as svc
from lawtrail.cases.deadlines import refresh_next_due
from lawtrail.cases.forms import ActionForm
from lawtrail.cases.models import Case, CaseEvent, Deadline, Party, State
from tests.factories import UserFactory, make_credit_code, make_id_number

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lead(world):
    c = world.cast
    return svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某超市销售过期食品案",
        officer_ids=[world.andy.pk],
        act_date=dt.date(2026, 8, 20),
        discovered_on=dt.date(2026, 8, 28),
        violation_ids=[world.violation.pk],
    )


@pytest.fixture
def lead_with_party(world, lead):
    svc.party_add(
        actor=world.cast.alice,
        case=lead,
        kind="organisation",
        name="石家庄市长安区某超市",
        credit_code=make_credit_code(5, "130102"),
    )
    return lead


def url(case, tail=""):
    return f"/backoffice/cases/{case.pk}/{tail}"


def act(client, case, action, data=None, **extra):
    return client.post(url(case, f"act/{action}/"), data or {}, **extra)


def state_and_events(case):
    return Case.objects.get(pk=case.pk).state, CaseEvent.objects.filter(case=case).count()


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "erin", "frank", "grace", "admin"])
def test_case_pages_render_for_users_who_may_see_the_case(world, lead_with_party, client, who):
    client.force_login(getattr(world.cast, who))
    page = client.get(url(lead_with_party))
    assert page.status_code == 200
    body = page.content.decode()
    for text in (
        "某超市销售过期食品案",
        "线索登记",
        "石家庄市长安区某超市",
        "大事记",
        "食品安全法",
        "第一百二十二条第一款",
    ):
        assert text in body, text
    listing = client.get("/backoffice/cases/")
    assert listing.status_code == 200 and "某超市销售过期食品案" in listing.content.decode()
    assert client.get("/backoffice/cases/todo/").status_code == 200


def test_another_agency_gets_404_everywhere(world, lead_with_party, client):
    client.force_login(world.cast.bob)
    assert "某超市销售过期食品案" not in client.get("/backoffice/cases/").content.decode()
    before = state_and_events(lead_with_party)
    for response in (
        client.get(url(lead_with_party)),
        client.get(url(lead_with_party, "act/filing_submit/")),
        act(client, lead_with_party, "filing_submit"),
        client.post(url(lead_with_party, "parties/new/"), {"kind": "person", "name": "张三"}),
    ):
        assert response.status_code == 404
        assert "CASE_NOT_FOUND" in response.content.decode()
    assert state_and_events(lead_with_party) == before
    assert Party.objects.filter(case=lead_with_party).count() == 1


def test_pages_need_login_and_case_permission(world, lead, client):
    assert client.get("/backoffice/cases/").status_code == 302
    client.force_login(UserFactory(username="nobody"))
    for path in ("/backoffice/cases/", "/backoffice/cases/todo/", "/backoffice/cases/new/"):
        assert client.get(path).status_code == 403, path
    assert client.get(url(lead)).status_code == 404
    summary = client.get("/backoffice/cases/todo/summary/")
    assert summary.status_code == 200 and "todo-summary" not in summary.content.decode()


def test_register_a_lead_and_add_a_party(world, client):
    c = world.cast
    client.force_login(c.alice)
    form = client.get("/backoffice/cases/new/")
    assert form.status_code == 200 and "安迪" in form.content.decode()
    response = client.post(
        "/backoffice/cases/new/",
        {
            "agency": c.agency_a.pk,
            "title": "某药店销售假药案",
            "domain": c.market.pk,
            "region": c.changan.pk,
            "officer_ids": [world.andy.pk],
            "violation_ids": [world.violation.pk],
            "act_date": "2026-08-25",
            "discovered_on": "2026-08-30",
            "lead_on": "2026-09-01",
        },
    )
    case = Case.objects.get(title="某药店销售假药案")
    assert response.status_code == 302 and response["Location"] == url(case)
    assert case.state == State.LEAD and case.handler == c.alice
    assert set(case.officers.values_list("username", flat=True)) == {"alice", "andy"}

    refused = client.post(
        url(case, "parties/new/"),
        {"kind": "organisation", "name": "某药店", "credit_code": "91130102MA0000000X"},
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "统一社会信用代码格式或校验位错误" in body and "CREDIT_CODE_INVALID" in body
    assert not case.parties.exists()
    ok = client.post(
        url(case, "parties/new/"),
        {"kind": "organisation", "name": "某药店", "credit_code": make_credit_code(77, "130102")},
    )
    assert ok.status_code == 302 and case.parties.get().name == "某药店"


def test_register_a_lead_refused_inline(world, client):
    c = world.cast
    client.force_login(c.alice)
    response = client.post(
        "/backoffice/cases/new/",
        {"agency": c.agency_a.pk, "title": "  ", "domain": c.market.pk, "region": c.changan.pk},
    )
    assert response.status_code == 400 and "CASE_TITLE_REQUIRED" in response.content.decode()
    assert not Case.objects.exists()
    client.force_login(c.carol)  # an approver does not register leads
    assert client.get("/backoffice/cases/new/").status_code == 403


def test_filing_submitted_and_approved_through_the_forms(world, lead_with_party, client):
    c = world.cast
    client.force_login(c.alice)
    page = client.get(url(lead_with_party)).content.decode()
    assert 'id="act-filing_submit"' in page and 'id="act-decline"' not in page  # decline needs cases.approve
    response = act(client, lead_with_party, "filing_submit")
    assert response.status_code == 302
    assert Case.objects.get(pk=lead_with_party.pk).state == State.FILING

    client.force_login(c.carol)
    todo = client.get("/backoffice/cases/todo/").content.decode()
    assert "审批立案" in todo and "某超市销售过期食品案" in todo
    page = client.get(url(lead_with_party)).content.decode()
    assert 'id="act-approve"' in page and 'name="expected_level" value="0"' in page
    response = act(client, lead_with_party, "approve", {"reasons": "同意立案", "expected_level": "0"})
    assert response.status_code == 302
    case = Case.objects.get(pk=lead_with_party.pk)
    assert case.state == State.FILING  # the default filing chain has a second level (分管领导)

    client.force_login(world.paula)
    response = act(client, case, "approve", {"reasons": "同意", "expected_level": "1"}, **HX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#case-body"
    body = response.content.decode()
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.INVESTIGATING and case.number == "长市监立〔2026〕1号"
    assert case.number in body and "已办理：批准" in body
    # the full step history: who, level, decision, reasons
    page = client.get(url(case)).content.decode()
    for text in (
        "卡罗尔",
        "承办机构负责人",
        "同意立案",
        "宝拉",
        "分管领导",
        "作出处罚决定期限",
        "《行政处罚法》第六十条",
    ):
        assert text in page, text


def test_refused_action_shows_the_message_and_changes_nothing(world, lead, client):
    client.force_login(world.cast.alice)
    before = state_and_events(lead)
    response = act(client, lead, "filing_submit", **HX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "请先登记当事人" in body and "CASE_PARTY_REQUIRED" in body
    assert 'id="act-filing_submit"' in body and "<html" not in body  # only the form is swapped
    assert state_and_events(lead) == before

    plain = act(client, lead, "filing_submit")  # without htmx: the form page with the message
    assert plain.status_code == 400 and "<html" in plain.content.decode()
    assert "请先登记当事人" in plain.content.decode()
    assert state_and_events(lead) == before


def test_refusal_naming_the_article_and_conflicts(world, lead_with_party, client):
    c = world.cast
    Case.objects.filter(pk=lead_with_party.pk).update(
        act_date=dt.date(2023, 1, 1), discovered_on=dt.date(2026, 8, 1)
    )
    client.force_login(c.alice)
    before = state_and_events(lead_with_party)
    response = act(client, lead_with_party, "filing_submit", **HX)
    body = response.content.decode()
    assert response.status_code == 400 and "APL-36" in body and 'role="alert"' in body
    assert state_and_events(lead_with_party) == before

    response = act(client, lead_with_party, "investigation_end", {"report": "x"}, **HX)
    assert response.status_code == 409 and "CASE_STATE_CONFLICT" in response.content.decode()
    assert state_and_events(lead_with_party) == before


def test_forbidden_action_goes_to_the_error_page(world, lead_with_party, client):
    client.force_login(world.cast.alice)
    before = state_and_events(lead_with_party)
    response = act(client, lead_with_party, "decline", {"reason": "不属于本机关管辖"})
    assert response.status_code == 403 and "操作未能完成" in response.content.decode()
    assert client.get(url(lead_with_party, "act/decline/")).status_code == 403
    assert client.get(url(lead_with_party, "act/no_such_action/")).status_code == 404
    assert state_and_events(lead_with_party) == before


def test_action_form_alone_and_its_widgets(world, lead_with_party, client):
    c = world.cast
    svc.case_transition(actor=c.alice, case_id=lead_with_party.pk, action="filing_submit")
    svc.approval_act(actor=c.carol, case_id=lead_with_party.pk, decision="approve")
    svc.approval_act(actor=world.paula, case_id=lead_with_party.pk, decision="approve")
    client.force_login(c.alice)
    page = client.get(url(lead_with_party, "act/evidence_add/"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "data-date" in body and "现场笔录" in body and 'value="2026-09-01"' in body
    response = act(
        client,
        lead_with_party,
        "evidence_add",
        {"evidence_kind": "record", "title": "现场检查笔录", "collected_on": "2026-09-01"},
    )
    assert response.status_code == 302
    assert lead_with_party.evidence.get().title == "现场检查笔录"
    page = client.get(url(lead_with_party)).content.decode()
    assert "现场检查笔录" in page and 'name="evidence_ids"' in page  # 质证 offers the case's evidence


def test_todo_shows_due_dates_overdue_and_pending(world, lead_with_party, client):
    c = world.cast
    other = svc.case_create(
        actor=c.alice, agency=c.agency_a, domain=c.market, region=c.changan, title="某餐馆超范围经营案"
    )
    Deadline.objects.create(
        case=lead_with_party,
        kind="x",
        label="测试期限",
        rule="APL-60",
        started_on=dt.date(2026, 8, 1),
        due_on=dt.date(2026, 8, 31),
    )
    Deadline.objects.filter(case__in=[lead_with_party, other], kind="filing").update(active=False)
    Deadline.objects.create(  # a clock stopped by a period not counted (APL-60)
        case=other,
        kind="decision",
        label="作出处罚决定期限",
        rule="APL-60",
        started_on=dt.date(2026, 9, 1),
        due_on=None,
        pending_reason="鉴定期间（2026-09-01起）不计入办案期限",
    )
    refresh_next_due([lead_with_party.pk, other.pk])  # deadlines written by hand
    client.force_login(c.alice)
    body = client.get("/backoffice/cases/todo/").content.decode()
    assert "2026-08-31" in body and 'class="overdue"' in body
    assert "期限待计算" in body and "鉴定期间（2026-09-01起）不计入办案期限" in body
    summary = client.get("/backoffice/cases/todo/summary/").content.decode()
    assert 'id="todo-count">2<' in summary
    home = client.get("/backoffice/").content.decode()
    assert "/backoffice/cases/todo/summary/" in home
    nav = client.get("/backoffice/cases/").content.decode()
    assert 'href="/backoffice/cases/todo/"' in nav


def test_case_list_filters(world, lead_with_party, client):
    c = world.cast
    other = svc.case_create(
        actor=world.andy,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某餐馆超范围经营案",
        lead_on=dt.date(2026, 7, 1),
    )
    Deadline.objects.create(
        case=other,
        kind="x",
        label="测试期限",
        rule="APL-60",
        started_on=dt.date(2026, 7, 1),
        due_on=dt.date(2026, 8, 1),
    )
    refresh_next_due([other.pk])  # a deadline written by hand
    client.force_login(c.carol)

    def titles(**params):
        body = client.get("/backoffice/cases/", params).content.decode()
        return {t for t in ("某超市销售过期食品案", "某餐馆超范围经营案") if t in body}

    assert titles() == {"某超市销售过期食品案", "某餐馆超范围经营案"}
    assert titles(q="超市") == {"某超市销售过期食品案"}
    assert titles(q="长安区某超市") == {"某超市销售过期食品案"}  # party name
    assert titles(overdue="1") == {"某餐馆超范围经营案"}
    assert titles(overdue="0") == {"某超市销售过期食品案"}
    assert titles(officer=c.alice.pk) == {"某超市销售过期食品案"}
    assert titles(date_from="2026-08-01") == {"某超市销售过期食品案"}
    assert titles(date_to="2026-07-31") == {"某餐馆超范围经营案"}
    assert titles(state="lead", domain="market") == {"某超市销售过期食品案", "某餐馆超范围经营案"}
    assert titles(state="investigating") == set()


def test_case_list_is_paginated_with_bounded_queries(world, client, django_assert_max_num_queries):
    c = world.cast
    Case.objects.bulk_create(
        [
            Case(
                agency=c.agency_a,
                domain=c.market,
                region=c.changan,
                title=f"批量案件{i:03d}",
                handler=c.alice,
                lead_on=dt.date(2026, 8, 1),
            )
            for i in range(120)
        ]
    )
    for case in Case.objects.all()[:30]:
        Deadline.objects.create(
            case=case,
            kind="x",
            label="期限",
            rule="APL-60",
            started_on=dt.date(2026, 8, 1),
            due_on=None,
            pending_reason="日历",
        )
    client.force_login(c.frank)
    for page in ("1", "2", "3"):
        # session, user, 2FA, grants, scope, staff, domains, count, page, pending reasons, unread 消息
        with django_assert_max_num_queries(11):
            response = client.get("/backoffice/cases/", {"page": page, "q": "批量"})
        assert response.status_code == 200
    body = client.get("/backoffice/cases/", {"q": "批量"}).content.decode()
    assert (
        body.count("批量案件") == 50 and "第 1 / 3 页" in body and "q=%E6%89%B9%E9%87%8F&amp;page=2" in body
    )


def test_todo_page_has_bounded_queries(world, client, django_assert_max_num_queries):
    c = world.cast
    cases = Case.objects.bulk_create(
        [
            Case(
                agency=c.agency_a,
                domain=c.market,
                region=c.changan,
                title=f"待办案件{i:03d}",
                handler=c.alice,
                lead_on=dt.date(2026, 8, 1),
            )
            for i in range(80)
        ]
    )
    Deadline.objects.bulk_create(
        [
            Deadline(
                case=case,
                kind="x",
                label="期限",
                rule="APL-60",
                started_on=dt.date(2026, 8, 1),
                due_on=None,
                pending_reason="日历",
            )
            for case in cases[:40]
        ]
    )
    client.force_login(c.alice)
    with django_assert_max_num_queries(10):
        body = client.get("/backoffice/cases/todo/").content.decode()
    second = client.get("/backoffice/cases/todo/?page=2").content.decode()
    assert "共 80 项" in body and "第 1 / 2 页" in body
    assert body.count("待办案件") + second.count("待办案件") == 80  # 50 + 30, soonest first
    assert body.count("待办案件") == 50
    assert body.count("期限待计算") + second.count("期限待计算") == 40


@pytest.mark.parametrize("t", workflow.TABLE, ids=lambda t: t.action)
def test_every_action_input_has_a_chinese_labelled_field(t):
    from lawtrail.cases import hooks

    types = [t.input, *(tp for _app, tp in hooks.extra_input_types(t.action))]
    form = ActionForm(action=t.action, input_types=types, ctx={"today": dt.date(2026, 9, 1), "staff": []})
    for name in form.fields:
        if form.fields[name].widget.is_hidden:
            continue
        label = str(form.fields[name].label)
        assert label != name and any("\u4e00" <= ch <= "\u9fff" for ch in label), (t.action, name)
        if name.endswith("_on"):
            assert "data-date" in form.fields[name].widget.attrs  # 年-月-日 in every browser (core.widgets)
        if (
            name.endswith("_id")
            or name.endswith("_ids")
            or name in ("outcome", "kinds", "tier", "method", "evidence_kind", "measure_kind", "handed_to")
        ):
            assert hasattr(form.fields[name], "choices"), (t.action, name)


def test_withdraw_send_back_and_stale_approval_forms(world, lead_with_party, client):
    c = world.cast
    client.force_login(c.alice)
    act(client, lead_with_party, "filing_submit")
    page = client.get(url(lead_with_party)).content.decode()
    assert 'id="act-withdraw"' in page and 'id="act-approve"' not in page  # the submitter may only withdraw
    assert act(client, lead_with_party, "withdraw", {"expected_level": "0"}).status_code == 302
    assert Case.objects.get(pk=lead_with_party.pk).state == State.LEAD

    act(client, lead_with_party, "filing_submit")
    client.force_login(c.carol)
    page = client.get(url(lead_with_party)).content.decode()
    # reassign offers the agency's accounts, by name (not the login name), in a searchable picker
    assert 'name="assignee_id"' in page and f'<option value="{c.carol.pk}">卡罗尔' in page
    assert "（carol）" not in page
    before = state_and_events(lead_with_party)
    response = act(client, lead_with_party, "send_back", {"reasons": "", "to": "handler"}, **HX)
    assert response.status_code == 400 and "退回须写明理由" in response.content.decode()
    assert state_and_events(lead_with_party) == before
    response = act(client, lead_with_party, "approve", {"expected_level": "0"})
    assert response.status_code == 302
    # paula's page was opened at level 0 (carol's level): her form is stale, 409 and nothing changes
    client.force_login(world.paula)
    before = state_and_events(lead_with_party)
    response = act(client, lead_with_party, "approve", {"expected_level": "0"}, **HX)
    assert response.status_code == 409 and "APPROVAL_STALE" in response.content.decode()
    assert state_and_events(lead_with_party) == before
    response = act(
        client,
        lead_with_party,
        "send_back",
        {"reasons": "证据不足，退回补充", "to": "handler", "expected_level": "1"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=lead_with_party.pk).state == State.LEAD
    page = client.get(url(lead_with_party)).content.decode()
    assert "证据不足，退回补充" in page and "已退回" in page and "审批退回" in page


def test_party_added_in_place_with_htmx(world, lead, client):
    client.force_login(world.cast.alice)
    response = client.post(
        url(lead, "parties/new/"), {"kind": "person", "name": "李某", "id_number": "130102199001011234"}, **HX
    )
    assert response.status_code == 400 and "ID_NUMBER_INVALID" in response.content.decode()
    assert 'id="party-form-box"' in response.content.decode() and not lead.parties.exists()
    response = client.post(url(lead, "parties/new/"), {"kind": "person", "name": "李某"}, **HX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#case-body"
    assert "当事人已登记" in response.content.decode() and lead.parties.get().name == "李某"


def test_a_form_on_its_own_page_goes_to_the_case_page_after_success(world, lead, client):
    """登记当事人 on its own page (/parties/new/, the same htmx form): the page has no case body to
    swap in, so htmx is told to go to the case page, where the message is shown. From the case
    page itself the body is swapped in place."""
    client.force_login(world.cast.alice)
    own_page = {**HX, "HTTP_HX_CURRENT_URL": f"http://testserver{url(lead, 'parties/new/')}"}
    response = client.post(url(lead, "parties/new/"), {"kind": "person", "name": "李某"}, **own_page)
    assert response.status_code == 200 and response["HX-Redirect"] == url(lead)
    assert "HX-Retarget" not in response and lead.parties.get().name == "李某"
    assert "当事人已登记" in client.get(url(lead)).content.decode()  # the message, on the case page
    on_case_page = {**HX, "HTTP_HX_CURRENT_URL": f"http://testserver{url(lead)}?tab=1"}
    response = client.post(url(lead, "parties/new/"), {"kind": "person", "name": "王某"}, **on_case_page)
    assert response["HX-Retarget"] == "#case-body" and "当事人已登记" in response.content.decode()


def test_measure_requested_through_its_form_is_listed(world, lead_with_party, client):
    c = world.cast
    client.force_login(c.alice)
    page = client.get(url(lead_with_party, "act/measure_request/")).content.decode()
    assert "扣押" in page and 'name="items"' in page
    response = act(
        client,
        lead_with_party,
        "measure_request",
        {"measure_kind": "seize", "items": "", "reason": "防止证据灭失"},
        **HX,
    )
    assert response.status_code == 400 and "ACL-24" in response.content.decode()
    response = act(
        client,
        lead_with_party,
        "measure_request",
        {
            "measure_kind": "seize",
            "items": "无证生产的酱料 20 箱",
            "reason": "防止证据灭失（食品安全法第一百一十条）",
        },
    )
    assert response.status_code == 302
    page = client.get(url(lead_with_party)).content.decode()
    assert 'id="measures"' in page and "无证生产的酱料 20 箱" in page and "待批准" in page
    client.force_login(c.carol)
    page = client.get(url(lead_with_party)).content.decode()
    assert 'id="act-measure_approve"' in page and f"扣押 #{lead_with_party.measures.get().pk}" in page


def test_case_page_masks_a_person_partys_id_number(world, client):
    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="个人无证经营案",
        officer_ids=[world.andy.pk],
        act_date=dt.date(2026, 8, 20),
    )
    party = svc.party_add(
        actor=c.alice, case=case, kind="person", name="张某", id_number=make_id_number(4321, "130102")
    )
    client.force_login(c.alice)
    body = client.get(url(case)).content.decode()
    assert party.id_number not in body and party.id_number_masked in body


def test_handler_flags_a_case_for_legal_review_from_the_case_page(world, client):
    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="疑难案件",
        officer_ids=[world.andy.pk],
        act_date=dt.date(2026, 8, 20),
    )
    client.force_login(c.alice)
    assert 'id="review-flag"' not in client.get(url(case)).content.decode()  # a lead cannot be flagged yet
    Case.objects.filter(pk=case.pk).update(state=State.INVESTIGATING)
    assert 'id="review-flag"' in client.get(url(case)).content.decode()
    response = client.post(
        f"/backoffice/review/cases/{case.pk}/flag/", {"kind": "complex", "reason": "涉及多个法律关系"}
    )
    assert response.status_code == 302
    assert case.review_flags.get().reason == "涉及多个法律关系"


@pytest.mark.parametrize(
    "q",
    [
        "超",  # one character: a title
        "超市",  # two: title and party name
        "某",  # in every case
        "长安",  # a party's address is not searched; its name is
        "餐馆",
        "案某",  # would span the end of one title and the facts of the next column: no match
        "号",
        "X",
        "超市销售",  # 3+ characters: the trigram path
        "无此词",
    ],
)
def test_case_list_search_is_the_substring_test(world, lead_with_party, q):
    """The list's keyword finds exactly the cases a LIKE '%q%' over number, title, facts,
    decision number and party names finds (on PostgreSQL a q of 1–2 characters goes through the
    unigram + bigram index of migration 0014), and never a case of another agency."""
    c = world.cast
    svc.case_create(
        actor=world.andy,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某餐馆超范围经营案",
        facts="某年某月，当事人在长安区经营。",
    )
    svc.case_create(  # another agency's case with the same words: never found by carol
        actor=c.bob, agency=c.agency_b, domain=c.market, region=c.qiaoxi, title="某超市餐馆超范围经营案"
    )

    def like():
        scope = Case.objects.filter(agency__in=[c.agency_a])
        ids = {
            x.pk
            for x in scope
            if any(q in (v or "") for v in (x.number, x.title, x.facts, x.decision_number))
        }
        ids |= set(Party.objects.filter(case__in=scope, name__contains=q).values_list("case_id", flat=True))
        return ids

    got = set(selectors.case_list_for(c.carol, q=q).values_list("pk", flat=True))
    assert got == like()
