from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lawtrail.cases"
    label = "cases"
    verbose_name = "网上办案"

    def ready(self) -> None:
        from lawtrail.core.calendar import listeners

        from . import deadlines, profile_keys  # noqa: F401  (registers the case keys of the rule profile)

        # stored deadlines follow the calendar (issue 8): a year defined or a day changed recomputes them
        listeners.register("cases.deadlines", deadlines.follow_calendar)
