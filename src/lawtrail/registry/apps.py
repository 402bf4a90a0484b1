from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "lawtrail.registry"
    label = "registry"
    verbose_name = "三库（主体库、人员库、事项库）"
