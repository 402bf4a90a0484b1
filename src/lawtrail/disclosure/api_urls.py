"""The open-data API of disclosure (no login), mounted at /api/v1/public/."""

from django.urls import path

from . import api

urlpatterns = [
    path("disclosures", api.DisclosureListView.as_view(), name="public-disclosures"),
]
