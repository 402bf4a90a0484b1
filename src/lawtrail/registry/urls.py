"""Back-office pages of the registry, mounted at /backoffice/registry/."""

from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("staff/<int:pk>/credentials/issue/", views.credential_issue, name="credential-issue"),
    path("credentials/<int:pk>/<str:action>/", views.credential_action, name="credential-action"),
    path("catalog/", views.power_list, name="power-list"),
    path("catalog/<int:pk>/", views.power_detail, name="power-detail"),
    path("io/", views.import_export, name="io"),
    path("io/download/<str:what>/", views.download, name="download"),
]
