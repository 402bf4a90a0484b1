"""Entries get an authentication code (HMAC of the leaf data, key outside the database).

Entries already written and not yet under a checkpoint are given theirs here, so a log
upgraded between two checkpoints still verifies; later ones get it when appended.
"""

from django.db import migrations, models

from lawtrail.core.journal.services import leaf_data  # the leaf format is versioned (v1)
from lawtrail.core.journal.signing import entry_mac, mac_key


def fill_macs(apps, schema_editor):
    Entry = apps.get_model("journal", "Entry")
    Checkpoint = apps.get_model("journal", "Checkpoint")
    signed = Checkpoint.objects.aggregate(m=models.Max("size"))["m"] or 0
    key = mac_key()
    todo = Entry.objects.filter(models.Q(seq__isnull=True) | models.Q(seq__gte=signed))
    for entry in todo.iterator(chunk_size=2000):
        data = leaf_data(
            entry.at,
            entry.actor_id,
            entry.actor_label,
            entry.action,
            entry.subject_type,
            entry.subject_id,
            entry.before_digest,
            entry.after_digest,
            entry.note,
        )
        Entry.objects.filter(pk=entry.pk).update(mac=entry_mac(data, key))


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="认证码"),
        ),
        migrations.RunPython(fill_macs, migrations.RunPython.noop),
    ]
