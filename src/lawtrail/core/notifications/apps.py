from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lawtrail.core.notifications"
    label = "notifications"
    verbose_name = "站内消息"
