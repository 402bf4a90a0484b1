"""Public pages of legal documents, mounted at /verify/documents/ (anyone holding the paper)."""

from django.urls import path

from . import views

app_name = "documents-public"

urlpatterns = [
    path("", views.verify_upload, name="verify"),
    path("<uuid:token>", views.verify_token, name="verify-token"),
]
