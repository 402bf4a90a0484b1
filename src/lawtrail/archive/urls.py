"""Back-office pages of the case file, mounted at /backoffice/archive/."""

from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("cases/<int:case_id>/package", views.download, name="download"),
]
