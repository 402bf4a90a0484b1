"""The ``calendar`` revision token (``core.Revision``): set to a new random value by triggers on
every write to the calendar's years (where each year's ``stamp`` lives: a year entered, redefined
or removed renews it), in the writer's transaction. The case flow reads the token with the row
lock and keeps the years' stamps across steps for as long as it is unchanged
(``core.calendar.selectors._stamps``) instead of reading them on every step that counts days."""

from django.db import migrations

NAME = "calendar"
#: (table, the writes that change what ``_stamps`` reads)
TABLES = (("workcalendar_calendaryear", ("INSERT", "UPDATE", "DELETE")),)


def _trigger(table: str, event: str) -> str:
    return f"{table}_{NAME}_revision_{event.split()[0].lower()}"


def install(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
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
                    f"CREATE TRIGGER {table}_{NAME}_revision AFTER {' OR '.join(events)} OR TRUNCATE "
                    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION core_revision_bump('{NAME}')"
                )
        elif connection.vendor == "sqlite":
            for table, events in TABLES:
                for event in events:
                    cursor.execute(
                        f"CREATE TRIGGER {_trigger(table, event)} AFTER {event} ON {table} BEGIN "
                        f"INSERT INTO core_revision (name, value) VALUES ('{NAME}', random()) "
                        f"ON CONFLICT (name) DO UPDATE SET value = excluded.value; END"
                    )
        else:  # no trigger, no token: the stamps are read every step
            return
        cursor.execute("INSERT INTO core_revision (name, value) VALUES (%s, 1)", [NAME])


def remove(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table, events in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{NAME}_revision ON {table}")
            else:
                for event in events:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {_trigger(table, event)}")
        cursor.execute("DELETE FROM core_revision WHERE name = %s", [NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_revision"),
        ("workcalendar", "0002_journal_every_row"),
    ]

    operations = [migrations.RunPython(install, remove)]
