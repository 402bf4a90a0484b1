from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("password/", views.password_change, name="password"),
    path("2fa/", views.otp_verify, name="otp-verify"),
    path("2fa/setup/", views.otp_setup, name="otp-setup"),
    path("2fa/recovery/", views.recovery_regenerate, name="recovery"),
]
