# Issue 11: the walk of a filtered search follows the filter's own date order — an agency's or a
# domain's published records newest first (with the id, the listing's tie-break), so a page is
# the first rows of that index instead of the whole date index filtered row by row.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0006_gram_index_cheap'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='record',
            name='disclosure_pub_agency',
        ),
        migrations.AddIndex(
            model_name='record',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['agency', '-decided_on', '-id'], name='disclosure_pub_agency_date'),
        ),
        migrations.AddIndex(
            model_name='record',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['domain', '-decided_on', '-id'], name='disclosure_pub_domain_date'),
        ),
    ]
