# Issue 13: a party's ID number, phone and address encrypted at rest (core/fieldcrypt.py), with a
# keyed hash of the ID number for exact lookups.

import lawtrail.core.fieldcrypt
from django.db import migrations

from lawtrail.core.fieldcrypt import decrypt_rows, encrypt_rows
from lawtrail.core.journal.migration import rejournal


def encrypt(apps, schema_editor):
    encrypt_rows(apps, "cases", "Party")
    rejournal(apps, "cases", "Party", note="issue 13: ID number, phone and address encrypted, ID number lookup hash")


def decrypt(apps, schema_editor):
    decrypt_rows(apps, "cases", "Party")


class Migration(migrations.Migration):

    dependencies = [
        ("journal", "0001_initial"),
        ("cases", "0009_document_numbers"),
    ]

    operations = [
        migrations.AddField(
            model_name="party",
            name="id_number_hash",
            field=lawtrail.core.fieldcrypt.LookupHashField(
                blank=True, db_index=True, editable=False, max_length=64, source="id_number"
            ),
        ),
        migrations.AlterField(
            model_name="party",
            name="id_number",
            field=lawtrail.core.fieldcrypt.EncryptedCharField(blank=True, max_length=18, verbose_name="公民身份号码"),
        ),
        migrations.AlterField(
            model_name="party",
            name="phone",
            field=lawtrail.core.fieldcrypt.EncryptedCharField(blank=True, max_length=32, verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="party",
            name="address",
            field=lawtrail.core.fieldcrypt.EncryptedCharField(blank=True, max_length=200, verbose_name="住所/地址"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
