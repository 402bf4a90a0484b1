"""API routes of rule profiles (mounted at /api/v1/profiles/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("keys", api.KeysView.as_view(), name="profiles-keys"),
    path("effective", api.EffectiveView.as_view(), name="profiles-effective"),
]
