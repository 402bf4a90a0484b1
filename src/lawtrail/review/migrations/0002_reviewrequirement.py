"""Review's facts about a case move from the case to review's own table (issue 7): copied here,
removed from ``cases.Case`` by cases 0006."""

from django.db import migrations, models
import django.db.models.deletion

from lawtrail.core.journal.migration import rejournal


def copy(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Requirement = apps.get_model("review", "ReviewRequirement")
    Event = apps.get_model("cases", "CaseEvent")
    reviewed = set(
        Event.objects.filter(action__in=("review_pass", "review_send_back")).values_list("case_id", flat=True)
    )
    rows = []
    for case_id, required, reasons, passed in Case.objects.filter(review_required=True).values_list(
        "pk", "review_required", "review_reasons", "review_passed"
    ):
        rows.append(
            Requirement(
                case_id=case_id,
                required=required,
                reasons=reasons or [],
                passed=passed if case_id in reviewed else None,
            )
        )
    Requirement.objects.bulk_create(rows, batch_size=1000)
    rejournal(apps, "review", "ReviewRequirement", note="issue 7: review facts moved off the case")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_transfer_accept"),
        ("journal", "0001_initial"),
        ("review", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewRequirement",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="review_requirement",
                        serialize=False,
                        to="cases.case",
                    ),
                ),
                ("required", models.BooleanField(default=False, verbose_name="须法制审核")),
                ("reasons", models.JSONField(blank=True, default=list, verbose_name="审核理由")),
                ("passed", models.BooleanField(blank=True, null=True, verbose_name="审核通过")),
            ],
            options={"verbose_name": "法制审核要求", "verbose_name_plural": "法制审核要求"},
        ),
        migrations.RunPython(copy, migrations.RunPython.noop),
    ]
