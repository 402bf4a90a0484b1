"""The ``officers`` revision token (``core.Revision``): set to a new random value by triggers on
every write that changes what the APL-42 guards read of an officer (credentials, the staff row
linking them to an account, the account's name, a domain's code, a division's path), in the
writer's transaction. The case flow reads it with the row lock and keeps the officers' credentials
across steps for as long as it is unchanged (``cases.guards.officer_facts_of``)."""

from django.db import migrations

NAME = "officers"
#: (table, the writes that change what the guards read; "UPDATE OF a, b": of those columns only)
TABLES = (
    ("registry_credential", ("INSERT", "UPDATE", "DELETE")),
    ("registry_staff", ("INSERT", "UPDATE", "DELETE")),
    ("core_user", ("UPDATE OF display_name, username", "DELETE")),
    ("registry_domain", ("UPDATE OF code", "DELETE")),
    ("registry_division", ("UPDATE OF path", "DELETE")),
)


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
        else:  # no trigger, no token: the credentials are read every step
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
        ("cases", "0017_todo_case"),
        ("registry", "0005_verbose_names"),
    ]

    operations = [migrations.RunPython(install, remove)]
