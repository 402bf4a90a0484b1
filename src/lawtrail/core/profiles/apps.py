from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "lawtrail.core.profiles"
    label = "profiles"
    verbose_name = "规则配置"
