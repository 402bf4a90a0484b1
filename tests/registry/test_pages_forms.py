"""Registry page forms: each calls its service; allowed → row + journal entry; refused →
403/404 page; bad input → the form again with the Chinese message and code, nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from lawtrail.core.fieldcrypt import lookup_hash
from lawtrail.core.journal.models import Entry
from lawtrail.registry.models import (
    Agency,
    Benchmark,
    Credential,
    LegalBasis,
    PowerItem,
    RoleGrant,
    Staff,
    Violation,
)
from tests.factories import PowerItemFactory, StaffFactory, ViolationFactory, make_credit_code, make_id_number

pytestmark = pytest.mark.django_db

R = "/backoffice/registry"


def journaled(action: str, obj) -> bool:
    return Entry.objects.filter(action=action, subject_id=str(obj.pk)).exists()


def login(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- agencies


def agency_data(cast, **over):
    data = {
        "name": "石家庄市长安区生态环境分局",
        "short_name": "长环",
        "credit_code": make_credit_code(900101, "130102"),
        "division": "130102",
        "level": "county",
        "legal_status": "statutory",
        "kind": "enforcement",
        "domains": [cast.market.pk],
        "address": "",
        "phone": "0311-1234567",
    }
    data.update(over)
    return data


def test_agency_create_by_admin(cast, client):
    login(client, cast.admin)
    assert client.get(f"{R}/agencies/new/").status_code == 200
    response = client.post(f"{R}/agencies/new/", agency_data(cast))
    agency = Agency.objects.get(name="石家庄市长安区生态环境分局")
    assert response.status_code == 302 and response["Location"] == f"{R}/agencies/{agency.pk}/"
    assert agency.division == cast.changan and list(agency.domains.all()) == [cast.market]
    assert journaled("registry:agency:create", agency)


@pytest.mark.parametrize("who", ["grace", "frank", "alice"])
def test_agency_create_refused(cast, client, who):
    login(client, cast.users[who])
    assert client.get(f"{R}/agencies/new/").status_code == 403
    response = client.post(f"{R}/agencies/new/", agency_data(cast))
    assert response.status_code == 403 and "PERMISSION_DENIED" in text(response)
    assert not Agency.objects.filter(name="石家庄市长安区生态环境分局").exists()


def test_agency_create_bad_credit_code_rerenders(cast, client):
    login(client, cast.admin)
    entries = Entry.objects.count()
    response = client.post(f"{R}/agencies/new/", agency_data(cast, credit_code="91130102MA00000000"))
    page = text(response)
    assert response.status_code == 400
    assert "统一社会信用代码格式或校验位错误" in page and "CREDIT_CODE_INVALID" in page
    assert 'value="石家庄市长安区生态环境分局"' in page  # the rest of the input is kept
    assert Agency.objects.count() == 2 and Entry.objects.count() == entries


def test_agency_create_unknown_division_is_a_form_error(cast, client):
    login(client, cast.admin)
    response = client.post(f"{R}/agencies/new/", agency_data(cast, division="999999"))
    assert response.status_code == 400 and "没有这个行政区划代码" in text(response)
    assert Agency.objects.count() == 2


def test_agency_edit_by_admin(cast, client):
    login(client, cast.admin)
    url = f"{R}/agencies/{cast.agency_a.pk}/edit/"
    page = text(client.get(url))
    assert 'value="130102"' in page and cast.agency_a.credit_code in page
    data = agency_data(
        cast,
        name=cast.agency_a.name,
        credit_code=cast.agency_a.credit_code,
        short_name="长市监",
        phone="0311-7654321",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    cast.agency_a.refresh_from_db()
    assert cast.agency_a.phone == "0311-7654321"
    assert journaled("registry:agency:update", cast.agency_a)


def test_agency_edit_refused_for_agency_admin(cast, client):
    login(client, cast.grace)
    url = f"{R}/agencies/{cast.agency_a.pk}/edit/"
    assert client.get(url).status_code == 403
    response = client.post(
        url, agency_data(cast, name=cast.agency_a.name, credit_code=cast.agency_a.credit_code)
    )
    assert response.status_code == 403
    assert Agency.objects.get(pk=cast.agency_a.pk).phone != "0311-1234567"


def test_agency_edit_entrusted_without_parent_rerenders(cast, client):
    login(client, cast.admin)
    response = client.post(
        f"{R}/agencies/{cast.agency_a.pk}/edit/",
        agency_data(
            cast, name=cast.agency_a.name, credit_code=cast.agency_a.credit_code, legal_status="entrusted"
        ),
    )
    page = text(response)
    assert response.status_code == 400
    assert "受委托组织必须写明委托机关" in page and "AGENCY_ENTRUSTED_NEEDS_PARENT" in page
    assert Agency.objects.get(pk=cast.agency_a.pk).legal_status == "statutory"


def test_agency_buttons_only_for_those_who_may(cast, client):
    login(client, cast.admin)
    assert "新增执法主体" in text(client.get(f"{R}/agencies/"))
    assert "编辑主体信息" in text(client.get(f"{R}/agencies/{cast.agency_a.pk}/"))
    login(client, cast.grace)
    assert "新增执法主体" not in text(client.get(f"{R}/agencies/"))
    page = text(client.get(f"{R}/agencies/{cast.agency_a.pk}/"))
    assert "编辑主体信息" not in page and "新增工作人员" in page
    assert "新增工作人员" not in text(client.get(f"{R}/agencies/{cast.agency_b.pk}/"))
    login(client, cast.alice)
    assert "新增工作人员" not in text(client.get(f"{R}/agencies/{cast.agency_a.pk}/"))


# ---------------------------------------------------------------- staff


NEW_ID = make_id_number(8101, "130102")


def staff_data(**over):
    data = {"name": "张三", "id_number": NEW_ID, "phone": "13800138000", "posts": "执法队员"}
    data.update(over)
    return data


def test_staff_create_by_agency_admin_shows_id_masked(cast, client):
    login(client, cast.grace)
    response = client.post(f"{R}/agencies/{cast.agency_a.pk}/staff/new/", staff_data())
    staff = Staff.objects.get(id_number_hash=lookup_hash(NEW_ID))
    assert response.status_code == 302 and staff.agency == cast.agency_a
    assert journaled("registry:staff:create", staff)
    page = text(client.get(response["Location"]))
    assert staff.id_number_masked in page and NEW_ID not in page


@pytest.mark.parametrize(
    ("who", "agency"), [("grace", "agency_b"), ("bob", "agency_a"), ("alice", "agency_a")]
)
def test_staff_create_refused(cast, client, who, agency):
    login(client, cast.users[who])
    url = f"{R}/agencies/{getattr(cast, agency).pk}/staff/new/"
    assert client.get(url).status_code == 403
    assert client.post(url, staff_data()).status_code == 403
    assert not Staff.objects.filter(id_number_hash=lookup_hash(NEW_ID)).exists()


def test_staff_create_bad_id_number_rerenders(cast, client):
    login(client, cast.grace)
    entries = Entry.objects.count()
    response = client.post(
        f"{R}/agencies/{cast.agency_a.pk}/staff/new/", staff_data(id_number=NEW_ID[:-1] + "0")
    )
    page = text(response)
    assert response.status_code == 400
    assert "公民身份号码格式或校验位错误（GB 11643）" in page and "ID_NUMBER_INVALID" in page
    assert 'data-field="id_number"' in page  # next to the input, not only at the top
    assert not Staff.objects.filter(name="张三").exists() and Entry.objects.count() == entries


def test_staff_create_taken_id_number_is_409(cast, client):
    login(client, cast.grace)
    response = client.post(
        f"{R}/agencies/{cast.agency_a.pk}/staff/new/", staff_data(id_number=cast.staff["alice"].id_number)
    )
    assert response.status_code == 409 and "STAFF_ID_NUMBER_TAKEN" in text(response)
    assert not Staff.objects.filter(name="张三").exists()


def test_staff_edit_never_shows_whole_id_and_blank_keeps_it(cast, client):
    alice = cast.staff["alice"]
    login(client, cast.grace)
    url = f"{R}/staff/{alice.pk}/edit/"
    page = text(client.get(url))
    assert alice.id_number not in page and f'placeholder="{alice.id_number_masked}"' in page
    response = client.post(url, {**staff_data(name=alice.name, id_number=""), "is_active": "on"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.phone == "13800138000" and alice.id_number == cast.staff["alice"].id_number
    assert journaled("registry:staff:update", alice)


def test_staff_edit_refused_outside_agency(cast, client):
    login(client, cast.grace)
    url = f"{R}/staff/{cast.staff['bob'].pk}/edit/"
    assert client.get(url).status_code == 403
    assert client.post(url, staff_data(name="改名")).status_code == 403
    assert Staff.objects.get(pk=cast.staff["bob"].pk).name == "鲍勃"


def test_staff_edit_qualification_without_number_rerenders(cast, client):
    alice = cast.staff["alice"]
    login(client, cast.grace)
    response = client.post(
        f"{R}/staff/{alice.pk}/edit/",
        {**staff_data(name=alice.name, id_number=""), "legal_qualification": "on"},
    )
    page = text(response)
    assert response.status_code == 400
    assert "具有法律职业资格的，须填写证书编号" in page and "LEGAL_QUALIFICATION_NUMBER_REQUIRED" in page
    assert not Staff.objects.get(pk=alice.pk).legal_qualification


def test_staff_account_link(cast, client):
    staff = StaffFactory(agency=cast.agency_a, name="李四", id_number=make_id_number(8102))
    login(client, cast.grace)
    assert "关联登录账号" in text(client.get(f"{R}/staff/{staff.pk}/"))
    response = client.post(
        f"{R}/staff/{staff.pk}/account/", {"username": "lisi", "password": "Lisi@2026pass"}
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.user.username == "lisi" and staff.user.check_password("Lisi@2026pass")
    assert journaled("registry:staff:link_user", staff) and journaled("registry:user:create", staff.user)


def test_staff_account_refused_and_taken(cast, client):
    staff = StaffFactory(agency=cast.agency_a, name="李四", id_number=make_id_number(8102))
    login(client, cast.bob)
    assert client.post(f"{R}/staff/{staff.pk}/account/", {"username": "lisi"}).status_code == 403
    login(client, cast.grace)
    response = client.post(f"{R}/staff/{staff.pk}/account/", {"username": "alice"})
    assert response.status_code == 409 and "该登录账号已关联其他工作人员" in text(response)
    assert "USER_ALREADY_LINKED" in text(response)
    staff.refresh_from_db()
    assert staff.user_id is None


# ---------------------------------------------------------------- credentials


def test_credential_renew(cast, client):
    cred = cast.credentials["alice"]
    login(client, cast.grace)
    response = client.post(
        f"{R}/credentials/{cred.pk}/renew/", {"expires_on": "2031-12-31", "reason": "到期换证"}
    )
    assert response.status_code == 302
    cred.refresh_from_db()
    assert cred.expires_on == dt.date(2031, 12, 31) and journaled("registry:credential:renew", cred)
    assert cred.changes.filter(kind="renew", reason="到期换证").exists()


def test_credential_renew_refused(cast, client):
    cred = cast.credentials["alice"]
    login(client, cast.bob)
    response = client.post(f"{R}/credentials/{cred.pk}/renew/", {"expires_on": "2031-12-31"})
    assert response.status_code == 403
    assert Credential.objects.get(pk=cred.pk).expires_on == dt.date(2029, 12, 31)


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        ({"expires_on": "2029-01-01"}, 400, ["新的有效期须晚于原有效期", "CREDENTIAL_RENEW_NOT_LATER"]),
        ({"expires_on": ""}, 400, ["新的有效期至", "INVALID_INPUT"]),
    ],
)
def test_credential_renew_bad_input(cast, client, data, status, words):
    cred = cast.credentials["alice"]
    login(client, cast.grace)
    response = client.post(f"{R}/credentials/{cred.pk}/renew/", data)
    assert response.status_code == status and all(w in text(response) for w in words)
    assert Credential.objects.get(pk=cred.pk).expires_on == dt.date(2029, 12, 31)


# ---------------------------------------------------------------- roles


def test_role_grant_and_revoke_on_staff_page(cast, client):
    carol = cast.staff["carol"]
    login(client, cast.grace)
    page = text(client.get(f"{R}/staff/{carol.pk}/"))
    assert "承办机构负责人" in page and "授予" in page
    response = client.post(f"{R}/staff/{carol.pk}/roles/", {"role": "approver_2"})
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=cast.carol, role="approver_2", agency=cast.agency_a)
    assert journaled("registry:role:grant", grant)
    response = client.post(f"{R}/staff/{carol.pk}/roles/{grant.pk}/revoke/")
    assert response.status_code == 302 and not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert Entry.objects.filter(action="registry:role:revoke", subject_id=str(grant.pk)).exists()


def test_role_forms_refused(cast, client):
    carol = cast.staff["carol"]
    grant = RoleGrant.objects.get(user=cast.carol)
    login(client, cast.bob)
    assert "授予" not in text(client.get(f"{R}/staff/{carol.pk}/"))
    assert client.post(f"{R}/staff/{carol.pk}/roles/", {"role": "approver_2"}).status_code == 403
    assert client.post(f"{R}/staff/{carol.pk}/roles/{grant.pk}/revoke/").status_code == 404
    login(client, cast.alice)
    assert client.post(f"{R}/staff/{carol.pk}/roles/", {"role": "agency_admin"}).status_code == 403
    assert (
        RoleGrant.objects.filter(user=cast.carol).count() == 1
        and RoleGrant.objects.filter(pk=grant.pk).exists()
    )


def test_role_grant_reviewer_without_qualification_is_granted_APL_58_checks_the_first_review(cast, client):
    """APL-58 asks the 法律职业资格 of a first-time reviewer: checked when they review
    (review.rules.reviewer_check → REVIEWER_UNQUALIFIED), not when they join the review body."""
    login(client, cast.grace)
    response = client.post(f"{R}/staff/{cast.staff['alice'].pk}/roles/", {"role": "reviewer"})
    assert response.status_code == 302
    assert RoleGrant.objects.filter(user=cast.alice, role="reviewer").exists()


def test_role_grant_twice_is_409(cast, client):
    login(client, cast.grace)
    response = client.post(f"{R}/staff/{cast.staff['carol'].pk}/roles/", {"role": "approver_1"})
    assert response.status_code == 409 and "ROLE_GRANT_EXISTS" in text(response)
    assert RoleGrant.objects.filter(user=cast.carol).count() == 1


# ---------------------------------------------------------------- catalogue


def power_data(cast, **over):
    data = {
        "power-code": "SCJG-CF-9001",
        "power-name": "对销售不符合安全标准食品的行政处罚",
        "power-kind": "penalty",
        "power-domain": cast.market.pk,
        "power-levels": "县级",
        "power-procedure": "",
        "basis-role": "grant",
        "basis-law": "《中华人民共和国食品安全法》",
        "basis-article": "第一百二十四条",
        "basis-clause": "",
        "basis-text": "",
    }
    data.update(over)
    return data


def test_power_create_with_legal_basis(cast, client):
    login(client, cast.admin)
    assert "新增权力事项" in text(client.get(f"{R}/catalog/"))
    response = client.post(f"{R}/catalog/new/", power_data(cast))
    power = PowerItem.objects.get(code="SCJG-CF-9001")
    assert response.status_code == 302 and response["Location"] == f"{R}/catalog/{power.pk}/"
    basis = power.bases.get()
    assert basis.article == "第一百二十四条"
    assert journaled("registry:power:create", power) and journaled("registry:legal_basis:add", basis)


def test_power_create_refused(cast, client):
    login(client, cast.grace)
    assert "新增权力事项" not in text(client.get(f"{R}/catalog/"))
    assert client.get(f"{R}/catalog/new/").status_code == 403
    assert client.post(f"{R}/catalog/new/", power_data(cast)).status_code == 403
    assert not PowerItem.objects.exists()


def test_power_create_bad_input_changes_nothing(cast, client):
    PowerItemFactory(code="SCJG-CF-9001", domain=cast.market)
    login(client, cast.admin)
    response = client.post(f"{R}/catalog/new/", power_data(cast))
    assert response.status_code == 409 and "POWERITEM_CODE_TAKEN" in text(response)
    response = client.post(f"{R}/catalog/new/", power_data(cast, **{"power-code": "X-1", "basis-law": ""}))
    assert response.status_code == 400 and "该字段是必填项" in text(response)
    assert PowerItem.objects.count() == 1 and not LegalBasis.objects.exists()


def test_violation_create(cast, client):
    power = PowerItemFactory(domain=cast.market)
    login(client, cast.admin)
    assert "新增违法行为" in text(client.get(f"{R}/catalog/{power.pk}/"))
    data = {
        "code": "WF-9001",
        "name": "销售超过保质期的食品",
        "penalty_types": "警告、罚款",
        "fine_min": "5000",
        "fine_max": "50000",
    }
    response = client.post(f"{R}/catalog/{power.pk}/violations/new/", data)
    assert response.status_code == 302
    violation = Violation.objects.get(code="WF-9001")
    assert violation.power == power and violation.fine_max == 50000
    assert journaled("registry:violation:create", violation)


def test_violation_create_refused(cast, client):
    power = PowerItemFactory(domain=cast.market)
    login(client, cast.grace)
    assert "新增违法行为" not in text(client.get(f"{R}/catalog/{power.pk}/"))
    response = client.post(f"{R}/catalog/{power.pk}/violations/new/", {"code": "WF-9001", "name": "x"})
    assert response.status_code == 403 and not Violation.objects.exists()


@pytest.mark.parametrize(
    ("kind", "data", "words"),
    [
        ("inspection", {}, ["违法行为只能归属于行政处罚类权力事项", "VIOLATION_POWER_NOT_PENALTY"]),
        (
            "penalty",
            {"fine_min": "50000", "fine_max": "5000"},
            ["罚款上限不得低于下限", "FINE_RANGE_INVERTED"],
        ),
    ],
)
def test_violation_create_bad_input(cast, client, kind, data, words):
    power = PowerItemFactory(domain=cast.market, kind=kind)
    login(client, cast.admin)
    response = client.post(
        f"{R}/catalog/{power.pk}/violations/new/", {"code": "WF-9001", "name": "违法", **data}
    )
    assert response.status_code == 400 and all(w in text(response) for w in words)
    assert not Violation.objects.exists()


TIERS = ["exempt", "reduced", "lenient", "normal", "severe"]


def benchmark_data(rows: dict[str, dict], **over):
    data = {
        "division": "130100",
        "issuer": "石家庄市市场监督管理局",
        "effective_from": "2025-01-01",
        "tiers-TOTAL_FORMS": "5",
        "tiers-INITIAL_FORMS": "5",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "5",
    }
    for i, tier in enumerate(TIERS):
        data[f"tiers-{i}-tier"] = tier
        for k, v in rows.get(tier, {}).items():
            data[f"tiers-{i}-{k}"] = v
    data.update(over)
    return data


GOOD_TIERS = {
    "exempt": {"conditions": "初次违法且危害后果轻微并及时改正"},
    "lenient": {"conditions": "主动消除危害后果", "fine_min": "5000", "fine_max": "15000"},
    "normal": {"conditions": "一般情形", "fine_min": "15000", "fine_max": "35000"},
}


def test_benchmark_create_with_tiers(cast, client):
    violation = ViolationFactory(power=PowerItemFactory(domain=cast.market))
    login(client, cast.admin)
    url = f"{R}/catalog/violations/{violation.pk}/benchmarks/new/"
    page = text(client.get(url))
    assert "从重处罚" in page and "不予处罚" in page
    response = client.post(url, benchmark_data(GOOD_TIERS))
    assert response.status_code == 302
    benchmark = Benchmark.objects.get(violation=violation)
    assert benchmark.division == cast.city
    assert [t.tier for t in benchmark.tiers.order_by("id")] == ["exempt", "lenient", "normal"]
    assert journaled("registry:benchmark:create", benchmark)


def test_benchmark_create_refused(cast, client):
    violation = ViolationFactory(power=PowerItemFactory(domain=cast.market))
    login(client, cast.frank)
    url = f"{R}/catalog/violations/{violation.pk}/benchmarks/new/"
    assert client.get(url).status_code == 403
    assert client.post(url, benchmark_data(GOOD_TIERS)).status_code == 403
    assert not Benchmark.objects.exists()


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ({"lenient": {"fine_min": "5000", "fine_max": "80000"}}, "BENCHMARK_TIER_OUT_OF_RANGE"),
        ({"exempt": {"fine_min": "100", "fine_max": "200"}}, "BENCHMARK_EXEMPT_WITH_FINE"),
        ({}, "BENCHMARK_TIERS_EMPTY"),
    ],
)
def test_benchmark_G27_6_refusals_rerender(cast, client, rows, code):
    violation = ViolationFactory(power=PowerItemFactory(domain=cast.market))
    login(client, cast.admin)
    response = client.post(f"{R}/catalog/violations/{violation.pk}/benchmarks/new/", benchmark_data(rows))
    page = text(response)
    assert response.status_code == 400 and code in page and "G27-6" in page
    assert not Benchmark.objects.exists()


# ---------------------------------------------------------------- expired credentials


@pytest.mark.parametrize(("day", "expired"), [(dt.date(2029, 12, 31), False), (dt.date(2030, 1, 1), True)])
def test_expired_credential_shown_on_staff_pages(cast, client, day, expired):
    with time_machine.travel(dt.datetime.combine(day, dt.time(12)), tick=False):
        login(client, cast.grace)
        for url in [
            f"{R}/staff/",
            f"{R}/staff/{cast.staff['alice'].pk}/",
            f"{R}/agencies/{cast.agency_a.pk}/",
        ]:
            page = text(client.get(url))
            assert ("已过期" in page) is expired, url
    assert Credential.objects.get(pk=cast.credentials["alice"].pk).status == "valid"  # display only


def test_power_create_refused_basis_leaves_no_power(cast, client, monkeypatch):
    """The power and its legal basis are entered together: a refused basis leaves no power."""
    from lawtrail.core.errors import ValidationFailed
    from lawtrail.registry import services

    def refuse(**kwargs):
        raise ValidationFailed(
            "法律依据须且只能属于一个权力事项或一个违法行为。", code="LEGAL_BASIS_OWNER_INVALID"
        )

    monkeypatch.setattr(services, "legal_basis_add", refuse)
    login(client, cast.admin)
    entries = Entry.objects.count()
    response = client.post(f"{R}/catalog/new/", power_data(cast))
    assert response.status_code == 400 and "LEGAL_BASIS_OWNER_INVALID" in text(response)
    assert not PowerItem.objects.exists() and Entry.objects.count() == entries


def test_issue_form_default_expiry_on_29_february(cast, client):
    with time_machine.travel(dt.datetime(2028, 2, 29, 12), tick=False):
        login(client, cast.grace)
        page = text(client.get(f"{R}/staff/{cast.staff['carol'].pk}/"))
    assert 'value="2033-02-28"' in page


def test_form_pages_need_login(cast, client):
    violation = ViolationFactory(power=PowerItemFactory(domain=cast.market))
    staff = cast.staff["alice"].pk
    entries = Entry.objects.count()  # the cast's set-up is journaled (tests/factories.py)
    for url in [
        f"{R}/agencies/new/",
        f"{R}/agencies/{cast.agency_a.pk}/edit/",
        f"{R}/agencies/{cast.agency_a.pk}/staff/new/",
        f"{R}/staff/{staff}/edit/",
        f"{R}/staff/{staff}/account/",
        f"{R}/catalog/new/",
        f"{R}/catalog/{violation.power_id}/violations/new/",
        f"{R}/catalog/violations/{violation.pk}/benchmarks/new/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    for url in [f"{R}/staff/{staff}/roles/", f"{R}/credentials/{cast.credentials['alice'].pk}/renew/"]:
        assert client.post(url, {}).status_code == 302, url
    assert Entry.objects.count() == entries  # nothing written
