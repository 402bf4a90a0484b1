"""Journal coverage (issue 7): a row changed behind the application's back is named — here a
credential's history row (``registry_credentialchange``), which was not journaled before."""

from lawtrail.core.journal.coverage import coverage_problems
from lawtrail.registry.models import CredentialChange


def test_a_credential_history_row_edited_in_sql_is_named(cast):
    import datetime as dt

    from django.apps import apps

    from lawtrail.registry import services

    services.credential_issue(
        actor=cast.admin,
        staff=cast.staff["alice"],
        number="13010299990001",
        domain=cast.market,
        region=cast.changan,
        issued_on=dt.date(2026, 1, 1),
        expires_on=dt.date(2030, 12, 31),
    )
    model = apps.get_model("registry", "CredentialChange")
    assert CredentialChange.objects.exists()
    assert coverage_problems([model]) == []
    row = CredentialChange.objects.order_by("id").first()
    CredentialChange.objects.filter(pk=row.pk).update(reason="改过的理由")
    assert coverage_problems([model]) == [f"registry.credentialchange#{row.pk} 与日志最新记录不符"]
    CredentialChange.objects.create(
        credential=row.credential, kind=row.kind, from_status="", to_status=row.to_status, reason="插入"
    )
    assert any("未记入日志" in p for p in coverage_problems([model]))
