"""API routes of the working-day calendar (mounted at /api/v1/calendar/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("deadline", api.DeadlineView.as_view(), name="calendar-deadline"),
    path("days", api.DaysView.as_view(), name="calendar-days"),
    path("years", api.YearsView.as_view(), name="calendar-years"),
]
