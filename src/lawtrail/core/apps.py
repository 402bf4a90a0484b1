from django.apps import AppConfig, apps
from django.conf import settings
from django.db.backends.signals import connection_created

#: Chinese names of third-party apps the admin lists (issue 9: no English in the admin). Only the
#: app's name: a model's or field's verbose_name is part of its app's migration state, so changing
#: those of a third-party model here would make ``makemigrations`` write into site-packages.
THIRD_PARTY_APP_NAMES = {
    "axes": "登录失败锁定",
    "otp_totp": "动态口令（TOTP）",
    "otp_static": "备用验证码",
    "django_celery_results": "后台任务结果",
    "django_celery_beat": "周期任务",
}


class CoreConfig(AppConfig):
    name = "lawtrail.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        for label, name in THIRD_PARTY_APP_NAMES.items():
            if label in apps.app_configs:
                apps.app_configs[label].verbose_name = name
        from lawtrail.core.third_party_i18n import mark_third_party_for_translation

        mark_third_party_for_translation(apps)
        connection_created.connect(prepared_statements_kept, dispatch_uid="lawtrail.core.prepared_max")


def prepared_statements_kept(sender, connection, **kwargs) -> None:
    """``connection_created``: on PostgreSQL, psycopg keeps ``LAWTRAIL_DB_PREPARED_MAX`` prepared
    statements per connection instead of its default 100 (settings.py says why)."""
    raw = connection.connection
    if connection.vendor == "postgresql" and hasattr(raw, "prepared_max"):
        raw.prepared_max = settings.LAWTRAIL_DB_PREPARED_MAX
