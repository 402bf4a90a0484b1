"""API routes of the core: auth tokens (apps register their own routes in lawtrail/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("auth/token", api.TokenView.as_view(), name="api-token"),
]
