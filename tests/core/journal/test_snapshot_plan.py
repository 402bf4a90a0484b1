"""journal_snapshot's fast path (a str in a plain text column, an int in an integer or key column,
a bool in a boolean one taken as it is) gives exactly the snapshot of the field-by-field
``to_python`` + ``_plain`` it skips — for every model's stored rows and for values assigned before
a save (a Decimal as text, a number as text, a str-enum member, an int where a Decimal goes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps

from lawtrail.cases.models import Case
from lawtrail.core.journal.services import _plain, _volatile_fields, canonical_digest, journal_snapshot


def reference(instance) -> dict:
    """The snapshot as it was computed before the fast path: every field through to_python."""
    state = {}
    volatile = _volatile_fields(instance)
    for f in instance._meta.concrete_fields:
        if f.attname in volatile:
            continue
        value = getattr(instance, f.attname)
        if value is not None:
            try:
                value = f.to_python(value)
            except Exception:  # noqa: BLE001 — as the original: kept as given
                pass
        state[f.attname] = _plain(value)
    return state


@pytest.mark.django_db
def test_every_model_s_rows_snapshot_as_before(cast):
    seen = 0
    for model in apps.get_models():
        for row in model._default_manager.all()[:5]:
            assert journal_snapshot(row) == reference(row), model
            seen += 1
    assert seen > 30


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fine_amount", "1.50"),  # text in a DecimalField: Decimal("1.5") → "1.5"
        ("fine_amount", 70000),  # an int where a Decimal goes: "70000", not 70000
        ("fine_amount", Decimal("70000.00")),
        ("title", "某餐饮公司案"),
        ("state", Case._meta.get_field("state").choices[0][0]),
        ("seq", 7),
        ("seq", "7"),  # text in an integer column: 7
        ("filed_on", dt.date(2026, 9, 1)),
        ("filed_on", "2026-09-01"),
        ("life_or_finance", True),
        ("agency_id", 3),
        ("agency_id", "3"),
    ],
)
def test_values_assigned_before_a_save_snapshot_as_before(field, value):
    case = Case(title="x", agency_id=1, domain_id=1, region_id=1)
    setattr(case, field, value)
    assert journal_snapshot(case) == reference(case)
    assert canonical_digest(journal_snapshot(case)) == canonical_digest(reference(case))


@pytest.mark.django_db
def test_a_wrapped_instance_snapshots_as_itself(cast):
    """request.user is a SimpleLazyObject: its snapshot is the account's."""
    from django.utils.functional import SimpleLazyObject

    from lawtrail.core.models import User

    user = User.objects.order_by("pk").first()
    lazy = SimpleLazyObject(lambda: User.objects.get(pk=user.pk))
    assert journal_snapshot(lazy) == journal_snapshot(user) == reference(user)
