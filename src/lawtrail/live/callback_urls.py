"""nginx-rtmp's callbacks, mounted at /live/rtmp/ (deploy/nginx/lawtrail-rtmp.conf)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/<str:call>", views.rtmp_callback, name="live-rtmp-callback"),
]
