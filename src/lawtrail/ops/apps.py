from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: serving, health and readiness, metrics, logs, the periodic-job runner."""

    name = "lawtrail.ops"
    label = "ops"
    verbose_name = "运行维护"
