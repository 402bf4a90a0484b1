"""psycopg keeps LAWTRAIL_DB_PREPARED_MAX prepared statements per connection (issue 14)."""

import pytest
from django.conf import settings
from django.db import connection, connections


@pytest.mark.django_db
def test_a_new_connection_keeps_the_configured_number_of_prepared_statements():
    if connection.vendor != "postgresql":
        pytest.skip("issue 14: prepared statements kept by psycopg are PostgreSQL's")
    fresh = connections.create_connection("default")
    try:
        fresh.ensure_connection()
        assert settings.LAWTRAIL_DB_PREPARED_MAX == 500
        assert fresh.connection.prepared_max == 500  # psycopg's own default is 100
    finally:
        fresh.close()
