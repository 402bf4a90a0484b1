# Issue 13: a staff member's ID number and phone encrypted at rest (core/fieldcrypt.py), with a
# keyed hash of the ID number for lookups and uniqueness.

import lawtrail.core.fieldcrypt
import lawtrail.registry.models
from django.db import migrations

from lawtrail.core.fieldcrypt import decrypt_rows, encrypt_rows
from lawtrail.core.journal.migration import rejournal


def encrypt(apps, schema_editor):
    encrypt_rows(apps, "registry", "Staff")
    rejournal(apps, "registry", "Staff", note="issue 13: ID number and phone encrypted, ID number lookup hash")


def decrypt(apps, schema_editor):
    decrypt_rows(apps, "registry", "Staff")


class Migration(migrations.Migration):

    dependencies = [
        ("journal", "0001_initial"),
        ("registry", "0003_violation_subject_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="staff",
            name="id_number_hash",
            field=lawtrail.core.fieldcrypt.LookupHashField(blank=True, editable=False, max_length=64, source="id_number"),
        ),
        migrations.AlterField(
            model_name="staff",
            name="id_number",
            field=lawtrail.core.fieldcrypt.EncryptedCharField(
                max_length=18, validators=[lawtrail.registry.models.validate_id_number], verbose_name="公民身份号码"
            ),
        ),
        migrations.AlterField(
            model_name="staff",
            name="phone",
            field=lawtrail.core.fieldcrypt.EncryptedCharField(blank=True, max_length=32, verbose_name="联系电话"),
        ),
        migrations.RunPython(encrypt, decrypt),
        migrations.AlterField(
            model_name="staff",
            name="id_number_hash",
            field=lawtrail.core.fieldcrypt.LookupHashField(
                blank=True, editable=False, max_length=64, source="id_number", unique=True
            ),
        ),
    ]
