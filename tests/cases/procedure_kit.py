"""Helpers for the procedure tests (test_procedures*.py, test_measures*.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lawtrail.cases import services as svc
from lawtrail.cases.models import CaseEvent
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.profiles.services import profile_ensure, profile_value_set
from lawtrail.recording import services as recording
from tests.factories import make_credit_code, make_id_number

#: a 2-second body-camera clip (H.264 + AAC, 10 KB), the demo's too
SAMPLE_RECORDING = (
    Path(__file__).resolve().parents[2] / "src" / "lawtrail" / "demo" / "data" / "bodycam-sample.mp4"
)


def refused(code, fn, **kw):
    """Call ``fn``; assert it refuses with ``code`` and return the error."""
    with pytest.raises(ApplicationError) as exc:
        fn(**kw)
    assert exc.value.code == code, (exc.value.code, exc.value.message)
    return exc.value


def step(actor, case, action, on=None, **data):
    return svc.case_transition(actor=actor, case_id=case.pk, action=action, data=data, on=on)


def refused_step(code, actor, case, action, on=None, **data):
    """A refused step changes nothing: same state, no new event."""
    before_state = type(case).objects.get(pk=case.pk).state
    n = CaseEvent.objects.filter(case_id=case.pk).count()
    err = refused(code, svc.case_transition, actor=actor, case_id=case.pk, action=action, data=data, on=on)
    assert type(case).objects.get(pk=case.pk).state == before_state
    assert CaseEvent.objects.filter(case_id=case.pk).count() == n
    return err


def recorded(actor, case, action="measure_take", **kw):
    """G118-8: the officer uploads the audio-video recording of an on-site act (查封扣押 …) for the
    step before taking it; the step links it (``lawtrail.recording.gates``)."""
    return recording.evidence_file_add(
        actor=actor, case=case, path=SAMPLE_RECORDING, name="执法记录仪录像.mp4", step=action, **kw
    )


def journaled(case, action) -> bool:
    """The step is in the 大事记 (CaseEvent) and in the journal."""
    event = CaseEvent.objects.filter(case_id=case.pk, action=action).order_by("-id").first()
    return (
        event is not None
        and Entry.objects.filter(
            action=f"cases:event:{action}", subject_type="cases.caseevent", subject_id=str(event.pk)
        ).exists()
    )


def set_profile(agency, key, value, on=dt.date(2026, 1, 1)):
    profile = profile_ensure(actor=None, level="agency", agency=agency)
    profile_value_set(actor=None, profile=profile, key=key, value=value, effective_from=on)


def person_id(n=1, born=dt.date(1990, 1, 1)):
    return make_id_number(n, "130102", born)


def org_code(n=555):
    return make_credit_code(n, "130102")


def new_case(world, *, act_date=dt.date(2026, 8, 20), complex_case=False):
    """A lead of agency A handled by alice with andy, one organisation party."""
    c = world.cast
    case = svc.case_create(
        actor=c.alice,
        agency=c.agency_a,
        domain=c.market,
        region=c.changan,
        title="某公司销售不合格产品案",
        officer_ids=[world.andy.pk],
        act_date=act_date,
        discovered_on=dt.date(2026, 8, 28),
        violation_ids=[world.violation.pk],
        complex_case=complex_case,
    )
    svc.party_add(
        actor=c.alice,
        case=case,
        kind="organisation",
        name="石家庄某某商贸有限公司",
        credit_code=org_code(),
        address="石家庄市长安区中山东路1号",  # APL-59: the decision names the party's address
    )
    return case


def filed_case(world, **kw):
    """A case filed on 2026-09-01 (decision due 2026-11-30), investigating."""
    c = world.cast
    svc.approval_chain_set(actor=c.grace, agency=c.agency_a, action="filing", levels=["approver_1"])
    case = new_case(world, **kw)
    step(c.alice, case, "filing_submit")
    return svc.approval_act(actor=c.carol, case_id=case.pk, decision="approve")
