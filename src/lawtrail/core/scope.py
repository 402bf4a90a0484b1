"""The one question the kernel asks the registry: which agencies does a person's grant cover?

The kernel (journal, accounts) cannot import the registry (layers point down only), so
the registry registers its scope selector here in its ``AppConfig.ready()``.
``agency_ids_for(user, perm)`` → ``None`` (every agency: a global grant or the system),
or the set of agency ids covered (empty: none).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import CharField, Q
from django.db.models.functions import Cast

_provider: Callable[[Any, str], set[int] | None] | None = None


def register_scope_provider(fn: Callable[[Any, str], set[int] | None]) -> None:
    global _provider
    _provider = fn


def agency_ids_for(user: Any, perm: str) -> set[int] | None:
    if _provider is None:  # no registry installed: only superusers see everything
        return None if getattr(user, "is_superuser", False) else set()
    return _provider(user, perm)


# ----------------------------------------------------------------------------- journal subjects
#
# A journal entry names its subject by model label and primary key. A reader whose grant is
# scoped (a unit administrator, a supervisor) reads only the entries whose subject belongs to
# an agency in their scope: the subject row is followed to its agency through its foreign keys
# (``agency``, then ``case``/``staff``/``credential``/``user`` …), found once by introspection,
# so the kernel imports no app and a new model is covered without registering anything.
# Entries of subjects with no agency (divisions, the catalogue, the calendar) and of rows that
# no longer exist are for global readers only.

_AGENCY = "registry.agency"
_MAX_DEPTH = 4
_paths: dict[str, str | None] | None = None


def _agency_path(model: Any) -> str | None:
    """The ORM path from ``model`` to its agency's id (``"agency_id"``, ``"case__agency_id"``,
    ``"pk"`` for an agency, ``"staff__agency_id"`` for a login account), or None."""
    user_label = settings.AUTH_USER_MODEL.lower()
    label = model._meta.label_lower
    if label == _AGENCY:
        return "pk"
    if label == user_label:
        staff = apps.get_model("registry", "Staff") if apps.is_installed("lawtrail.registry") else None
        return "staff__agency_id" if staff is not None else None
    queue: list[tuple[Any, str, int]] = [(model, "", 0)]
    while queue:
        current, prefix, depth = queue.pop(0)
        fields = [
            f
            for f in current._meta.get_fields()
            if (f.many_to_one or f.one_to_one) and f.concrete and f.related_model is not None
        ]
        # the row's own agency first, then its case's (a transfer belongs to the case's agency)
        fields.sort(key=lambda f: (f.name != "agency", f.name != "case"))
        for f in fields:
            target = f.related_model._meta.label_lower
            if f.name == "case" and any(x.name == "agency" for x in f.related_model._meta.get_fields()):
                return f"{prefix}case__agency_id"
            if target == _AGENCY:
                return f"{prefix}{f.name}_id"
            if target == user_label:
                if f.name == "user":  # the account the row is about (not who acted)
                    return f"{prefix}user__staff__agency_id"
                continue
            if depth + 1 < _MAX_DEPTH:
                queue.append((f.related_model, f"{prefix}{f.name}__", depth + 1))
    return None


def journal_subject_paths() -> dict[str, str | None]:
    """``{model label: path to its agency id or None}`` for every installed model."""
    global _paths
    if _paths is None:
        _paths = {m._meta.label_lower: _agency_path(m) for m in apps.get_models()}
    return _paths


def journal_subjects_q(agency_ids: set[int]) -> Any:
    """A ``Q`` over journal entries (``subject_type``, ``subject_id``) keeping those whose subject
    belongs to one of ``agency_ids``."""
    q = Q(pk__in=[])
    if not agency_ids:
        return q
    for label, path in journal_subject_paths().items():
        if path is None:
            continue
        model = apps.get_model(label)
        lookup = "pk__in" if path == "pk" else f"{path}__in"
        ids = model._default_manager.filter(**{lookup: sorted(agency_ids)}).annotate(
            _sid=Cast("pk", CharField())
        )
        q |= Q(subject_type=label, subject_id__in=ids.values("_sid"))
    return q
