from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "lawtrail.core.journal"
    label = "journal"
    verbose_name = "执法日志（可验证）"
