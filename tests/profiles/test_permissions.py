"""Who may set which profile, with the shared cast (tests/cast.py)."""

import datetime as dt

import pytest

from lawtrail.core.errors import PermissionDenied
from lawtrail.profiles.models import Profile
from lawtrail.profiles.services import profile_ensure, profile_value_set

FUTURE = dt.date(2099, 1, 1)


def _profile(cast, target):
    if target == "national":
        return profile_ensure(actor=None, level=Profile.Level.NATIONAL)
    if target in ("agency_a", "agency_b"):
        return profile_ensure(actor=None, level=Profile.Level.AGENCY, agency=getattr(cast, target))
    return profile_ensure(actor=None, level=Profile.Level.DIVISION, division=getattr(cast, target))


@pytest.mark.parametrize(
    ("who", "target", "allowed"),
    [
        ("grace", "agency_a", True),  # 单位管理员 of A
        ("grace", "agency_b", False),
        ("grace", "changan", False),
        ("alice", "agency_a", False),  # officer: view only
        ("carol", "agency_a", False),
        ("dave", "agency_a", False),
        ("erin", "changan", False),  # supervisor: view only
        ("frank", "city", False),
        ("admin", "national", True),
        ("admin", "province", True),
        ("admin", "agency_b", True),
    ],
)
def test_profile_write_matrix(cast, who, target, allowed):
    actor = cast.users[who]
    profile = _profile(cast, target)

    def attempt():
        return profile_value_set(
            actor=actor, profile=profile, key="statement.period", value=7, effective_from=FUTURE
        )

    if allowed:
        assert attempt().value == 7
    else:
        with pytest.raises(PermissionDenied):
            attempt()


@pytest.mark.parametrize("who", ["alice", "bob", "erin", "frank", "grace", "admin"])
def test_every_staff_member_may_read_effective_values(cast, who):
    from tests.cast import api_client_for

    response = api_client_for(cast.users[who]).get(f"/api/v1/profiles/effective?agency={cast.agency_b.pk}")
    assert response.status_code == 200
