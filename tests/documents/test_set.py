"""The rest of the set: every kind of the catalogue issues from a decided case — its title, the
party and the agency in the text, numbered kinds in GB/T 9704 form, one base template."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from lawtrail.documents import rules, services
from lawtrail.documents.catalogue import KINDS

from .conftest import RARE_NAME

pytestmark = pytest.mark.django_db

REQUIRED = {
    "filing_approval", "decline_approval", "onsite_record", "inquiry_record", "preservation_decision",
    "measure_decision", "measure_list", "measure_extend", "measure_release", "notice", "statement_record",
    "hearing_notice", "hearing_record", "hearing_report", "review_opinion", "deliberation_record",
    "penalty_decision", "no_penalty_decision", "on_the_spot_decision", "payment_deferral", "service_receipt",
    "address_confirmation", "demand", "court_application", "closing_approval", "file_cover", "file_index",
}  # fmt: skip


def test_catalogue_covers_the_issue_list():
    assert REQUIRED <= set(KINDS)


def text(doc) -> str:
    pdf = services.current_pdf(doc)
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


@pytest.mark.parametrize(
    "kind",
    [
        "filing_approval",
        "notice",
        "measure_list",
        "review_opinion",
        "service_receipt",
        "file_index",
        "demand",
    ],
)
def test_kind_issues_filled_from_the_case(world, decided, kind):
    doc = services.issue_by_officer(actor=world.cast.alice, case=decided, kind=kind)
    t = text(doc)
    assert str(KINDS[kind].title).replace("/", "") in t.replace("/", "")
    assert "石家庄市长安区市场监督管理局" in t
    if kind not in ("file_index", "service_receipt"):
        assert RARE_NAME in t
    if KINDS[kind].word:
        assert rules.number_valid(doc.number) and doc.number in t
    if kind == "notice":
        assert "罚款70,000.00元（柒万元整）" in t and "5个工作日内" in t
    if kind == "file_index":
        assert "行政处罚决定书（长市监处罚〔2026〕1号）" in t  # the case file's items


def test_numbers_per_kind_are_separate_and_gapless(world, decided):
    a = services.issue_by_officer(actor=world.cast.alice, case=decided, kind="notice")
    b = services.issue_by_officer(actor=world.cast.alice, case=decided, kind="demand")
    assert (a.number, b.number) == ("长市监罚告〔2026〕1号", "长市监催告〔2026〕1号")
