# Issue 11: the unmasked original of a decision (personal data: ID numbers, phones, addresses in the
# facts) encrypted at rest like the parties' fields (core/fieldcrypt.py); on SQLite the table rebuild
# of this change drops the keyword index's triggers — they are recreated (search_index.py), now
# firing only when the status or the public text changes.

import json

from django.db import migrations

import lawtrail.core.fieldcrypt
from lawtrail.core.fieldcrypt import encrypt_rows
from lawtrail.core.journal.migration import rejournal
from lawtrail.disclosure import search_index


def encrypt(apps, schema_editor):
    encrypt_rows(apps, "disclosure", "Record")
    rejournal(apps, "disclosure", "Record", note="issue 11: the unmasked original encrypted at rest")


def decrypt(apps, schema_editor):
    model = apps.get_model("disclosure", "Record")
    table = schema_editor.connection.ops.quote_name(model._meta.db_table)
    with schema_editor.connection.cursor() as cur:
        for obj in model.objects.all():
            cur.execute(
                f"UPDATE {table} SET original = %s WHERE id = %s",  # noqa: S608 — the model's own table
                [json.dumps(obj.original, ensure_ascii=False), obj.pk],
            )


def triggers(apps, schema_editor):
    search_index.upgrade_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0001_initial"),
        ("disclosure", "0002_search_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="record",
            name="original",
            field=lawtrail.core.fieldcrypt.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.RunPython(triggers, migrations.RunPython.noop),
        migrations.RunPython(encrypt, decrypt),
    ]
