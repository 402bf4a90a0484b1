import pytest

from lawtrail.core.calendar.selectors import calendar_cache_clear
from lawtrail.core.calendar.services import calendar_year_seed


@pytest.fixture
def cal2026(db):
    """2025 and 2026 from the chinese-calendar package (the package's last year is 2026)."""
    calendar_cache_clear()
    calendar_year_seed(actor=None, year=2025)
    return calendar_year_seed(actor=None, year=2026)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.invalid", "pw-root-123")


@pytest.fixture
def plain_user(db, django_user_model):
    return django_user_model.objects.create_user("plain", "plain@example.invalid", "pw-plain-123")
