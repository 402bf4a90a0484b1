from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "lawtrail.review"
    label = "review"
    verbose_name = "法制审核"
    default_auto_field = "django.db.models.BigAutoField"
