from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lawtrail.web"
    label = "web"
    verbose_name = "页面外壳（后台与公众门户）"

    def ready(self) -> None:
        from . import notify  # noqa: F401  (registers the outbox consumer of 站内消息)
