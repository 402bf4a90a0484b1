import datetime as dt

import pytest
from django.core.management import call_command

from lawtrail.core.calendar import selectors, services
from lawtrail.core.calendar.models import CalendarYear, Day
from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.core.journal.models import Entry
from lawtrail.core.permissions import Role
from lawtrail.registry.models import RoleGrant

D = dt.date

# An admin's definition of 2027 (illustrative dates, not an official schedule).
HOLIDAYS_2027 = [(D(2027, 1, 1), "元旦"), *[(D(2027, 2, d), "春节") for d in range(6, 13)]]
MAKEUPS_2027 = [(D(2027, 2, 13), "春节")]


def _journal(action, obj):
    return Entry.objects.filter(action=action, subject_type=obj._meta.label_lower, subject_id=str(obj.pk))


def test_seed_year_from_package_is_journaled_and_idempotent(db):
    year = services.calendar_year_seed(actor=None, year=2026)
    assert year.source == "chinese_calendar"
    assert Day.objects.filter(date__year=2026).count() == 365
    assert _journal("calendar:year:seed", year).exists()
    assert services.calendar_year_seed(actor=None, year=2026) is None
    assert Day.objects.filter(date__year=2026).count() == 365


def test_seed_year_the_package_lacks_is_refused(db):
    with pytest.raises(ValidationFailed) as info:
        services.calendar_year_seed(actor=None, year=2031)
    assert info.value.code == "CALENDAR_SOURCE_MISSING"
    assert not CalendarYear.objects.exists() and not Day.objects.exists()


def test_seed_command_is_idempotent(db):
    call_command("calendar_seed", year=[2025, 2026])
    call_command("calendar_seed", year=[2026])
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2025, 2026]
    assert Day.objects.count() == 365 * 2


def test_define_year_happy_path(cal2026, superuser):
    year = services.calendar_year_define(
        actor=superuser,
        year=2027,
        holidays=HOLIDAYS_2027,
        makeup_workdays=MAKEUPS_2027,
        note="国办发明电〔2026〕X号",
    )
    assert year.source == "admin"
    assert Day.objects.filter(date__year=2027).count() == 365
    assert Day.objects.get(date=D(2027, 2, 13)).kind == "makeup"
    assert Day.objects.get(date=D(2027, 2, 8)).kind == "holiday"
    assert Day.objects.get(date=D(2027, 1, 2)).kind == "weekend"
    assert Day.objects.get(date=D(2027, 1, 4)).kind == "workday"
    assert _journal("calendar:year:define", year).filter(actor=superuser).exists()
    # A computation crossing into 2027 now works, and the cache saw the new year.
    assert selectors.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert selectors.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 13)


def test_define_existing_year_is_refused_unless_replace(cal2026, superuser):
    with pytest.raises(Conflict) as info:
        services.calendar_year_define(actor=superuser, year=2026, holidays=[])
    assert info.value.code == "CALENDAR_YEAR_EXISTS"
    assert selectors.is_working_day(D(2026, 10, 1)) is False
    year = services.calendar_year_define(actor=superuser, year=2026, holidays=[D(2026, 10, 1)], replace=True)
    assert _journal("calendar:year:redefine", year).exists()
    assert selectors.is_working_day(D(2026, 10, 1)) is False
    assert selectors.is_working_day(D(2026, 10, 2)) is True  # no longer a holiday: the cache was renewed


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"holidays": [D(2028, 1, 1)]}, "CALENDAR_DATE_OUTSIDE_YEAR"),
        ({"holidays": [D(2027, 2, 13)], "makeup_workdays": [D(2027, 2, 13)]}, "CALENDAR_DATE_CONFLICT"),
        ({"holidays": [], "makeup_workdays": [D(2027, 2, 15)]}, "CALENDAR_MAKEUP_NOT_WEEKEND"),
        ({"holidays": [], "year": 1999}, "CALENDAR_YEAR_INVALID"),
    ],
)
def test_define_year_refusals_change_nothing(db, superuser, kwargs, code):
    kwargs = {"year": 2027, **kwargs}
    with pytest.raises(ValidationFailed) as info:
        services.calendar_year_define(actor=superuser, **kwargs)
    assert info.value.code == code
    assert not CalendarYear.objects.exists() and not Day.objects.exists()


def test_define_year_needs_a_global_admin(db, plain_user, django_user_model):
    with pytest.raises(PermissionDenied):
        services.calendar_year_define(actor=plain_user, year=2027, holidays=[])
    admin = django_user_model.objects.create_user("sysadmin", password="pw-admin-123")
    RoleGrant.objects.create(user=admin, role=Role.ADMIN)
    assert services.calendar_year_define(actor=admin, year=2027, holidays=[]).year == 2027


def test_day_set_happy_path_renews_the_cache(cal2026, superuser):
    assert selectors.is_working_day(D(2026, 3, 2)) is True
    day = services.calendar_day_set(
        actor=superuser, day=D(2026, 3, 2), kind="holiday", holiday_name="临时调整"
    )
    assert day.source == "admin"
    assert _journal("calendar:day:set", day).exists()
    assert selectors.is_working_day(D(2026, 3, 2)) is False


@pytest.mark.parametrize(
    ("day", "kind", "code"),
    [
        (D(2026, 3, 7), "workday", "CALENDAR_KIND_INVALID"),  # a Saturday cannot be an ordinary workday
        (D(2026, 3, 2), "makeup", "CALENDAR_KIND_INVALID"),  # nor a Monday a make-up day
        (D(2026, 3, 2), "nonsense", "CALENDAR_KIND_INVALID"),
        (D(2031, 3, 3), "holiday", "CALENDAR_YEAR_MISSING"),
    ],
)
def test_day_set_refusals(cal2026, superuser, day, kind, code):
    with pytest.raises(ValidationFailed) as info:
        services.calendar_day_set(actor=superuser, day=day, kind=kind)
    assert info.value.code == code
    assert not Entry.objects.filter(action="calendar:day:set").exists()


def test_day_set_needs_a_global_admin(cal2026, plain_user):
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(actor=plain_user, day=D(2026, 3, 2), kind="holiday")
    assert Day.objects.get(date=D(2026, 3, 2)).kind == "workday"
