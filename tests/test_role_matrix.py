"""The role matrix: every /api/v1/ route × every cast member × own/other agency.

Routes are enumerated from the URL resolver; each (route name, method) must be declared
in ``MATRIX`` below, or ``test_every_api_route_is_declared`` fails — a new route cannot
slip in without saying who may call it.

An expectation is ``{"anon": status, "alice": (status on agency A's object, status on
agency B's object), …}`` (see tests/cast.py: A = 长安区市场监管局, B = 桥西区市场监管局;
bob's own agency is B, everyone else's is A or a division above it). ``PUBLIC`` routes
answer the anonymous client with neither 401 nor 403.

Each route's cases run in one test, each case inside a rolled-back savepoint, so a write
allowed in one case does not leak into the next.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from lawtrail.registry import excel, selectors
from lawtrail.registry.models import RoleGrant, Staff
from tests.cast import CAST_NAMES, api_client_for
from tests.factories import (
    TEST_PASSWORD,
    PowerItemFactory,
    StaffFactory,
    ViolationFactory,
    make_credit_code,
    make_id_number,
)

A, B = "A", "B"
METHODS = ("get", "post", "put", "patch", "delete")


def api_routes() -> set[tuple[str, str]]:
    """(route name, method) for every view under /api/v1/."""
    found: set[tuple[str, str]] = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("api/v1/"):
                view = getattr(p.callback, "view_class", None)
                for m in METHODS:
                    if view is not None and hasattr(view, m):
                        found.add((p.name, m))

    walk(get_resolver().url_patterns)
    return found


# ------------------------------------------------------------------ expectation helpers


def everyone(status: int, anon: int = 403) -> dict[str, Any]:
    return {"anon": anon, **{name: (status, status) for name in CAST_NAMES}}


def only(allowed: dict[str, tuple[int, int]], denied: int = 403, anon: int = 403) -> dict[str, Any]:
    return {"anon": anon, **{name: allowed.get(name, (denied, denied)) for name in CAST_NAMES}}


PUBLIC = "public"

# ------------------------------------------------------------------ targets: (cast, side) → (path, body, format)

R = "/api/v1/registry/"


def agency(cast, side):
    return cast.agency_a if side == A else cast.agency_b


def division(cast, side):
    return cast.changan if side == A else cast.qiaoxi


def officer(cast, side):
    return cast.staff["alice"] if side == A else cast.staff["bob"]


def cred(cast, side):
    return cast.credentials["alice"] if side == A else cast.credentials["bob"]


def new_staff(cast, side):
    return StaffFactory(agency=agency(cast, side), id_number=make_id_number(3000 + (side == B)))


def suspended(cast, side):
    c = cred(cast, side)
    c.status = "suspended"
    c.save()
    return c


def catalog_book() -> io.BytesIO:
    from tests.registry.test_import import good_catalog, workbook

    f = workbook(excel.CATALOG_SHEETS, good_catalog())
    f.name = "catalog.xlsx"
    return f


def staff_book(cast, side) -> io.BytesIO:
    from tests.registry.test_import import workbook

    f = workbook(
        excel.STAFF_SHEETS,
        {
            "人员": [
                {"姓名": "吴九", "公民身份号码": make_id_number(4000), "所在单位": agency(cast, side).name}
            ]
        },
    )
    f.name = "staff.xlsx"
    return f


def violation_with_range(cast):
    return ViolationFactory(power__domain=cast.market, fine_min=5000, fine_max=50000)


Target = Callable[[Any, str], tuple[str, Any]]

READ = everyone(200)
ADMIN_ONLY_201 = only({"admin": (201, 201)})
ADMIN_ONLY_200 = only({"admin": (200, 200)})
AGENCY_ADMIN_200 = only({"grace": (200, 403), "admin": (200, 200)})
AGENCY_ADMIN_201 = only({"grace": (201, 403), "admin": (201, 201)})
SCOPED_404 = {
    "anon": 403,
    "alice": (200, 404),
    "bob": (404, 200),
    "carol": (200, 404),
    "dave": (200, 404),
    "erin": (200, 404),
    "frank": (200, 200),
    "grace": (200, 404),
    "admin": (200, 200),
}

MATRIX: dict[tuple[str, str], tuple[Target, Any]] = {
    # ---- registry: divisions, domains
    ("registry-division-list", "get"): (lambda c, s: (R + "divisions/", None), READ),
    ("registry-division-list", "post"): (
        lambda c, s: (
            R + "divisions/",
            {
                "code": division(c, s).code + "001",
                "name": "某街道",
                "level": "township",
                "parent": division(c, s).code,
            },
        ),
        ADMIN_ONLY_201,
    ),
    ("registry-division-tree", "get"): (lambda c, s: (R + "divisions/tree", None), READ),
    ("registry-domain-list", "get"): (lambda c, s: (R + "domains/", None), READ),
    # ---- agencies
    ("registry-agency-list", "get"): (lambda c, s: (R + "agencies/", None), READ),
    ("registry-agency-list", "post"): (
        lambda c, s: (
            R + "agencies/",
            {
                "name": "新单位",
                "credit_code": make_credit_code(77, division(c, s).code),
                "division": division(c, s).code,
                "level": "county",
                "legal_status": "statutory",
            },
        ),
        ADMIN_ONLY_201,
    ),
    ("registry-agency-detail", "get"): (lambda c, s: (f"{R}agencies/{agency(c, s).pk}", None), READ),
    ("registry-agency-detail", "patch"): (
        lambda c, s: (f"{R}agencies/{agency(c, s).pk}", {"phone": "0311-88886666"}),
        ADMIN_ONLY_200,
    ),
    # ---- staff
    ("registry-staff-list", "get"): (lambda c, s: (R + "staff/", None), READ),
    ("registry-staff-list", "post"): (
        lambda c, s: (
            R + "staff/",
            {"agency": agency(c, s).pk, "name": "新人", "id_number": make_id_number(2000)},
        ),
        AGENCY_ADMIN_201,
    ),
    ("registry-staff-detail", "get"): (lambda c, s: (f"{R}staff/{officer(c, s).pk}", None), READ),
    ("registry-staff-detail", "patch"): (
        lambda c, s: (f"{R}staff/{officer(c, s).pk}", {"posts": "科长"}),
        AGENCY_ADMIN_200,
    ),
    ("registry-staff-account", "post"): (
        lambda c, s: (f"{R}staff/{new_staff(c, s).pk}/account", {"username": "newbie"}),
        AGENCY_ADMIN_200,
    ),
    # ---- credentials
    ("registry-credential-list", "get"): (lambda c, s: (R + "credentials/", None), READ),
    ("registry-credential-list", "post"): (
        lambda c, s: (
            R + "credentials/",
            {
                "staff": officer(c, s).pk,
                "number": "NEW-0001",
                "domain": "market",
                "region": division(c, s).code,
                "issued_on": "2025-01-01",
                "expires_on": "2030-01-01",
            },
        ),
        AGENCY_ADMIN_201,
    ),
    ("registry-credential-verify", "get"): (
        lambda c, s: (f"{R}credentials/verify?number={cred(c, s).number}", None),
        PUBLIC,
    ),
    ("registry-credential-detail", "get"): (lambda c, s: (f"{R}credentials/{cred(c, s).pk}", None), READ),
    ("registry-credential-history", "get"): (
        lambda c, s: (f"{R}credentials/{cred(c, s).pk}/history", None),
        SCOPED_404,
    ),
    ("registry-credential-suspend", "post"): (
        lambda c, s: (f"{R}credentials/{cred(c, s).pk}/suspend", {"reason": "涉嫌违纪"}),
        AGENCY_ADMIN_200,
    ),
    ("registry-credential-reinstate", "post"): (
        lambda c, s: (f"{R}credentials/{suspended(c, s).pk}/reinstate", {}),
        AGENCY_ADMIN_200,
    ),
    ("registry-credential-revoke", "post"): (
        lambda c, s: (f"{R}credentials/{cred(c, s).pk}/revoke", {"reason": "调离"}),
        AGENCY_ADMIN_200,
    ),
    ("registry-credential-renew", "post"): (
        lambda c, s: (f"{R}credentials/{cred(c, s).pk}/renew", {"expires_on": "2035-01-01"}),
        AGENCY_ADMIN_200,
    ),
    # ---- roles
    ("registry-role-list", "get"): (lambda c, s: (R + "roles/", None), READ),
    ("registry-role-list", "post"): (
        lambda c, s: (
            R + "roles/",
            {"username": "alice" if s == A else "bob", "role": "approver_2", "agency": agency(c, s).pk},
        ),
        AGENCY_ADMIN_201,
    ),
    ("registry-role-detail", "get"): (
        lambda c, s: (
            f"{R}roles/{RoleGrant.objects.get(user__username='alice' if s == A else 'bob').pk}",
            None,
        ),
        only({"alice": (200, 404), "bob": (404, 200), "grace": (200, 404), "admin": (200, 200)}, denied=404),
    ),
    ("registry-role-detail", "delete"): (
        lambda c, s: (
            f"{R}roles/{RoleGrant.objects.get(user__username='alice' if s == A else 'bob').pk}",
            None,
        ),
        only({"alice": (403, 404), "bob": (404, 403), "grace": (204, 404), "admin": (204, 204)}, denied=404),
    ),
    # ---- catalogue
    ("registry-power-list", "get"): (lambda c, s: (R + "powers/", None), READ),
    ("registry-power-list", "post"): (
        lambda c, s: (
            R + "powers/",
            {"code": "P-NEW", "name": "新事项", "kind": "penalty", "domain": "market"},
        ),
        ADMIN_ONLY_201,
    ),
    ("registry-power-detail", "get"): (
        lambda c, s: (f"{R}powers/{PowerItemFactory(domain=c.market).pk}", None),
        READ,
    ),
    ("registry-power-detail", "patch"): (
        lambda c, s: (f"{R}powers/{PowerItemFactory(domain=c.market).pk}", {"levels": "县级"}),
        ADMIN_ONLY_200,
    ),
    ("registry-violation-list", "get"): (lambda c, s: (R + "violations/", None), READ),
    ("registry-violation-list", "post"): (
        lambda c, s: (
            R + "violations/",
            {
                "power": PowerItemFactory(domain=c.market).pk,
                "code": "V-NEW",
                "name": "新违法行为",
                "fine_min": "100",
                "fine_max": "1000",
            },
        ),
        ADMIN_ONLY_201,
    ),
    ("registry-violation-detail", "get"): (
        lambda c, s: (f"{R}violations/{violation_with_range(c).pk}", None),
        READ,
    ),
    ("registry-legal-basis-list", "get"): (lambda c, s: (R + "legal-bases/", None), READ),
    ("registry-legal-basis-list", "post"): (
        lambda c, s: (
            R + "legal-bases/",
            {
                "power": PowerItemFactory(domain=c.market).pk,
                "role": "grant",
                "law": "《中华人民共和国行政处罚法》",
                "article": "第十条",
            },
        ),
        ADMIN_ONLY_201,
    ),
    ("registry-benchmark-list", "get"): (lambda c, s: (R + "benchmarks/", None), READ),
    ("registry-benchmark-list", "post"): (
        lambda c, s: (
            R + "benchmarks/",
            {
                "violation": violation_with_range(c).pk,
                "division": division(c, s).code,
                "effective_from": "2025-01-01",
                "tiers": [{"tier": "一般", "fine_min": "10000", "fine_max": "30000"}],
            },
        ),
        ADMIN_ONLY_201,
    ),
    ("registry-benchmark-detail", "get"): (lambda c, s: (f"{R}benchmarks/{_benchmark(c, s)}", None), READ),
    # ---- import / export
    ("registry-import-catalog", "post"): (
        lambda c, s: (R + "import/catalog", {"file": catalog_book()}),
        ADMIN_ONLY_200,
    ),
    ("registry-import-staff", "post"): (
        lambda c, s: (R + "import/staff", {"file": staff_book(c, s)}),
        only({"grace": (200, 400), "admin": (200, 200)}),
    ),
    ("registry-export-catalog", "get"): (lambda c, s: (R + "export/catalog", None), READ),
    ("registry-export-staff", "get"): (
        lambda c, s: (R + "export/staff", None),
        only({"grace": (200, 200), "admin": (200, 200)}),
    ),
    ("registry-template", "get"): (lambda c, s: (R + "template/catalog", None), READ),
}


def _benchmark(cast, side) -> int:
    from lawtrail.registry import services

    v = violation_with_range(cast)
    b = services.benchmark_create(
        actor=None,
        violation=v,
        division=division(cast, side),
        issuer="",
        effective_from=dt.date(2025, 1, 1),
        tiers=[{"tier": "一般"}],
    )
    return b.pk


# Other apps' routes, declared as their owners built them (checked here all the same).
OTHERS: dict[tuple[str, str], tuple[Target, Any]] = {
    ("api-token", "post"): (
        lambda c, s: ("/api/v1/auth/token", {"username": "alice", "password": TEST_PASSWORD}),
        PUBLIC,
    ),
    # revokes the token of the request; a session has none to revoke (204 either way)
    ("api-token", "delete"): (lambda c, s: ("/api/v1/auth/token", None), everyone(204, anon=401)),
    ("profiles-effective", "get"): (
        lambda c, s: (f"/api/v1/profiles/effective?agency={agency(c, s).pk}", None),
        everyone(200),
    ),
    # journal.view: supervisors, agency admins, admins; checkpoints are signed by admins only.
    ("journal-entries", "get"): (
        lambda c, s: ("/api/v1/journal/entries", None),
        only({n: (200, 200) for n in ("erin", "frank", "grace", "admin")}),
    ),
    ("journal-checkpoints", "get"): (lambda c, s: ("/api/v1/journal/checkpoints", None), PUBLIC),
    ("journal-checkpoints", "post"): (lambda c, s: ("/api/v1/journal/checkpoints", {}), ADMIN_ONLY_201),
    ("calendar-deadline", "get"): (
        lambda c, s: ("/api/v1/calendar/deadline?start=2026-02-10&working_days=5", None),
        PUBLIC,
    ),
    ("calendar-days", "get"): (lambda c, s: ("/api/v1/calendar/days?year=2026&month=2", None), PUBLIC),
    ("calendar-years", "get"): (lambda c, s: ("/api/v1/calendar/years", None), PUBLIC),
    ("profiles-keys", "get"): (lambda c, s: ("/api/v1/profiles/keys", None), PUBLIC),
    ("journal-checkpoint-latest", "get"): (lambda c, s: ("/api/v1/journal/checkpoints/latest", None), PUBLIC),
    ("journal-proof-inclusion", "get"): (lambda c, s: ("/api/v1/journal/proofs/inclusion", None), PUBLIC),
    ("journal-proof-consistency", "get"): (lambda c, s: ("/api/v1/journal/proofs/consistency", None), PUBLIC),
    ("journal-public-key", "get"): (lambda c, s: ("/api/v1/journal/public-key", None), PUBLIC),
    ("public-disclosures", "get"): (lambda c, s: ("/api/v1/public/disclosures", None), PUBLIC),
}
MATRIX.update(OTHERS)


# ---- cases (网上办案): every route, and one generated entry per row of the transition table.
#
# Whether a person may *try* an action is the permission of its row (Transition.perm) over the
# case's agency: without CASE_VIEW the case does not exist for them (404), with it but without
# the row's permission 403, with it the request reaches the guards — PASSED: whatever the
# guards answer (200/201, or the refusal of a rule, 400/409), but never 401/403/404/500.
PASSED = frozenset({200, 201, 400, 409})
_CAST_ROLES = {  # role and the sides it covers (tests/cast.py)
    "alice": ("officer", {A}),
    "bob": ("officer", {B}),
    "carol": ("approver_1", {A}),
    "dave": ("reviewer", {A}),
    "erin": ("supervisor", {A}),
    "frank": ("supervisor", {A, B}),
    "grace": ("agency_admin", {A}),
    "admin": ("admin", {A, B}),
}


def _may(name: str, perm, side: str) -> bool:
    from lawtrail.core.permissions import role_has

    role, sides = _CAST_ROLES[name]
    return side in sides and role_has(role, perm)


def case_expect(perm, allowed: Any = PASSED, overrides: dict | None = None) -> dict[str, Any]:
    from lawtrail.core.permissions import Perm

    out: dict[str, Any] = {"anon": 403}
    for name in CAST_NAMES:
        out[name] = tuple(
            (allowed if _may(name, perm, side) else 403) if _may(name, Perm.CASE_VIEW, side) else 404
            for side in (A, B)
        )
    out.update(overrides or {})
    return out


def a_case(cast, side, state: str = "lead", pending: str | None = None):
    from django.utils import timezone

    from lawtrail.cases.models import Approval, Case

    handler = cast.alice if side == A else cast.bob
    # what the services would have recorded on the way to ``state``
    later = [
        "notified",
        "hearing",
        "ready",
        "reviewing",
        "deciding",
        "decided",
        "served",
        "executed",
        "closed",
    ]
    facts: dict[str, Any] = {}
    if state in later:
        facts.update(
            notice_served_on=dt.date(2026, 9, 1),
            proposed_outcome="penalty",
            proposed_kinds=["fine"],
            proposed_amount=1000,
            notified_amount=1000,
        )
    if state in later[5:]:
        facts.update(
            decided_on=dt.date(2026, 9, 2), outcome="penalty", penalty_kinds=["fine"], fine_amount=1000
        )
    if state in later[6:]:
        facts.update(served_on=dt.date(2026, 9, 3), service_method="direct")
    case = Case.objects.create(
        agency=agency(cast, side),
        domain=cast.market,
        region=division(cast, side),
        title="矩阵测试案件",
        handler=handler,
        lead_on=dt.date(2026, 9, 1),
        act_date=dt.date(2026, 8, 20),
        state=state,
        **facts,
    )
    case.officers.set([handler])
    if pending:
        Approval.objects.create(
            case=case,
            action=pending,
            levels=["approver_1"],
            submitted_by=handler,
            submitted_at=timezone.now(),
        )
    return case


def a_transfer(cast, side):
    """A matter the other side's agency transferred (移送) to this side's agency."""
    from lawtrail.cases.models import Transfer

    other = B if side == A else A
    return Transfer.objects.create(
        case=a_case(cast, other, state="transferred"),
        to_agency=agency(cast, side),
        reason="违法行为发生地属贵机关管辖",
        sent_on=dt.date(2026, 9, 1),
        sent_by=cast.alice if other == A else cast.bob,
    )


def _cases_matrix() -> dict[tuple[str, str], tuple[Target, Any]]:
    from lawtrail.cases import workflow
    from lawtrail.cases.api import transition_error_codes
    from lawtrail.core.permissions import Perm

    K = "/api/v1/cases/"
    m: dict[tuple[str, str], tuple[Target, Any]] = {
        ("cases-list", "get"): (lambda c, s: (K, None), everyone(200)),
        ("cases-list", "post"): (
            lambda c, s: (
                K,
                {
                    "agency": agency(c, s).pk,
                    "domain": "market",
                    "region": division(c, s).code,
                    "title": "矩阵测试线索",
                },
            ),
            # admin may handle anywhere but is nobody's staff: CASE_OFFICER_NOT_STAFF
            case_expect(Perm.CASE_HANDLE, 201, {"admin": (400, 400)}),
        ),
        ("cases-todo", "get"): (lambda c, s: (K + "todo", None), everyone(200)),
        ("cases-transfers-received", "get"): (lambda c, s: (K + "transfers/received", None), everyone(200)),
        ("cases-transfer-accept", "post"): (
            lambda c, s: (f"{K}transfers/{a_transfer(c, s).pk}/accept", {}),
            # the receiving agency's officers register the lead; admin is nobody's staff
            case_expect(Perm.CASE_HANDLE, 201, {"admin": (400, 400)}),
        ),
        ("cases-on-the-spot", "post"): (
            lambda c, s: (
                K + "on-the-spot",
                {
                    "agency": agency(c, s).pk,
                    "domain": "market",
                    "region": division(c, s).code,
                    "party_kind": "person",
                    "party_name": "赵某",
                    "kinds": ["warning"],
                    "act_date": "2026-09-01",
                    "facts": "占道经营",
                    "basis": "《城市市容和环境卫生管理条例》第三十六条",
                    "form_serial": "矩阵0001",
                },
            ),
            case_expect(Perm.CASE_HANDLE),
        ),
        ("cases-detail", "get"): (lambda c, s: (f"{K}{a_case(c, s).pk}", None), SCOPED_404),
        ("cases-party-add", "post"): (
            lambda c, s: (
                f"{K}{a_case(c, s).pk}/parties",
                {
                    "kind": "organisation",
                    "name": "某公司",
                    "credit_code": make_credit_code(42, division(c, s).code),
                },
            ),
            case_expect(Perm.CASE_HANDLE, 201),
        ),
        ("cases-approval-chain-list", "get"): (
            lambda c, s: (f"{K}agencies/{agency(c, s).pk}/approval-chains", None),
            SCOPED_404,
        ),
        ("cases-approval-chain", "put"): (
            lambda c, s: (
                f"{K}agencies/{agency(c, s).pk}/approval-chains/filing",
                {"levels": ["approver_1", "approver_3"]},
            ),
            case_expect(Perm.CASE_CONFIGURE, 200),
        ),
        # the level is held by role grant, not by the permission: only carol is approver_1 (of A)
        ("cases-approval", "post"): (
            lambda c, s: (f"{K}{a_case(c, s, 'filing', pending='filing').pk}/approval/approve", {}),
            case_expect(Perm.CASE_VIEW, 403, {"carol": (200, 404)}),
        ),
    }
    for t in workflow.TABLE:

        def target(c, s, t=t):
            if t.scope == "assistance":
                # the other agency's case asks this side's agency for assistance: this side acts
                from lawtrail.cases.models import Assistance

                other = B if s == A else A
                case = a_case(c, other, t.sources[0])
                ask = Assistance.objects.create(
                    case=case,
                    to_agency=agency(c, s),
                    request="请协助核查当事人登记信息",
                    requested_on=dt.date(2026, 9, 1),
                    requested_by=case.handler,
                )
                return (f"{K}{case.pk}/actions/{t.action}", {"assistance_id": ask.pk})
            return (f"{K}{a_case(c, s, t.sources[0]).pk}/actions/{t.action}", {})

        # a row whose guards look up a sub-object by id (a measure, an assistance request …)
        # answers 404 with its own code when the empty body names none
        own_404 = any(
            st == 404 and code != "CASE_NOT_FOUND" for code, st in transition_error_codes(t).items()
        )
        # APL-58: only the agency's reviewers review — the admin holds the permission, not the post
        overrides = {"admin": (403, 403)} if t.action == "review_pass" else None
        if t.perm == Perm.CASE_HANDLE and t.scope == "case":
            # APL-42: a handling step is taken by an officer of the case (CASE_ACTOR_NOT_OFFICER)
            overrides = {"admin": (403, 403)}
        m[(f"cases-action-{t.action}", "post")] = (
            target,
            case_expect(t.perm, PASSED | {404} if own_404 else PASSED, overrides),
        )
    return m


MATRIX.update(_cases_matrix())


# ---- legal review (法制审核): scoped like the cases; writes need the right role of the agency.


def _review_matrix() -> dict[tuple[str, str], tuple[Target, Any]]:
    from django.utils import timezone

    from lawtrail.core.permissions import Perm
    from lawtrail.review.models import Review, ReviewCriterion
    from lawtrail.review.rules import POINT_KEYS

    V = "/api/v1/review/"

    def a_review(c, s):
        case = a_case(c, s, "reviewing")
        return Review.objects.create(
            case=case,
            round=1,
            submitted_by=case.handler,
            submitted_at=timezone.now(),
            submitted_on=dt.date(2026, 9, 1),
        )

    def a_criterion(c, s):
        return ReviewCriterion.objects.create(agency=agency(c, s), category="all", title="全部处罚决定")

    ok = {k: {"ok": True} for k in POINT_KEYS}
    return {
        ("review-queue", "get"): (lambda c, s: (V + "queue", None), everyone(200)),
        ("review-figures", "get"): (lambda c, s: (f"{V}figures?agency={agency(c, s).pk}", None), SCOPED_404),
        ("review-figures-csv", "get"): (
            lambda c, s: (f"{V}figures.csv?agency={agency(c, s).pk}", None),
            SCOPED_404,
        ),
        ("review-criterion-create", "post"): (
            lambda c, s: (
                V + "criteria",
                {"agency_id": agency(c, s).pk, "category": "all", "title": "全部处罚决定"},
            ),
            only({"grace": (201, 403), "admin": (201, 201)}),
        ),
        ("review-criterion", "patch"): (
            lambda c, s: (f"{V}criteria/{a_criterion(c, s).pk}", {"title": "改名"}),
            only({"grace": (200, 404), "admin": (200, 200)}, denied=404),
        ),
        ("review-public-criteria", "get"): (
            lambda c, s: (f"{V}public/agencies/{agency(c, s).pk}/criteria", None),
            PUBLIC,
        ),
        ("review-submit", "post"): (
            lambda c, s: (f"{V}cases/{a_case(c, s, 'ready').pk}/submit", {}),
            # APL-42: the step is taken by an officer of the case, which the admin is not
            case_expect(Perm.CASE_HANDLE, overrides={"admin": (403, 403)}),
        ),
        ("review-history", "get"): (
            lambda c, s: (f"{V}cases/{a_case(c, s).pk}/history", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("review-flag", "post"): (
            lambda c, s: (
                # APL-58: flagged before the decision (a lead is not yet a case)
                f"{V}cases/{a_case(c, s, 'investigating').pk}/flags",
                {"kind": "complex", "reason": "涉及多个法律关系"},
            ),
            case_expect(Perm.CASE_HANDLE, allowed=201, overrides={"carol": (201, 404), "admin": (201, 201)}),
        ),
        ("review-detail", "get"): (
            lambda c, s: (f"{V}{a_review(c, s).pk}", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("review-opinion", "post"): (
            lambda c, s: (
                f"{V}{a_review(c, s).pk}/opinion",
                {"opinion": "agree", "checklist": ok, "text": "同意"},
            ),
            # APL-58: only the agency's reviewers review — the admin holds the permission, not the post
            case_expect(Perm.CASE_REVIEW, overrides={"admin": (403, 403)}),
        ),
        ("review-assign", "post"): (
            lambda c, s: (f"{V}{a_review(c, s).pk}/assign", {"reviewer_id": c.dave.pk}),
            case_expect(Perm.CASE_VIEW, allowed=403),
        ),
        ("review-extension", "post"): (
            lambda c, s: (f"{V}{a_review(c, s).pk}/extension", {"reason": "案情复杂"}),
            case_expect(Perm.CASE_VIEW, allowed=403),
        ),
        ("review-extension-decide", "post"): (
            lambda c, s: (f"{V}{a_review(c, s).pk}/extension/decide", {"approve": True}),
            case_expect(Perm.CASE_VIEW, allowed=403),
        ),
    }


MATRIX.update(_review_matrix())


# ---- recording (执法全过程记录): files scoped like their cases; devices like their agency's cases.


def _recording_matrix() -> dict[tuple[str, str], tuple[Target, Any]]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from lawtrail.cases.models import Evidence
    from lawtrail.core.permissions import Perm
    from lawtrail.core.vault.models import Blob
    from lawtrail.recording.models import Device, Disposal, EvidenceFile
    from tests.recording.conftest import jpeg

    V = "/api/v1/recording/"

    def a_file(c, s, **kw):
        case = a_case(c, s, "investigating")
        blob = Blob.objects.create(
            sha256=("a" if s == A else "b") * 64,
            sm3="c" * 64,
            size=3,
            media_type="image/jpeg",
            created_at=timezone.now(),
        )
        return EvidenceFile.objects.create(
            case=case,
            blob=blob,
            name="a.jpg",
            media="photo",
            uploaded_by=case.handler,
            uploaded_at=timezone.now(),
            **kw,
        )

    def an_evidence(c, s, file):
        return Evidence.objects.create(
            case=file.case,
            kind="physical",
            title="现场照片",
            collected_on=dt.date(2026, 9, 1),
            collected_by=file.case.handler,
        )

    def a_device(c, s):
        return Device.objects.create(
            serial=f"DEV-{s}",
            kind="fixed_camera",
            agency=agency(c, s),
            registered_at=timezone.now(),
            registered_by=c.admin,
        )

    def a_disposal(c, s):
        f = a_file(c, s)
        d = Disposal.objects.create(
            file=f,
            reason="保存期限届满",
            basis="保存期限6年",
            retention_ends_on=dt.date(2026, 1, 1),
            requested_by=f.case.handler,
            requested_at=timezone.now(),
        )
        return (f"{V}disposals/{d.pk}/decision", {"approve": False, "note": "仍需保存"})

    def link_target(c, s):
        f = a_file(c, s)
        return (f"{V}files/{f.pk}/link", {"evidence_id": an_evidence(c, s, f).pk})

    def a_transcript(c, s):
        from lawtrail.recording.models import Transcript

        case = a_case(c, s, "investigating")
        return Transcript.objects.create(
            case=case,
            kind="inquiry",
            started_at=timezone.now(),
            place="询问室",
            officer_1=case.handler,
            officer_2=c.carol,
            subject_name="王小明",
            content="问：……答：……",
            credentials_shown=True,
            created_by=case.handler,
            created_at=timezone.now(),
        )

    def transcript_create_target(c, s):
        case = a_case(c, s, "investigating")
        body = {
            "kind": "inquiry",
            "started_at": "2026-09-01T09:00:00+08:00",
            "place": "询问室",
            "officer_ids": [case.handler.pk, case.handler.pk],
            "subject_name": "王小明",
            "content": "问：……答：……",
            "credentials_shown": True,
        }
        return (f"{V}cases/{case.pk}/transcripts", body)

    def sign_target(c, s):
        from tests.recording.test_transcripts import data_url, signature

        return (
            f"{V}transcripts/{a_transcript(c, s).pk}/signatures",
            {"role": "party", "png": data_url(signature())},
        )

    return {
        ("recording-case-files", "get"): (
            lambda c, s: (f"{V}cases/{a_case(c, s, 'investigating').pk}/files", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("recording-case-files", "post"): (
            lambda c, s: (
                f"{V}cases/{a_case(c, s, 'investigating').pk}/files",
                {"file": SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")},
            ),
            case_expect(Perm.CASE_HANDLE, allowed=201),
        ),
        ("recording-file", "get"): (
            lambda c, s: (f"{V}files/{a_file(c, s).pk}", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("recording-file-late-reason", "post"): (
            lambda c, s: (f"{V}files/{a_file(c, s, late=True).pk}/late-reason", {"reason": "现场无网络"}),
            case_expect(Perm.CASE_HANDLE, allowed=200),
        ),
        ("recording-file-link", "post"): (link_target, case_expect(Perm.CASE_HANDLE, allowed=200)),
        ("recording-file-record-review", "post"): (
            lambda c, s: (
                f"{V}files/{a_file(c, s, record_review='pending').pk}/record-review",
                {"passed": True},
            ),
            case_expect(Perm.CASE_REVIEW, allowed=200, overrides={"carol": (200, 404)}),
        ),
        ("recording-file-disposals", "get"): (
            lambda c, s: (f"{V}files/{a_file(c, s).pk}/disposals", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        # G118-9: the case is not archived (409) — who may ask is what is checked first
        ("recording-file-disposals", "post"): (
            lambda c, s: (f"{V}files/{a_file(c, s).pk}/disposals", {"reason": "保存期限届满"}),
            case_expect(Perm.CASE_HANDLE, allowed=409),
        ),
        # only a 负责人 (分管领导/主要负责人) decides; the cast has none: 403 for all who see the case
        ("recording-disposal-decision", "post"): (a_disposal, case_expect(Perm.CASE_VIEW, allowed=403)),
        # 笔录 (APL-55, ACL-18): read like the case, made and signed by who may handle it
        ("recording-case-transcripts", "get"): (
            lambda c, s: (f"{V}cases/{a_case(c, s, 'investigating').pk}/transcripts", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        # the same officer twice: APL-42 refuses it (400) — who may make one is answered first
        ("recording-case-transcripts", "post"): (
            transcript_create_target,
            case_expect(Perm.CASE_HANDLE, allowed=400),
        ),
        ("recording-transcript", "get"): (
            lambda c, s: (f"{V}transcripts/{a_transcript(c, s).pk}", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("recording-transcript-signatures", "post"): (
            sign_target,
            case_expect(Perm.CASE_HANDLE, allowed=201),
        ),
        ("recording-transcript-refusal", "post"): (
            lambda c, s: (
                f"{V}transcripts/{a_transcript(c, s).pk}/refusal",
                {"note": "当事人拒绝签名", "witness_name": "李四"},
            ),
            case_expect(Perm.CASE_HANDLE, allowed=200),
        ),
        # tus: a request without Tus-Resumable is refused (412) once the account is known; the
        # protocol's permissions are tested with a real client in tests/recording/test_tus.py
        ("recording-uploads", "post"): (lambda c, s: (V + "uploads", {}), everyone(412)),
        ("recording-upload", "patch"): (lambda c, s: (V + "uploads/x", {}), everyone(412)),
        ("recording-upload", "delete"): (lambda c, s: (V + "uploads/x", None), everyone(412)),
        ("recording-devices", "get"): (lambda c, s: (V + "devices", None), everyone(200)),
        ("recording-devices", "post"): (
            lambda c, s: (V + "devices", {"serial": f"UAV-{s}", "kind": "drone", "agency": agency(c, s).pk}),
            only({"grace": (201, 403), "admin": (201, 201)}),
        ),
        ("recording-device", "get"): (
            lambda c, s: (f"{V}devices/{a_device(c, s).pk}", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("recording-device", "patch"): (
            lambda c, s: (f"{V}devices/{a_device(c, s).pk}", {"task": "巡查"}),
            case_expect(Perm.CASE_CONFIGURE, allowed=200),
        ),
        ("recording-device-review", "post"): (
            lambda c, s: (f"{V}devices/{a_device(c, s).pk}/review", {"passed": True}),
            case_expect(Perm.CASE_REVIEW, allowed=200, overrides={"grace": (200, 404)}),
        ),
        ("recording-device-stream-key", "post"): (
            lambda c, s: (f"{V}devices/{a_device(c, s).pk}/stream-key", {}),
            case_expect(Perm.CASE_CONFIGURE, allowed=200),
        ),
    }


# ---- legal documents (法律文书): scoped like the cases; making or signing needs CASE_HANDLE or
# CASE_APPROVE of the agency; verification is public.


def _documents_matrix() -> dict[tuple[str, str], tuple[Target, Any]]:
    from lawtrail.core.permissions import Perm
    from lawtrail.core.vault import vault_put
    from lawtrail.documents.models import Document, Service

    D = "/api/v1/documents/"
    from pypdf import PdfWriter

    out = io.BytesIO()
    blank = PdfWriter()
    blank.add_blank_page(595, 842)
    blank.write(out)
    pdf = out.getvalue()

    def a_document(c, s):
        from django.utils import timezone

        case = a_case(c, s, "decided")
        blob = vault_put(io.BytesIO(pdf), actor=case.handler, media_type="application/pdf")
        return Document.objects.create(
            case=case,
            kind="penalty_decision",
            title="行政处罚决定书",
            blob=blob,
            issued_on=dt.date(2026, 9, 2),
            issued_at=timezone.now(),
            issued_by=case.handler,
        )

    def a_service(c, s, *, scanned: bool = False):
        from django.utils import timezone

        doc = a_document(c, s)
        receipt = (
            vault_put(io.BytesIO(pdf), actor=doc.issued_by, media_type="application/pdf") if scanned else None
        )
        return Service.objects.create(
            document=doc,
            method="direct",
            served_on=dt.date(2026, 9, 2),
            recipient="某某公司",
            receipt=receipt,
            recorded_by=doc.issued_by,
            recorded_at=timezone.now(),
        )

    def makers(allowed: Any = PASSED) -> dict[str, Any]:
        out: dict[str, Any] = {"anon": 403}
        for name in CAST_NAMES:
            out[name] = tuple(
                (
                    allowed
                    if (_may(name, Perm.CASE_HANDLE, side) or _may(name, Perm.CASE_APPROVE, side))
                    else 403
                )
                if _may(name, Perm.CASE_VIEW, side)
                else 404
                for side in (A, B)
            )
        return out

    return {
        ("documents-case", "get"): (
            lambda c, s: (f"{D}cases/{a_case(c, s, 'decided').pk}", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("documents-preview", "get"): (
            lambda c, s: (f"{D}cases/{a_case(c, s, 'decided').pk}/preview?kind=penalty_decision", None),
            makers(),
        ),
        ("documents-issue", "post"): (
            # the matrix case has no party: the APL-59 check refuses (400) after the permission
            lambda c, s: (f"{D}cases/{a_case(c, s, 'decided').pk}/issue", {"kind": "penalty_decision"}),
            makers(),
        ),
        ("documents-draft", "put"): (
            lambda c, s: (
                f"{D}cases/{a_case(c, s, 'decided').pk}/drafts/penalty_decision",
                {"texts": {"reasoning": "当事人积极配合调查。"}},
            ),
            makers(),
        ),
        ("documents-detail", "get"): (
            lambda c, s: (f"{D}{a_document(c, s).pk}", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("documents-pdf", "get"): (
            lambda c, s: (f"{D}{a_document(c, s).pk}/pdf", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("documents-docx", "get"): (
            lambda c, s: (f"{D}{a_document(c, s).pk}/docx", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("documents-service", "post"): (
            lambda c, s: (
                f"{D}{a_document(c, s).pk}/services",
                {"method": "direct", "recipient": "某某公司"},
            ),
            makers(),
        ),
        ("documents-countersign", "post"): (
            lambda c, s: (f"{D}{a_document(c, s).pk}/signatures", {}),
            makers(),
        ),
        ("documents-party-sign", "post"): (
            # the matrix document is a decision (no party's line): 409 after the permission
            lambda c, s: (f"{D}{a_document(c, s).pk}/party-signatures", {"name": "张三", "png": ""}),
            makers(),
        ),
        ("documents-service-receipt", "get"): (
            lambda c, s: (f"{D}services/{a_service(c, s, scanned=True).pk}/receipt", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("documents-service-receipt", "post"): (
            lambda c, s: (f"{D}services/{a_service(c, s).pk}/receipt", {"file": io.BytesIO(pdf)}),
            makers(),
        ),
        ("documents-verify", "post"): (lambda c, s: (D + "verify", {"file": io.BytesIO(pdf)}), PUBLIC),
        ("documents-verify-token", "get"): (
            lambda c, s: (f"{D}verify/{a_document(c, s).token}", None),
            PUBLIC,
        ),
    }


# ---- the case file (一案一卷): read by whoever may see the case; a package still being sealed
# answers 409 to them (the download of a sealed one is tested in tests/archive/).


def _archive_matrix() -> dict[tuple[str, str], tuple[Target, Any]]:
    from django.utils import timezone

    from lawtrail.archive.models import ArchivePackage
    from lawtrail.core.permissions import Perm
    from lawtrail.core.vault.models import Blob

    V = "/api/v1/archive/"

    def a_package(c, s):
        case = a_case(c, s, "archived")
        blob = Blob.objects.create(
            sha256=("d" if s == A else "e") * 64,
            sm3="f" * 64,
            size=2,
            media_type="application/json",
            created_at=timezone.now(),
        )
        ArchivePackage.objects.create(
            case=case, manifest=blob, manifest_sha256=blob.sha256, created_at=timezone.now()
        )
        return case

    return {
        ("archive-case", "get"): (
            lambda c, s: (f"{V}cases/{a_package(c, s).pk}", None),
            case_expect(Perm.CASE_VIEW, allowed=200),
        ),
        ("archive-case-package", "get"): (
            lambda c, s: (f"{V}cases/{a_package(c, s).pk}/package", None),
            case_expect(Perm.CASE_VIEW, allowed=409),
        ),
    }


MATRIX.update(_recording_matrix())
MATRIX.update(_documents_matrix())
MATRIX.update(_archive_matrix())


def test_every_api_route_is_declared():
    routes = api_routes()
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, f"routes without an expectation in tests/test_role_matrix.py: {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def _call(client, method: str, path: str, body: Any):
    if method == "get":
        return client.get(path)
    if method == "delete":
        return client.delete(path)
    if body and any(hasattr(v, "read") for v in body.values()):
        return getattr(client, method)(path, body, format="multipart")
    return getattr(client, method)(path, body or {}, format="json")


def _case(cast, method, target, user, side) -> tuple[int, str]:
    with transaction.atomic():
        for u in cast.users.values():
            selectors.forget_grants(u)
        path, body = target(cast, side)
        response = _call(api_client_for(user), method, path, body)
        transaction.set_rollback(True)
    return response.status_code, response.content[:300].decode(errors="replace")


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]}:{r[1]}")
def test_role_matrix(cast, route):
    target, expected = MATRIX[route]
    _name, method = route
    failures = []
    if expected == PUBLIC:
        status, body = _case(cast, method, target, None, A)
        if status in (401, 403):
            failures.append(f"anon: public route answered {status}: {body}")
    else:
        status, body = _case(cast, method, target, None, A)
        if status != expected["anon"]:
            failures.append(f"anon: expected {expected['anon']}, got {status}: {body}")
        for name in CAST_NAMES:
            for side, want in zip((A, B), expected[name], strict=True):
                status, body = _case(cast, method, target, cast.users[name], side)
                if (status not in want) if isinstance(want, frozenset) else (status != want):
                    failures.append(f"{name} × {side}: expected {want}, got {status}: {body}")
    assert not failures, "\n".join(failures)


def test_staff_rows_exist_for_matrix(cast):
    assert Staff.objects.filter(agency=cast.agency_a).count() == 4
