"""A missing calendar year never blocks the law (issue 8, WD-1, WD-3).

In December 2026 the State Council's 2027 schedule is not entered (the test calendar holds
2026 only). Deadlines that reach 2027 are stored with a date counted with weekends only and
marked provisional; nothing the law allows is refused for want of the calendar (the APL-60
extension, a payment, a seizure extension); defining 2027 recomputes every running deadline
that crosses into it, in one journaled operation that says how many moved, and the value shown
and the value enforced stay the same.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from lawtrail.cases import guards
from lawtrail.cases import services as svc
from lawtrail.cases.models import Deadline, Measure
from lawtrail.core.calendar.models import CalendarYear
from lawtrail.core.calendar.services import calendar_year_define
from lawtrail.core.journal.models import Entry
from tests.cases.procedure_kit import new_case, recorded, step
from tests.cases.test_measures import requested, take_kw
from tests.cases.test_procedures_on_the_spot import spot

D = dt.date
TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: D) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=TZ), tick=False)


@pytest.fixture
def no_2027(world):
    assert not CalendarYear.objects.filter(year=2027).exists()


def filed_in_october(world):
    c = world.cast
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="filing", levels=["approver_1"])
    with at(D(2026, 10, 12)):
        case = new_case(world)
        step(c.alice, case, "filing_submit")
        return svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")


def test_decision_deadline_into_2027_is_provisional_and_extension_allowed(world, no_2027):
    c = world.cast
    case = filed_in_october(world)
    d = case.deadlines.get(kind="decision", active=True)
    # 12 Oct + 90 days = Sun 10 Jan 2027 → Mon 11 Jan counting weekends only (WD-3, provisional)
    assert d.due_on == D(2027, 1, 11) and d.provisional and "2027年法定节假日安排尚未录入" in d.pending_reason
    # counted in calendar days: the nominal last day is certain and shown; only the roll-forward waits
    assert "期限届满日为2027-01-10（按日计算，已确定）" in d.pending_reason and "顺延待定" in d.pending_reason
    with at(D(2026, 12, 7)):
        case = step(c.alice, case, "extension_request", days=30, reason="案情复杂，需鉴定")
        assert case.extension_requested_days == 30  # not refused with CASE_DEADLINE_PAUSED
        step(world.quentin, case, "extension_approve", reason="同意延长")
    d = case.deadlines.get(kind="decision", active=True)
    assert d.due_on == D(2027, 2, 9) and d.provisional  # +30 days, a Tuesday


def test_payment_after_17_december_is_recorded(world, no_2027):
    c = world.cast
    with at(D(2026, 12, 18)):
        case = spot(world, amount="200", act_date=D(2026, 12, 18))
        payment = case.deadlines.get(kind="payment", active=True)
        assert payment.due_on == D(2027, 1, 4) and payment.provisional  # 18 Dec + 15 = 2 Jan (Sat) → Mon
        assert "期限届满日为2027-01-02" in payment.pending_reason
        assert guards.payment_due_of(case) == payment.due_on  # what is enforced is what is shown
        case = step(c.alice, case, "payment_record", amount="200", paid_on="2026-12-18")
    assert case.paid_amount == 200


def test_seizure_extension_into_2027_does_not_crash(world, no_2027):
    c = world.cast
    case = filed_in_october(world)
    with at(D(2026, 12, 1)):
        m = requested(world, case)
        step(world.quentin, case, "measure_approve", measure_id=m.pk)
        recorded(c.alice, case)
        step(
            c.alice,
            case,
            "measure_take",
            measure_id=m.pk,
            **take_kw(world, started_at="2026-12-01T10:30+08:00"),
        )
        m.refresh_from_db()
        assert m.period_end == D(2026, 12, 31)
        ext = dict(measure_id=m.pk, days=30, reasons="需进一步检验", reasons_notified=True)
        step(world.quentin, case, "measure_extend", **ext)
    m.refresh_from_db()
    dl = case.deadlines.get(kind=f"measure:{m.pk}", active=True)
    assert m.period_end == dl.due_on == D(2027, 2, 1) and dl.provisional  # 30 Jan (Sat) → Mon 1 Feb
    assert "期限届满日为2027-01-30" in dl.pending_reason  # 30 + 30 days (ACL-25): certain


def test_defining_2027_makes_the_deadlines_final_and_says_how_many_moved(world, no_2027):
    case = filed_in_october(world)
    with at(D(2026, 12, 18)):
        served = spot(world, amount="200", act_date=D(2026, 12, 18), form_serial="冀市监简0002")
    before = {d.kind: d.due_on for d in Deadline.objects.filter(active=True, provisional=True)}
    assert before["decision"] == D(2027, 1, 11) and before["payment"] == D(2027, 1, 4)
    entries = Entry.objects.count()
    # a made-up schedule: 1–3 Jan 2027 off (元旦), 9–15 Jan off, Sat 16 Jan worked
    holidays = [(D(2027, 1, 1), "元旦")] + [(D(2027, 1, d), "测试假期") for d in range(11, 16)]
    year = calendar_year_define(
        actor=world.cast.admin, year=2027, holidays=holidays, makeup_workdays=[(D(2027, 1, 16), "测试假期")]
    )
    moved = {c.what.split("：")[-1]: (c.before, c.after) for c in year.deadlines_moved}
    # the payment (2 Jan is a Saturday, 4 Jan a working day): final, not moved
    payment = served.deadlines.get(kind="payment", active=True)
    assert payment.due_on == D(2027, 1, 4) and not payment.provisional and not payment.pending_reason
    # the decision limit ended on Sun 10 Jan: rolled forward past the holiday to the make-up Saturday
    decision = case.deadlines.get(kind="decision", active=True)
    assert decision.due_on == D(2027, 1, 16) and not decision.provisional
    assert moved["作出处罚决定期限"] == (D(2027, 1, 11), D(2027, 1, 16))
    assert Entry.objects.filter(action="cases:deadline:recompute").count() == len(year.deadlines_moved)
    assert Entry.objects.count() > entries
    note = Entry.objects.filter(action="calendar:year:define").latest("id").note
    assert f"{len(year.deadlines_moved)}个办案期限随之重新计算" in note


def test_a_measure_period_follows_the_calendar(world, no_2027):
    c = world.cast
    case = filed_in_october(world)
    with at(D(2026, 12, 10)):
        m = requested(world, case)
        step(world.quentin, case, "measure_approve", measure_id=m.pk)
        recorded(c.alice, case)
        step(
            c.alice,
            case,
            "measure_take",
            measure_id=m.pk,
            **take_kw(world, started_at="2026-12-10T10:30+08:00"),
        )
    m = Measure.objects.get(pk=m.pk)
    assert m.period_end == D(2027, 1, 11)  # 9 Jan (Sat) → Mon 11 Jan, provisional
    calendar_year_define(actor=c.admin, year=2027, holidays=[(D(2027, 1, 11), "测试假期")])
    m.refresh_from_db()
    assert m.period_end == D(2027, 1, 12) == case.deadlines.get(kind=f"measure:{m.pk}", active=True).due_on


def test_a_working_day_period_is_counted_with_weekends_only_and_says_so(world, no_2027):
    from lawtrail.cases import deadlines

    case = filed_in_october(world)
    d = deadlines.deadline_set(
        case,
        kind="test:wd",
        label="测试期限",
        rule="WD-1",
        started_on=D(2026, 12, 24),
        recipe="working_days",
        args={"from": "2026-12-24", "n": 10},
    )
    # 24 Dec + 10 WD: 25, 28–31 Dec, then 4–8 Jan 2027 counted with weekends only (1 Jan a Friday)
    assert d.due_on == D(2027, 1, 7) and d.provisional
    assert d.pending_reason.startswith("按周末推算的暂定日期") and "届满日为" not in d.pending_reason
    calendar_year_define(actor=world.cast.admin, year=2027, holidays=[(D(2027, 1, 1), "元旦")])
    d.refresh_from_db()
    assert d.due_on == D(2027, 1, 8) and not d.provisional and d.pending_reason == ""


def test_the_administrator_is_told_from_the_first_working_day_of_december(world, no_2027, client):
    c = world.cast
    with at(D(2026, 11, 30)):
        client.force_login(c.admin)
        assert "2027年法定节假日安排尚未录入" not in client.get("/backoffice/").content.decode()
    with at(D(2026, 12, 1)):  # a Tuesday: the first working day of December 2026
        client.force_login(c.admin)
        body = client.get("/backoffice/").content.decode()
        assert "2027年法定节假日安排尚未录入" in body and "/backoffice/calendar/2027/define/" in body
        assert "录入2027年工作日历" in client.get("/backoffice/calendar/").content.decode()
        client.force_login(c.alice)  # not every handler
        assert "2027年法定节假日安排尚未录入" not in client.get("/backoffice/").content.decode()
        assert client.get("/backoffice/calendar/2027/define/").status_code == 403


def test_define_page_previews_what_moves_then_saves(world, no_2027, client):
    c = world.cast
    case = filed_in_october(world)
    form = {
        "holidays": "2027-01-01 元旦\n2027-01-11~2027-01-15 测试假期",
        "makeup_workdays": "",
        "note": "国办发明电",
    }
    with at(D(2026, 12, 7)):
        client.force_login(c.admin)
        response = client.post("/backoffice/calendar/2027/define/", {**form, "preview": "1"})
        assert response.status_code == 200, response
        body = response.content.decode()
        assert "将重新计算的办案期限" in body and "作出处罚决定期限" in body and "2027-01-18" in body
        assert not CalendarYear.objects.filter(year=2027).exists()  # a preview keeps nothing
        assert case.deadlines.get(kind="decision", active=True).due_on == D(2027, 1, 11)
        response = client.post("/backoffice/calendar/2027/define/", {**form, "save": "1"})
        assert response.status_code == 302
        assert "1个办案期限随之重新计算" in client.get(response["Location"]).content.decode()
    assert case.deadlines.get(kind="decision", active=True).due_on == D(2027, 1, 18)
