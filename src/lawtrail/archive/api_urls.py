"""Case file API routes, mounted at /api/v1/archive/ (names: ``archive-<noun>[-<verb>]``)."""

from django.urls import path

from . import api

urlpatterns = [
    path("cases/<int:case_id>", api.CasePackageView.as_view(), name="archive-case"),
    path("cases/<int:case_id>/package", api.CasePackageDownloadView.as_view(), name="archive-case-package"),
]
