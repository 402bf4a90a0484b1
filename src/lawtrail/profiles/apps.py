from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "lawtrail.profiles"
    label = "profiles"
    verbose_name = "规则配置"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lawtrail.core.labels import register_labels

        # the parts of structured settings (discretion.bands), as the profiles page shows them
        register_labels(
            {"range": _("有上下限的罚款"), "max_only": _("只规定上限的罚款"), "reduced": _("减轻")}
        )
