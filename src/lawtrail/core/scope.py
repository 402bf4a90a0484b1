"""The one question the kernel asks the registry: which agencies does a person's grant cover?

The kernel (journal, accounts) cannot import the registry (layers point down only), so
the registry registers its scope selector here in its ``AppConfig.ready()``.
``agency_ids_for(user, perm)`` → ``None`` (every agency: a global grant or the system),
or the set of agency ids covered (empty: none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_provider: Callable[[Any, str], set[int] | None] | None = None


def register_scope_provider(fn: Callable[[Any, str], set[int] | None]) -> None:
    global _provider
    _provider = fn


def agency_ids_for(user: Any, perm: str) -> set[int] | None:
    if _provider is None:  # no registry installed: only superusers see everything
        return None if getattr(user, "is_superuser", False) else set()
    return _provider(user, perm)
