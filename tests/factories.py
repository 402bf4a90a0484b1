"""factory_boy factories for the registry; codes carry correct check digits (registry/rules.py)."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from lawtrail.registry import rules
from lawtrail.registry.models import (
    Agency,
    Credential,
    Division,
    Domain,
    PowerItem,
    RoleGrant,
    Staff,
    Violation,
)


def make_credit_code(n: int, division: str = "130102") -> str:
    """A valid GB 32100 code: 登记管理部门 1, 机构类别 1, the division, 9 digits, check char."""
    first17 = f"11{division}{n:09d}"
    return first17 + rules.credit_code_check_char(first17)


def make_id_number(
    n: int, region: str = "130102", born: dt.date | None = None, male: bool | None = None
) -> str:
    """A valid GB 11643 number; ``n`` varies the birth date and the sequence digits."""
    born = born or dt.date(1970, 1, 1) + dt.timedelta(days=(n * 37) % 12000)
    seq = n % 1000
    if male is not None and (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + rules.id_number_check_char(first17)


TEST_PASSWORD = "pass-w0rd-123"
_HASH: list[str] = []


def _password_hash() -> str:
    if not _HASH:
        _HASH.append(make_password(TEST_PASSWORD))
    return _HASH[0]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    # Hashed once per run: PBKDF2 per user would dominate the suite's time.
    password = factory.LazyFunction(lambda: _password_hash())


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{139000 + n}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = Division.Level.COUNTY
    parent = None


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("code",)

    code = "market"
    name = "市场监管"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试市场监督管理局{n}")
    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1))
    division = factory.SubFactory(DivisionFactory)
    level = Agency.Level.COUNTY
    legal_status = Agency.LegalStatus.STATUTORY

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        if create and extracted:
            self.domains.set(extracted)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"工作人员{n}")
    id_number = factory.Sequence(lambda n: make_id_number(n + 1))
    gender = factory.LazyAttribute(lambda o: rules.id_number_gender(o.id_number))
    birth_date = factory.LazyAttribute(lambda o: rules.id_number_birth_date(o.id_number))
    phone = factory.Sequence(lambda n: f"1380311{n % 10000:04d}")
    posts = "执法人员"


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    staff = factory.SubFactory(StaffFactory)
    number = factory.Sequence(lambda n: f"13010220{n:05d}")
    domain = factory.SubFactory(DomainFactory)
    region = factory.LazyAttribute(lambda o: o.staff.agency.division)
    issued_on = dt.date(2024, 1, 1)
    expires_on = dt.date(2029, 12, 31)
    issuer = "石家庄市人民政府"


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = "officer"


class PowerItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PowerItem

    code = factory.Sequence(lambda n: f"SCJG-CF-{n:04d}")
    name = factory.Sequence(lambda n: f"对违法行为{n}的行政处罚")
    kind = PowerItem.Kind.PENALTY
    domain = factory.SubFactory(DomainFactory)
    levels = "市级,县级"


class ViolationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Violation

    power = factory.SubFactory(PowerItemFactory)
    code = factory.Sequence(lambda n: f"WF-{n:05d}")
    name = factory.Sequence(lambda n: f"违法行为{n}")
    penalty_types = "警告、罚款"
    fine_min = 5000
    fine_max = 50000


def journal_fixture_rows() -> int:
    """Journal (``test:fixture:create``) every row of the journaled tables that no entry names
    yet: the factories write rows directly, as test set-up, and ``lawtrail verify`` now
    checks each table's full row set (issue 13). Call it at the end of a fixture's set-up, so
    what the test itself does through the application is still checked."""
    from django.db import connection, transaction

    from lawtrail.core.journal.coverage import verified_models
    from lawtrail.core.journal.models import Entry
    from lawtrail.core.journal.services import journal_append_many

    done = 0
    qn = connection.ops.quote_name
    with transaction.atomic():
        for model in verified_models():
            table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
            text = "text" if connection.vendor == "postgresql" else "TEXT"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT t.{pk} FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM {qn(Entry._meta.db_table)} e "
                    f"WHERE e.subject_type = %s AND e.subject_id = CAST(t.{pk} AS {text}))",
                    [model._meta.label_lower],
                )
                missing = [row[0] for row in cursor.fetchall()]
            if missing:
                subjects = list(model._base_manager.filter(pk__in=missing).order_by("pk"))
                done += journal_append_many(actor=None, action="test:fixture:create", subjects=subjects)
    return done
