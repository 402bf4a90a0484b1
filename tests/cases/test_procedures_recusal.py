"""回避 (APL-43): requested by the party or of one's own motion, decided by the right person;
the recused account leaves the case and APL-42 is checked again on the next step."""

import datetime as dt

import pytest

from lawtrail.cases import guards
from lawtrail.cases.models import Recusal
from lawtrail.core.errors import ApplicationError
from lawtrail.registry.models import RoleGrant
from tests.cases.procedure_kit import filed_case, journaled, refused_step, step
from tests.factories import CredentialFactory, StaffFactory, UserFactory, make_id_number


def olivia(world):
    """A third qualified officer of A."""
    a = world.cast.agency_a
    user = UserFactory(username="olivia", display_name="奥利维亚")
    staff = StaffFactory(
        agency=a, user=user, name="奥利维亚", id_number=make_id_number(8301, a.division.code)
    )
    CredentialFactory(
        staff=staff,
        number="1301022024OLI1",
        domain=world.cast.market,
        region=a.division,
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2029, 12, 31),
    )
    RoleGrant.objects.create(user=user, role="officer", agency=a)
    return user


def test_party_asks_an_officer_to_withdraw_head_grants_then_apl42_rechecked(world):
    c = world.cast
    case = filed_case(world)
    req = dict(account_id=world.andy.pk, role="officer", by_party=True, reason="该执法人员与当事人有利害关系")
    refused_step("REASON_REQUIRED", c.alice, case, "recusal_request", **{**req, "reason": ""})
    refused_step("CASE_RECUSAL_ROLE", c.alice, case, "recusal_request", **{**req, "role": "clerk"})
    refused_step(
        "CASE_RECUSAL_ACCOUNT_INVALID", c.alice, case, "recusal_request", **{**req, "account_id": c.carol.pk}
    )
    refused_step(
        "CASE_OFFICER_NOT_STAFF", c.alice, case, "recusal_request", **{**req, "account_id": c.bob.pk}
    )
    refused_step("CASE_RECUSAL_NOT_OWN", c.alice, case, "recusal_request", **{**req, "by_party": False})
    refused_step("CASE_RECUSAL_REQUESTER", c.dave, case, "recusal_request", **req)
    step(c.alice, case, "recusal_request", **req)
    r = Recusal.objects.get(case=case)
    assert (
        r.status == Recusal.Status.PENDING
        and r.requested_by == c.alice
        and journaled(case, "recusal_request")
    )
    refused_step("CASE_RECUSAL_PENDING", c.alice, case, "recusal_request", **req)

    decide = dict(recusal_id=r.pk, granted=True)
    refused_step("PERMISSION_DENIED", world.andy, case, "recusal_decide", **decide)
    refused_step("CASE_RECUSAL_DECIDER", c.carol, case, "recusal_decide", **decide)
    refused_step("CASE_RECUSAL_DECIDER", world.paula, case, "recusal_decide", **decide)
    refused_step("CASE_RECUSAL_UNKNOWN", world.quentin, case, "recusal_decide", recusal_id=999, granted=True)
    case = step(world.quentin, case, "recusal_decide", **decide)
    r.refresh_from_db()
    assert r.status == Recusal.Status.GRANTED and r.decided_by == world.quentin
    assert set(case.officers.values_list("username", flat=True)) == {"alice"}
    assert journaled(case, "recusal_decide")
    refused_step("CASE_RECUSAL_DECIDED", world.quentin, case, "recusal_decide", **decide)
    refused_step("CASE_RECUSAL_GRANTED", c.alice, case, "recusal_request", **req)

    # APL-42 on the next handling step: one officer left
    refused_step("CASE_OFFICERS_LT_2", c.alice, case, "evidence_add", kind="document", title="营业执照复印件")
    refused_step("CASE_RECUSAL_GRANTED", c.carol, case, "officer_assign", officer_id=world.andy.pk)
    refused_step("CASE_OFFICER_ALREADY", c.carol, case, "officer_assign", officer_id=c.alice.pk)
    refused_step("CASE_OFFICER_NOT_STAFF", c.carol, case, "officer_assign", officer_id=c.bob.pk)
    step(c.carol, case, "officer_assign", officer_id=olivia(world).pk)
    case = step(c.alice, case, "evidence_add", kind="document", title="营业执照复印件")
    assert not case.officers_recheck


def test_recusal_refused_keeps_the_officer(world):
    case = filed_case(world)
    step(world.cast.alice, case, "recusal_request", account_id=world.andy.pk, role="officer", reason="x")
    r = Recusal.objects.get(case=case)
    case = step(world.quentin, case, "recusal_decide", recusal_id=r.pk, granted=False, note="理由不成立")
    r.refresh_from_db()
    assert r.status == Recusal.Status.REFUSED and case.officers.count() == 2 and not case.officers_recheck


