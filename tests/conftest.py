"""Shared fixtures. The cast of people lives in tests/cast.py (see its docstring).

``cast`` builds the two agencies and the people; ``alice`` … ``admin`` return their
login users; ``anon`` is an anonymous API client; ``api_client_for(user)`` is exported
from ``tests.cast`` for an authenticated DRF client.
"""

from __future__ import annotations

import pytest

from tests.cast import CAST_NAMES, api_client_for, build_cast

__all__ = ["api_client_for"]


@pytest.fixture
def cast(db):
    return build_cast()


def _person(name: str):
    @pytest.fixture(name=name)
    def fixture(cast):
        return cast.users[name]

    fixture.__doc__ = f"The cast member {name} (see tests/cast.py)."
    return fixture


for _name in CAST_NAMES:
    globals()[_name] = _person(_name)


@pytest.fixture
def anon():
    """An API client that is not logged in."""
    return api_client_for(None)


@pytest.fixture(autouse=True)
def _security_defaults(settings):
    """Tests run as a deployment would: no demo exemption from the second factor."""
    settings.LAWTRAIL_DEMO_2FA_EXEMPT = False


@pytest.fixture(autouse=True)
def _journal_witness(settings, tmp_path):
    """Each test's checkpoints are witnessed in a file of its own (docs/journal.md)."""
    settings.LAWTRAIL_JOURNAL_WITNESS_FILE = str(tmp_path / "journal-witness.jsonl")


def _force_login_both_factors(self, user, backend=None):
    """The test client's ``force_login`` stands for a completed login, second factor
    included (a confirmed TOTP device, marked verified in the session). The login flow
    itself — password, then the code — is tested through the pages in
    tests/core/accounts/ and tests/browser/test_accounts.py."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _original_force_login(self, user, backend)
    if user is None or not getattr(user, "pk", None):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        from django.db import transaction

        from lawtrail.core.journal.services import journal_append

        with transaction.atomic():  # as accounts.services does: `lawtrail verify` stays clean
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            journal_append(actor=user, action="accounts:totp:confirm", subject=device)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


from django.test import Client as _Client  # noqa: E402

_original_force_login = _Client.force_login
_Client.force_login = _force_login_both_factors


@pytest.fixture(autouse=True, scope="session")
def _plain_static_files():
    """Production serves hashed static files from the manifest that `lawtrail setup` writes
    (collectstatic); the suite does not collect them, so templates resolve plain names.
    tests/ops/test_serve.py checks the manifest storage through the real server."""
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield


#: fixtures through which a test reaches the database under test (DATABASE_URL)
_DB_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def pytest_collection_modifyitems(config, items):
    """``LAWTRAIL_DB_TESTS_ONLY=1`` (CI's second run, on PostgreSQL): only the tests that use the
    database under test. The others — rule tables, and the tests that start the embedded default
    in processes of their own (they drop DATABASE_URL from the environment: tests/ops/test_serve.py,
    tests/recording/served.py, tests/test_secure_defaults.py) — run the same code on either
    database, and ran in the first run already. So do the tests marked ``once``: the demo loads and
    the crawls of every page for what they show, whose PostgreSQL path the deployment check covers
    (bench/deploy_check.py loads the demo into PostgreSQL, verifies the journal and reads the pages)."""
    import os

    if os.environ.get("LAWTRAIL_DB_TESTS_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") or _DB_FIXTURES & set(
            getattr(item, "fixturenames", ())
        )
        (keep if uses_db and not item.get_closest_marker("once") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
