from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "lawtrail.live"
    label = "live"
    verbose_name = "现场直播与设备"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the telemetry listener runs beside the server (lawtrail jobs) when a broker answers
        from lawtrail.ops import companions

        from .listener import broker_answers

        companions.register(name="mqtt_listen", argv=("mqtt_listen",), wanted=broker_answers)
