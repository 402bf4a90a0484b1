"""事后公开: a served decision becomes a record (G118-6), due in 7/20 working days, in the handler's
待办, masked, minors withheld; publication, manual edits, withdrawal within 3 WD (APL-48), retention."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from lawtrail.cases import selectors as case_selectors
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.disclosure import services
from lawtrail.disclosure.models import Edit, Record, Status
from tests.cases.procedure_kit import set_profile

D = dt.date


def refused(code, fn, **kw):
    before = {r.pk: (r.status, r.content, r.withdrawal_due_on) for r in Record.objects.all()}
    with pytest.raises(ApplicationError) as exc:
        fn(**kw)
    assert exc.value.code == code, (exc.value.code, exc.value.message)
    assert before == {r.pk: (r.status, r.content, r.withdrawal_due_on) for r in Record.objects.all()}


def test_serving_a_penalty_creates_a_record_due_in_7_working_days(walk):
    case = walk.served()
    record = Record.objects.get(case=case)
    # decided on Tue 1 Sep 2026: 7 working days → Thu 10 Sep (G118-6)
    assert record.status == Status.DRAFT and record.kind == "penalty"
    assert record.decided_on == D(2026, 9, 1) and record.due_on == D(2026, 9, 10)
    assert record.party_name == "石家庄好味道餐饮有限公司" and record.credit_code
    assert record.decision_number == (getattr(case, "decision_number", "") or case.number)
    assert "食品安全法" in record.content["basis"] and "70,000.00" in record.content["penalty"]
    assert Entry.objects.filter(action="disclosure:record:create", subject_id=str(record.pk)).exists()


def test_other_decisions_are_due_in_20_working_days(walk):
    case = walk.served(outcome="no_penalty")
    record = Record.objects.get(case=case)
    # 20 working days from Tue 1 Sep 2026, with 国庆/中秋 (1–8 Oct) excluded → Wed 14 Oct... computed by the calendar
    from lawtrail.core.calendar.selectors import add_working_days

    assert record.kind == "other" and record.due_on == add_working_days(D(2026, 9, 1), 20)
    assert record.due_on > add_working_days(D(2026, 9, 1), 7)


def test_the_deadline_is_a_profile_key(walk):
    set_profile(walk.c.agency_a, "disclosure.deadline.penalty_licence", 5)
    record = Record.objects.get(case=walk.served())
    assert record.due_on == D(2026, 9, 8)


def test_the_record_is_in_the_handlers_todo_and_flagged_when_overdue(walk):
    case = walk.served()
    record = Record.objects.get(case=case)
    tasks = [t for t in case_selectors.todo_for(walk.c.alice) if "公示" in t.what]
    assert len(tasks) == 1 and tasks[0].due_on == D(2026, 9, 10) and tasks[0].url.endswith(f"/{record.pk}/")
    client = Client()
    with time_machine.travel(dt.datetime(2026, 9, 14, 10, 0), tick=False):
        client.force_login(walk.c.alice)
        page = client.get("/backoffice/cases/todo/").content.decode()
        assert "公示处罚决定" in page and "逾期" in page
        detail = client.get(f"/backoffice/disclosure/{record.pk}/").content.decode()
        assert "已逾期" in detail
    services.record_publish(actor=walk.c.alice, record_id=record.pk)
    assert not [t for t in case_selectors.todo_for(walk.c.alice) if "公示" in t.what]


def test_content_is_masked_and_staff_see_the_original(walk):
    record = Record.objects.get(case=walk.served())
    facts = record.content["facts"]
    for secret in (
        "130102198001011234",
        "13912345678",
        "冀A·12345",
        "12345",
        "6222021234567890123",
        "建设北大街88号",
    ):
        assert secret not in facts, secret
    assert "130102198001011234" in record.original["facts"]
    client = Client()
    client.force_login(walk.c.alice)
    page = client.get(f"/backoffice/disclosure/{record.pk}/").content.decode()
    assert "130102198001011234" in page and "130102********1234" in page


def test_a_person_party_known_fields_never_appear(walk):
    case = walk.served(party="person", phone="13800001111", address="石家庄市新华区和平西路5号2单元301室")
    party = case.parties.get()
    from lawtrail.cases.models import Case

    Case.objects.filter(pk=case.pk)  # the party's own values written into the facts by the handler
    record = Record.objects.get(case=case)
    for value in (party.id_number, party.phone, party.address):
        assert value not in str(record.content)
    assert record.party_name == "王小明"  # adults by name (profile disclosure.person_name = full)


def test_person_name_by_surname_per_profile(walk):
    set_profile(walk.c.agency_a, "disclosure.person_name", "surname")
    record = Record.objects.get(case=walk.served(party="person"))
    assert record.party_name == "王某某" and "王小明" not in str(record.content)


def test_minors_are_withheld(walk):
    record = Record.objects.get(
        case=walk.served(party="person", born=D(2010, 5, 1), amount="55000", tier="lenient")
    )
    assert record.status == Status.WITHHELD and record.due_on is None
    refused("DISCLOSURE_WITHHELD", services.record_publish, actor=walk.c.alice, record_id=record.pk)
    assert not [t for t in case_selectors.todo_for(walk.c.alice) if "公示" in t.what]


def test_manual_edits_are_journaled_and_refusals_change_nothing(walk):
    record = Record.objects.get(case=walk.served())
    refused(
        "DISCLOSURE_FIELD_UNKNOWN",
        services.record_edit,
        actor=walk.c.alice,
        record_id=record.pk,
        field="x",
        text="",
    )
    refused(
        "DISCLOSURE_FORBIDDEN",
        services.record_edit,
        actor=walk.c.bob,
        record_id=record.pk,
        field="facts",
        text="",
    )
    edit = services.record_edit(
        actor=walk.c.alice, record_id=record.pk, field="facts", text="当事人无证经营。"
    )
    record.refresh_from_db()
    assert record.content["facts"] == "当事人无证经营。" and "无证经营" in record.search_text
    assert edit.before and Edit.objects.count() == 1
    assert Entry.objects.filter(action="disclosure:edit:create", subject_id=str(edit.pk)).exists()
    assert Entry.objects.filter(action="disclosure:record:edit", subject_id=str(record.pk)).exists()
    services.record_publish(actor=walk.c.alice, record_id=record.pk)
    # a correction after publication needs a reason
    refused(
        "DISCLOSURE_REASON_REQUIRED",
        services.record_edit,
        actor=walk.c.alice,
        record_id=record.pk,
        field="facts",
        text="x",
    )


def test_withdrawal_within_3_working_days_when_the_decision_is_revoked(walk):
    case = walk.served()
    record = Record.objects.get(case=case)
    refused(
        "DISCLOSURE_NOT_PUBLISHED",
        services.record_withdraw,
        actor=walk.c.alice,
        record_id=record.pk,
        explanation="x",
    )
    services.record_publish(actor=walk.c.alice, record_id=record.pk)
    refused(
        "DISCLOSURE_CHANGE_UNKNOWN",
        services.record_change,
        actor=walk.c.alice,
        record_id=record.pk,
        change_kind="upheld",
        changed_on=D(2026, 9, 1),
    )
    # 复议 revoked the decision on Fri 4 Sep 2026 (remedy_end with its result): due Wed 9 Sep (APL-48)
    walk.step(walk.c.alice, case, "remedy_start", remedy_kind="复议", start="2026-09-01")
    walk.step(walk.c.alice, case, "remedy_end", end="2026-09-01", remedy_result="revoked")
    record.refresh_from_db()
    assert record.change_kind == "revoked" and record.withdrawal_due_on == D(2026, 9, 4)
    tasks = [t for t in case_selectors.todo_for(walk.c.alice) if "撤回" in t.what]
    assert tasks and tasks[0].due_on == D(2026, 9, 4)
    refused(
        "DISCLOSURE_EXPLANATION_REQUIRED",
        services.record_withdraw,
        actor=walk.c.alice,
        record_id=record.pk,
        explanation=" ",
    )
    services.record_withdraw(actor=walk.c.alice, record_id=record.pk, explanation="该决定已被复议机关撤销。")
    record.refresh_from_db()
    assert record.status == Status.WITHDRAWN and record.withdrawn_on == D(2026, 9, 1)
    assert not [t for t in case_selectors.todo_for(walk.c.alice) if "撤回" in t.what]
    refused(
        "DISCLOSURE_ALREADY_WITHDRAWN",
        services.record_withdraw,
        actor=walk.c.alice,
        record_id=record.pk,
        explanation="x",
    )


def test_retention_period_then_records_leave_public_view(walk):
    record = Record.objects.get(case=walk.served())
    services.record_publish(actor=walk.c.alice, record_id=record.pk)
    record.refresh_from_db()
    assert record.expires_on == D(2029, 9, 1)  # organisation, fine: disclosure.retention.other = 36 months
    assert services.records_expire(today=D(2029, 9, 1)) == 0
    assert services.records_expire(today=D(2029, 9, 2)) == 1
    record.refresh_from_db()
    assert record.status == Status.EXPIRED


def test_an_on_the_spot_decision_is_published_too(world, django_capture_on_commit_callbacks):
    """G118-6 with APL-51/52: a decision made and handed over on the spot (简易程序) becomes a record
    through the same outbox consumer — due in 7 WD, masked, its basis from the form."""
    from lawtrail.cases import services as case_services
    from tests.cases.procedure_kit import person_id

    c = world.cast
    secret_id = person_id()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_services.case_on_the_spot(
            actor=c.alice,
            agency=c.agency_a,
            domain=c.market,
            region=c.changan,
            party_kind="person",
            party_name="王某某",
            party_id_number=secret_id,
            party_phone="13987654321",
            officer_ids=[world.andy.pk],
            kinds=["fine"],
            amount="50",
            act_date=D(2026, 9, 1),
            facts="当事人在长安区某路占道经营，联系电话13987654321。",
            basis="《城市道路管理条例》第四十二条",
            form_serial="冀市监简0009",
            on=D(2026, 9, 1),
        )
    record = Record.objects.get(case=case)
    assert record.status == Status.DRAFT and record.kind == "penalty"
    assert record.decision_number == "冀市监简0009" and record.due_on == D(2026, 9, 10)
    assert record.content["basis"] == "《城市道路管理条例》第四十二条"
    assert "50.00" in record.content["penalty"]
    public = str(record.content)
    assert secret_id not in public and "13987654321" not in public
    assert Entry.objects.filter(action="disclosure:record:create", subject_id=str(record.pk)).exists()
    services.record_publish(actor=c.alice, record_id=record.pk)
    assert Record.objects.get(pk=record.pk).status == Status.PUBLISHED