def test_handler_withdraws_of_own_motion_with_a_replacement(world):
    c = world.cast
    case = filed_case(world)
    step(
        c.alice,
        case,
        "recusal_request",
        account_id=c.alice.pk,
        role="officer",
        by_party=False,
        reason="近亲属",
    )
    r = Recusal.objects.get(case=case)
    refused_step(
        "CASE_RECUSAL_REPLACEMENT_REQUIRED",
        world.quentin,
        case,
        "recusal_decide",
        recusal_id=r.pk,
        granted=True,
    )
    refused_step(
        "CASE_RECUSAL_GRANTED",
        world.quentin,
        case,
        "recusal_decide",
        recusal_id=r.pk,
        granted=True,
        replacement_id=c.alice.pk,
    )
    new = olivia(world)
    case = step(world.quentin, case, "recusal_decide", recusal_id=r.pk, granted=True, replacement_id=new.pk)
    assert case.handler == new and set(case.officers.values_list("username", flat=True)) == {"andy", "olivia"}
    assert step(new, case, "evidence_add", kind="document", title="x").officers_recheck is False


def test_APL_43_head_recusal_decided_by_another_leader_with_a_note(world):
    c = world.cast
    case = filed_case(world)
    step(c.carol, case, "officer_assign", officer_id=world.quentin.pk)
    step(
        world.quentin,
        case,
        "recusal_request",
        account_id=world.quentin.pk,
        role="officer",
        by_party=False,
        reason="与当事人有亲属关系",
    )
    r = Recusal.objects.get(case=case)
    refused_step(
        "CASE_RECUSAL_SELF_DECISION",
        world.quentin,
        case,
        "recusal_decide",
        recusal_id=r.pk,
        granted=True,
        note="x",
    )
    refused_step(
        "CASE_RECUSAL_DECIDER", c.carol, case, "recusal_decide", recusal_id=r.pk, granted=True, note="x"
    )
    refused_step("CASE_RECUSAL_HEAD_NOTE", world.paula, case, "recusal_decide", recusal_id=r.pk, granted=True)
    step(world.paula, case, "recusal_decide", recusal_id=r.pk, granted=True, note="经负责人集体讨论决定")
    r.refresh_from_db()
    assert r.status == Recusal.Status.GRANTED and r.decided_by == world.paula
    assert not case.officers.filter(pk=world.quentin.pk).exists()


def test_APL_43_recused_reviewer_cannot_review(world):
    c = world.cast
    case = filed_case(world)
    step(
        c.dave,
        case,
        "recusal_request",
        account_id=c.dave.pk,
        role="reviewer",
        by_party=False,
        reason="曾参与本案咨询",
    )
    r = Recusal.objects.get(case=case)
    step(world.quentin, case, "recusal_decide", recusal_id=r.pk, granted=True)
    from lawtrail.cases import engine, workflow
    from lawtrail.review import gates

    row = workflow.transition_for("review_pass")
    ctx = engine.step_context(case, actor=c.dave, on=dt.date(2026, 9, 1), row=row, data={})
    with pytest.raises(ApplicationError) as exc:
        gates.reviewer_may_review(ctx)
    assert exc.value.code == "CASE_REVIEWER_RECUSED" and exc.value.rule == "APL-43"


def test_APL_43_recused_host_cannot_hold_the_hearing(world):
    c = world.cast
    case = filed_case(world)
    type(case).objects.filter(pk=case.pk).update(hearing_host=world.paula)
    case.refresh_from_db()
    refused_step(
        "CASE_RECUSAL_ACCOUNT_INVALID",
        c.alice,
        case,
        "recusal_request",
        account_id=c.carol.pk,
        role="host",
        reason="x",
    )
    step(c.alice, case, "recusal_request", account_id=world.paula.pk, role="host", reason="主持人曾参与调查")
    r = Recusal.objects.get(case=case)
    case = step(world.quentin, case, "recusal_decide", recusal_id=r.pk, granted=True)
    assert case.hearing_host is None
    from lawtrail.cases import engine, workflow

    ctx = engine.step_context(
        case,
        actor=c.alice,
        on=dt.date(2026, 9, 1),
        row=workflow.transition_for("hearing_schedule"),
        data={"host_id": world.paula.pk, "hearing_on": "2026-09-20"},
    )
    with pytest.raises(ApplicationError) as exc:
        guards.hearing_notice_in_time(ctx)
    assert exc.value.code == "CASE_HEARING_HOST_RECUSED"


def test_by_party_defaults_from_who_is_named(world):
    """A form leaves out an unticked box: naming oneself is then an own-motion withdrawal."""
    c = world.cast
    case = filed_case(world)
    step(c.alice, case, "recusal_request", account_id=c.alice.pk, role="officer", reason="近亲属")
    step(c.alice, case, "recusal_request", account_id=world.andy.pk, role="officer", reason="利害关系")
    assert list(Recusal.objects.filter(case=case).order_by("id").values_list("by_party", flat=True)) == [
        False,
        True,
    ]
