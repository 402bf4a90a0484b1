"""Issue 7: every row of LawTrail's apps is a journal subject. Rows written before their model was
journaled get an entry now (``journal:schema:migrate``), so ``lawtrail verify`` checks them."""

from django.db import migrations

from lawtrail.core.journal.migration import rejournal

MODELS = "ReviewAssignment".split(",")


def journal_rows(apps, schema_editor):
    for model in MODELS:
        rejournal(apps, "review", model, note="issue 7: journaled from now on")


class Migration(migrations.Migration):
    dependencies = [("review", "0002_reviewrequirement"), ("journal", "0001_initial")]

    operations = [migrations.RunPython(journal_rows, migrations.RunPython.noop)]
