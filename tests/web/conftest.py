"""The case fixtures (``world``: the cast, a second officer, leaders, a violation) for the page tests."""

from tests.cases.conftest import frozen_today, world  # noqa: F401
