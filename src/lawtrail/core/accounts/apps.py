from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Logging in and out, second factors, API tokens, and the record of every authentication event."""

    name = "lawtrail.core.accounts"
    label = "accounts"
    verbose_name = "账号与登录安全"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the auth-event receivers)
