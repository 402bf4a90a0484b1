"""Issue 13 — APL-42: a case-handling step is taken by one of the case's officers (handler or
co-officer) holding a 执法证 usable on the step's date; a deactivated officer can act no more."""

from __future__ import annotations

import pytest

from lawtrail.core.errors import ApplicationError
from lawtrail.registry import services as reg
from lawtrail.registry.models import RoleGrant
from tests.cases.procedure_kit import filed_case, step
from tests.cast import api_client_for
from tests.factories import StaffFactory, UserFactory, make_id_number


def _refused(code, fn, *args, **kw):
    with pytest.raises(ApplicationError) as exc:
        fn(*args, **kw)
    assert exc.value.code == code, exc.value.message
    return exc.value


def test_APL42_a_case_step_needs_an_officer_of_the_case_with_a_usable_credential(world):
    c = world.cast
    case = filed_case(world)
    evidence = dict(kind="record", title="现场检查笔录", collected_on="2026-09-01")
    # another officer of the agency, with a valid credential, but not on this case
    other = UserFactory(username="otto", display_name="奥托")
    StaffFactory(agency=c.agency_a, user=other, name="奥托", id_number=make_id_number(8301, "130102"))
    RoleGrant.objects.create(user=other, role="officer", agency=c.agency_a)
    _refused("CASE_ACTOR_NOT_OFFICER", step, other, case, "evidence_add", **evidence)
    # the system administrator holds cases.handle everywhere but is no officer of the case
    _refused("CASE_ACTOR_NOT_OFFICER", step, c.admin, case, "evidence_add", **evidence)
    assert not case.evidence.exists()
    step(c.alice, case, "evidence_add", **evidence)  # the handler
    step(world.andy, case, "evidence_add", **evidence)  # the co-officer
    assert case.evidence.count() == 2
    # the co-officer whose credential is suspended
    cred = world.andy.staff.credentials.get()
    reg.credential_suspend(actor=c.grace, credential=cred, reason="停职审查")
    _refused("CASE_ACTOR_CREDENTIAL_INVALID", step, world.andy, case, "evidence_add", **evidence)
    assert case.evidence.count() == 2


def test_a_deactivated_officer_can_no_longer_act_on_the_case(world):
    c = world.cast
    case = filed_case(world)
    reg.staff_update(actor=c.grace, staff=world.andy.staff, is_active=False)
    andy = type(world.andy).objects.get(pk=world.andy.pk)
    r = api_client_for(andy).post(
        f"/api/v1/cases/{case.pk}/actions/evidence_add",
        {"kind": "record", "title": "笔录", "collected_on": "2026-09-01"},
        format="json",
    )
    assert r.status_code in (403, 404)
    assert not case.evidence.exists()
