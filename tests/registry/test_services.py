"""Every registry service: the happy path, each refusal (nothing changed), the journal entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.core.journal.models import Entry
from lawtrail.registry import selectors, services
from lawtrail.registry.models import (
    Agency,
    Benchmark,
    Credential,
    CredentialChange,
    Division,
    LegalBasis,
    PowerItem,
    RoleGrant,
    Staff,
)
from tests.factories import PowerItemFactory, UserFactory, ViolationFactory, make_credit_code, make_id_number

pytestmark = pytest.mark.django_db


def journaled(action: str, obj) -> bool:
    return Entry.objects.filter(action=action, subject_id=str(obj.pk)).exists()


def entries() -> int:
    return Entry.objects.count()


# ---------------------------------------------------------------- scope


def test_scope_agency_grant_covers_its_agency(cast):
    assert list(selectors.agencies_in_scope(cast.alice, "registry.view")) == [cast.agency_a]


def test_scope_county_supervisor_sees_its_county_only(cast):
    assert list(selectors.agencies_in_scope(cast.erin, "supervision.view")) == [cast.agency_a]
    assert not selectors.user_has_perm(cast.erin, "supervision.view", cast.agency_b)


def test_scope_city_supervisor_sees_the_whole_city(cast):
    assert set(selectors.agencies_in_scope(cast.frank, "supervision.view")) == {cast.agency_a, cast.agency_b}


def test_scope_global_admin_and_superuser_see_all(cast):
    root = UserFactory(username="root", is_superuser=True)
    for user in (cast.admin, root):
        assert selectors.agencies_in_scope(user, "registry.agency.manage").count() == 2


def test_scope_no_grant_sees_nothing(cast):
    nobody = UserFactory(username="nobody")
    assert selectors.agencies_in_scope(nobody, "registry.view").count() == 0
    assert not selectors.user_has_perm(nobody, "registry.view")


def test_require_perm_refuses_with_code(cast):
    with pytest.raises(PermissionDenied) as exc:
        selectors.require_perm(cast.alice, "registry.staff.manage", cast.agency_a)
    assert exc.value.code == "PERMISSION_DENIED"


def test_staff_get_for_outside_every_scope_is_404(cast):
    nobody = UserFactory(username="nobody")
    from lawtrail.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.staff_get_for(nobody, cast.staff["bob"].pk)
    assert selectors.staff_get_for(cast.alice, cast.staff["bob"].pk).name == "鲍勃"
    assert not selectors.can_see_private(cast.alice, cast.staff["bob"])
    assert selectors.can_see_private(cast.carol, cast.staff["alice"])
    assert selectors.can_see_private(cast.alice, cast.staff["alice"])  # oneself
    assert not selectors.can_see_private(cast.erin, cast.staff["bob"])
    assert selectors.can_see_private(cast.frank, cast.staff["bob"])


def test_division_tree(cast):
    tree = selectors.division_tree()
    assert tree[0]["code"] == "130000"
    assert [c["code"] for c in tree[0]["children"][0]["children"]] == ["130102", "130104"]


# ---------------------------------------------------------------- divisions and agencies


def test_division_create(cast):
    d = services.division_create(
        actor=cast.admin, code="130105", name="新华区", level="county", parent=cast.city
    )
    assert d.path == "130000/130100/130105/"
    assert journaled("registry:division:create", d)


def test_division_create_refusals(cast):
    n = entries()
    with pytest.raises(PermissionDenied):
        services.division_create(
            actor=cast.grace, code="130105", name="新华区", level="county", parent=cast.city
        )
    with pytest.raises(Conflict) as exc:
        services.division_create(
            actor=cast.admin, code="130102", name="重复", level="county", parent=cast.city
        )
    assert exc.value.code == "DIVISION_CODE_TAKEN"
    assert entries() == n


def _agency_kwargs(cast, **over):
    kw = dict(
        name="石家庄市长安区生态环境分局",
        credit_code=make_credit_code(555, "130102"),
        division=cast.changan,
        level="county",
        legal_status="statutory",
        domains=[cast.market],
    )
    kw.update(over)
    return kw


def test_agency_create_and_update(cast):
    a = services.agency_create(actor=cast.admin, **_agency_kwargs(cast))
    assert journaled("registry:agency:create", a)
    assert list(a.domains.all()) == [cast.market]
    a = services.agency_update(actor=cast.admin, agency=a, phone="0311-1234567")
    assert a.phone == "0311-1234567"
    assert journaled("registry:agency:update", a)


@pytest.mark.parametrize(
    "over,code,klass",
    [
        ({"credit_code": "91350100M000100Y44"}, "CREDIT_CODE_INVALID", ValidationFailed),
        ({"name": "石家庄市长安区市场监督管理局"}, "AGENCY_NAME_TAKEN", Conflict),
        ({"legal_status": "entrusted"}, "AGENCY_ENTRUSTED_NEEDS_PARENT", ValidationFailed),
        ({"level": "galaxy"}, "LEVEL_INVALID", ValidationFailed),
    ],
)
def test_agency_create_refusals(cast, over, code, klass):
    n, count = entries(), Agency.objects.count()
    with pytest.raises(klass) as exc:
        services.agency_create(actor=cast.admin, **_agency_kwargs(cast, **over))
    assert exc.value.code == code
    assert (entries(), Agency.objects.count()) == (n, count)


def test_agency_create_needs_division_scope(cast):
    with pytest.raises(PermissionDenied):
        services.agency_create(actor=cast.grace, **_agency_kwargs(cast))
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=cast.frank, agency=cast.agency_a, phone="1")


def test_agency_update_unknown_field(cast):
    with pytest.raises(ValidationFailed) as exc:
        services.agency_update(actor=cast.admin, agency=cast.agency_a, id=5)
    assert exc.value.code == "FIELD_NOT_EDITABLE"


# ---------------------------------------------------------------- staff


def test_staff_create_derives_gender_and_birth_date(cast):
    idn = make_id_number(42, "130102", dt.date(1988, 8, 8), male=False)
    s = services.staff_create(actor=cast.grace, agency=cast.agency_a, name="张三", id_number=idn.lower())
    assert (s.gender, s.birth_date, s.id_number) == ("F", dt.date(1988, 8, 8), idn)
    assert journaled("registry:staff:create", s)


def test_staff_update_rederives(cast):
    s = cast.staff["alice"]
    idn = make_id_number(43, "130102", dt.date(1977, 7, 7), male=True)
    s = services.staff_update(actor=cast.grace, staff=s, id_number=idn, posts="科长")
    assert (s.gender, s.birth_date, s.posts) == ("M", dt.date(1977, 7, 7), "科长")
    assert journaled("registry:staff:update", s)


@pytest.mark.parametrize(
    "actor,kw,code",
    [
        ("grace", {"id_number": "110105194912310021"}, "ID_NUMBER_INVALID"),
        ("grace", {"id_number": "dup"}, "STAFF_ID_NUMBER_TAKEN"),
        ("grace", {"legal_qualification": True}, "LEGAL_QUALIFICATION_NUMBER_REQUIRED"),
        ("grace", {"name": ""}, "NAME_REQUIRED"),
        ("alice", {}, "PERMISSION_DENIED"),
        ("frank", {}, "PERMISSION_DENIED"),
    ],
)
def test_staff_create_refusals(cast, actor, kw, code):
    if kw.get("id_number") == "dup":
        kw["id_number"] = cast.staff["alice"].id_number
    args = {"name": "李四", "id_number": make_id_number(44), **kw}
    n, count = entries(), Staff.objects.count()
    with pytest.raises((ValidationFailed, Conflict, PermissionDenied)) as exc:
        services.staff_create(actor=cast.users[actor], agency=cast.agency_a, **args)
    assert exc.value.code == code
    assert (entries(), Staff.objects.count()) == (n, count)


def test_staff_update_cannot_move_to_other_agency(cast):
    with pytest.raises(PermissionDenied):
        services.staff_update(actor=cast.grace, staff=cast.staff["alice"], agency=cast.agency_b)


def test_staff_user_link_creates_and_refuses(cast):
    s = services.staff_create(
        actor=cast.grace, agency=cast.agency_a, name="王五", id_number=make_id_number(45)
    )
    user = services.staff_user_link(actor=cast.grace, staff=s, username="wangwu", password="pass-w0rd-123")
    assert user.check_password("pass-w0rd-123") and user.staff == s
    assert journaled("registry:staff:link_user", s) and journaled("registry:user:create", user)
    other = services.staff_create(
        actor=cast.grace, agency=cast.agency_a, name="赵六", id_number=make_id_number(46)
    )
    with pytest.raises(Conflict) as exc:
        services.staff_user_link(actor=cast.grace, staff=other, username="alice")
    assert exc.value.code == "USER_ALREADY_LINKED"
    with pytest.raises(Conflict) as exc:
        services.staff_user_link(actor=cast.grace, staff=s, username="another")
    assert exc.value.code == "STAFF_ALREADY_LINKED"
    with pytest.raises(ValidationFailed):
        services.staff_user_link(actor=cast.grace, staff=other, username=" ")


# ---------------------------------------------------------------- credentials


def _issue(cast, actor="grace", **over):
    kw = dict(
        staff=cast.staff["carol"],
        number="130102202499",
        domain=cast.market,
        region=cast.changan,
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2030, 1, 1),
    )
    kw.update(over)
    return services.credential_issue(actor=cast.users[actor], **kw)


def test_credential_issue(cast):
    c = _issue(cast)
    assert c.status == "valid"
    assert c.changes.get().kind == "issue"
    assert journaled("registry:credential:issue", c)


@pytest.mark.parametrize(
    "actor,over,code",
    [
        ("grace", {"number": "dup"}, "CREDENTIAL_NUMBER_TAKEN"),
        ("grace", {"expires_on": dt.date(2024, 1, 1)}, "CREDENTIAL_EXPIRY_NOT_AFTER_ISSUE"),
        ("grace", {"inactive": True}, "STAFF_INACTIVE"),
        ("alice", {}, "PERMISSION_DENIED"),
        ("grace", {"bob": True}, "PERMISSION_DENIED"),
    ],
)
def test_credential_issue_refusals(cast, actor, over, code):
    if over.pop("inactive", False):
        Staff.objects.filter(pk=cast.staff["carol"].pk).update(is_active=False)
        cast.staff["carol"].is_active = False
    if over.pop("bob", False):
        over["staff"] = cast.staff["bob"]
    if over.get("number") == "dup":
        over["number"] = cast.credentials["alice"].number
    n, count = entries(), Credential.objects.count()
    with pytest.raises((ValidationFailed, Conflict, PermissionDenied)) as exc:
        _issue(cast, actor, **over)
    assert exc.value.code == code
    assert (entries(), Credential.objects.count()) == (n, count)


def test_credential_lifecycle_and_history(cast):
    c = cast.credentials["alice"]
    c = services.credential_suspend(actor=cast.grace, credential=c, reason="涉嫌违纪")
    assert c.status == "suspended" and journaled("registry:credential:suspend", c)
    c = services.credential_reinstate(actor=cast.grace, credential=c)
    assert c.status == "valid" and journaled("registry:credential:reinstate", c)
    c = services.credential_renew(actor=cast.grace, credential=c, expires_on=dt.date(2034, 12, 31))
    assert c.expires_on == dt.date(2034, 12, 31) and journaled("registry:credential:renew", c)
    c = services.credential_revoke(actor=cast.grace, credential=c, reason="调离执法岗位")
    assert c.status == "revoked" and journaled("registry:credential:revoke", c)
    kinds = list(
        CredentialChange.objects.filter(credential=c).values_list("kind", "from_status", "to_status")
    )
    assert kinds == [
        ("suspend", "valid", "suspended"),
        ("reinstate", "suspended", "valid"),
        ("renew", "valid", "valid"),
        ("revoke", "valid", "revoked"),
    ]


@pytest.mark.parametrize(
    "call,code",
    [
        (lambda a, c: services.credential_suspend(actor=a, credential=c, reason="x"), "CREDENTIAL_REVOKED"),
        (lambda a, c: services.credential_reinstate(actor=a, credential=c), "CREDENTIAL_REVOKED"),
        (lambda a, c: services.credential_revoke(actor=a, credential=c, reason="x"), "CREDENTIAL_REVOKED"),
        (
            lambda a, c: services.credential_renew(actor=a, credential=c, expires_on=dt.date(2040, 1, 1)),
            "CREDENTIAL_REVOKED",
        ),
    ],
)
def test_revoked_is_final(cast, call, code):
    c = services.credential_revoke(actor=cast.grace, credential=cast.credentials["alice"], reason="调离")
    n = entries()
    with pytest.raises(Conflict) as exc:
        call(cast.grace, c)
    assert exc.value.code == code and exc.value.status == 409
    assert entries() == n
    assert Credential.objects.get(pk=c.pk).status == "revoked"


def test_credential_transition_refusals(cast):
    c = cast.credentials["alice"]
    with pytest.raises(Conflict) as exc:
        services.credential_reinstate(actor=cast.grace, credential=c)
    assert exc.value.code == "CREDENTIAL_NOT_SUSPENDED"
    with pytest.raises(ValidationFailed) as exc:
        services.credential_suspend(actor=cast.grace, credential=c, reason=" ")
    assert exc.value.code == "REASON_REQUIRED"
    with pytest.raises(ValidationFailed) as exc:
        services.credential_renew(actor=cast.grace, credential=c, expires_on=dt.date(2025, 1, 1))
    assert exc.value.code == "CREDENTIAL_RENEW_NOT_LATER"
    with pytest.raises(PermissionDenied):
        services.credential_suspend(actor=cast.grace, credential=cast.credentials["bob"], reason="x")
    services.credential_suspend(actor=cast.grace, credential=c, reason="x")
    with pytest.raises(Conflict) as exc:
        services.credential_suspend(actor=cast.grace, credential=c, reason="x")
    assert exc.value.code == "CREDENTIAL_NOT_VALID"


# ---------------------------------------------------------------- roles


def test_role_grant_and_revoke(cast):
    g = services.role_grant(actor=cast.grace, user=cast.alice, role="approver_2", agency=cast.agency_a)
    assert journaled("registry:role:grant", g)
    assert selectors.user_has_perm(cast.alice, "registry.staff.private_view", cast.agency_a)
    pk = g.pk
    services.role_revoke(actor=cast.grace, grant=g)
    assert Entry.objects.filter(action="registry:role:revoke", subject_id=str(pk)).exists()
    assert not RoleGrant.objects.filter(pk=pk).exists()
    assert not selectors.user_has_perm(cast.alice, "registry.staff.private_view", cast.agency_a)
    sup = services.role_grant(
        actor=cast.admin, user=UserFactory(username="s2"), role="supervisor", division=cast.qiaoxi
    )
    assert sup.division == cast.qiaoxi


@pytest.mark.parametrize(
    "actor,kw,code",
    [
        ("grace", {"user": "bob", "role": "officer", "agency": "a"}, "ROLE_AGENCY_MISMATCH"),
        ("grace", {"user": "alice", "role": "officer", "agency": "a"}, "ROLE_GRANT_EXISTS"),
        ("grace", {"user": "alice", "role": "officer", "agency": "b"}, "PERMISSION_DENIED"),
        ("grace", {"user": "alice", "role": "supervisor", "division": "changan"}, "PERMISSION_DENIED"),
        ("grace", {"user": "alice", "role": "admin"}, "PERMISSION_DENIED"),
        ("admin", {"user": "alice", "role": "supervisor"}, "ROLE_SCOPE_INVALID"),
        ("admin", {"user": "alice", "role": "officer"}, "ROLE_SCOPE_INVALID"),
        ("admin", {"user": "alice", "role": "pope", "agency": "a"}, "ROLE_UNKNOWN"),
        ("carol", {"user": "alice", "role": "approver_2", "agency": "a"}, "PERMISSION_DENIED"),
    ],
)
def test_role_grant_refusals(cast, actor, kw, code):
    kw = dict(kw)
    kw["user"] = cast.users[kw["user"]]
    if "agency" in kw:
        kw["agency"] = {"a": cast.agency_a, "b": cast.agency_b}[kw["agency"]]
    if "division" in kw:
        kw["division"] = cast.changan
    n, count = entries(), RoleGrant.objects.count()
    with pytest.raises((ValidationFailed, Conflict, PermissionDenied)) as exc:
        services.role_grant(actor=cast.users[actor], **kw)
    assert exc.value.code == code
    assert (entries(), RoleGrant.objects.count()) == (n, count)


def test_role_revoke_refusals(cast):
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=cast.grace, grant=RoleGrant.objects.get(user=cast.bob))
    with pytest.raises(Conflict) as exc:
        services.role_revoke(actor=cast.admin, grant=RoleGrant.objects.get(user=cast.admin))
    assert exc.value.code == "ROLE_REVOKE_SELF_ADMIN"


# ---------------------------------------------------------------- catalogue


def test_power_violation_basis_benchmark(cast):
    p = services.power_create(
        actor=cast.admin, code="SCJG-001", name="对销售不合格产品的处罚", kind="penalty", domain=cast.market
    )
    assert journaled("registry:power:create", p)
    p = services.power_update(actor=cast.admin, power=p, levels="县级")
    assert journaled("registry:power:update", p)
    v = services.violation_create(
        actor=cast.admin,
        power=p,
        code="SCJG-001-01",
        name="销售不合格产品",
        fine_min="5000",
        fine_max=Decimal("50000"),
    )
    assert journaled("registry:violation:create", v)
    b = services.legal_basis_add(
        actor=cast.admin,
        role="penalty",
        law="《中华人民共和国产品质量法》",
        article="第四十九条",
        violation=v,
    )
    assert journaled("registry:legal_basis:add", b)
    bm = services.benchmark_create(
        actor=cast.admin,
        violation=v,
        division=cast.city,
        issuer="石家庄市市场监督管理局",
        effective_from=dt.date(2025, 1, 1),
        tiers=[
            {"tier": "不予", "conditions": "初次违法且危害后果轻微并及时改正"},
            {"tier": "从轻", "fine_min": 5000, "fine_max": 15000},
            {"tier": "normal", "fine_min": 15000, "fine_max": 35000},
            {"tier": "从重", "fine_min": 35000, "fine_max": 50000},
        ],
    )
    assert bm.tiers.count() == 4 and journaled("registry:benchmark:create", bm)


def test_catalog_refusals(cast):
    n = entries()
    with pytest.raises(PermissionDenied):
        services.power_create(actor=cast.grace, code="X", name="X", kind="penalty", domain=cast.market)
    with pytest.raises(ValidationFailed) as exc:
        services.power_create(actor=cast.admin, code="X", name="X", kind="nonsense", domain=cast.market)
    assert exc.value.code == "KIND_INVALID"
    inspection = PowerItemFactory(kind=PowerItem.Kind.INSPECTION, domain=cast.market)
    with pytest.raises(ValidationFailed) as exc:
        services.violation_create(actor=cast.admin, power=inspection, code="V", name="V")
    assert exc.value.code == "VIOLATION_POWER_NOT_PENALTY"
    penalty = PowerItemFactory(domain=cast.market)
    with pytest.raises(ValidationFailed) as exc:
        services.violation_create(
            actor=cast.admin, power=penalty, code="V", name="V", fine_min=10, fine_max=5
        )
    assert exc.value.code == "FINE_RANGE_INVERTED"
    with pytest.raises(ValidationFailed) as exc:
        services.legal_basis_add(actor=cast.admin, role="penalty", law="法", article="第一条")
    assert exc.value.code == "LEGAL_BASIS_OWNER_INVALID"
    assert entries() == n and LegalBasis.objects.count() == 0


@pytest.mark.parametrize(
    "tiers,code",
    [
        ([], "BENCHMARK_TIERS_EMPTY"),
        ([{"tier": "从轻", "fine_min": 1000, "fine_max": 6000}], "BENCHMARK_TIER_OUT_OF_RANGE"),
        ([{"tier": "减轻", "fine_min": 1000, "fine_max": 6000}], "BENCHMARK_REDUCED_NOT_BELOW"),
        ([{"tier": "不予", "fine_min": 100}], "BENCHMARK_EXEMPT_WITH_FINE"),
        ([{"tier": "很重", "fine_min": 100}], "BENCHMARK_TIER_UNKNOWN"),
        ([{"tier": "一般", "fine_min": "abc"}], "NUMBER_INVALID"),
    ],
)
def test_g27_6_benchmark_create_refusals(cast, tiers, code):
    v = ViolationFactory(power__domain=cast.market)
    n = entries()
    with pytest.raises(ValidationFailed) as exc:
        services.benchmark_create(
            actor=cast.admin,
            violation=v,
            division=None,
            issuer="",
            effective_from=dt.date(2025, 1, 1),
            tiers=tiers,
        )
    assert exc.value.code == code
    assert entries() == n and Benchmark.objects.count() == 0


def test_benchmark_needs_division_scope(cast):
    v = ViolationFactory(power__domain=cast.market)
    with pytest.raises(PermissionDenied):
        services.benchmark_create(
            actor=cast.grace,
            violation=v,
            division=cast.changan,
            issuer="",
            effective_from=dt.date(2025, 1, 1),
            tiers=[{"tier": "一般"}],
        )


def test_system_actor_may_write(cast):
    d = services.division_create(actor=None, code="130108", name="裕华区", level="county", parent=cast.city)
    assert Entry.objects.get(subject_id=str(d.pk), action="registry:division:create").actor_label == "system"
    assert Division.objects.filter(code="130108").exists()
