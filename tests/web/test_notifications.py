"""站内消息 (issue 9): case events tell the people they give work to (new task, sent back), the
deadline job tells the officers of deadlines due within 2 working days or passed, the navigation
shows the unread count, and marking read is the person's own business."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine

from lawtrail.cases import services as svc
from lawtrail.cases.models import Deadline
from lawtrail.core.errors import ApplicationError
from lawtrail.core.notifications import services as notifications
from lawtrail.core.notifications.models import Notification
from lawtrail.web import notify
from tests.cases.procedure_kit import filed_case, new_case, step

pytestmark = pytest.mark.django_db


def told(user, kind=None):
    qs = Notification.objects.filter(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id").values_list("title", flat=True))


def test_filing_tells_the_approver_and_the_approval_tells_the_officers(
    world, django_capture_on_commit_callbacks
):
    c = world.cast
    svc.approval_chain_set(
        actor=c.grace, agency=c.agency_a, action="filing", levels=["approver_1", "approver_2"]
    )
    case = new_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        step(c.alice, case, "filing_submit")
    assert told(c.carol, "task") == ["立案审批（待我审批）：某公司销售不合格产品案"]
    assert told(world.paula) == []  # the second level is not yet theirs
    assert told(c.alice) == []  # the submitter is not told of their own act
    with django_capture_on_commit_callbacks(execute=True):
        svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
    assert told(world.paula, "task") == ["立案审批（待我审批）：某公司销售不合格产品案"]
    assert len(told(world.rose, "task")) == 1  # both 分管领导 hold the level
    with django_capture_on_commit_callbacks(execute=True):
        svc.approval_act(actor=world.paula, case_id=case.pk, decision="approve")
    case.refresh_from_db()
    for officer in (c.alice, world.andy):
        assert told(officer, "task") == [f"新待办：{case.number}（某公司销售不合格产品案）（调查取证）"]
    assert told(world.paula, "task") == [
        "立案审批（待我审批）：某公司销售不合格产品案"
    ]  # not of their own act


def test_a_sent_back_approval_tells_the_officers_once(world, django_capture_on_commit_callbacks):
    c = world.cast
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="filing", levels=["approver_1"])
    case = new_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        step(c.alice, case, "filing_submit")
        svc.approval_act(
            actor=c.carol, case_id=case.pk, decision="send_back", reasons="当事人信息不全，请补充"
        )
    assert told(c.alice, "returned") == ["审批被退回：某公司销售不合格产品案"]
    n = Notification.objects.get(user=c.alice, kind="returned")
    assert n.url == f"/backoffice/cases/{case.pk}/" and "补充" in n.body
    assert told(c.carol, "returned") == []
    # the outbox delivers at least once: a second delivery of the same event tells nobody twice
    event = case.events.filter(tag="cases:approval:sent_back").get()
    notify.on_case_event(event)
    assert len(told(c.alice, "returned")) == 1


def test_deadlines_due_within_two_working_days_and_overdue(world):
    """WD-1: 2026-09-30 (Wed) is followed by the National Day holiday (10-01..10-08), so on 09-30
    a deadline of 10-09 is two working days away; one of 10-12 is not."""
    c = world.cast
    case = filed_case(world)
    Deadline.objects.filter(case=case).update(active=False)
    mk = {
        "soon": dt.date(2026, 10, 9),
        "far": dt.date(2026, 10, 12),
        "late": dt.date(2026, 9, 25),
    }
    rows = {
        k: Deadline.objects.create(
            case=case, kind=k, label=f"{k}期限", rule="APL-60", started_on=dt.date(2026, 9, 1), due_on=d
        )
        for k, d in mk.items()
    }
    Deadline.objects.create(
        case=case,
        kind="met",
        label="已完成期限",
        rule="APL-60",
        started_on=dt.date(2026, 9, 1),
        due_on=dt.date(2026, 9, 29),
        met_on=dt.date(2026, 9, 20),
        active=False,
    )
    with time_machine.travel(
        dt.datetime(2026, 9, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        made = notify.notify_deadlines()
        assert notify.notify_deadlines() == 0  # told once per deadline and date
    assert made == 4  # two deadlines × alice and andy
    for officer in (c.alice, world.andy):
        assert told(officer, "due_soon") == [
            f"期限临近：{case.number}（某公司销售不合格产品案）的soon期限将于2026-10-09届满"
        ]
        assert told(officer, "overdue") == [
            f"已超期：{case.number}（某公司销售不合格产品案）的late期限已于2026-09-25届满"
        ]
    # a deadline moved to a new date is told again
    Deadline.objects.filter(pk=rows["soon"].pk).update(due_on=dt.date(2026, 10, 8))
    with time_machine.travel(
        dt.datetime(2026, 9, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        assert notify.notify_deadlines() == 2


def test_pages_show_the_unread_count_and_mark_read(world, client, django_capture_on_commit_callbacks):
    c = world.cast
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="filing", levels=["approver_1"])
    case = new_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        step(c.alice, case, "filing_submit")
    client.force_login(c.carol)
    page = client.get("/backoffice/").content.decode()
    assert 'id="unread-count">1</span>' in page
    listing = client.get("/backoffice/notifications/").content.decode()
    assert "立案审批（待我审批）：某公司销售不合格产品案" in listing and "新待办" in listing
    n = Notification.objects.get(user=c.carol)
    r = client.post(f"/backoffice/notifications/{n.pk}/open/")
    assert r.status_code == 302 and r["Location"] == f"/backoffice/cases/{case.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert 'id="unread-count"' not in client.get("/backoffice/").content.decode()
    # someone else's notification: 404, nothing marked
    other = Notification.objects.create(
        user=c.alice, kind="task", title="x", key="k", created_at=n.created_at
    )
    r = client.post(f"/backoffice/notifications/{other.pk}/open/")
    assert r.status_code == 404
    r = client.post("/backoffice/notifications/read/", {"id": [other.pk]})
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    # 全部标为已读
    client.force_login(c.alice)
    assert client.post("/backoffice/notifications/read/").status_code == 302
    assert not Notification.objects.filter(user=c.alice, read_at__isnull=True).exists()


def test_mark_read_refuses_someone_elses(world):
    c = world.cast
    n = Notification.objects.create(
        user=c.alice, kind="task", title="x", key="k", created_at=dt.datetime.now(dt.UTC)
    )
    with pytest.raises(ApplicationError) as exc:
        notifications.mark_read(user=c.carol, ids=[n.pk])
    assert exc.value.code == "NOTIFICATION_NOT_FOUND" and exc.value.status == 404


class Recorder:
    name = "recorder"
    sent: list = []

    def send(self, message):
        Recorder.sent.append(message)


class Broken:
    name = "broken"

    def send(self, message):
        raise ConnectionError("短信网关不可达")


def test_channels_get_each_notification_once_after_commit(
    world, settings, django_capture_on_commit_callbacks, caplog
):
    c = world.cast
    Recorder.sent = []
    settings.LAWTRAIL_NOTIFY_CHANNELS = [
        "lawtrail.core.notifications.channels.LogChannel",
        "tests.web.test_notifications.Recorder",
    ]
    with caplog.at_level(logging.INFO, logger="lawtrail.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify(
                user_ids=[c.alice.pk, c.carol.pk],
                kind="task",
                title="新待办：测试",
                key="t1",
                url="/backoffice/",
            )
            assert Recorder.sent == []  # nothing leaves before the commit
    assert sorted(m.username for m in Recorder.sent) == ["alice", "carol"]
    assert Recorder.sent[0].link.endswith("/backoffice/") and Recorder.sent[0].kind_label == "新待办"
    assert "新待办：测试" in caplog.text
    assert notifications.send_pending() == 0  # sent already
    # a failing channel leaves the notification unsent for the next run; the others still get it
    settings.LAWTRAIL_NOTIFY_CHANNELS = [
        "tests.web.test_notifications.Broken",
        "tests.web.test_notifications.Recorder",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user_ids=[c.alice.pk], kind="task", title="再一条", key="t2")
    assert Notification.objects.get(key="t2").sent_at is None
    assert [m.title for m in Recorder.sent][-1] == "再一条"
