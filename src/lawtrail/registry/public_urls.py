"""Public pages of the registry (no login): 亮证 at /verify/credential/."""

from django.urls import path

from . import views

app_name = "registry_public"

urlpatterns = [
    path("credential/", views.credential_verify, name="credential-verify"),
]
