"""The admin names third-party apps in Chinese (issue 9: no English app names in the admin)."""

from django.apps import apps


def test_third_party_apps_have_chinese_names():
    for label in ("axes", "otp_totp", "otp_static", "django_celery_results", "django_celery_beat"):
        name = str(apps.get_app_config(label).verbose_name)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in name), (label, name)
