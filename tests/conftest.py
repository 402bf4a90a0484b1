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
