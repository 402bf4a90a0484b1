"""The demo city is big enough to show the product, realistic, and fully journaled."""

import datetime as dt

import pytest
from django.core.management import call_command

from lawtrail.core.journal.services import journal_verify
from lawtrail.demo.loader import DEMO_PASSWORD, DemoLoader
from lawtrail.registry.models import Agency, BenchmarkTier, Credential, Domain, LegalBasis, PowerItem, Staff

# once: CI runs this on SQLite only — the deployment check (bench/deploy_check.py) loads the demo into PostgreSQL, logs in and verifies its journal
pytestmark = pytest.mark.once

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo(db):
    call_command("calendar_seed", verbosity=0)
    call_command("profiles_seed", verbosity=0)
    return DemoLoader(today=TODAY).load()


def test_demo_city_meets_the_foundation_minimums(demo):
    enforcement = Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT)
    assert enforcement.count() >= 30
    assert Domain.objects.filter(agencies__in=enforcement).distinct().count() >= 6
    assert all(a.division.path.startswith("130000/130100/") for a in Agency.objects.all())
    officers = Staff.objects.filter(credentials__isnull=False).distinct()
    assert officers.count() >= 300
    # some expired, some suspended, some revoked — the registry is not a happy path
    assert Credential.objects.filter(expires_on__lt=TODAY).count() >= 5
    assert Credential.objects.filter(status=Credential.Status.SUSPENDED).count() >= 3
    assert Credential.objects.filter(status=Credential.Status.REVOKED).exists()
    assert PowerItem.objects.count() >= 100
    assert not PowerItem.objects.filter(bases__isnull=True).exists()
    assert LegalBasis.objects.filter(role="penalty", text__contains="罚款").count() >= 40
    assert BenchmarkTier.objects.filter(tier="severe").count() >= 40


def test_demo_accounts_can_log_in(demo, client):
    usernames = {a.username for a in demo}
    assert {"admin", "officer", "approver1", "reviewer", "supervisor"} <= usernames
    assert client.login(username="officer", password=DEMO_PASSWORD)


def test_demo_benchmark_tiers_follow_the_profile_bands(demo):
    # 食品安全法第一百二十二条: 5万–10万; SAMR bands: lenient 0–30 %, normal 30–70 %, severe 70–100 %
    tiers = {
        t.tier: t
        for t in BenchmarkTier.objects.filter(
            benchmark__violation__name="未取得食品生产经营许可从事食品生产经营活动"
        )
    }
    assert (tiers["lenient"].fine_min, tiers["lenient"].fine_max) == (50000, 65000)
    assert (tiers["normal"].fine_min, tiers["normal"].fine_max) == (65000, 85000)
    assert (tiers["severe"].fine_min, tiers["severe"].fine_max) == (85000, 100000)
    assert tiers["exempt"].fine_max is None


def test_everything_the_demo_wrote_is_journaled_and_verifies(demo):
    report = journal_verify()
    assert report.ok, report.problems
