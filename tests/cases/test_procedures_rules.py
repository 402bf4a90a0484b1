"""Pure rules added for the rest of the procedure, table-driven with their RULES.md IDs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import chinese_calendar
import pytest

from lawtrail.cases import rules as r
from lawtrail.core.errors import ApplicationError

D = dt.date


def is_working(day: dt.date) -> bool:
    return chinese_calendar.is_workday(day)


def code_of(fn, **kw):
    try:
        fn(**kw)
    except ApplicationError as exc:
        return exc.code, exc.rule
    return None, None


def officer(n):
    cred = r.CredentialFacts(
        number=f"C{n}",
        status="valid",
        issued_on=D(2024, 1, 1),
        expires_on=D(2029, 1, 1),
        domain="market",
        region_path="/130000/130100/",
    )
    return r.OfficerFacts(officer_id=n, name=f"o{n}", credentials=(cred,))


@pytest.mark.parametrize(
    ("count", "minimum", "code"),
    [
        (1, 2, "CASE_OFFICERS_LT_2"),
        (2, 2, None),
        (1, 1, None),
        (0, 1, "CASE_OFFICERS_LT_2"),
        (2, 3, "CASE_OFFICERS_LT_2"),
    ],
)
def test_APL_42_minimum_officers_unless_a_law_provides_otherwise(count, minimum, code):
    got = code_of(
        r.officers_check,
        officers=[officer(i) for i in range(1, count + 1)],
        on=D(2026, 9, 1),
        domain="market",
        division_path="/130000/130100/130102/",
        minimum=minimum,
    )
    assert got[0] == code


@pytest.mark.parametrize(
    ("roles", "allowed", "code"),
    [
        ({"approver_1"}, r.LEADER_ROLES, "CASE_LEADER_REQUIRED"),
        ({"approver_2"}, r.LEADER_ROLES, None),
        ({"approver_3", "officer"}, r.LEADER_ROLES, None),
        ({"approver_2"}, {r.HEAD_ROLE}, "CASE_LEADER_REQUIRED"),
        (set(), {r.HEAD_ROLE}, "CASE_LEADER_REQUIRED"),
    ],
)
def test_APL_60_ACL_17_leader_check(roles, allowed, code):
    assert code_of(r.leader_check, roles=roles, allowed=allowed, what="x", rule="APL-60")[0] == code


@pytest.mark.parametrize(
    ("account_is_head", "decider_id", "roles", "note", "code"),
    [
        (False, 9, {"approver_3"}, "", None),
        (False, 9, {"approver_2"}, "", "CASE_RECUSAL_DECIDER"),
        (False, 1, {"approver_3"}, "", "CASE_RECUSAL_SELF_DECISION"),
        (True, 1, {"approver_3"}, "集体讨论", "CASE_RECUSAL_SELF_DECISION"),
        (True, 9, {"approver_2"}, "", "CASE_RECUSAL_HEAD_NOTE"),
        (True, 9, {"approver_2"}, "负责人集体讨论决定", None),
        (True, 9, {"approver_1"}, "x", "CASE_RECUSAL_DECIDER"),
    ],
)
def test_APL_43_who_decides_a_recusal(account_is_head, decider_id, roles, note, code):
    got = code_of(
        r.recusal_decider_check,
        account_id=1,
        account_is_head=account_is_head,
        decider_id=decider_id,
        decider_roles=roles,
        note=note,
    )
    assert got == ((code, "APL-43") if code else (None, None))


@pytest.mark.parametrize(
    ("kind", "emergency", "code"),
    [
        ("seize", True, None),
        ("preservation", False, None),
        ("preservation", True, "MEASURE_EMERGENCY_NOT_ALLOWED"),
    ],
)
def test_APL_56_ACL_19_emergency_only_for_compulsory_measures(kind, emergency, code):
    assert code_of(r.measure_emergency_check, kind=kind, emergency=emergency)[0] == code


@pytest.mark.parametrize(
    ("kind", "started", "ext", "testing", "due"),
    [
        ("preservation", D(2026, 9, 1), 0, (), D(2026, 9, 10)),  # 7 WD
        ("preservation", D(2026, 9, 29), 0, (), D(2026, 10, 14)),  # across National Day 2026
        ("seize", D(2026, 9, 1), 0, (), D(2026, 10, 8)),  # 30 days → 1 Oct → rolled to the next working day
        ("seal", D(2026, 8, 1), 30, (), D(2026, 9, 30)),
        ("freeze", D(2026, 8, 1), 0, (r.Period(D(2026, 8, 3), D(2026, 8, 4)),), D(2026, 9, 2)),
    ],
)
def test_ACL_25_APL_56_measure_due(kind, started, ext, testing, due):
    assert (
        r.measure_due(
            kind=kind, started_on=started, is_working=is_working, extension_days=ext, testing=testing
        )
        == due
    )


@pytest.mark.parametrize(
    ("frozen", "due"), [(D(2026, 9, 1), D(2026, 9, 4)), (D(2026, 9, 30), D(2026, 10, 10))]
)
def test_ACL_31_32_freezing_decision_within_3_working_days(frozen, due):
    # 10 Oct 2026 is a Saturday make-up working day (调休上班)
    assert r.freeze_decision_due(frozen_on=frozen, is_working=is_working) == due


BASE = dict(owed=Decimal(200), current_due=D(2026, 9, 16), applied_on=D(2026, 9, 10))


@pytest.mark.parametrize(
    ("over", "code", "due"),
    [
        ({"deferred_to": D(2026, 9, 17)}, None, D(2026, 9, 17)),
        ({"deferred_to": D(2026, 9, 16)}, "CASE_DEFERRAL_DATE_INVALID", None),
        ({"deferred_to": D(2026, 10, 1), "applied_on": D(2026, 9, 16)}, None, D(2026, 10, 1)),
        ({"deferred_to": D(2026, 10, 1), "applied_on": D(2026, 9, 17)}, "CASE_DEFERRAL_LATE", None),
        ({}, "CASE_DEFERRAL_MODE", None),
        ({"deferred_to": D(2026, 10, 1), "instalments": [(D(2026, 10, 1), 200)]}, "CASE_DEFERRAL_MODE", None),
        ({"instalments": [(D(2026, 10, 1), 100), (D(2026, 11, 1), 100)]}, None, D(2026, 11, 1)),
        ({"instalments": [(D(2026, 10, 1), 200)]}, "CASE_INSTALMENTS_INVALID", None),
        ({"instalments": [(D(2026, 11, 1), 100), (D(2026, 10, 1), 100)]}, "CASE_INSTALMENTS_INVALID", None),
        ({"instalments": [(D(2026, 10, 1), 100), (D(2026, 10, 1), 100)]}, "CASE_INSTALMENTS_INVALID", None),
        (
            {"instalments": [(D(2026, 10, 1), "100.01"), (D(2026, 11, 1), 100)]},
            "CASE_INSTALMENTS_INVALID",
            None,
        ),
        ({"instalments": [(D(2026, 9, 9), 100), (D(2026, 11, 1), 100)]}, "CASE_INSTALMENTS_INVALID", None),
        ({"owed": 0, "deferred_to": D(2026, 10, 1)}, "CASE_NOTHING_OWED", None),
    ],
)
def test_APL_66_67_deferral_and_instalments(over, code, due):
    kw = {**BASE, **over}
    if code:
        assert code_of(r.payment_deferral_check, **kw)[0] == code
    else:
        assert r.payment_deferral_check(**kw).due == due


@pytest.mark.parametrize(
    ("served", "perform_by", "decided", "code"),
    [
        (None, None, D(2026, 10, 1), "ENFORCEMENT_DEMAND_REQUIRED"),
        (D(2026, 10, 2), None, D(2026, 10, 1), "ENFORCEMENT_DEMAND_REQUIRED"),
        (D(2026, 9, 20), D(2026, 9, 30), D(2026, 9, 30), "ENFORCEMENT_DEMAND_PERIOD_RUNNING"),
        (D(2026, 9, 20), D(2026, 9, 30), D(2026, 10, 1), None),
        (D(2026, 9, 20), None, D(2026, 9, 20), "ENFORCEMENT_DEMAND_PERIOD_RUNNING"),
        (D(2026, 9, 20), None, D(2026, 9, 21), None),
    ],
)
def test_ACL_35_38_enforcement_decision_after_the_demand(served, perform_by, decided, code):
    got = code_of(
        r.enforcement_decision_check, demand_served_on=served, perform_by=perform_by, decided_on=decided
    )
    assert got[0] == code


@pytest.mark.parametrize(
    ("kind", "code"), [("鉴定", None), ("听证", None), ("出差", "CASE_EXCLUDED_PERIOD_KIND")]
)
def test_APL_60_excluded_period_kinds(kind, code):
    allowed = ["鉴定", "检测", "检验", "听证", "公告"]
    assert code_of(r.excluded_period_kind_check, kind=kind, allowed=allowed)[0] == code
