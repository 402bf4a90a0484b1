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
        labels()
        from lawtrail.cases.forms import STATIC_CHOICES

        from .models import ReviewFlag

        # the 情形 asked by 提请法制审核's form (gates.SubmitInput)
        STATIC_CHOICES["review_flag_kinds"] = lambda: list(ReviewFlag.Kind.choices)


def labels() -> None:
    """Words for review's stored values (lawtrail.core.labels), so pages show no ``round_robin``."""
    from django.utils.translation import gettext_lazy as _

    from lawtrail.core.labels import register_labels

    from . import rules

    register_labels(dict(rules.FINDINGS))
    register_labels(
        {
            "round_robin": _("轮流分配"),
            "head": _("负责人指定"),
            "claim": _("自行认领"),
            "requested": _("已申请"),
            "approved": _("已批准"),
            "rejected": _("未批准"),
        }
    )
