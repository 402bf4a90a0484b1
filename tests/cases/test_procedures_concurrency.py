"""Concurrency on PostgreSQL: two officers use the same pre-numbered on-the-spot form at once
(APL-52) — one case is created, the other gets CASE_FORM_SERIAL_USED and nothing of theirs is
written; two heads approve the same measure at once — one approval, one 409."""

from __future__ import annotations

import pytest
from django.conf import settings

from lawtrail.cases.models import Case, CaseEvent, Measure
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.registry.models import RoleGrant
from tests.cases.procedure_kit import filed_case, step
from tests.cases.test_concurrency import run_together
from tests.cases.test_procedures_on_the_spot import spot
from tests.factories import StaffFactory, UserFactory, make_id_number

SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [
    pytest.mark.skipif(
        SQLITE, reason="issue 3: row locks and unique races need PostgreSQL; SQLite serialises writers"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_APL_52_same_form_serial_at_once_one_case(world):
    results = run_together(
        [lambda: spot(world, form_serial="冀简0099"), lambda: spot(world, form_serial="冀简0099")]
    )
    cases = [r for r in results if isinstance(r, Case)]
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert len(cases) == 1 and len(errors) == 1, results
    assert errors[0].code == "CASE_FORM_SERIAL_USED" and errors[0].rule == "APL-52"
    assert Case.objects.filter(form_serial="冀简0099").count() == 1
    assert CaseEvent.objects.filter(action="on_the_spot").count() == 1
    assert Entry.objects.filter(action="cases:case:on_the_spot").count() == 1


def test_two_heads_approve_the_same_measure_at_once(world):
    a = world.cast.agency_a
    head2 = UserFactory(username="hank", display_name="汉克")
    StaffFactory(agency=a, user=head2, name="汉克", id_number=make_id_number(8401, a.division.code))
    RoleGrant.objects.create(user=head2, role="approver_3", agency=a)
    case = filed_case(world)
    step(world.cast.alice, case, "measure_request", kind="seize", items="货物", reason="涉案")
    m = case.measures.get()
    results = run_together(
        [lambda u=u: step(u, case, "measure_approve", measure_id=m.pk) for u in (world.quentin, head2)]
    )
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert len(errors) == 1 and errors[0].code == "MEASURE_STATE_CONFLICT", results
    assert Measure.objects.get(pk=m.pk).status == Measure.Status.APPROVED
    assert CaseEvent.objects.filter(case=case, action="measure_approve").count() == 1
