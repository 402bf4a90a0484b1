"""Issue 7: review's facts leave the case (now ``review.ReviewRequirement``); case events carry a
typed tag; the outbox's deliveries (consumer receipts)."""

import django.db.models.deletion
from django.db import migrations, models

from lawtrail.core.journal.migration import rejournal


def rejournal_cases(apps, schema_editor):
    rejournal(apps, "cases", "Case", note="issue 7: review_required/reasons/passed moved to review")


def rejournal_events(apps, schema_editor):
    rejournal(apps, "cases", "CaseEvent", note="issue 7: case events carry a typed tag")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_transfer_accept"),
        ("journal", "0001_initial"),
        ("review", "0002_reviewrequirement"),
    ]

    operations = [
        migrations.RemoveField(model_name="case", name="review_required"),
        migrations.RemoveField(model_name="case", name="review_reasons"),
        migrations.RemoveField(model_name="case", name="review_passed"),
        migrations.RunPython(rejournal_cases, migrations.RunPython.noop),
        migrations.AddField(
            model_name="caseevent",
            name="tag",
            field=models.CharField(blank=True, db_index=True, max_length=64, verbose_name="标签"),
        ),
        migrations.RunPython(rejournal_events, migrations.RunPython.noop),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("consumer", models.CharField(max_length=96)),
                ("created_at", models.DateTimeField()),
                ("due_at", models.DateTimeField()),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("last_error", models.TextField(blank=True)),
                ("done_at", models.DateTimeField(blank=True, null=True)),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="deliveries", to="cases.caseevent"
                    ),
                ),
            ],
            options={
                "verbose_name": "事件投递",
                "verbose_name_plural": "事件投递",
                "indexes": [
                    models.Index(
                        condition=models.Q(("done_at__isnull", True)), fields=["due_at"], name="delivery_pending"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("event", "consumer"), name="delivery_event_consumer_unique")
                ],
            },
        ),
    ]
