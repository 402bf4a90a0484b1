from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "lawtrail.review"
    label = "review"
    verbose_name = "法制审核"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the two doors into the case flow, and what review shows on a case (lawtrail.cases.hooks,
        # lawtrail.cases.extensions): see docs/architecture.md
        from . import gates, panels

        gates.register()
        panels.register()
