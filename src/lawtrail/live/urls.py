"""Back-office pages of live, mounted at /backoffice/live/."""

from django.urls import path

from . import views

app_name = "live"

urlpatterns = [
    path("", views.live_page, name="live"),
    path("devices", views.live_devices, name="devices"),
    path("hls/<str:serial>/<str:name>", views.hls_file, name="hls"),
]
