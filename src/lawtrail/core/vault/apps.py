from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "lawtrail.core.vault"
    label = "vault"
    verbose_name = "证据保管库（内容寻址）"
    default_auto_field = "django.db.models.BigAutoField"
