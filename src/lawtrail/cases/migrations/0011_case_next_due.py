"""Case.next_due: a stored copy of the case's soonest running deadline (issue 14), filled for the
cases that exist from their deadlines in one UPDATE."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Deadline = apps.get_model("cases", "Deadline")
    soonest = (
        Deadline.objects.filter(case=OuterRef("pk"), active=True, due_on__isnull=False)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    Case.objects.filter(deadlines__active=True).update(next_due=Subquery(soonest))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_party_encrypted_personal_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="next_due",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="最近期限"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
