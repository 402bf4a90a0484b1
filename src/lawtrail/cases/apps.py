from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lawtrail.cases"
    label = "cases"
    verbose_name = "网上办案"

    def ready(self) -> None:
        from lawtrail.core.calendar import listeners
        from lawtrail.core.journal.services import journal_derived

        from . import deadlines, profile_keys, refusal_fixes  # noqa: F401  (registers the case keys of the rule profile)
        from .models import Case

        # stored deadlines follow the calendar (issue 8): a year defined or a day changed recomputes them
        listeners.register("cases.deadlines", deadlines.follow_calendar)
        # Case.next_due is a copy of the soonest running deadline (deadlines.refresh_next_due)
        journal_derived(Case, Case.DERIVED_FIELDS)
        refusal_fixes.register()
        _labels()


def _labels() -> None:
    """Words for stored values that are not model choices (lawtrail.core.labels)."""
    from django.utils.translation import gettext_lazy as _

    from lawtrail.core.labels import register_labels

    from .forms import PENALTY_KIND_LABELS, SERVICE_METHOD_LABELS

    register_labels({k.value: v for k, v in PENALTY_KIND_LABELS.items()})
    register_labels({k.value: v for k, v in SERVICE_METHOD_LABELS.items()})
    register_labels(
        {"stated": _("已陈述申辩"), "waived": _("放弃陈述申辩"), "none": _("未陈述申辩")}
    )  # where a refusal's link under the message leads (添加协办人员 …)
