"""The statements the documents hooks add to a step: the parties read once on notice_serve, the
violations read with their legal bases in one statement, the decision's latest version read once
at its issue, and no savepoint of their own inside the step's transaction (which rolls back whole
on a refusal) — and the compiled reads answer as the ORM does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawtrail.cases import services as svc
from lawtrail.cases.models import CaseViolation, Evidence
from lawtrail.documents import fill
from lawtrail.registry.models import LegalBasis, Violation
from tests.cases.procedure_kit import new_case
from tests.documents.conftest import decided_case, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def statements(monkeypatch):
    """Each step's statements by its action (``approval_act`` for an approval), in order."""
    seen: dict[str, list[list[str]]] = {}

    def recording(real, name_of):
        def run(**kw):
            with CaptureQueriesContext(connection) as q:
                out = real(**kw)
            seen.setdefault(name_of(kw), []).append([x["sql"] for x in q.captured_queries])
            return out

        return run

    monkeypatch.setattr(svc, "case_transition", recording(svc.case_transition, lambda kw: kw["action"]))
    monkeypatch.setattr(svc, "approval_act", recording(svc.approval_act, lambda kw: "approval_act"))
    return seen


def _count(sqls: list[str], needle: str) -> int:
    return sum(needle in s for s in sqls)


def _after(sqls: list[str], needle: str) -> str:
    return sqls[next(i for i, s in enumerate(sqls) if needle in s) + 1]


def test_the_drafting_steps_read_parties_once_and_bases_with_their_violations(world, statements):
    c = world.cast
    case = decided_case(world)
    step(c.alice, case, "decision_serve", served_on="2026-09-01", method="direct")
    (notice,) = statements["notice_serve"]
    (submit,) = statements["decision_submit"]
    issuing = statements["approval_act"][-1]
    # the hearing right (on a copy of the case) and the notice's fill share one read of the parties
    assert _count(notice, 'SELECT "cases_party"."id"') == 1
    for sqls in (notice, submit, issuing):
        # the violations with their bases: one statement (the bases joined), not one more per violation
        assert _count(sqls, '"registry_legalbasis"') == 1
        assert _count(sqls, 'FROM "registry_legalbasis"') == 0


def test_the_decision_is_issued_and_served_without_reads_again_or_savepoints(world, statements):
    c = world.cast
    case = decided_case(world)
    step(c.alice, case, "decision_serve", served_on="2026-09-01", method="direct")
    issuing = statements["approval_act"][-1]
    (serve,) = statements["decision_serve"]
    # the decision's latest version read once (the hook's: none yet), no MAX(version) besides
    assert _count(issuing, 'FROM "documents_document"') == 1
    assert _count(issuing, "MAX(") == 0
    # inside the step's transaction: no savepoint around the document's or the service's row
    assert not _after(issuing, 'INSERT INTO "documents_document"').startswith("RELEASE SAVEPOINT")
    assert not _after(serve, 'INSERT INTO "documents_service"').startswith("RELEASE SAVEPOINT")


def _violations_as_the_orm_gives_them(case):
    out = []
    for cv in case.violations.select_related("violation").order_by("pk"):
        bases = list(cv.violation.bases.all())
        out.append(
            {
                "name": cv.violation.name,
                "violated": [fill._basis(b.law, b.article, b.clause) for b in bases if b.role == "violation"],
                "penalty": [fill._basis(b.law, b.article, b.clause) for b in bases if b.role == "penalty"],
            }
        )
    return out


def test_violations_and_evidence_read_as_the_orm_gives_them(world):
    c = world.cast
    case = new_case(world)
    assert fill.violations_of(case) == _violations_as_the_orm_gives_them(case)
    two = Violation.objects.create(power=world.violation.power, code="T-WF-0", name="第二个违法行为")
    none = Violation.objects.create(power=world.violation.power, code="T-WF-2", name="没有依据的违法行为")
    LegalBasis.objects.create(violation=two, role="penalty", law="某条例", article="第九条")
    LegalBasis.objects.create(
        violation=two, role="violation", law="《某条例》", article="第三条", clause="第二项"
    )
    LegalBasis.objects.create(violation=two, role="grant", law="《某法》", article="第一条")
    LegalBasis.objects.create(violation=two, role="penalty", law="《某法》", article="第八条")
    CaseViolation.objects.create(case=case, violation=two)
    CaseViolation.objects.create(case=case, violation=none)
    got = fill.violations_of(case)
    assert got == _violations_as_the_orm_gives_them(case)
    assert [v["name"] for v in got] == [world.violation.name, "第二个违法行为", "没有依据的违法行为"]
    assert got[1] == {
        "name": "第二个违法行为",
        "violated": ["《某条例》第三条第二项"],
        "penalty": ["《某条例》第九条", "《某法》第八条"],
    }
    assert got[2]["violated"] == got[2]["penalty"] == []
    assert fill.evidence_of(case) == list(case.evidence.all()) == []
    for title in ("营业执照复印件", "现场检查笔录"):
        Evidence.objects.create(
            case=case, kind="record", title=title, collected_on=dt.date(2026, 9, 1), collected_by=c.alice
        )
    assert fill.evidence_of(case) == list(case.evidence.all())
    assert [e.title for e in fill.evidence_of(case)] == ["营业执照复印件", "现场检查笔录"]
