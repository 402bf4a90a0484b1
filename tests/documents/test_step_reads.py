"""The documents' reads a step makes (compiled once per thread): the latest document of a kind, the
draft of a kind, the facts from the last 调查终结报告 — the ORM's own answers, for every case and kind."""

from __future__ import annotations

import pytest

from lawtrail.cases.models import CaseEvent
from lawtrail.documents import fill, services
from lawtrail.documents.models import Document, Draft
from tests.cases.procedure_kit import new_case

pytestmark = pytest.mark.django_db


def test_latest_and_draft_as_the_orm_gives_them_for_every_case_and_kind(world, decided):
    c = world.cast
    services.draft_save(actor=c.alice, case=decided, kind="penalty_decision", texts={"reasoning": "理由一。"})
    services.issue_by_officer(actor=c.alice, case=decided, kind="penalty_decision", reason="补充说明")
    services.draft_save(actor=c.alice, case=decided, kind="notice", texts={"facts": "草稿的事实。"})
    assert Document.objects.filter(case=decided, kind="penalty_decision").count() == 2
    other = new_case(world)  # a lead: no document, no draft
    for case in (decided, other):
        for kind in ("penalty_decision", "notice", "no_such_kind"):
            want = Document.objects.filter(case=case, kind=kind).order_by("-version").first()
            assert services.latest(case, kind) == want, (case, kind)
            draft = Draft.objects.filter(case=case, kind=kind).first()
            assert services.draft_texts(case, kind) == (dict(draft.texts) if draft else {}), (case, kind)
    assert services.latest(decided, "penalty_decision").version == 2  # the highest, not the first
    assert services.draft_texts(decided, "notice") == {"facts": "草稿的事实。"}


def test_facts_from_the_last_investigation_report_when_the_case_has_none(world, decided):
    CaseEvent.objects.create(
        case=decided, action="investigation_end", from_state="investigated", to_state="investigated",
        at=decided.created_at, on=decided.lead_on, data={"report": "后来的调查终结报告。"},
    )  # fmt: skip
    decided.facts = ""
    last = decided.events.filter(action="investigation_end").order_by("-id").first()
    assert fill.facts_of(decided) == "后来的调查终结报告。" == last.data["report"]
    decided.facts = "案件自己的事实。"
    assert fill.facts_of(decided) == "案件自己的事实。"
