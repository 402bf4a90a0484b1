"""Back-office pages of case handling, mounted at /backoffice/cases/."""

from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("todo/", views.todo, name="todo"),
    path("todo/summary/", views.todo_summary, name="todo-summary"),
    path("new/", views.case_create, name="create"),
    path("transfers/", views.transfers_received, name="transfers"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/parties/new/", views.party_add, name="party-add"),
    path("<int:pk>/act/<slug:action>/", views.case_act, name="act"),
]
