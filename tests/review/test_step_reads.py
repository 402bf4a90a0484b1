"""Legal review's reads on the case flow, compiled once per thread (``core.precompiled``): the
list in force, the case's facts (one statement) and its requirement equal the ORM's answers; the
routing of a proposal's approval reads the division's ancestors from its path, not one query per
level."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from lawtrail.cases.engine import lock
from lawtrail.cases.models import CaseEvent
from lawtrail.review import selectors
from lawtrail.review import services as svc
from lawtrail.review.models import CriterionOptOut, ReviewCriterion, ReviewRequirement

from .test_services import city_list  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _in_force_by_the_orm(agency):
    """The list in force as it was read before: the division's ancestors walked by ``parent``."""
    ids, d = [], agency.division
    while d is not None:
        ids.append(d.pk)
        d = d.parent
    off = CriterionOptOut.objects.filter(agency=agency).values_list("criterion_id", flat=True)
    return list(
        ReviewCriterion.objects.filter(Q(division_id__in=ids) | Q(agency=agency), active=True)
        .exclude(pk__in=off)
        .select_related("domain", "division", "agency")
        .order_by("sort", "id")
    )


def _facts_by_the_orm(case):
    """What ``case_facts`` read before, each with the ORM's queryset."""
    flags = {f.kind: f.reason for f in case.review_flags.all()}
    return (
        flags,
        case.events.filter(action="hearing_hold").exists(),
        tuple(
            case.measures.filter(status__in=("taken", "released", "disposed")).values_list("kind", flat=True)
        ),
        tuple(case.parties.values_list("kind", flat=True)),
    )


def test_the_list_in_force_equals_the_orms(world, city_list):  # noqa: F811
    c = world.cast
    province = ReviewCriterion.objects.create(
        division=c.agency_a.division.parent.parent, category="hearing", title="省级：经听证的案件", sort=1
    )
    ReviewCriterion.objects.create(
        division=c.agency_a.division, category="hearing", title="停用的", active=False
    )
    for agency in (c.agency_a, c.agency_b):
        fast = selectors.criteria_in_force_list(agency)
        assert fast == _in_force_by_the_orm(agency) == list(selectors.criteria_in_force(agency))
        assert [(x.division, x.agency, x.domain) for x in fast] == [
            (x.division, x.agency, x.domain) for x in _in_force_by_the_orm(agency)
        ]
    assert province in selectors.criteria_in_force_list(c.agency_a)
    svc.criterion_opt_out(
        actor=c.grace, agency_id=c.agency_a.pk, criterion_id=city_list["amount"].pk, reason="本局执行更高标准"
    )
    assert city_list["amount"] not in selectors.criteria_in_force_list(c.agency_a)
    assert selectors.criteria_in_force_list(c.agency_a) == _in_force_by_the_orm(c.agency_a)
    assert list(selectors.inherited_criteria(c.agency_a)) == list(
        ReviewCriterion.objects.filter(
            division_id__in=[d.pk for d in (c.agency_a.division, *c.agency_a.division.ancestors())],
            active=True,
        )
    )


def test_the_case_facts_and_requirement_equal_the_orms(walk, world, city_list):  # noqa: F811
    case = walk.proposed(amount="80000")
    svc.review_flag(actor=world.cast.alice, case_id=case.pk, kind="other", reason="其一")
    svc.review_flag(actor=world.cast.alice, case_id=case.pk, kind="other", reason="其二")  # the last wins
    svc.review_flag(actor=world.cast.alice, case_id=case.pk, kind="complex", reason="多个法律关系")
    CaseEvent.objects.create(
        case=case, action="hearing_hold", from_state=case.state, to_state=case.state, actor=world.cast.alice,
        at=case.created_at, on=case.lead_on,
    )  # fmt: skip
    facts = svc.case_facts(case)
    flags, hearing, measures, parties = _facts_by_the_orm(case)
    assert facts.flag_reason == flags["other"] == "其二" and facts.complex_case and facts.flagged
    assert (facts.hearing_held, facts.measure_kinds, facts.party_kinds) == (hearing, measures, parties)
    assert hearing is True and parties == ("organisation",)
    other = walk.proposed(amount="65000")  # below the list's 70,000, no flag, no hearing: never routed
    facts = svc.case_facts(other)
    assert (facts.hearing_held, facts.complex_case, facts.flagged) == (False, False, False)
    assert (facts.measure_kinds, facts.party_kinds) == _facts_by_the_orm(other)[2:]
    for c in (case, other):
        orm = ReviewRequirement.objects.filter(case=c).first()
        for locked in (False, True):
            req = svc.requirement_of(c, lock=locked)
            if orm is None:
                assert req._state.adding and not req.required and req.case_id == c.pk
            else:
                assert (req.pk, req.required, req.reasons, req.passed) == (
                    orm.pk, orm.required, orm.reasons, orm.passed
                )  # fmt: skip
    assert svc.requirement_of(case).required and not ReviewRequirement.objects.filter(case=other).exists()


def test_routing_a_proposal_reads_no_division(walk, world, city_list):  # noqa: F811
    """The routing of a proposal's approval: the list in force, the case's facts (flags, hearings,
    measures, parties: one statement), the requirement (locked) — three statements, and no
    registry_division (the ancestors come from the division's path; walking ``parent`` read one
    per level, and the facts were four statements)."""
    case = walk.proposed(amount="80000")  # routed once: nothing new to add
    with transaction.atomic():
        case = lock(case.pk)  # as the step has it: the agency and its division read with the case
        with CaptureQueriesContext(connection) as q:
            assert svc.route_case(case, actor=world.cast.carol, on=case.lead_on, trigger="proposal") == []
    sqls = [x["sql"] for x in q.captured_queries]
    assert len(sqls) == 3, sqls
    assert not any('FROM "registry_division" WHERE' in s for s in sqls), sqls
