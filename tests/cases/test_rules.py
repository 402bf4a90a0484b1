"""Pure rules of case handling (``lawtrail.cases.rules``), table-driven, no database.

Working days come from a fake pure calendar built from the 2026 holiday table below; a test
proves the table equals ``chinese_calendar`` for every day of 2026 (National Day 2026:
10-01..10-07 off, 调休 working days Sun 2026-09-20 and Sat 2026-10-10; 中秋 Fri 2026-09-25).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import chinese_calendar
import pytest

from lawtrail.cases import rules as r
from lawtrail.core.errors import Conflict, ValidationFailed

D = dt.date
T = dt.datetime

# 2026 weekdays that are off, and weekend days that are worked (from chinese_calendar).
OFF_WEEKDAYS_2026 = {
    D(2026, 1, 1), D(2026, 1, 2), D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19),
    D(2026, 2, 20), D(2026, 2, 23), D(2026, 4, 6), D(2026, 5, 1), D(2026, 5, 4), D(2026, 5, 5),
    D(2026, 6, 19), D(2026, 9, 25), D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 5), D(2026, 10, 6),
    D(2026, 10, 7),
}  # fmt: skip
MAKEUP_2026 = {D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)}


def is_working(day: dt.date) -> bool:
    if day in OFF_WEEKDAYS_2026:
        return False
    if day in MAKEUP_2026:
        return True
    return day.weekday() < 5


def not_working(day: dt.date) -> bool:
    return not is_working(day)


def refused(code: str, rule: str, fn, /, exc=ValidationFailed, **kw):
    with pytest.raises(exc) as info:
        fn(**kw)
    assert info.value.code == code, info.value.as_dict()
    assert info.value.rule == rule
    assert info.value.message  # a Chinese message naming the article
    return info.value


def test_wd1_fake_calendar_equals_chinese_calendar_2026():
    day = D(2026, 1, 1)
    while day.year == 2026:
        assert is_working(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert chinese_calendar.is_workday(D(2026, 9, 20)) and chinese_calendar.is_workday(D(2026, 10, 10))


# --- APL-36 limitation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("act", "ended", "discovered", "serious", "harm", "other", "expires", "code"),
    [
        (D(2024, 3, 1), None, D(2026, 3, 1), False, False, None, D(2026, 3, 1), None),  # last day
        (D(2024, 3, 1), None, D(2026, 3, 2), False, False, None, D(2026, 3, 1), "CASE_LIMITATION_EXPIRED"),
        (D(2024, 3, 1), None, D(2026, 3, 2), True, False, None, D(2026, 3, 1), "CASE_LIMITATION_EXPIRED"),
        (D(2024, 3, 1), None, D(2026, 3, 2), False, True, None, D(2026, 3, 1), "CASE_LIMITATION_EXPIRED"),
        (D(2024, 3, 1), None, D(2029, 3, 1), True, True, None, D(2029, 3, 1), None),  # 5 years
        (D(2024, 3, 1), None, D(2029, 3, 2), True, True, None, D(2029, 3, 1), "CASE_LIMITATION_EXPIRED"),
        (D(2024, 3, 1), D(2025, 1, 10), D(2027, 1, 10), False, False, None, D(2027, 1, 10), None),  # 继续状态
        (
            D(2024, 3, 1),
            D(2025, 1, 10),
            D(2027, 1, 11),
            False,
            False,
            None,
            D(2027, 1, 10),
            "CASE_LIMITATION_EXPIRED",
        ),
        (D(2024, 2, 29), None, D(2026, 2, 28), False, False, None, D(2026, 2, 28), None),
        (D(2024, 2, 29), None, D(2026, 3, 1), False, False, None, D(2026, 2, 28), "CASE_LIMITATION_EXPIRED"),
        (D(2024, 3, 1), None, D(2026, 3, 2), False, False, 3, D(2027, 3, 1), None),  # 法律另有规定
        (D(2024, 3, 1), None, D(2024, 2, 1), False, False, None, None, "CASE_DISCOVERY_BEFORE_ACT"),
        (D(2024, 3, 1), D(2024, 2, 1), D(2024, 3, 2), False, False, None, None, "CASE_ACT_END_BEFORE_START"),
    ],
)
def test_apl36_limitation_at_filing(act, ended, discovered, serious, harm, other, expires, code):
    kw = dict(
        act_on=act,
        act_ended_on=ended,
        discovered_on=discovered,
        life_health_or_financial_safety=serious,
        harm_occurred=harm,
        other_law_years=other,
    )
    if code:
        refused(code, "APL-36", r.limitation_check, **kw)
    else:
        assert r.limitation_check(**kw).expires_on == expires


# --- APL-42 officers --------------------------------------------------------------------------

CASE_PATH = "130000/130100/130102/"


ISSUED, EXPIRES = D(2025, 1, 1), D(2026, 10, 1)


def cred(status="valid", issued=ISSUED, expires=EXPIRES, domain="market", region="130000/130100/"):
    return r.CredentialFacts("C", status, issued, expires, domain, region)


def officer(i, *creds):
    return r.OfficerFacts(i, f"执法员{i}", tuple(creds))


@pytest.mark.parametrize(
    ("officers", "on", "code", "reason"),
    [
        ([officer(1, cred()), officer(2, cred())], D(2026, 10, 1), None, None),  # expiry day still valid
        ([officer(1, cred()), officer(2, cred(region="130000/"))], D(2026, 9, 1), None, None),  # province
        (
            [officer(1, cred()), officer(2, cred(region=CASE_PATH))],
            D(2026, 9, 1),
            None,
            None,
        ),  # county itself
        ([officer(1, cred())], D(2026, 9, 1), "CASE_OFFICERS_LT_2", None),
        ([officer(1, cred()), officer(1, cred())], D(2026, 9, 1), "CASE_OFFICERS_LT_2", None),  # same person
        ([], D(2026, 9, 1), "CASE_OFFICERS_LT_2", None),
        (
            [officer(1, cred()), officer(2, cred())],
            D(2026, 10, 2),
            "CASE_OFFICER_CREDENTIAL_INVALID",
            "expired",
        ),
        (
            [officer(1, cred()), officer(2, cred(issued=D(2026, 9, 2)))],
            D(2026, 9, 1),
            "CASE_OFFICER_CREDENTIAL_INVALID",
            "not_yet_valid",
        ),
        (
            [officer(1, cred()), officer(2, cred(status="suspended"))],
            D(2026, 9, 1),
            "CASE_OFFICER_CREDENTIAL_INVALID",
            "status",
        ),
        (
            [officer(1, cred()), officer(2, cred(status="revoked"))],
            D(2026, 9, 1),
            "CASE_OFFICER_CREDENTIAL_INVALID",
            "status",
        ),
        (
            [officer(1, cred()), officer(2, cred(domain="environment"))],
            D(2026, 9, 1),
            "CASE_OFFICER_CREDENTIAL_INVALID",
            "domain",
        ),
        (
            [officer(1, cred()), officer(2, cred(region="130000/130200/"))],
            D(2026, 9, 1),
            "CASE_OFFICER_CREDENTIAL_INVALID",
            "region",
        ),
        (
            [officer(1, cred()), officer(2, cred(region="130000/130100/130102/130102001/"))],
            D(2026, 9, 1),
            "CASE_OFFICER_CREDENTIAL_INVALID",
            "region",
        ),  # a township credential does not cover its county
        ([officer(1, cred()), officer(2)], D(2026, 9, 1), "CASE_OFFICER_CREDENTIAL_INVALID", "none"),
        # one usable credential among several is enough
        ([officer(1, cred()), officer(2, cred(domain="environment"), cred())], D(2026, 9, 1), None, None),
    ],
)
def test_apl42_two_officers_with_valid_credentials(officers, on, code, reason):
    kw = dict(officers=officers, on=on, domain="market", division_path=CASE_PATH)
    if code:
        err = refused(code, "APL-42", r.officers_check, **kw)
        if reason:
            assert err.details["officers"][0]["reason"] == reason
    else:
        assert r.officers_check(**kw) is None


def test_acl17_18_officers_check_cites_the_measure_rule():
    refused(
        "CASE_OFFICERS_LT_2", "ACL-17/18", r.officers_check,
        officers=[officer(1, cred())], on=D(2026, 9, 1), domain="market", division_path=CASE_PATH, rule="ACL-17/18",
    )  # fmt: skip


# --- APL-30/33 age ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "birthday_counts", "age", "mitigate", "code"),
    [
        (D(2012, 10, 1), D(2026, 9, 30), False, 13, None, "CASE_PARTY_UNDER_14"),
        (D(2012, 10, 1), D(2026, 10, 1), False, 13, None, "CASE_PARTY_UNDER_14"),  # 14th birthday itself
        (D(2012, 10, 1), D(2026, 10, 2), False, 14, True, None),  # 已满十四周岁 from the next day
        (D(2012, 10, 1), D(2026, 10, 1), True, 14, True, None),  # birthday_counts variant
        (D(2008, 10, 1), D(2026, 10, 1), False, 17, True, None),  # 18th birthday: still a minor
        (D(2008, 10, 1), D(2026, 10, 2), False, 18, False, None),
        (D(2008, 10, 1), D(2026, 10, 1), True, 18, False, None),
        (D(2012, 2, 29), D(2026, 2, 28), False, 13, None, "CASE_PARTY_UNDER_14"),
        (D(2012, 2, 29), D(2026, 3, 1), False, 14, True, None),
        (D(1980, 5, 5), D(2026, 5, 5), False, 45, False, None),
        (D(2027, 1, 1), D(2026, 5, 5), False, None, None, "CASE_PARTY_BORN_AFTER_ACT"),
    ],
)
def test_apl30_33_party_age_on_violation_date(born, on, birthday_counts, age, mitigate, code):
    kw = dict(birth_date=born, violation_on=on, birthday_counts=birthday_counts)
    if code:
        err = refused(code, "APL-30/33", r.party_age_check, **kw)
        if age is not None:
            assert err.details["age"] == age
    else:
        v = r.party_age_check(**kw)
        assert (v.age, v.must_mitigate, v.minor) == (age, mitigate, mitigate)


@pytest.mark.parametrize(
    ("age", "tier", "ok"),
    [
        (15, "lenient", True),
        (15, "reduced", True),
        (15, "exempt", True),
        (15, "normal", False),
        (15, "severe", False),
        (15, None, False),
        (30, "severe", True),
    ],
)
def test_apl30_33_minor_must_be_mitigated(age, tier, ok):
    verdict = r.AgeVerdict(age=age, minor=age < 18, must_mitigate=age < 18)
    if ok:
        r.minor_mitigation_check(age=verdict, tier=tier)
    else:
        refused("CASE_MINOR_NOT_MITIGATED", "APL-30/33", r.minor_mitigation_check, age=verdict, tier=tier)


# --- APL-44/45/62 notice, statement, no heavier penalty ---------------------------------------


@pytest.mark.parametrize(
    ("served", "decided", "waived", "ok"),
    [
        (D(2026, 9, 1), D(2026, 9, 10), False, True),
        (D(2026, 9, 10), D(2026, 9, 10), False, True),
        (None, D(2026, 9, 10), False, False),
        (D(2026, 9, 11), D(2026, 9, 10), False, False),  # served after the decision date
        (None, D(2026, 9, 10), True, True),  # express waiver
    ],
)
def test_apl44_45_62_notice_before_decision(served, decided, waived, ok):
    kw = dict(notice_served_on=served, decided_on=decided, waived=waived)
    if ok:
        r.notice_before_decision_check(**kw)
    else:
        refused("CASE_NOTICE_REQUIRED", "APL-44/45/62", r.notice_before_decision_check, **kw)


@pytest.mark.parametrize(
    ("served", "decided", "stated", "waived", "ok"),
    [
        # 5 WD from Mon 2026-11-02: the 5th working day is Mon 11-09
        (D(2026, 11, 2), D(2026, 11, 9), False, False, False),  # 5th working day: still running
        (D(2026, 11, 2), D(2026, 11, 10), False, False, True),  # 6th working day
        # across National Day: 09-29, 09-30, 10-08, 10-09, 10-10 (调休 Saturday) → ends 10-10
        (D(2026, 9, 28), D(2026, 10, 10), False, False, False),
        (D(2026, 9, 28), D(2026, 10, 12), False, False, True),
        (D(2026, 9, 28), D(2026, 10, 8), True, False, True),  # the party has stated
        (D(2026, 9, 28), D(2026, 9, 29), False, True, True),  # waived
    ],
)
def test_apl44_45_62_statement_period(served, decided, stated, waived, ok):
    kw = dict(
        notice_served_on=served,
        decided_on=decided,
        period_wd=5,
        is_working=is_working,
        stated=stated,
        waived=waived,
    )
    if ok:
        r.statement_period_check(**kw)
    else:
        refused("CASE_STATEMENT_PERIOD_RUNNING", "APL-44/45/62", r.statement_period_check, **kw)


def test_apl44_45_62_statement_period_end_across_national_day_2026():
    assert r.statement_period_end(notice_served_on=D(2026, 9, 28), period_wd=5, is_working=is_working) == D(
        2026, 10, 10
    )


P = r.Penalty.of


@pytest.mark.parametrize(
    ("notified", "decided", "heavier_by"),
    [
        (P(["fine"], 5000), P(["fine"], 5000), None),
        (P(["fine"], 5000), P(["fine"], 4999), None),
        (P(["fine"], 5000), P(["fine"], 5001), ["fine"]),
        (
            P(["fine", "confiscate_gains"], 5000, 800),
            P(["fine", "confiscate_gains"], 5000, 801),
            ["confiscation"],
        ),
        (P(["fine"], 5000), P(["fine", "revoke_licence"], 5000), ["kinds"]),
        (P(["fine", "warning"], 5000), P(["fine"], 3000), None),  # lighter
    ],
)
def test_apl44_45_62_no_heavier_penalty_after_defence(notified, decided, heavier_by):
    if heavier_by:
        err = refused(
            "CASE_PENALTY_INCREASED_AFTER_DEFENCE",
            "APL-44/45/62",
            r.penalty_not_heavier_check,
            notified=notified,
            decided=decided,
        )
        assert err.details["heavier_by"] == heavier_by
    else:
        r.penalty_not_heavier_check(notified=notified, decided=decided)


@pytest.mark.parametrize(
    ("previous", "proposed", "reason", "ok"),
    [
        (P(["fine"], 5000), P(["fine"], 8000), "", False),
        (P(["fine"], 5000), P(["fine"], 8000), "   ", False),
        (P(["fine"], 5000), P(["fine"], 8000), "补充调查查明违法所得数额增加", True),
        (P(["fine"], 5000), P(["fine"], 3000), "", True),
    ],
)
def test_apl44_45_62_second_notice_states_changed_facts(previous, proposed, reason, ok):
    kw = dict(previous=previous, proposed=proposed, changed_facts_or_basis=reason)
    if ok:
        r.second_notice_check(**kw)
        # the second notice becomes the reference: deciding at its amount is allowed
        r.penalty_not_heavier_check(notified=proposed, decided=proposed)
    else:
        refused("CASE_RENOTICE_REASON_REQUIRED", "APL-44/45/62", r.second_notice_check, **kw)


# --- APL-51 on-the-spot -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "kinds", "fine", "code"),
    [
        ("person", ["fine"], 199, None),
        ("person", ["fine"], 200, None),
        ("person", ["fine"], 201, "CASE_ON_THE_SPOT_FINE_OVER_LIMIT"),
        ("person", ["fine"], Decimal("200.01"), "CASE_ON_THE_SPOT_FINE_OVER_LIMIT"),
        ("organisation", ["fine"], 2999, None),
        ("organisation", ["fine"], 3000, None),
        ("organisation", ["fine"], 3001, "CASE_ON_THE_SPOT_FINE_OVER_LIMIT"),
        ("organisation", ["fine"], 201, None),
        ("person", ["warning"], 0, None),
        ("person", ["warning", "fine"], 50, None),
        ("person", ["confiscate_gains"], 0, "CASE_ON_THE_SPOT_KIND_NOT_ALLOWED"),
        ("organisation", ["fine", "suspend_licence"], 100, "CASE_ON_THE_SPOT_KIND_NOT_ALLOWED"),
        ("person", [], 0, "CASE_ON_THE_SPOT_KIND_NOT_ALLOWED"),
        ("person", ["fine"], 0, "CASE_FINE_REQUIRED"),
    ],
)
def test_apl51_on_the_spot_limits(party, kinds, fine, code):
    kw = dict(party_kind=party, kinds=kinds, fine=fine, fine_max_person=200, fine_max_organisation=3000)
    if code:
        refused(code, "APL-51", r.on_the_spot_check, **kw)
    else:
        r.on_the_spot_check(**kw)


def test_apl51_on_the_spot_limits_are_parameters():
    # a jurisdiction (or another law) setting a different limit is honoured, no literal inside
    r.on_the_spot_check(
        party_kind="person", kinds=["fine"], fine=500, fine_max_person=500, fine_max_organisation=1
    )
    refused(
        "CASE_ON_THE_SPOT_FINE_OVER_LIMIT", "APL-51", r.on_the_spot_check,
        party_kind="organisation", kinds=["fine"], fine=2, fine_max_person=500, fine_max_organisation=1,
    )  # fmt: skip


# --- APL-68/71 on-the-spot collection ---------------------------------------------------------


@pytest.mark.parametrize(
    ("fine", "hard", "remote", "receipt", "code"),
    [
        (99, False, False, "No.0001", None),
        (100, False, False, "No.0001", None),
        (101, False, False, "No.0001", "CASE_COLLECTION_OVER_LIMIT"),
        (150, True, False, "No.0001", None),  # 事后难以执行
        (150, False, True, "No.0001", None),  # 边远地区
        (100, False, False, "", "CASE_COLLECTION_RECEIPT_REQUIRED"),
    ],
)
def test_apl68_71_on_the_spot_collection(fine, hard, remote, receipt, code):
    kw = dict(
        fine=fine, collection_max=100, hard_to_collect_later=hard, remote_area=remote, receipt_number=receipt
    )
    if code:
        refused(code, "APL-68/71", r.on_the_spot_collection_check, **kw)
    else:
        r.on_the_spot_collection_check(**kw)


@pytest.mark.parametrize(
    ("collected", "handed", "agency_due", "bank_due", "late"),
    [
        (D(2026, 11, 2), None, D(2026, 11, 4), D(2026, 11, 6), False),
        (D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 4), D(2026, 11, 5), False),
        (D(2026, 11, 2), D(2026, 11, 5), D(2026, 11, 4), D(2026, 11, 9), True),
        # across National Day: 09-30, 10-08 → agency; 10-09, 10-10 (调休) → bank
        (D(2026, 9, 29), None, D(2026, 10, 8), D(2026, 10, 10), False),
        (D(2026, 10, 1), None, D(2026, 10, 9), D(2026, 10, 12), False),  # collected on a holiday
    ],
)
def test_apl68_71_handover_two_plus_two_working_days(collected, handed, agency_due, bank_due, late):
    h = r.collection_handover(collected_on=collected, is_working=is_working, handed_to_agency_on=handed)
    assert (h.to_agency_due, h.to_bank_due, h.to_agency_late) == (agency_due, bank_due, late)


# --- APL-56 先行登记保存 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preserved", "disposed", "due", "code"),
    [
        # Thu 09-24; 09-25 中秋, weekend; 09-28, 09-29, 09-30, 10-08, 10-09, 10-10, 10-12
        (D(2026, 9, 24), D(2026, 10, 12), D(2026, 10, 12), None),
        (D(2026, 9, 24), D(2026, 10, 13), D(2026, 10, 12), "CASE_PRESERVATION_DISPOSAL_LATE"),
        (D(2026, 11, 2), D(2026, 11, 11), D(2026, 11, 11), None),  # 7th working day
        (D(2026, 11, 2), D(2026, 11, 12), D(2026, 11, 11), "CASE_PRESERVATION_DISPOSAL_LATE"),
        (D(2026, 11, 2), D(2026, 11, 1), None, "CASE_PRESERVATION_DISPOSAL_BEFORE"),
    ],
)
def test_apl56_disposal_within_seven_working_days(preserved, disposed, due, code):
    kw = dict(preserved_on=preserved, disposed_on=disposed, is_working=is_working)
    if code:
        refused(code, "APL-56", r.preservation_disposal_check, **kw)
    else:
        assert r.preservation_disposal_check(**kw) == due


def test_apl56_preservation_needs_head_approval():
    r.preservation_check(head_approved=True)
    refused("CASE_PRESERVATION_APPROVAL_REQUIRED", "APL-56", r.preservation_check, head_approved=False)


# --- APL-57 outcomes, collective discussion ---------------------------------------------------


def test_apl57_four_outcomes():
    assert {o.value for o in r.Outcome} == {"penalty", "no_penalty", "dismissed", "transferred"}


@pytest.mark.parametrize(
    ("outcome", "kinds", "code", "rule"),
    [
        ("penalty", ["fine"], None, None),
        ("no_penalty", [], None, None),
        ("dismissed", [], None, None),
        ("transferred", [], None, None),
        ("penalty", [], "CASE_OUTCOME_PENALTY_MISSING", "APL-57"),
        ("no_penalty", ["warning"], "CASE_OUTCOME_PENALTY_UNEXPECTED", "APL-57"),
        ("acquitted", [], "CASE_OUTCOME_UNKNOWN", "APL-57"),
        ("penalty", ["flogging"], "CASE_PENALTY_KIND_UNKNOWN", "APL-9"),
    ],
)
def test_apl57_outcome(outcome, kinds, code, rule):
    if code:
        refused(code, rule, r.outcome_check, outcome=outcome, kinds=kinds)
    else:
        r.outcome_check(outcome=outcome, kinds=kinds)


@pytest.mark.parametrize(
    ("flagged", "recorded", "ok"), [(False, False, True), (True, True, True), (True, False, False)]
)
def test_apl57_collective_discussion_when_flagged(flagged, recorded, ok):
    kw = dict(complex_or_serious=flagged, deliberation_recorded=recorded)
    if ok:
        r.deliberation_check(**kw)
    else:
        refused("CASE_DELIBERATION_REQUIRED", "APL-57", r.deliberation_check, **kw)


# --- APL-60 decision limit --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "ext", "excluded", "due", "rolled_from", "excl_days"),
    [
        (D(2026, 7, 2), [], [], D(2026, 9, 30), None, 0),
        # 90th day 10-01 (National Day) → next working day 10-08 (WD-3)
        (D(2026, 7, 3), [], [], D(2026, 10, 8), D(2026, 10, 1), 0),
        (D(2026, 7, 2), [30], [], D(2026, 10, 30), None, 0),
        # 10 excluded days: 100th day is Sat 10-10, a 调休 working day → no roll
        (D(2026, 7, 2), [], [r.Period(D(2026, 8, 1), D(2026, 8, 10))], D(2026, 10, 10), None, 10),
        (D(2026, 7, 2), [], [r.Period(D(2026, 8, 1), D(2026, 8, 1))], D(2026, 10, 8), D(2026, 10, 1), 1),
        (
            D(2026, 7, 2),
            [15, 14],
            [r.Period(D(2026, 8, 1), D(2026, 8, 5)), r.Period(D(2026, 8, 6), D(2026, 8, 10))],
            D(2026, 11, 9),  # +129 = Sun 11-08 → Mon 11-09
            D(2026, 11, 8),
            10,
        ),
    ],
)
def test_apl60_decision_due_date(filed, ext, excluded, due, rolled_from, excl_days):
    d = r.decision_deadline(filed_on=filed, is_working=is_working, extension_days=ext, excluded=excluded)
    assert (d.due, d.rolled_forward_from, d.excluded_days) == (due, rolled_from, excl_days)


def test_apl60_decision_due_date_with_running_exclusion_and_profile_limit():
    d = r.decision_deadline(
        filed_on=D(2026, 7, 2),
        is_working=is_working,
        excluded=[r.Period(D(2026, 9, 1))],
        as_of=D(2026, 9, 10),
    )
    assert d.excluded_days == 10 and d.due == D(2026, 10, 10)
    assert r.decision_deadline(filed_on=D(2026, 7, 2), is_working=is_working, limit_days=60).due == D(
        2026, 8, 31
    )


@pytest.mark.parametrize(
    ("excluded", "code"),
    [
        (
            [r.Period(D(2026, 8, 1), D(2026, 8, 5)), r.Period(D(2026, 8, 5), D(2026, 8, 9))],
            "CASE_EXCLUDED_PERIOD_OVERLAP",
        ),
        ([r.Period(D(2026, 8, 1)), r.Period(D(2026, 8, 20), D(2026, 8, 21))], "CASE_EXCLUDED_PERIOD_OVERLAP"),
        ([r.Period(D(2026, 8, 5), D(2026, 8, 1))], "CASE_EXCLUDED_PERIOD_INVERTED"),
        ([r.Period(D(2026, 7, 2), D(2026, 7, 5))], "CASE_EXCLUDED_PERIOD_BEFORE_FILING"),
    ],
)
def test_apl60_decision_deadline_refuses_bad_exclusions(excluded, code):
    refused(
        code, "APL-60", r.decision_deadline,
        filed_on=D(2026, 7, 2), is_working=is_working, excluded=excluded, as_of=D(2026, 9, 1),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("new", "recorded", "code"),
    [
        (r.Period(D(2026, 8, 20), D(2026, 8, 25)), D(2026, 8, 20), None),
        (r.Period(D(2026, 8, 20)), D(2026, 8, 19), None),  # announced ahead, still running
        (r.Period(D(2026, 8, 19), D(2026, 8, 25)), D(2026, 8, 20), "CASE_EXCLUDED_PERIOD_BACKDATED"),
        (r.Period(D(2026, 8, 10), D(2026, 8, 25)), D(2026, 8, 1), "CASE_EXCLUDED_PERIOD_OVERLAP"),
        (
            r.Period(D(2026, 8, 15), D(2026, 8, 15)),
            D(2026, 8, 1),
            "CASE_EXCLUDED_PERIOD_OVERLAP",
        ),  # 1-day overlap
        (r.Period(D(2026, 8, 16), D(2026, 8, 16)), D(2026, 8, 1), None),  # adjacent
        (r.Period(D(2026, 7, 2), D(2026, 7, 3)), D(2026, 7, 1), "CASE_EXCLUDED_PERIOD_BEFORE_FILING"),
        (r.Period(D(2026, 8, 30), D(2026, 8, 20)), D(2026, 8, 1), "CASE_EXCLUDED_PERIOD_INVERTED"),
    ],
)
def test_apl60_excluded_period_add(new, recorded, code):
    kw = dict(
        new=new,
        existing=[r.Period(D(2026, 8, 10), D(2026, 8, 15))],
        recorded_on=recorded,
        filed_on=D(2026, 7, 2),
    )
    if code:
        refused(code, "APL-60", r.excluded_period_add_check, **kw)
    else:
        r.excluded_period_add_check(**kw)


@pytest.mark.parametrize(
    ("new", "recorded", "due", "ok"),
    [
        (r.Period(D(2026, 9, 30), D(2026, 10, 5)), D(2026, 9, 30), D(2026, 9, 30), True),  # on the last day
        (r.Period(D(2026, 10, 1), D(2026, 10, 5)), D(2026, 10, 1), D(2026, 9, 30), False),
        (r.Period(D(2026, 10, 2)), D(2026, 9, 29), D(2026, 9, 30), False),  # starts after the deadline
    ],
)
def test_apl60_excluded_period_cannot_revive_a_passed_deadline(new, recorded, due, ok):
    kw = dict(new=new, existing=[], recorded_on=recorded, filed_on=D(2026, 7, 2), current_due=due)
    if ok:
        r.excluded_period_add_check(**kw)
    else:
        refused("CASE_DEADLINE_PASSED", "APL-60", r.excluded_period_add_check, exc=Conflict, **kw)


@pytest.mark.parametrize(
    ("requested", "already", "on", "code", "exc"),
    [
        (30, 0, D(2026, 9, 30), None, None),
        (10, 20, D(2026, 9, 1), None, None),
        (31, 0, D(2026, 9, 1), "CASE_EXTENSION_OVER_LIMIT", ValidationFailed),
        (11, 20, D(2026, 9, 1), "CASE_EXTENSION_OVER_LIMIT", ValidationFailed),
        (0, 0, D(2026, 9, 1), "CASE_EXTENSION_DAYS_INVALID", ValidationFailed),
        (10, 0, D(2026, 10, 1), "CASE_DEADLINE_PASSED", Conflict),
    ],
)
def test_apl60_extension(requested, already, on, code, exc):
    kw = dict(
        requested_days=requested,
        already_extended_days=already,
        max_extension_days=30,
        requested_on=on,
        current_due=D(2026, 9, 30),
    )
    if code:
        refused(code, "APL-60", r.decision_extension_check, exc=exc, **kw)
    else:
        r.decision_extension_check(**kw)


# --- APL-61 service ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "served", "method", "consent", "allowed", "due", "late", "code"),
    [
        # 7 WD from Wed 09-30: 10-08, 10-09, 10-10 (调休), 10-12, 10-13, 10-14, 10-15
        (D(2026, 9, 30), D(2026, 10, 15), "mail", False, True, D(2026, 10, 15), False, None),
        (D(2026, 9, 30), D(2026, 10, 16), "direct", False, True, D(2026, 10, 15), True, None),
        (D(2026, 9, 30), D(2026, 9, 30), "on_the_spot", False, True, D(2026, 9, 30), False, None),
        (D(2026, 9, 30), D(2026, 10, 8), "electronic", True, True, D(2026, 10, 15), False, None),
        (
            D(2026, 9, 30),
            D(2026, 10, 8),
            "electronic",
            False,
            True,
            None,
            None,
            "CASE_E_SERVICE_CONSENT_REQUIRED",
        ),
        (D(2026, 9, 30), D(2026, 10, 8), "electronic", True, False, None, None, "CASE_E_SERVICE_DISABLED"),
        (D(2026, 9, 30), D(2026, 9, 29), "direct", False, True, None, None, "CASE_SERVICE_BEFORE_DECISION"),
        (D(2026, 9, 30), D(2026, 10, 8), "pigeon", False, True, None, None, "CASE_SERVICE_METHOD_UNKNOWN"),
    ],
)
def test_apl61_service_within_seven_working_days(decided, served, method, consent, allowed, due, late, code):
    kw = dict(
        decided_on=decided,
        served_on=served,
        method=method,
        is_working=is_working,
        e_consent=consent,
        electronic_allowed=allowed,
    )
    if code:
        refused(code, "APL-61", r.service_check, **kw)
    else:
        v = r.service_check(**kw)
        assert (v.due, v.late) == (due, late)


# --- APL-63/64 hearing ------------------------------------------------------------------------

THRESHOLDS = dict(
    fine_threshold_person=10000,
    fine_threshold_organisation=100000,
    confiscation_threshold_person=10000,
    confiscation_threshold_organisation=100000,
)


@pytest.mark.parametrize(
    ("party", "penalty", "other", "reasons"),
    [
        ("person", P(["fine"], 9999), False, ()),
        ("person", P(["fine"], 10000), False, ("fine",)),
        ("person", P(["fine"], 10001), False, ("fine",)),
        ("organisation", P(["fine"], 99999), False, ()),
        ("organisation", P(["fine"], 100000), False, ("fine",)),
        ("organisation", P(["fine"], 10000), False, ()),
        ("person", P(["confiscate_gains"], 0, 10000), False, ("confiscation",)),
        ("organisation", P(["confiscate_property"], 0, 99999.99), False, ()),
        ("organisation", P(["revoke_licence"]), False, ("revoke_licence",)),
        ("organisation", P(["suspend_business", "fine"], 500), False, ("suspend_business",)),
        ("person", P(["restrict_practice"]), False, ("restrict_practice",)),
        ("organisation", P(["close"]), False, ("close",)),
        ("organisation", P(["lower_qualification"]), False, ("lower_qualification",)),
        ("person", P(["warning"]), False, ()),
        ("person", P(["suspend_licence"]), True, ("other_serious",)),
    ],
)
def test_apl63_hearing_right_by_thresholds_and_kinds(party, penalty, other, reasons):
    h = r.hearing_right(party_kind=party, penalty=penalty, other_serious=other, **THRESHOLDS)
    assert (h.required, h.reasons) == (bool(reasons), reasons)


def test_apl63_hearing_thresholds_are_parameters():
    low = {k: 3000 for k in THRESHOLDS}
    assert r.hearing_right(party_kind="person", penalty=P(["fine"], 3000), **low).required
    assert not r.hearing_right(party_kind="person", penalty=P(["fine"], 3000), **THRESHOLDS).required


def test_apl63_notice_states_hearing_right():
    right = r.hearing_right(party_kind="person", penalty=P(["fine"], 20000), **THRESHOLDS)
    r.hearing_right_notified_check(right=right, notice_states_hearing_right=True)
    refused(
        "CASE_HEARING_RIGHT_NOT_NOTIFIED", "APL-63", r.hearing_right_notified_check,
        right=right, notice_states_hearing_right=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("served", "requested", "code"),
    [
        (D(2026, 11, 2), D(2026, 11, 9), None),  # 5th working day
        (D(2026, 11, 2), D(2026, 11, 10), "CASE_HEARING_REQUEST_LATE"),  # 6th working day
        (D(2026, 9, 28), D(2026, 10, 10), None),  # across National Day, 5th WD is 调休 Saturday
        (D(2026, 9, 28), D(2026, 10, 11), "CASE_HEARING_REQUEST_LATE"),
        (D(2026, 9, 28), D(2026, 10, 7), None),  # during the holiday: within
        (D(2026, 9, 28), D(2026, 9, 27), "CASE_HEARING_REQUEST_BEFORE_NOTICE"),
    ],
)
def test_apl64_hearing_request_within_five_working_days(served, requested, code):
    kw = dict(notice_served_on=served, requested_on=requested, is_working=is_working)
    if code:
        refused(code, "APL-64", r.hearing_request_check, **kw)
    else:
        r.hearing_request_check(**kw)


def test_apl63_hearing_request_without_right_refused():
    right = r.hearing_right(party_kind="person", penalty=P(["fine"], 100), **THRESHOLDS)
    refused(
        "CASE_HEARING_NOT_AVAILABLE", "APL-63", r.hearing_request_check,
        notice_served_on=D(2026, 11, 2), requested_on=D(2026, 11, 3), is_working=is_working, right=right,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("notified", "hearing", "chair", "code"),
    [
        # 7 WD from Tue 09-29: 09-30, 10-08, 10-09, 10-10, 10-12, 10-13, 10-14
        (D(2026, 9, 29), D(2026, 10, 14), 9, None),
        (D(2026, 9, 29), D(2026, 10, 13), 9, "CASE_HEARING_NOTICE_TOO_LATE"),
        (D(2026, 11, 2), D(2026, 11, 11), 9, None),
        (D(2026, 11, 2), D(2026, 11, 10), 9, "CASE_HEARING_NOTICE_TOO_LATE"),
        (D(2026, 11, 2), D(2026, 11, 30), 1, "CASE_HEARING_CHAIR_IS_INVESTIGATOR"),
    ],
)
def test_apl64_hearing_notice_seven_working_days_and_chair(notified, hearing, chair, code):
    kw = dict(
        notified_on=notified,
        hearing_on=hearing,
        is_working=is_working,
        chair_id=chair,
        investigator_ids=[1, 2],
    )
    if code:
        refused(code, "APL-64", r.hearing_schedule_check, **kw)
    else:
        r.hearing_schedule_check(**kw)


# --- APL-66/67 payment, APL-72/73 surcharge ---------------------------------------------------


@pytest.mark.parametrize(
    ("served", "deferred", "due"),
    [
        (D(2026, 9, 15), None, D(2026, 9, 30)),
        (D(2026, 9, 16), None, D(2026, 10, 8)),  # 10-01 National Day → 10-08
        (D(2026, 9, 12), None, D(2026, 9, 28)),  # Sunday 09-27 → Monday
        (D(2026, 9, 25), None, D(2026, 10, 10)),  # 调休 Saturday is a working day
        (D(2026, 9, 15), D(2026, 12, 31), D(2026, 12, 31)),  # approved deferral
    ],
)
def test_apl66_67_payment_due_fifteen_days(served, deferred, due):
    assert r.payment_due(served_on=served, is_working=is_working, deferred_to=deferred) == due


@pytest.mark.parametrize(
    ("fine", "as_of", "pauses", "days", "paused", "amount", "capped"),
    [
        (1000, D(2026, 10, 8), [], 0, 0, "0.00", False),  # on the due date
        (1000, D(2026, 10, 1), [], 0, 0, "0.00", False),
        (1000, D(2026, 10, 9), [], 1, 0, "30.00", False),
        (1000, D(2026, 11, 10), [], 33, 0, "990.00", False),
        (1000, D(2026, 11, 11), [], 34, 0, "1000.00", True),  # cap = the fine
        (1000, D(2027, 3, 1), [], 144, 0, "1000.00", True),
        (Decimal("55.55"), D(2026, 10, 9), [], 1, 0, "1.67", False),
        # 复议 from 10-10 to 10-19: not counted
        (1000, D(2026, 10, 18), [r.Period(D(2026, 10, 10), D(2026, 10, 19))], 1, 9, "30.00", False),
        (1000, D(2026, 10, 25), [r.Period(D(2026, 10, 10), D(2026, 10, 19))], 7, 10, "210.00", False),
        # still open on as_of
        (1000, D(2026, 10, 25), [r.Period(D(2026, 10, 10))], 1, 16, "30.00", False),
        # a pause that began before the due date counts only after it
        (1000, D(2026, 10, 12), [r.Period(D(2026, 10, 1), D(2026, 10, 10))], 2, 2, "60.00", False),
        # two pauses, and the cap is reached only on counted days
        (
            1000,
            D(2026, 12, 31),
            [r.Period(D(2026, 10, 9), D(2026, 10, 31)), r.Period(D(2026, 11, 10), D(2026, 12, 31))],
            9,
            75,
            "270.00",
            False,
        ),
    ],
)
def test_apl72_73_surcharge_cap_and_pause(fine, as_of, pauses, days, paused, amount, capped):
    s = r.surcharge(fine=fine, due_on=D(2026, 10, 8), as_of=as_of, pauses=pauses)
    assert (s.overdue_days, s.paused_days, s.amount, s.capped) == (days, paused, Decimal(amount), capped)


def test_apl72_73_overlapping_pauses_refused():
    refused(
        "CASE_SURCHARGE_PAUSE_OVERLAP", "APL-72/73", r.surcharge,
        fine=1000, due_on=D(2026, 10, 8), as_of=D(2026, 11, 1),
        pauses=[r.Period(D(2026, 10, 10), D(2026, 10, 20)), r.Period(D(2026, 10, 20), D(2026, 10, 25))],
    )  # fmt: skip


# --- G27-12 benchmark -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fine", "tier", "approval", "reasons", "result", "code"),
    [
        (1000, "normal", None, "", False, None),
        (5000, "normal", None, "", False, None),
        (3000, "normal", None, "", False, None),
        (999, "normal", None, "", None, "CASE_FINE_OUTSIDE_TIER"),
        (5001, "normal", None, "", None, "CASE_FINE_OUTSIDE_TIER"),
        (5001, "normal", "head", "当事人系再犯且拒不改正", True, None),
        (999, "normal", "deliberation", "主动消除危害后果", True, None),
        (5001, "normal", "head", "  ", None, "CASE_DEVIATION_REASONS_REQUIRED"),
        (5001, "normal", "officer", "理由", None, "CASE_FINE_OUTSIDE_TIER"),
        (3000, None, None, "", None, "CASE_BENCHMARK_TIER_REQUIRED"),
    ],
)
def test_g27_12_fine_inside_applied_tier(fine, tier, approval, reasons, result, code):
    kw = dict(
        fine=fine,
        tier=tier,
        tier_min=1000,
        tier_max=5000,
        deviation_approval=approval,
        deviation_reasons=reasons,
    )
    if code:
        refused(code, "G27-12", r.benchmark_check, **kw)
    else:
        assert r.benchmark_check(**kw) is result


def test_g27_12_open_ended_tier():
    assert r.benchmark_check(fine=10**6, tier="severe", tier_min=5000, tier_max=None) is False
    refused(
        "CASE_FINE_OUTSIDE_TIER",
        "G27-12",
        r.benchmark_check,
        fine=4999,
        tier="severe",
        tier_min=5000,
        tier_max=None,
    )


# --- ACL-17/18/19 measures --------------------------------------------------------------------

FULL = dict(
    approved=True,
    emergency=False,
    officer_count=2,
    onsite_record=True,
    party_present=True,
    party_signed_or_refusal_noted=True,
    witness_signed=False,
)


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({}, []),
        ({"approved": False}, ["MEASURE_APPROVAL_REQUIRED"]),
        ({"approved": False, "emergency": True}, []),  # approval follows under ACL-19
        ({"officer_count": 1}, ["MEASURE_OFFICERS_LT_2"]),
        ({"onsite_record": False}, ["MEASURE_ONSITE_RECORD_REQUIRED"]),
        ({"party_signed_or_refusal_noted": False}, ["MEASURE_PARTY_SIGNATURE_REQUIRED"]),
        ({"party_present": False}, ["MEASURE_WITNESS_REQUIRED"]),
        ({"party_present": False, "witness_signed": True}, []),
        ({"approved": False, "officer_count": 0, "onsite_record": False}, [
            "MEASURE_APPROVAL_REQUIRED", "MEASURE_OFFICERS_LT_2", "MEASURE_ONSITE_RECORD_REQUIRED"
        ]),
    ],
)  # fmt: skip
def test_acl17_18_measure_checklist(changes, missing):
    facts = {**FULL, **changes}
    assert r.measure_missing(**facts) == missing
    if missing:
        err = refused(missing[0], "ACL-17/18", r.measure_check, **facts)
        assert err.details["missing"] == missing
    else:
        r.measure_check(**facts)


@pytest.mark.parametrize(
    ("approved_at", "now", "disapproved", "overdue", "release"),
    [
        (None, T(2026, 10, 2, 10, 0), False, False, False),
        (None, T(2026, 10, 2, 10, 1), False, True, True),
        (T(2026, 10, 2, 10, 0), T(2026, 10, 5), False, False, False),
        (T(2026, 10, 2, 10, 1), T(2026, 10, 5), False, True, True),
        (None, T(2026, 10, 1, 12), True, False, True),  # disapproved: release at once
    ],
)
def test_acl19_emergency_post_approval_24_hours(approved_at, now, disapproved, overdue, release):
    v = r.emergency_approval(
        taken_at=T(2026, 10, 1, 10), now=now, approved_at=approved_at, disapproved=disapproved
    )
    assert (v.due_at, v.overdue, v.must_release) == (T(2026, 10, 2, 10), overdue, release)


@pytest.mark.parametrize(
    ("approved_at", "code"),
    [
        (T(2026, 10, 2, 10, 0), None),
        (T(2026, 10, 2, 10, 1), "MEASURE_POST_APPROVAL_LATE"),
        (T(2026, 10, 1, 9, 0), "MEASURE_APPROVAL_BEFORE_MEASURE"),
    ],
)
def test_acl19_emergency_post_approval_check(approved_at, code):
    kw = dict(taken_at=T(2026, 10, 1, 10), approved_at=approved_at)
    if code:
        refused(code, "ACL-19", r.emergency_approval_check, **kw)
    else:
        r.emergency_approval_check(**kw)


# --- ACL-25 seizure period --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "ext", "testing", "due", "rolled_from"),
    [
        (D(2026, 8, 31), 0, [], D(2026, 9, 30), None),
        (D(2026, 9, 1), 0, [], D(2026, 10, 8), D(2026, 10, 1)),  # 30th day National Day
        (D(2026, 9, 1), 30, [], D(2026, 11, 2), D(2026, 10, 31)),  # 60th day Saturday
        (D(2026, 9, 6), 0, [r.Period(D(2026, 9, 10), D(2026, 9, 14))], D(2026, 10, 12), D(2026, 10, 11)),
        (D(2026, 9, 10), 0, [], D(2026, 10, 10), None),  # 调休 Saturday
    ],
)
def test_acl25_seizure_period_30_plus_30(started, ext, testing, due, rolled_from):
    p = r.seizure_period(started_on=started, is_working=is_working, extension_days=ext, testing=testing)
    assert (p.due, p.rolled_forward_from) == (due, rolled_from)


def test_acl25_seizure_testing_periods_do_not_overlap():
    refused(
        "MEASURE_TESTING_PERIOD_OVERLAP", "ACL-25/27/28", r.seizure_period,
        started_on=D(2026, 9, 1), is_working=is_working,
        testing=[r.Period(D(2026, 9, 5), D(2026, 9, 9)), r.Period(D(2026, 9, 9), D(2026, 9, 12))],
    )  # fmt: skip


def test_acl25_seizure_extension_at_most_30_days():
    refused(
        "MEASURE_EXTENSION_OVER_30", "ACL-25/27/28", r.seizure_period,
        started_on=D(2026, 9, 1), is_working=is_working, extension_days=31,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("so_far", "days", "on", "approved", "notified", "code", "exc"),
    [
        (0, 30, D(2026, 9, 30), True, True, None, None),
        (0, 1, D(2026, 9, 1), True, True, None, None),
        (1, 10, D(2026, 9, 1), True, True, "MEASURE_EXTENSION_ALREADY_USED", Conflict),
        (0, 31, D(2026, 9, 1), True, True, "MEASURE_EXTENSION_OVER_30", ValidationFailed),
        (0, 0, D(2026, 9, 1), True, True, "MEASURE_EXTENSION_OVER_30", ValidationFailed),
        (0, 30, D(2026, 10, 1), True, True, "MEASURE_PERIOD_EXPIRED", Conflict),
        (0, 30, D(2026, 9, 1), False, True, "MEASURE_APPROVAL_REQUIRED", ValidationFailed),
        (0, 30, D(2026, 9, 1), True, False, "MEASURE_EXTENSION_NOTICE_REQUIRED", ValidationFailed),
    ],
)
def test_acl25_seizure_one_extension(so_far, days, on, approved, notified, code, exc):
    kw = dict(
        extensions_so_far=so_far,
        requested_days=days,
        requested_on=on,
        current_due=D(2026, 9, 30),
        head_approved=approved,
        reasons_notified=notified,
    )
    if code:
        refused(code, "ACL-25/27/28", r.seizure_extension_check, exc=exc, **kw)
    else:
        r.seizure_extension_check(**kw)


# --- ACL-43 no enforcement at night or on holidays --------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "emergency", "code"),
    [
        (T(2026, 10, 12, 9), None, False, None),
        (T(2026, 10, 12, 21, 59), None, False, None),
        (T(2026, 10, 12, 22, 0), None, False, "ENFORCEMENT_AT_NIGHT"),
        (T(2026, 10, 13, 5, 59), None, False, "ENFORCEMENT_AT_NIGHT"),
        (T(2026, 10, 13, 6, 0), None, False, None),
        (T(2026, 10, 12, 20, 0), T(2026, 10, 12, 22, 0), False, None),  # ends as the night begins
        (T(2026, 10, 12, 20, 0), T(2026, 10, 12, 22, 30), False, "ENFORCEMENT_AT_NIGHT"),
        (T(2026, 10, 1, 10), None, False, "ENFORCEMENT_ON_HOLIDAY"),  # National Day
        (T(2026, 10, 7, 10), None, False, "ENFORCEMENT_ON_HOLIDAY"),
        (T(2026, 10, 10, 10), None, False, None),  # 调休 Saturday is a working day
        (T(2026, 10, 11, 10), None, False, "ENFORCEMENT_ON_HOLIDAY"),  # Sunday (caller's reading)
        (T(2026, 9, 30, 9), T(2026, 10, 8, 17), False, "ENFORCEMENT_ON_HOLIDAY"),  # spans the holiday
        (T(2026, 10, 1, 23), None, True, None),  # emergency
        (T(2026, 10, 12, 12), T(2026, 10, 12, 11), False, "ENFORCEMENT_TIME_INVERTED"),
    ],
)
def test_acl43_no_enforcement_at_night_or_on_holidays(start, end, emergency, code):
    kw = dict(start=start, end=end, emergency=emergency, is_holiday=not_working)
    if code:
        refused(code, "ACL-43", r.enforcement_time_check, **kw)
    else:
        r.enforcement_time_check(**kw)


def test_acl43_night_window_is_a_parameter():
    kw = dict(is_holiday=not_working, night_start=dt.time(20), night_end=dt.time(7))
    refused("ENFORCEMENT_AT_NIGHT", "ACL-43", r.enforcement_time_check, start=T(2026, 10, 12, 20, 30), **kw)
    refused("ENFORCEMENT_AT_NIGHT", "ACL-43", r.enforcement_time_check, start=T(2026, 10, 13, 6, 30), **kw)
    r.enforcement_time_check(start=T(2026, 10, 13, 7, 0), **kw)


# --- ACL-53/54 court application --------------------------------------------------------------


@pytest.mark.parametrize(
    ("demand", "expired", "applied", "code"),
    [
        # 10 WD from Mon 09-28: 09-29, 09-30, 10-08, 10-09, 10-10, 10-12 … 10-16 → from 10-17
        (D(2026, 9, 28), D(2026, 9, 1), D(2026, 10, 17), None),
        (D(2026, 9, 28), D(2026, 9, 1), D(2026, 10, 16), "ENFORCEMENT_DEMAND_TOO_RECENT"),
        (D(2026, 9, 28), D(2026, 9, 1), D(2026, 12, 1), None),  # last day of the 3 months
        (D(2026, 9, 28), D(2026, 9, 1), D(2026, 12, 2), "ENFORCEMENT_COURT_WINDOW_PASSED"),
        (D(2026, 9, 28), D(2026, 11, 1), D(2026, 11, 1), "ENFORCEMENT_COURT_TOO_EARLY"),
        (D(2026, 9, 28), D(2026, 11, 1), D(2026, 11, 2), None),
        (D(2026, 8, 1), D(2026, 11, 30), D(2027, 2, 28), None),  # 3 months after 11-30 → 02-28
        (D(2026, 8, 1), D(2026, 11, 30), D(2027, 3, 1), "ENFORCEMENT_COURT_WINDOW_PASSED"),
        (None, D(2026, 9, 1), D(2026, 10, 17), "ENFORCEMENT_DEMAND_REQUIRED"),
    ],
)
def test_acl53_54_court_application_window(demand, expired, applied, code):
    kw = dict(demand_served_on=demand, period_expired_on=expired, applied_on=applied, is_working=is_working)
    if code:
        refused(code, "ACL-53/54", r.court_application_check, **kw)
    else:
        r.court_application_check(**kw)


# --- constants the law fixes ------------------------------------------------------------------


def test_statutory_constants():
    assert (r.MIN_OFFICERS, r.AGE_NO_PENALTY, r.AGE_ADULT) == (2, 14, 18)
    assert (r.LIMITATION_YEARS, r.LIMITATION_YEARS_SERIOUS) == (2, 5)
    assert (r.DECISION_LIMIT_DAYS, r.PAYMENT_DAYS, r.SERVICE_WD, r.PRESERVATION_DISPOSAL_WD) == (90, 15, 7, 7)
    assert (r.HEARING_REQUEST_WD, r.HEARING_NOTICE_WD) == (5, 7)
    assert (r.CASH_TO_AGENCY_WD, r.AGENCY_TO_BANK_WD, r.SURCHARGE_RATE) == (2, 2, Decimal("0.03"))
    assert (r.SEIZURE_DAYS, r.SEIZURE_EXTENSION_DAYS, r.SEIZURE_MAX_EXTENSIONS) == (30, 30, 1)
    assert (r.DEMAND_BEFORE_COURT_WD, r.COURT_APPLICATION_MONTHS, r.EMERGENCY_APPROVAL_HOURS) == (10, 3, 24)


# --- APL-54/55 filing time limit, APL-41 evidence, ACL-45/46 ------------------------------------


@pytest.mark.parametrize(
    ("lead", "sla", "ext", "due"),
    [
        (D(2026, 11, 2), 15, 0, D(2026, 11, 23)),
        (D(2026, 11, 2), 15, 15, D(2026, 12, 14)),
        # across National Day: 09-29, 09-30, 10-08, 10-09, 10-10 (调休), 10-12 … 15th = 10-23
        (D(2026, 9, 28), 15, 0, D(2026, 10, 23)),
    ],
)
def test_apl54_55_filing_due(lead, sla, ext, due):
    assert r.filing_due(lead_on=lead, sla_wd=sla, is_working=is_working, extension_wd=ext) == due


E = r.EvidenceFacts


@pytest.mark.parametrize(
    ("evidence", "xexam", "code", "rule"),
    [
        ([E(1, "documentary")], False, None, None),
        ([E(1, "documentary", cross_examined=True)], True, None, None),
        ([E(1, "audiovisual", from_monitoring_device=True, reviewed=True)], False, None, None),
        ([], False, "CASE_EVIDENCE_REQUIRED", "APL-41"),
        ([E(1, "hearsay")], False, "CASE_EVIDENCE_KIND_UNKNOWN", "APL-41"),
        (
            [E(1, "electronic", from_monitoring_device=True)],
            False,
            "CASE_MONITORING_RECORD_UNREVIEWED",
            "APL-41",
        ),
        (
            [E(1, "documentary", cross_examined=True), E(2, "witness")],
            True,
            "CASE_EVIDENCE_NOT_CROSS_EXAMINED",
            "APL-64",
        ),
    ],
)
def test_apl41_evidence_grounds(evidence, xexam, code, rule):
    kw = dict(evidence=evidence, cross_examination_required=xexam)
    if code:
        refused(code, rule, r.evidence_grounds_check, **kw)
    else:
        r.evidence_grounds_check(**kw)


def test_apl41_eight_kinds_of_evidence():
    assert len(r.EvidenceKind) == 8


@pytest.mark.parametrize(
    ("as_of", "pauses", "demand", "code"),
    [
        (D(2026, 11, 7), [], D(2026, 11, 1), "ENFORCEMENT_SURCHARGE_UNDER_30_DAYS"),  # 30 days
        (D(2026, 11, 8), [], D(2026, 11, 1), None),  # 31 days
        (D(2026, 11, 8), [], None, "ENFORCEMENT_DEMAND_REQUIRED"),
        (D(2026, 11, 8), [], D(2026, 11, 10), "ENFORCEMENT_DEMAND_REQUIRED"),
        (
            D(2026, 11, 8),
            [r.Period(D(2026, 10, 20), D(2026, 10, 20))],
            D(2026, 11, 1),
            "ENFORCEMENT_SURCHARGE_UNDER_30_DAYS",
        ),
    ],
)
def test_acl45_46_enforcement_after_thirty_days_of_surcharge(as_of, pauses, demand, code):
    s = r.surcharge(fine=1000, due_on=D(2026, 10, 8), as_of=as_of, pauses=pauses)
    kw = dict(surcharge=s, demand_served_on=demand)
    if code:
        refused(code, "ACL-45/46", r.enforcement_after_surcharge_check, **kw)
    else:
        r.enforcement_after_surcharge_check(**kw)


# --- APL-51/52 on-the-spot grounds, form and filing; APL-47 closing; ACL-35 demand; ACL-24 --------


@pytest.mark.parametrize(
    ("facts", "basis", "violations", "code"),
    [
        ("经营过期食品", "", 1, None),
        ("经营过期食品", "《食品安全法》第一百二十四条", 0, None),
        ("  ", "依据", 1, "CASE_FACTS_REQUIRED"),
        ("事实", " ", 0, "CASE_ON_THE_SPOT_BASIS_REQUIRED"),
    ],
)
def test_apl51_on_the_spot_grounds(facts, basis, violations, code):
    kw = dict(facts=facts, basis=basis, violation_count=violations)
    if code:
        refused(code, "APL-51", r.on_the_spot_grounds_check, **kw)
    else:
        r.on_the_spot_grounds_check(**kw)


@pytest.mark.parametrize(
    ("shown", "serial", "signed", "noted", "code"),
    [
        (True, "No.0001", True, False, None),
        (True, "No.0001", False, True, None),  # refusal to sign noted on the form
        (False, "No.0001", True, False, "CASE_CREDENTIALS_NOT_SHOWN"),
        (True, "No.0001", False, False, "CASE_ON_THE_SPOT_SIGNATURE"),
        (True, " ", True, False, "CASE_FORM_SERIAL_REQUIRED"),
    ],
)
def test_apl52_on_the_spot_form(shown, serial, signed, noted, code):
    kw = dict(credentials_shown=shown, form_serial=serial, party_signed=signed, refusal_noted=noted)
    if code:
        refused(code, "APL-52", r.on_the_spot_form_check, **kw)
    else:
        r.on_the_spot_form_check(**kw)


@pytest.mark.parametrize(
    ("on_the_spot", "filed", "closing", "code"),
    [
        (True, None, False, None),
        (True, D(2026, 9, 2), False, "CASE_ON_THE_SPOT_FILED"),
        (False, None, False, "CASE_NOT_ON_THE_SPOT"),
        (True, None, True, "CASE_ON_THE_SPOT_NOT_FILED"),
        (True, D(2026, 9, 2), True, None),
        (False, None, True, None),
    ],
)
def test_apl52_on_the_spot_filing(on_the_spot, filed, closing, code):
    kw = dict(on_the_spot=on_the_spot, filed_on=filed, closing=closing)
    if code:
        refused(code, "APL-52", r.on_the_spot_filing_check, exc=Conflict, **kw)
    else:
        r.on_the_spot_filing_check(**kw)


@pytest.mark.parametrize(
    ("unexecuted", "on_the_spot", "filed", "measures", "code", "rule"),
    [
        (False, False, None, 0, None, None),
        (True, False, None, 0, "CASE_NOT_EXECUTED", "APL-47"),
        (False, True, None, 0, "CASE_ON_THE_SPOT_NOT_FILED", "APL-52"),
        (False, False, None, 1, "CASE_MEASURES_OPEN", "ACL-25/27/28"),
    ],
)
def test_apl47_closing(unexecuted, on_the_spot, filed, measures, code, rule):
    kw = dict(penalty_unexecuted=unexecuted, on_the_spot=on_the_spot, filed_on=filed, open_measures=measures)
    if code:
        refused(code, rule, r.closing_check, exc=Conflict, **kw)
    else:
        r.closing_check(**kw)


@pytest.mark.parametrize(
    ("due", "served", "perform_by", "code", "exc"),
    [
        (D(2026, 9, 16), D(2026, 9, 17), None, None, None),
        (D(2026, 9, 16), D(2026, 9, 17), D(2026, 9, 27), None, None),
        (D(2026, 9, 16), D(2026, 9, 16), None, "CASE_DEMAND_PREMATURE", Conflict),  # the last day to pay
        (D(2026, 9, 16), D(2026, 9, 17), D(2026, 9, 16), "CASE_DATE_INVALID", ValidationFailed),
    ],
)
def test_acl35_demand(due, served, perform_by, code, exc):
    kw = dict(payment_due=due, served_on=served, perform_by=perform_by)
    if code:
        refused(code, "ACL-35", r.demand_check, exc=exc, **kw)
    else:
        r.demand_check(**kw)


@pytest.mark.parametrize(
    ("items", "reason", "code", "rule"),
    [
        ("食品 20 箱", "防止证据灭失", None, None),
        (" ", "防止证据灭失", "MEASURE_ITEMS_REQUIRED", "ACL-24"),
        ("食品 20 箱", "", "REASON_REQUIRED", "ACL-17/18"),
    ],
)
def test_acl24_measure_request(items, reason, code, rule):
    if code:
        refused(code, rule, r.measure_request_check, items=items, reason=reason)
    else:
        r.measure_request_check(items=items, reason=reason)


@pytest.mark.parametrize(
    ("attendees", "leaders", "quorum", "ok"),
    [
        ({1, 2, 3}, {1, 2, 3}, 3, True),
        ({1, 2, 3, 4}, {1, 2, 3, 4}, 3, True),
        ({1, 2}, {1, 2}, 3, False),  # too few
        ({1, 2, 9}, {1, 2}, 3, False),  # 9: a head of an internal department (承办机构负责人)
        ({1, 2}, {1, 2}, 2, True),  # a profile may set two
    ],
)
def test_apl57_deliberation_quorum_of_agency_leaders(attendees, leaders, quorum, ok):
    kw = dict(attendees=attendees, leaders=leaders, quorum=quorum)
    if ok:
        r.deliberation_quorum_check(**kw)
    else:
        refused("CASE_DELIBERATION_ATTENDEES", "APL-57", r.deliberation_quorum_check, **kw)


@pytest.mark.parametrize(
    ("deviates", "way", "deliberated", "head_last", "ok"),
    [
        (False, "", False, False, True),
        (True, "deliberation", True, False, True),
        (True, "head", False, True, True),
        (True, "deliberation", False, True, False),  # said deliberation, none recorded
        (True, "head", True, False, False),  # said the head, whose level is not in the chain
        (True, "", True, True, False),
    ],
)
def test_g27_12_deviation_approved_at_the_decision(deviates, way, deliberated, head_last, ok):
    kw = dict(
        deviates=deviates, approval_way=way, deliberated=deliberated, decision_chain_ends_with_head=head_last
    )
    if ok:
        r.deviation_approved_check(**kw)
    else:
        refused("CASE_DEVIATION_NOT_APPROVED", "G27-12", r.deviation_approved_check, **kw)


@pytest.mark.parametrize(
    ("parties", "violations", "ok"),
    [
        ([("某公司", "organisation")], [("无证经营", ["organisation"])], True),
        ([("张三", "person")], [("无证经营", ["person", "organisation"])], True),
        ([("张三", "person")], [("无证经营", [])], True),  # not recorded: both
        ([("张三", "person")], [("食品生产经营者未建立进货查验记录", ["organisation"])], False),
        ([("某公司", "organisation")], [("个人违规", ["person"])], False),
    ],
)
def test_apl57_party_is_a_subject_of_the_violation(parties, violations, ok):
    if ok:
        r.party_subject_check(parties=parties, violations=violations)
    else:
        refused(
            "CASE_PARTY_NOT_SUBJECT", "APL-57", r.party_subject_check, parties=parties, violations=violations
        )
