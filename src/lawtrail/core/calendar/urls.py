"""Pages of the working-day calendar (mounted at /backoffice/calendar/)."""

from django.urls import path

from . import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:year>/define/", views.define, name="define"),
]
