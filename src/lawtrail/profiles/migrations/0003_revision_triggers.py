"""The ``profiles`` revision token (``core.Revision``): set to a new random value by triggers on
every write to the rule profiles (and to a division's code, which the resolution reads), in the
writer's transaction. The case flow reads it with the row lock and keeps the resolved profiles of
an agency across steps for as long as it is unchanged (``profiles.selectors.profile_value``)."""

from django.db import migrations

NAME = "profiles"
#: (table, the writes that change what a resolution reads)
TABLES = (
    ("profiles_profile", ("INSERT", "UPDATE", "DELETE")),
    ("profiles_profilevalue", ("INSERT", "UPDATE", "DELETE")),
    ("registry_division", ("UPDATE", "DELETE")),
)


def _postgresql(cursor) -> None:
    cursor.execute(
        """
        CREATE OR REPLACE FUNCTION core_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO core_revision (name, value)
            VALUES (TG_ARGV[0], floor(random() * 9.0e18)::bigint)
            ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;
            RETURN NULL;
        END $$
        """
    )
    for table, events in TABLES:
        cursor.execute(
            f"CREATE TRIGGER {table}_revision AFTER {' OR '.join(events)} OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION core_revision_bump('{NAME}')"
        )


def _sqlite(cursor) -> None:
    for table, events in TABLES:
        for event in events:
            cursor.execute(
                f"CREATE TRIGGER {table}_revision_{event.lower()} AFTER {event} ON {table} BEGIN "
                f"INSERT INTO core_revision (name, value) VALUES ('{NAME}', random()) "
                f"ON CONFLICT (name) DO UPDATE SET value = excluded.value; END"
            )


def install(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _postgresql(cursor)
        elif connection.vendor == "sqlite":
            _sqlite(cursor)
        else:  # no trigger, no token: the cache is never used (profile_value reads every step)
            return
        cursor.execute("INSERT INTO core_revision (name, value) VALUES (%s, 1)", [NAME])


def remove(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table, events in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_revision ON {table}")
            else:
                for event in events:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_revision_{event.lower()}")
        cursor.execute("DELETE FROM core_revision WHERE name = %s", [NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_revision"),
        ("profiles", "0002_verbose_names"),
        ("registry", "0005_verbose_names"),
    ]

    operations = [migrations.RunPython(install, remove)]
