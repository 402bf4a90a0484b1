"""Issue 13 — who may act: deactivating a staff member revokes access at once; agency roles need
an active staff record of the agency; a case-handling step needs one of the case's officers
with a usable 执法证 (APL-42); the journal is read within the reader's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from lawtrail.cases import rules
from lawtrail.core.accounts.models import AuthEvent
from lawtrail.core.accounts.services import token_issue
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.models import Entry
from lawtrail.core.permissions import Perm, has_perm
from lawtrail.registry import services as reg
from lawtrail.registry.models import RoleGrant, Staff
from tests.cast import api_client_for
from tests.factories import UserFactory


def _refused(code, fn, *args, **kw):
    with pytest.raises(ApplicationError) as exc:
        fn(*args, **kw)
    assert exc.value.code == code, exc.value.message
    return exc.value


# ----------------------------------------------------------------------------- deactivation


def test_deactivating_staff_revokes_access_at_once(cast, grace, alice):
    token, key = token_issue(user=alice)
    session = Client()
    session.force_login(alice)
    assert session.get("/api/v1/registry/staff/").status_code == 200
    before = Entry.objects.count()

    reg.staff_update(actor=grace, staff=cast.staff["alice"], is_active=False)

    alice.refresh_from_db()
    assert not alice.is_active
    assert not RoleGrant.objects.filter(user=alice).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuthEvent.objects.filter(user=alice, kind=AuthEvent.Kind.ACCESS_REVOKED).exists()
    actions = set(Entry.objects.filter(pk__gt=before).values_list("action", flat=True))
    assert {"registry:staff:update", "registry:role:revoke", "accounts:user:deactivate"} <= actions
    # the open session and the token are refused on their very next request
    assert session.get("/api/v1/registry/staff/").status_code in (401, 403)
    r = Client().get("/api/v1/registry/staff/", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code in (401, 403)
    assert not has_perm(alice, Perm.CASE_HANDLE, cast.agency_a)


def test_deactivation_is_one_transaction(cast, grace, alice, monkeypatch):
    """A failure while revoking leaves the staff member active with every grant."""
    from lawtrail.core.accounts import services as acc

    def boom(**kw):
        raise RuntimeError("revocation failed")

    monkeypatch.setattr(acc, "token_revoke_all", boom)
    with pytest.raises(RuntimeError):
        reg.staff_update(actor=grace, staff=cast.staff["alice"], is_active=False)
    assert Staff.objects.get(pk=cast.staff["alice"].pk).is_active
    alice.refresh_from_db()
    assert alice.is_active and RoleGrant.objects.filter(user=alice).exists()


def test_agency_role_needs_an_active_staff_record_of_that_agency(cast, alice):
    assert has_perm(alice, Perm.CASE_HANDLE, cast.agency_a)
    # a staff record switched off behind the services' back (or a grant row left over)
    Staff.objects.filter(pk=cast.staff["alice"].pk).update(is_active=False)
    fresh = type(alice).objects.get(pk=alice.pk)
    assert not has_perm(fresh, Perm.CASE_HANDLE, cast.agency_a)
    assert not has_perm(fresh, Perm.REGISTRY_VIEW)
    # an agency role granted to an account with no staff record at all
    stray = UserFactory(username="stray")
    RoleGrant.objects.create(user=stray, role="officer", agency=cast.agency_a)
    assert not has_perm(stray, Perm.CASE_VIEW, cast.agency_a)
    # division-scoped roles do not depend on a staff record
    assert has_perm(cast.users["frank"], Perm.CASE_VIEW, cast.agency_a)


def test_moving_staff_to_another_agency_drops_the_old_agency_roles(cast, admin, alice):
    reg.staff_update(actor=admin, staff=cast.staff["alice"], agency=cast.agency_b)
    assert not RoleGrant.objects.filter(user=alice, agency=cast.agency_a).exists()
    fresh = type(alice).objects.get(pk=alice.pk)
    assert fresh.is_active and not has_perm(fresh, Perm.CASE_VIEW, cast.agency_a)


# ----------------------------------------------------------------------------- APL-42 the actor


def _cred(number="C1", status="valid", issued=dt.date(2024, 1, 1), expires=dt.date(2029, 12, 31)):
    return rules.CredentialFacts(
        number=number,
        status=status,
        issued_on=issued,
        expires_on=expires,
        domain="market",
        region_path="130000/130100/",
    )


ON = dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("officer_id", "credentials", "code"),
    [
        (1, (_cred(),), None),  # the handler with a valid credential
        (2, (_cred(),), None),  # a co-officer with a valid credential
        (9, (_cred(),), "CASE_ACTOR_NOT_OFFICER"),  # not on the case
        (1, (), "CASE_ACTOR_CREDENTIAL_INVALID"),  # no 执法证
        (1, (_cred(status="suspended"),), "CASE_ACTOR_CREDENTIAL_INVALID"),
        (1, (_cred(expires=dt.date(2026, 8, 31)),), "CASE_ACTOR_CREDENTIAL_INVALID"),  # lapsed the day before
        (1, (_cred(issued=dt.date(2026, 9, 2)),), "CASE_ACTOR_CREDENTIAL_INVALID"),  # not yet valid
        (1, (_cred(status="revoked"), _cred("C2")), None),  # one usable credential is enough
    ],
)
def test_APL42_actor_check(officer_id, credentials, code):
    facts = rules.OfficerFacts(officer_id=officer_id, name="某", credentials=credentials)
    kw = dict(
        actor=facts, case_officer_ids={1, 2}, on=ON, domain="market", division_path="130000/130100/130102/"
    )
    if code is None:
        rules.actor_check(**kw)
    else:
        _refused(code, rules.actor_check, **kw)


# ----------------------------------------------------------------------------- journal scope


def test_the_journal_is_read_within_the_readers_scope(cast, grace, admin, erin, frank):
    reg.staff_update(actor=admin, staff=cast.staff["bob"], posts="科员")
    reg.staff_update(actor=admin, staff=cast.staff["alice"], posts="科长")
    a_staff, b_staff = str(cast.staff["alice"].pk), str(cast.staff["bob"].pk)

    def seen(user):
        r = api_client_for(user).get(
            "/api/v1/journal/entries", {"subject_type": "registry.staff", "limit": 500}
        )
        assert r.status_code == 200, r.content
        body = r.json()
        rows = body["results"] if isinstance(body, dict) else body
        return {e["subject_id"] for e in rows}

    assert a_staff in seen(grace) and b_staff not in seen(grace)  # unit admin of A
    assert a_staff in seen(erin) and b_staff not in seen(erin)  # supervisor of 长安区
    assert {a_staff, b_staff} <= seen(frank)  # supervisor of the city
    assert {a_staff, b_staff} <= seen(admin)  # system administrator
    # nothing about B's rows through any other subject type either
    r = api_client_for(grace).get("/api/v1/journal/entries", {"limit": 1000})
    rows = r.json()["results"] if isinstance(r.json(), dict) else r.json()
    assert not [e for e in rows if e["subject_type"] == "registry.staff" and e["subject_id"] == b_staff]
    assert not [
        e for e in rows if e["subject_type"] == "registry.agency" and e["subject_id"] == str(cast.agency_b.pk)
    ]
