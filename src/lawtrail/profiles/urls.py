"""Pages of rule profiles (mounted at /backoffice/profiles/)."""

from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("", views.effective, name="effective"),
]
