import pytest

from lawtrail.core.permissions import Role
from lawtrail.profiles.models import Profile
from lawtrail.profiles.services import profile_ensure
from lawtrail.registry import rules as registry_rules
from lawtrail.registry.models import Agency, Division, RoleGrant
from tests.factories import StaffFactory


def credit_code(serial: int, division_code: str) -> str:
    first17 = f"11{division_code}{serial:09d}"
    return first17 + registry_rules.credit_code_check_char(first17)


@pytest.fixture
def chain(db):
    """河北省 → 石家庄市 → 长安区, an agency in 长安区 and one in another province."""
    province = Division.objects.create(code="130000", name="河北省", level=Division.Level.PROVINCE)
    city = Division.objects.create(code="130100", name="石家庄市", level=Division.Level.CITY, parent=province)
    county = Division.objects.create(code="130102", name="长安区", level=Division.Level.COUNTY, parent=city)
    other = Division.objects.create(code="140000", name="山西省", level=Division.Level.PROVINCE)
    agency = Agency.objects.create(
        name="石家庄市长安区市场监督管理局",
        credit_code=credit_code(1, "130102"),
        division=county,
        level=Agency.Level.COUNTY,
        legal_status=Agency.LegalStatus.STATUTORY,
    )
    other_agency = Agency.objects.create(
        name="山西省市场监督管理局",
        credit_code=credit_code(2, "140000"),
        division=other,
        level=Agency.Level.PROVINCE,
        legal_status=Agency.LegalStatus.STATUTORY,
    )
    profiles = {
        "national": profile_ensure(actor=None, level=Profile.Level.NATIONAL),
        "province": profile_ensure(actor=None, level=Profile.Level.DIVISION, division=province),
        "city": profile_ensure(actor=None, level=Profile.Level.DIVISION, division=city),
        "county": profile_ensure(actor=None, level=Profile.Level.DIVISION, division=county),
        "agency": profile_ensure(actor=None, level=Profile.Level.AGENCY, agency=agency),
        "other_province": profile_ensure(actor=None, level=Profile.Level.DIVISION, division=other),
    }
    return {
        "province": province,
        "city": city,
        "county": county,
        "agency": agency,
        "other_agency": other_agency,
        "profiles": profiles,
    }


def _user(django_user_model, name, role=None, **scope):
    user = django_user_model.objects.create_user(name, password=f"pw-{name}-123")
    if scope.get("agency") is not None:  # an agency role needs an active staff record of the agency
        StaffFactory(agency=scope["agency"], user=user, name=name)
    if role:
        RoleGrant.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def officer(chain, django_user_model):
    return _user(django_user_model, "officer", Role.OFFICER, agency=chain["agency"])


@pytest.fixture
def agency_admin(chain, django_user_model):
    return _user(django_user_model, "agencyadmin", Role.AGENCY_ADMIN, agency=chain["agency"])


@pytest.fixture
def province_admin(chain, django_user_model):
    return _user(django_user_model, "provadmin", Role.ADMIN, division=chain["province"])


@pytest.fixture
def nobody(db, django_user_model):
    return _user(django_user_model, "nobody")
