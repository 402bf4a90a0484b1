"""Back-office pages of the registry, mounted at /backoffice/registry/."""

from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/new/", views.agency_create, name="agency-create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency-edit"),
    path("agencies/<int:pk>/staff/new/", views.staff_create, name="staff-create"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff-edit"),
    path("staff/<int:pk>/account/", views.staff_account, name="staff-account"),
    path("staff/<int:pk>/roles/", views.role_grant, name="role-grant"),
    path("staff/<int:pk>/roles/<int:grant_id>/revoke/", views.role_revoke, name="role-revoke"),
    path("staff/<int:pk>/credentials/issue/", views.credential_issue, name="credential-issue"),
    path("credentials/<int:pk>/renew/", views.credential_renew, name="credential-renew"),
    path("credentials/<int:pk>/<str:action>/", views.credential_action, name="credential-action"),
    path("catalog/", views.power_list, name="power-list"),
    path("catalog/new/", views.power_create, name="power-create"),
    path("catalog/<int:pk>/", views.power_detail, name="power-detail"),
    path("catalog/<int:pk>/violations/new/", views.violation_create, name="violation-create"),
    path("catalog/violations/<int:pk>/benchmarks/new/", views.benchmark_create, name="benchmark-create"),
    path("io/", views.import_export, name="io"),
    path("io/download/<str:what>/", views.download, name="download"),
]
