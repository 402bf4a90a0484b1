"""Back-office pages of case handling, mounted at /backoffice/cases/."""

from django.urls import path

from . import chains_page, spot_page, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("todo/", views.todo, name="todo"),
    path("ledger/", views.ledger_start, name="ledger-start"),
    path("ledger/<str:job_id>/", views.ledger_progress, name="ledger"),
    path("ledger/<str:job_id>/file/", views.ledger_file, name="ledger-file"),
    path("todo/summary/", views.todo_summary, name="todo-summary"),
    path("new/", views.case_create, name="create"),
    path("on-the-spot/", spot_page.on_the_spot, name="on-the-spot"),
    path("transfers/", views.transfers_received, name="transfers"),
    path("approval-chains/", chains_page.approval_chains, name="approval-chains"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/parties/new/", views.party_add, name="party-add"),
    path("<int:pk>/lead/", views.lead_edit, name="lead-edit"),
    path("<int:pk>/parties/<int:party_id>/edit/", views.party_edit, name="party-edit"),
    path("<int:pk>/parties/<int:party_id>/remove/", views.party_remove, name="party-remove"),
    path("<int:pk>/act/<slug:action>/", views.case_act, name="act"),
]
