import datetime as dt

from lawtrail.core.journal.models import Entry
from lawtrail.profiles.models import ProfileValue


def test_admin_sets_a_value_through_the_service(client, chain, django_user_model):
    root = django_user_model.objects.create_superuser("root", "r@example.invalid", "pw-root-123")
    client.force_login(root)
    assert client.get("/admin/profiles/profilevalue/add/").status_code == 200
    assert client.get(f"/admin/profiles/profile/{chain['profiles']['city'].pk}/change/").status_code == 200
    future = dt.date.today() + dt.timedelta(days=30)
    data = {
        "profile": chain["profiles"]["city"].pk,
        "key": "statement.period",
        "value_json": "7",
        "effective_from": future.isoformat(),
        "note": "测试",
    }
    assert client.post("/admin/profiles/profilevalue/add/", data).status_code == 302
    row = ProfileValue.objects.get(key="statement.period")
    assert row.value == 7 and row.created_by == root
    assert Entry.objects.filter(action="profiles:value:set", subject_id=str(row.pk)).exists()
    bad = client.post("/admin/profiles/profilevalue/add/", {**data, "value_json": "true"})
    assert bad.status_code == 200 and "须为整数" in bad.content.decode()
