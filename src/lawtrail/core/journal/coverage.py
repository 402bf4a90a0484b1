"""Which rows the journal covers: every row of every model of LawTrail's apps is a journal
subject whose latest entry's digest matches the row as it is — except models that declare
``JOURNAL_EXEMPT = "<reason>"`` (the log's own tables, outbox bookkeeping, lock rows …).

``coverage_problems()`` names each row that is not covered (never journaled, or changed since
its latest entry); a test runs it after loading the demo, so a new model is journaled or
declared exempt before it lands.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.db import models

from .models import Entry
from .services import canonical_digest, journal_snapshot, subject_type_of


def covered_models() -> list[type[models.Model]]:
    """The models whose rows must be journal subjects."""
    user = settings.AUTH_USER_MODEL.lower()
    out = []
    for m in apps.get_models():
        ours = m.__module__.startswith("lawtrail.") or m._meta.label_lower == user
        if ours and not getattr(m, "JOURNAL_EXEMPT", None) and not m._meta.proxy:
            out.append(m)
    return out


#: Tables of Django and django-otp that decide who may do what: the application writes them
#: only through journaled services (the second factor) or never (groups and per-user
#: permissions), so every row of them must be a journal subject too — a permission or a
#: device inserted in SQL is tampering, like a superuser.
AUTH_MODELS = (
    "auth.group",
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
    "otp_static.statictoken",
)


def auth_models() -> list[type[models.Model]]:
    """The authorisation tables outside LawTrail's apps, with the many-to-many tables of
    groups and permissions (of the user model and of groups)."""
    out: list[type[models.Model]] = []
    for label in AUTH_MODELS:
        try:
            out.append(apps.get_model(label))
        except LookupError:  # an app that is not installed
            continue
    user = apps.get_model(settings.AUTH_USER_MODEL)
    for model in (user, *out):
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created and through not in out:
                out.append(through)
    return out


def verified_models() -> list[type[models.Model]]:
    """Every model whose full row set ``lawtrail verify`` compares with the journal."""
    return covered_models() + [m for m in auth_models() if m not in covered_models()]


def exempt_models() -> dict[str, str]:
    return {
        m._meta.label_lower: m.JOURNAL_EXEMPT
        for m in apps.get_models()
        if m.__module__.startswith("lawtrail.") and getattr(m, "JOURNAL_EXEMPT", None)
    }


def coverage_problems(models_: Iterable[type[models.Model]] | None = None, *, chunk: int = 2000) -> list[str]:
    problems: list[str] = []
    for model in models_ or covered_models():
        label = model._meta.label_lower
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), chunk):
            ids = pks[start : start + chunk]
            latest: dict[str, str] = {}
            for sid, digest in (
                Entry.objects.filter(subject_type=label, subject_id__in=[str(i) for i in ids])
                .order_by("id")
                .values_list("subject_id", "after_digest")
            ):
                latest[sid] = digest
            for obj in model.objects.filter(pk__in=ids):
                key = str(obj.pk)
                if key not in latest:
                    problems.append(f"{subject_type_of(obj)}#{key} 未记入日志")
                elif latest[key] != canonical_digest(journal_snapshot(obj)):
                    problems.append(f"{subject_type_of(obj)}#{key} 与日志最新记录不符")
    return problems
