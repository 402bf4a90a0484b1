from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class DisclosureConfig(AppConfig):
    name = "lawtrail.disclosure"
    label = "disclosure"
    verbose_name = "行政执法公示"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the doors into the case flow and what disclosure shows on cases (docs/architecture.md)
        from . import consumers, panels, profile_keys  # noqa: F401 — profile keys register on import

        consumers.register()
        panels.register()
        post_migrate.connect(_keep_search_index, sender=self)
        from . import search_index

        connection_created.connect(search_index.register_functions)


def _keep_search_index(sender, using="default", **kwargs) -> None:
    """After every ``migrate``: the SQLite keyword index's triggers exist (search_index.py)."""
    from django.db import connections

    from . import search_index

    search_index.ensure(connections[using])
