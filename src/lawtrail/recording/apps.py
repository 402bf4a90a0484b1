from django.apps import AppConfig


class RecordingConfig(AppConfig):
    name = "lawtrail.recording"
    label = "recording"
    verbose_name = "执法全过程记录"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the doors into the case flow (hooks, outbox) and what recording shows on a case
        # (lawtrail.cases.extensions): see docs/architecture.md and docs/recording.md
        from . import gates, panels, profile_keys  # noqa: F401 — profile_keys registers on import

        gates.register()
        panels.register()
