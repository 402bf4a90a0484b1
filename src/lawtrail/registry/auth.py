"""The registry's answer to the kernel's one question (``core.permissions.has_perm``): an
authentication backend whose ``has_perm`` applies the scope of the user's role grants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from lawtrail.core.permissions import EVERYWHERE, Perm

from .models import Agency, Division
from .selectors import user_covers_division, user_has_perm


class ScopeBackend(BaseBackend):
    """``user.has_perm("cases.view", agency)``: a grant covering the agency; ``(perm, division)``:
    a division-scoped grant covering it; ``(perm, EVERYWHERE)``: a global grant; ``(perm)``: any
    grant. Authenticates nobody (``authenticate`` is the base class's: None)."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        try:
            p = Perm(perm)
        except ValueError:
            return False
        if obj is EVERYWHERE:
            return user_covers_division(user_obj, p, None)
        if isinstance(obj, Division):
            return user_covers_division(user_obj, p, obj)
        if obj is None or isinstance(obj, Agency):
            return user_has_perm(user_obj, p, obj)
        return False
