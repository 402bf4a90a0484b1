"""Issue 13 — personal data: a masked ID number plus what the same page shows cannot rebuild the
number (age, never the birth date); ID numbers, phones and addresses encrypted at rest (SM4-GCM or
AES-256-GCM, keys outside the database) with a keyed hash for lookups; key rotation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from lawtrail.cases import services as case_svc
from lawtrail.core import fieldcrypt
from lawtrail.core.errors import ApplicationError
from lawtrail.core.journal.coverage import coverage_problems
from lawtrail.registry import services as reg
from lawtrail.registry.models import Staff
from tests.cast import api_client_for
from tests.factories import make_id_number


@pytest.fixture
def own_keys(settings, tmp_path, monkeypatch):
    """A key file of this test's own (var/ in a temporary directory)."""
    monkeypatch.delenv("LAWTRAIL_FIELD_KEYS", raising=False)
    settings.VAR_DIR = tmp_path
    fieldcrypt.reset_keyring()
    yield tmp_path
    fieldcrypt.reset_keyring()


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cur.fetchone()[0]


def _party_case(cast, alice, born=dt.date(1990, 3, 7)):
    case = case_svc.case_create(
        actor=alice,
        agency=cast.agency_a,
        domain=cast.market,
        region=cast.changan,
        title="某某未取得许可经营案",
        act_date=dt.date(2026, 5, 20),
        discovered_on=dt.date(2026, 5, 28),
    )
    number = make_id_number(4321, "130102", born=born)
    party = case_svc.party_add(
        actor=alice,
        case=case,
        kind="person",
        name="张三",
        id_number=number,
        phone="13800138000",
        address="石家庄市长安区某路1号",
    )
    return case, party, number


# ----------------------------------------------------------------------------- the mask


def _birth_strings(d: dt.date) -> list[str]:
    return [d.isoformat(), d.strftime("%Y%m%d"), f"{d.year}年{d.month}月{d.day}日", d.strftime("%Y/%m/%d")]


