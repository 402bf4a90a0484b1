"""The test cast: the same people in every permission test, so tests read like stories.

石家庄市 (130100) in 河北省 (130000) has two counties, each with a market regulator:

* **A** — 石家庄市长安区市场监督管理局 (division 130102 长安区)
* **B** — 石家庄市桥西区市场监督管理局 (division 130104 桥西区)

People (each fixture returns the login ``User``; ``cast.staff[name]`` is the Staff row):

========  ===============================================  =========================
name      who                                              grants
========  ===============================================  =========================
alice     officer of A, holds a valid 执法证                officer @ A
bob       officer of B, holds a valid 执法证                officer @ B
carol     承办机构负责人 of A                              approver_1 @ A
dave      法制审核人员 of A, has 法律职业资格               reviewer @ A
erin      county supervisor (长安区司法局)                  supervisor @ 130102
frank     city supervisor (石家庄市司法局)                  supervisor @ 130100
grace     单位管理员 of A                                  agency_admin @ A
admin     系统管理员, nationwide                           admin (no division)
========  ===============================================  =========================

Plus ``anon``: a client that is not logged in. ``api_client_for(user)`` gives a DRF
APIClient authenticated as ``user`` (``None`` → anonymous).

Only A and B, their staff and credentials exist; build anything else in the test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rest_framework.test import APIClient

from lawtrail.registry.models import Agency, Credential, Division, Domain, RoleGrant, Staff

from .factories import (
    AgencyFactory,
    CredentialFactory,
    DomainFactory,
    StaffFactory,
    UserFactory,
    journal_fixture_rows,
    make_credit_code,
    make_id_number,
)

CAST_NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "admin")


@dataclass
class Cast:
    province: Division
    city: Division
    changan: Division
    qiaoxi: Division
    market: Domain
    agency_a: Agency
    agency_b: Agency
    users: dict[str, Any] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)
    credentials: dict[str, Credential] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def _division(code: str, name: str, level: str, parent: Division | None) -> Division:
    d = Division(code=code, name=name, level=level, parent=parent)
    d.save()
    return d


def build_cast() -> Cast:
    province = _division("130000", "河北省", Division.Level.PROVINCE, None)
    city = _division("130100", "石家庄市", Division.Level.CITY, province)
    changan = _division("130102", "长安区", Division.Level.COUNTY, city)
    qiaoxi = _division("130104", "桥西区", Division.Level.COUNTY, city)
    market = DomainFactory(code="market", name="市场监管")
    agency_a = AgencyFactory(
        name="石家庄市长安区市场监督管理局",
        short_name="长市监",
        credit_code=make_credit_code(900001, "130102"),
        division=changan,
        domains=[market],
    )
    agency_b = AgencyFactory(
        name="石家庄市桥西区市场监督管理局",
        short_name="桥市监",
        credit_code=make_credit_code(900002, "130104"),
        division=qiaoxi,
        domains=[market],
    )
    cast = Cast(province, city, changan, qiaoxi, market, agency_a, agency_b)
    people = {
        # name: (agency, display name, grants, staff kwargs)
        "alice": (agency_a, "艾丽丝", [("officer", agency_a, None)], {}),
        "bob": (agency_b, "鲍勃", [("officer", agency_b, None)], {}),
        "carol": (agency_a, "卡罗尔", [("approver_1", agency_a, None)], {}),
        "dave": (
            agency_a,
            "戴夫",
            [("reviewer", agency_a, None)],
            {"legal_qualification": True, "legal_qualification_number": "A20181301020001"},
        ),
        "erin": (None, "艾琳", [("supervisor", None, changan)], {}),
        "frank": (None, "弗兰克", [("supervisor", None, city)], {}),
        "grace": (agency_a, "格蕾丝", [("agency_admin", agency_a, None)], {}),
        "admin": (None, "管理员", [("admin", None, None)], {}),
    }
    for i, (name, (agency, display, grants, extra)) in enumerate(people.items(), start=1):
        user = UserFactory(username=name, display_name=display)
        cast.users[name] = user
        if agency is not None:
            cast.staff[name] = StaffFactory(
                agency=agency,
                user=user,
                name=display,
                id_number=make_id_number(7000 + i, agency.division.code),
                **extra,
            )
        for role, g_agency, g_division in grants:
            RoleGrant.objects.create(user=user, role=role, agency=g_agency, division=g_division)
    for name in ("alice", "bob"):
        staff = cast.staff[name]
        cast.credentials[name] = CredentialFactory(
            staff=staff,
            number=f"{staff.agency.division.code}2024{CAST_NAMES.index(name):04d}",
            domain=market,
            region=staff.agency.division,
            issued_on=dt.date(2024, 1, 1),
            expires_on=dt.date(2029, 12, 31),
        )
    journal_fixture_rows()
    return cast


def api_client_for(user: Any | None) -> APIClient:
    """A DRF APIClient authenticated as ``user`` (``None``: anonymous)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client
