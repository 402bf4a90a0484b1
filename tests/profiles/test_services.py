import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.core.journal.models import Entry
from lawtrail.profiles.keys import KEYS
from lawtrail.profiles.models import Profile, ProfileValue
from lawtrail.profiles.selectors import profile_explain, profile_value
from lawtrail.profiles.services import profile_ensure, profile_value_set
from lawtrail.registry.models import Agency, Division

D = dt.date
TODAY = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
KEY = "review.time_limit"

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def _journal(row):
    return Entry.objects.filter(
        action="profiles:value:set", subject_type="profiles.profilevalue", subject_id=str(row.pk)
    )


def test_value_set_happy_path_is_journaled(chain, agency_admin):
    row = profile_value_set(
        actor=agency_admin,
        profile=chain["profiles"]["agency"],
        key=KEY,
        value=3,
        effective_from=D(2026, 6, 1),
    )
    assert row.value == 3 and row.created_by == agency_admin
    assert _journal(row).filter(actor=agency_admin).count() == 1
    assert profile_value(chain["agency"], KEY, on=D(2026, 6, 1)) == 3


def test_future_value_may_be_replaced_and_the_journal_has_both(chain, agency_admin):
    profile = chain["profiles"]["agency"]
    row = profile_value_set(
        actor=agency_admin, profile=profile, key=KEY, value=3, effective_from=D(2026, 9, 1)
    )
    again = profile_value_set(
        actor=agency_admin, profile=profile, key=KEY, value=4, effective_from=D(2026, 9, 1)
    )
    assert again.pk == row.pk and again.value == 4
    entries = list(_journal(row).order_by("id"))
    assert len(entries) == 2 and entries[0].before_digest == "" and entries[1].before_digest != ""


def test_value_in_force_is_never_overwritten(chain, agency_admin):
    profile = chain["profiles"]["agency"]
    profile_value_set(actor=agency_admin, profile=profile, key=KEY, value=3, effective_from=D(2026, 6, 1))
    with pytest.raises(Conflict) as info:
        profile_value_set(actor=agency_admin, profile=profile, key=KEY, value=4, effective_from=D(2026, 6, 1))
    assert info.value.code == "PROFILE_VALUE_IN_FORCE"
    assert ProfileValue.objects.get(profile=profile, key=KEY).value == 3


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("no.such.key", 1, "PROFILE_KEY_UNKNOWN"),
        (KEY, "five", "PROFILE_VALUE_INVALID"),
        ("service.electronic_allowed", 1, "PROFILE_VALUE_INVALID"),
    ],
)
def test_value_set_refusals_change_nothing(chain, agency_admin, key, value, code):
    with pytest.raises(ValidationFailed) as info:
        profile_value_set(
            actor=agency_admin,
            profile=chain["profiles"]["agency"],
            key=key,
            value=value,
            effective_from=D(2026, 7, 1),
        )
    assert info.value.code == code
    assert not ProfileValue.objects.exists()
    assert not Entry.objects.filter(action="profiles:value:set").exists()


def test_backdating_rules(chain, agency_admin, province_admin):
    agency_profile = chain["profiles"]["agency"]
    past = D(2026, 1, 1)
    # not asked for
    with pytest.raises(ValidationFailed) as info:
        profile_value_set(actor=province_admin, profile=agency_profile, key=KEY, value=3, effective_from=past)
    assert info.value.code == "PROFILE_BACKDATE_REFUSED"
    # asked for by an agency-level admin
    with pytest.raises(ValidationFailed) as info:
        profile_value_set(
            actor=agency_admin,
            profile=agency_profile,
            key=KEY,
            value=3,
            effective_from=past,
            note="x",
            allow_backdate=True,
        )
    assert info.value.code == "PROFILE_BACKDATE_REFUSED"
    # by a division admin, without a note
    with pytest.raises(ValidationFailed) as info:
        profile_value_set(
            actor=province_admin,
            profile=agency_profile,
            key=KEY,
            value=3,
            effective_from=past,
            allow_backdate=True,
        )
    assert info.value.code == "PROFILE_NOTE_REQUIRED"
    assert not ProfileValue.objects.exists()
    # by a division admin with a note: allowed
    row = profile_value_set(
        actor=province_admin,
        profile=agency_profile,
        key=KEY,
        value=3,
        effective_from=past,
        note="冀政办〔2025〕1号",
        allow_backdate=True,
    )
    assert _journal(row).exists()


@pytest.mark.parametrize(
    ("who", "level"),
    [
        ("nobody", "agency"),
        ("officer", "agency"),  # profiles.view only
        ("agency_admin", "city"),  # an agency admin cannot set its city's values
        ("agency_admin", "national"),
        ("province_admin", "national"),  # a division-scoped admin cannot set national defaults
        ("province_admin", "other_province"),
    ],
)
def test_value_set_permission_denied(request, chain, who, level):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        profile_value_set(
            actor=actor, profile=chain["profiles"][level], key=KEY, value=3, effective_from=D(2026, 7, 1)
        )
    assert not ProfileValue.objects.exists()


def test_province_admin_may_set_city_values(chain, province_admin):
    row = profile_value_set(
        actor=province_admin,
        profile=chain["profiles"]["city"],
        key=KEY,
        value=3,
        effective_from=D(2026, 7, 1),
    )
    assert _journal(row).exists()


def test_profile_ensure_is_journaled_and_checks_level(chain, province_admin):
    agency = chain["other_agency"]
    with pytest.raises(PermissionDenied):
        profile_ensure(actor=province_admin, level=Profile.Level.AGENCY, agency=agency)
    with pytest.raises(ValidationFailed) as info:
        profile_ensure(actor=None, level=Profile.Level.AGENCY, division=chain["city"])
    assert info.value.code == "PROFILE_LEVEL_INVALID"
    profile = profile_ensure(actor=None, level=Profile.Level.AGENCY, agency=agency)
    assert Entry.objects.filter(action="profiles:profile:create", subject_id=str(profile.pk)).exists()
    assert profile_ensure(actor=None, level=Profile.Level.AGENCY, agency=agency) == profile


def test_profiles_seed_is_idempotent_and_sets_the_provinces(db):
    call_command("profiles_seed")
    counts = (Profile.objects.count(), ProfileValue.objects.count(), Entry.objects.count())
    call_command("profiles_seed")
    assert (Profile.objects.count(), ProfileValue.objects.count(), Entry.objects.count()) == counts
    assert ProfileValue.objects.filter(profile__level="national").count() == len(KEYS)

    nmg = Division.objects.get(code="150000")
    cq = Division.objects.get(code="500000")
    assert nmg.level == cq.level == "province"
    from tests.profiles.conftest import credit_code

    def agency_in(division, n):
        return Agency.objects.create(
            name=f"测试局{n}",
            credit_code=credit_code(n, division.code),
            division=division,
            level="province",
            legal_status="statutory",
        )

    nmg_agency, cq_agency = agency_in(nmg, 11), agency_in(cq, 12)
    got = profile_explain(nmg_agency, "review.time_limit_extension", on=D(2026, 6, 1))
    assert (got.value, got.level_label, got.source_name) == (5, "省", "内蒙古自治区")
    assert "第三十一条" in got.note
    bands = profile_value(cq_agency, "discretion.bands", on=D(2026, 6, 1))
    assert bands["max_only"] == {"reduced": [0, 10], "lenient": [10, 30]}
    assert profile_value(nmg_agency, "discretion.bands", on=D(2026, 6, 1))["max_only"] is None
    assert profile_explain(cq_agency, "review.time_limit", on=D(2026, 6, 1)).level_label == "国家默认"
