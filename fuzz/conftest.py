"""The fuzz run's world: the test cast (tests/cast.py) and an API token of the system
administrator, who may call every endpoint."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.cast import build_cast

from lawtrail.core.accounts.services import token_issue


@pytest.fixture
def fuzz_token(db):
    cast = build_cast()
    admin = cast.users["admin"]
    TOTPDevice.objects.create(user=admin, name="fuzz", confirmed=True)  # enrolled, as 2FA requires
    _token, key = token_issue(user=admin)
    return key