def test_a_staff_reader_sees_the_mask_and_an_age_never_the_birth_date(cast, grace, client):
    staff = cast.staff["alice"]
    assert staff.birth_date is not None
    r = api_client_for(grace).get(f"/api/v1/registry/staff/{staff.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["id_number_masked"].count("*") == 8 and "birth_date" not in body
    assert body["age"] == staff.age
    text = r.content.decode()
    assert not [s for s in _birth_strings(staff.birth_date) if s in text]
    client.force_login(grace)
    page = client.get(f"/backoffice/registry/staff/{staff.pk}/").content.decode()
    assert staff.id_number_masked in page
    assert not [s for s in _birth_strings(staff.birth_date) if s in page]


def test_a_case_reader_sees_the_party_mask_and_an_age_never_the_birth_date(cast, alice, client):
    case, party, number = _party_case(cast, alice)
    r = api_client_for(alice).get(f"/api/v1/cases/{case.pk}")
    assert r.status_code == 200, r.content
    p = r.json()["parties"][0]
    assert p["id_number_masked"] == number[:6] + "********" + number[-4:]
    assert "birth_date" not in p and p["age"] == 36  # on the violation date
    assert not [s for s in _birth_strings(party.birth_date) if s in r.content.decode()]
    client.force_login(alice)
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert party.id_number_masked in page
    assert not [s for s in _birth_strings(party.birth_date) if s in page]


def test_mask_and_age_leave_many_candidates():
    """What a reader sees (first 6, last 4, the age on a date) fits hundreds of birth dates,
    tens of them with a valid check character: the number cannot be rebuilt."""
    from lawtrail.registry import rules

    number = make_id_number(4321, "130102", born=dt.date(1990, 3, 7))
    on = dt.date(2026, 5, 20)
    age = rules.age_on(rules.id_number_birth_date(number), on)
    candidates = []
    day = dt.date(on.year - age - 1, 1, 1)
    while day <= on:
        if rules.age_on(day, on) == age:
            guess = number[:6] + day.strftime("%Y%m%d") + number[14:]
            if rules.id_number_valid(guess, today=on):
                candidates.append(guess)
        day += dt.timedelta(days=1)
    assert number in candidates and len(candidates) > 10


# ----------------------------------------------------------------------------- at rest


def test_id_numbers_phones_and_addresses_are_encrypted_at_rest(cast, alice):
    staff = cast.staff["alice"]
    stored = _raw("registry_staff", "id_number", staff.pk)
    assert stored.startswith("ENC1$") and staff.id_number not in stored
    reg.staff_update(actor=cast.users["grace"], staff=staff, phone="13912345678")
    assert "13912345678" not in _raw("registry_staff", "phone", staff.pk)
    assert Staff.objects.get(pk=staff.pk).phone == "13912345678"
    _case, party, number = _party_case(cast, alice)
    for column, plain in (
        ("id_number", number),
        ("phone", "13800138000"),
        ("address", "石家庄市长安区某路1号"),
    ):
        stored = _raw("cases_party", column, party.pk)
        assert stored.startswith("ENC1$") and plain not in stored, column
    # exact lookup through the keyed hash; the hash is not a plain digest of the number
    assert Staff.objects.get(id_number_hash=fieldcrypt.lookup_hash(staff.id_number)) == staff
    import hashlib

    assert staff.id_number_hash != hashlib.sha256(staff.id_number.encode()).hexdigest()


def test_an_id_number_stays_unique_through_its_hash(cast, grace):
    taken = cast.staff["alice"].id_number
    with pytest.raises(ApplicationError) as exc:
        reg.staff_create(actor=grace, agency=cast.agency_a, name="重号", id_number=taken.lower())
    assert exc.value.code == "STAFF_ID_NUMBER_TAKEN" and exc.value.status == 409


@pytest.mark.parametrize("alg", ["sm4", "aes"])
def test_both_ciphers_round_trip_and_bind_the_column(alg):
    key = fieldcrypt.new_key("t1", alg)
    token = fieldcrypt.encrypt("110101199003071234", aad="registry.staff.id_number", key=key)
    ring = fieldcrypt.KeyRing((key,), b"k" * 32, "test")
    fieldcrypt._ring = ring
    try:
        assert fieldcrypt.decrypt(token, aad="registry.staff.id_number") == "110101199003071234"
        with pytest.raises(ImproperlyConfigured):  # moved into another column: refused, not decrypted
            fieldcrypt.decrypt(token, aad="registry.staff.phone")
    finally:
        fieldcrypt.reset_keyring()


def test_keys_come_from_the_environment(monkeypatch):
    import base64

    sm4 = base64.b64encode(b"\x01" * 16).decode()
    monkeypatch.setenv("LAWTRAIL_FIELD_KEYS", f"k9:sm4:{sm4}")
    monkeypatch.setenv("LAWTRAIL_FIELD_LOOKUP_KEY", base64.b64encode(b"\x02" * 32).decode())
    fieldcrypt.reset_keyring()
    try:
        ring = fieldcrypt.keyring()
        assert ring.source == "env" and ring.current.id == "k9" and ring.current.alg == "sm4"
        assert fieldcrypt.encrypt("x", aad="a").startswith("ENC1$k9$")
    finally:
        fieldcrypt.reset_keyring()


def test_rotation_re_encrypts_every_row_and_plain_rows_left_from_before(own_keys, cast, alice):
    _case, party, number = _party_case(cast, alice)
    staff = cast.staff["alice"]
    # a row written before encryption (as the data migration finds them)
    with connection.cursor() as cur:
        cur.execute("UPDATE cases_party SET phone = %s WHERE id = %s", ["13700000000", party.pk])
    assert fieldcrypt.key_id_of(_raw("registry_staff", "id_number", staff.pk)) == "k1"
    problems = sorted(coverage_problems())
    call_command("rotate_field_keys", "--new-key", "--algorithm", "aes")
    assert fieldcrypt.keyring().current.id == "k2"
    for table, column, pk in (
        ("registry_staff", "id_number", staff.pk),
        ("cases_party", "id_number", party.pk),
        ("cases_party", "phone", party.pk),
        ("cases_party", "address", party.pk),
    ):
        assert fieldcrypt.key_id_of(_raw(table, column, pk)) == "k2", (table, column)
    call_command("rotate_field_keys", "--drop-old")
    fieldcrypt.reset_keyring()
    assert [k.id for k in fieldcrypt.keyring().keys] == ["k2"]
    assert Staff.objects.get(pk=staff.pk).id_number == staff.id_number
    from lawtrail.cases.models import Party

    p = Party.objects.get(pk=party.pk)
    assert (p.id_number, p.phone) == (number, "13700000000")
    # the plain text did not change: the rows match their journal entries as before
    assert sorted(coverage_problems()) == problems
    assert (own_keys / "field-keys").stat().st_mode & 0o077 == 0


def test_the_lookup_key_rotates_and_lookups_hold_while_rows_are_re_hashed(own_keys, cast, alice, grace):
    from lawtrail.cases.models import Party
    from lawtrail.core.journal.models import Entry

    _case, party, number = _party_case(cast, alice)
    staff = cast.staff["alice"]
    old_hash = Staff.objects.get(pk=staff.pk).id_number_hash
    problems = sorted(coverage_problems())

    # the new lookup key is current; no row is re-hashed yet (a rotation under way)
    fieldcrypt.add_lookup_key_to_file()
    ring = fieldcrypt.keyring()
    assert len(ring.old_lookups) == 1 and fieldcrypt.lookup_hash(staff.id_number) != old_hash
    assert Staff.objects.filter(id_number_hash__in=fieldcrypt.lookup_hashes(staff.id_number)).get() == staff
    assert Party.objects.filter(id_number_hash__in=fieldcrypt.lookup_hashes(number)).get() == party
    with pytest.raises(ApplicationError) as exc:  # uniqueness still holds against the old hash
        reg.staff_create(actor=grace, agency=cast.agency_a, name="重号", id_number=staff.id_number)
    assert exc.value.code == "STAFF_ID_NUMBER_TAKEN" and exc.value.status == 409

    rekeyed = Entry.objects.filter(action="core:field_keys:rekey").count()
    call_command("rotate_field_keys")
    assert (
        Staff.objects.get(pk=staff.pk).id_number_hash == fieldcrypt.lookup_hash(staff.id_number) != old_hash
    )
    assert Party.objects.get(pk=party.pk).id_number_hash == fieldcrypt.lookup_hash(number)
    assert Entry.objects.filter(action="core:field_keys:rekey").count() > rekeyed
    call_command("rotate_field_keys", "--drop-old")
    assert fieldcrypt.keyring().old_lookups == ()
    assert Staff.objects.filter(id_number_hash__in=fieldcrypt.lookup_hashes(staff.id_number)).get() == staff
    with pytest.raises(ApplicationError):
        reg.staff_create(actor=grace, agency=cast.agency_a, name="重号", id_number=staff.id_number)
    # the plain text did not change; the rekey entries keep every row matching its journal
    assert sorted(coverage_problems()) == problems


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("{a}", True),
        ("{a},{b}", True),  # the new lookup key first, the previous one while rows are re-hashed
        ("{a},{short}", False),
        ("", False),
    ],
)
def test_the_lookup_keys_from_the_environment(monkeypatch, value, ok):
    import base64

    keys = {
        "a": base64.b64encode(b"\x02" * 32).decode(),
        "b": base64.b64encode(b"\x03" * 32).decode(),
        "short": base64.b64encode(b"\x04" * 16).decode(),
    }
    sm4 = base64.b64encode(b"\x01" * 16).decode()
    monkeypatch.setenv("LAWTRAIL_FIELD_KEYS", f"k9:sm4:{sm4}")
    monkeypatch.setenv("LAWTRAIL_FIELD_LOOKUP_KEY", value.format(**keys))
    fieldcrypt.reset_keyring()
    try:
        if not ok:
            with pytest.raises(ImproperlyConfigured):
                fieldcrypt.keyring()
            return
        ring = fieldcrypt.keyring()
        assert ring.lookup == b"\x02" * 32
        assert len(fieldcrypt.lookup_hashes("x")) == 1 + value.count(",")
        assert fieldcrypt.lookup_hashes("x")[0] == fieldcrypt.lookup_hash("x")
    finally:
        fieldcrypt.reset_keyring()
