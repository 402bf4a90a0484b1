"""Indexes of the hot reads (issue 14): the list's (agency, state, -id) index carries the
columns 待办 and a filtered list's count read (index-only scans on PostgreSQL; SQLite creates
it without INCLUDE), the overdue count reads (agency, next_due), and 待办 finds a person's
co-handled cases in (user, case) of the officers table without reading it."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_case_grams_qualified"),
        ("registry", "0005_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="cases_case_agency__b587f0_idx",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["agency", "state", "-id"],
                include=("handler", "next_due", "domain"),
                name="case_agency_state_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["agency", "next_due"],
                condition=models.Q(next_due__isnull=False),
                name="case_agency_next_due",
            ),
        ),
        # the auto-created officers table has (case, user) and (user): 待办's "cases I co-handle"
        # reads (user, case) alone
        migrations.RunSQL(
            "CREATE INDEX cases_case_officers_user_case ON cases_case_officers (user_id, case_id)",
            reverse_sql="DROP INDEX cases_case_officers_user_case",
        ),
    ]
