from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lawtrail.cases"
    label = "cases"
    verbose_name = "网上办案"

    def ready(self) -> None:
        from . import profile_keys  # noqa: F401  (registers the case keys of the rule profile)
