"""Fixtures of the journal tests: a fixed signing key, users with and without journal rights."""

import base64

import pytest

from lawtrail.core.journal.signing import _load

TEST_SEED = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture(autouse=True)
def journal_key_settings(settings, tmp_path):
    settings.LAWTRAIL_JOURNAL_KEY = TEST_SEED
    settings.LAWTRAIL_JOURNAL_KEY_FILE = tmp_path / "journal.key"
    settings.LAWTRAIL_JOURNAL_LOG_ORIGIN = "test.lawtrail/journal"
    _load.cache_clear()
    yield settings
    _load.cache_clear()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_user("root", password="x", is_superuser=True, is_staff=True)


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user("plain", password="x")


@pytest.fixture
def make_domain():
    """A real journaled row: registry.Domain created and journaled in one transaction."""
    from django.db import transaction

    from lawtrail.core.journal.services import journal_append
    from lawtrail.registry.models import Domain

    def make(code: str, actor=None) -> Domain:
        with transaction.atomic():
            domain = Domain.objects.create(code=code, name=f"领域{code}")
            journal_append(actor=actor, action="registry:domain:create", subject=domain)
        return domain

    return make
