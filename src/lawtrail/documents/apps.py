from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "lawtrail.documents"
    label = "documents"
    verbose_name = "法律文书"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the doors into the case flow (hooks), what documents show on a case and add to its file
        # (extensions), and the rule-profile keys they read: see docs/architecture.md
        from . import consumers, gates, panels, profile_keys  # noqa: F401 — profile_keys registers on import

        consumers.register()
        gates.register()
        panels.register()
