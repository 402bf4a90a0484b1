"""The rule profiles a step resolves, and the officers' credentials it reads, are kept for the next steps behind a revision token (issue 14:
transitions): database triggers change the token in the transaction of every write to the
profiles, the step reads it with its row lock — so a write is seen by the next step at once,
whoever made it (a service, raw SQL, another process), and a write rolled back leaves nothing
behind that a later write could be mistaken for."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lawtrail.cases import engine
from lawtrail.cases.guards import officer_facts_of
from lawtrail.core.models import User
from lawtrail.profiles.models import ProfileValue
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.models import Credential
from tests.cases.procedure_kit import new_case, set_profile

KEY = "hearing.fine_threshold.person"
ON = dt.date(2026, 6, 1)


def in_step(case, key=KEY):
    """What a step of ``case`` reads for ``key``, and whether it read the profiles to get it."""
    with (
        transaction.atomic(),
        engine.step_memos(),
        CaptureQueriesContext(connection) as captured,
    ):
        engine.lock(case.pk)
        value = profile_value(case.agency, key, on=ON)
    return value, any("profiles_profilevalue" in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db
def test_the_next_step_takes_the_profile_from_the_last_until_a_write_changes_it(world):
    case = new_case(world)
    first, _ = in_step(case)
    assert in_step(case) == (first, False)  # kept: no read of the profiles
    set_profile(case.agency, KEY, first + 1)  # through the service
    assert in_step(case) == (first + 1, True)
    assert in_step(case) == (first + 1, False)
    with connection.cursor() as cursor:  # behind the application's back: seen all the same
        cursor.execute(
            "UPDATE profiles_profilevalue SET value = %s WHERE key = %s AND profile_id = "
            "(SELECT id FROM profiles_profile WHERE agency_id = %s)",
            ["4321", KEY, case.agency_id],
        )
    assert ProfileValue.objects.filter(key=KEY, profile__agency=case.agency).get().value == 4321
    assert in_step(case) == (4321, True)


@pytest.mark.django_db
def test_a_write_rolled_back_leaves_no_value_behind(world):
    case = new_case(world)
    base, _ = in_step(case)
    with transaction.atomic():
        set_profile(case.agency, KEY, base + 7)
        assert in_step(case) == (base + 7, True)  # kept under the token of a write never committed
        transaction.set_rollback(True)
    assert in_step(case) == (base, False)
    # the next write is a different write: it must not find what the rolled-back one left (a
    # counter would give it the rolled-back write's number again)
    set_profile(case.agency, KEY, base + 8)
    assert in_step(case) == (base + 8, True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="issue 14: a second connection needs PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_connection_is_seen_by_the_next_step(world):
    case = new_case(world)
    base, _ = in_step(case)
    assert in_step(case) == (base, False)

    def elsewhere() -> None:  # another connection: what another process does
        try:
            set_profile(case.agency, KEY, base + 3)
        finally:
            connections.close_all()

    other = threading.Thread(target=elsewhere)
    other.start()
    other.join()
    assert in_step(case) == (base + 3, True)


# ----------------------------------------------------------------------------- the officers' credentials


def facts_in_step(case, user):
    """The APL-42 facts a step of ``case`` reads of ``user``, and whether it read credentials."""
    with (
        transaction.atomic(),
        engine.step_memos(),
        CaptureQueriesContext(connection) as captured,
    ):
        engine.lock(case.pk)
        (facts,) = officer_facts_of([user.pk])
    return facts, any("registry_credential" in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db
def test_the_next_step_takes_the_credentials_from_the_last_until_a_write_changes_them(world):
    case = new_case(world)
    alice = world.cast.alice
    facts, read = facts_in_step(case, alice)
    assert read and facts.credentials
    assert facts_in_step(case, alice) == (facts, False)  # kept
    Credential.objects.filter(staff__user=alice).update(status="revoked")  # a bulk UPDATE: seen
    revoked, read = facts_in_step(case, alice)
    assert read and {c.status for c in revoked.credentials} == {"revoked"}
    User.objects.filter(pk=alice.pk).update(display_name="新名字")  # the account's name: seen
    renamed, read = facts_in_step(case, alice)
    assert read and renamed.name == "新名字"
    User.objects.filter(pk=alice.pk).update(last_login=timezone.now())  # a login: kept
    assert facts_in_step(case, alice) == (renamed, False)


@pytest.mark.django_db
def test_a_credential_write_rolled_back_leaves_nothing_behind(world):
    case = new_case(world)
    alice = world.cast.alice
    facts, _ = facts_in_step(case, alice)
    with transaction.atomic():
        Credential.objects.filter(staff__user=alice).update(status="revoked")
        assert {c.status for c in facts_in_step(case, alice)[0].credentials} == {"revoked"}
        transaction.set_rollback(True)
    assert facts_in_step(case, alice)[0] == facts  # what the tables hold again
    Credential.objects.filter(staff__user=alice).update(status="suspended")
    later, read = facts_in_step(case, alice)
    assert read and {c.status for c in later.credentials} == {"suspended"}
