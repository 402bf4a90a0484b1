from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "lawtrail.registry"
    label = "registry"
    verbose_name = "三库（主体库、人员库、事项库）"

    def ready(self) -> None:
        # the kernel asks "which agencies does this grant cover?" through this one door
        from lawtrail.core.scope import register_scope_provider

        from .selectors import agency_ids_in_scope

        register_scope_provider(agency_ids_in_scope)
