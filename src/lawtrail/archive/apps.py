from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "lawtrail.archive"
    label = "archive"
    verbose_name = "一案一卷"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the outbox consumer of the archive step and the case page panel: see docs/recording.md
        from . import panels

        panels.register()
