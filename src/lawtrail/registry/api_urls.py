"""Registry API routes, mounted at /api/v1/registry/ (names: ``registry-<noun>-<verb>``)."""

from django.urls import path

from . import api

urlpatterns = [
    path("divisions/", api.DivisionListView.as_view(), name="registry-division-list"),
    path("divisions/tree", api.DivisionTreeView.as_view(), name="registry-division-tree"),
    path("domains/", api.DomainListView.as_view(), name="registry-domain-list"),
    path("agencies/", api.AgencyListView.as_view(), name="registry-agency-list"),
    path("agencies/<int:pk>", api.AgencyDetailView.as_view(), name="registry-agency-detail"),
    path("staff/", api.StaffListView.as_view(), name="registry-staff-list"),
    path("staff/<int:pk>", api.StaffDetailView.as_view(), name="registry-staff-detail"),
    path("staff/<int:pk>/account", api.StaffAccountView.as_view(), name="registry-staff-account"),
    path("credentials/", api.CredentialListView.as_view(), name="registry-credential-list"),
    path("credentials/verify", api.CredentialVerifyView.as_view(), name="registry-credential-verify"),
    path("credentials/<int:pk>", api.CredentialDetailView.as_view(), name="registry-credential-detail"),
    path(
        "credentials/<int:pk>/history",
        api.CredentialHistoryView.as_view(),
        name="registry-credential-history",
    ),
    path(
        "credentials/<int:pk>/suspend",
        api.CredentialSuspendView.as_view(),
        name="registry-credential-suspend",
    ),
    path(
        "credentials/<int:pk>/reinstate",
        api.CredentialReinstateView.as_view(),
        name="registry-credential-reinstate",
    ),
    path(
        "credentials/<int:pk>/revoke", api.CredentialRevokeView.as_view(), name="registry-credential-revoke"
    ),
    path("credentials/<int:pk>/renew", api.CredentialRenewView.as_view(), name="registry-credential-renew"),
    path("roles/", api.RoleGrantListView.as_view(), name="registry-role-list"),
    path("roles/<int:pk>", api.RoleGrantDetailView.as_view(), name="registry-role-detail"),
    path("powers/", api.PowerListView.as_view(), name="registry-power-list"),
    path("powers/<int:pk>", api.PowerDetailView.as_view(), name="registry-power-detail"),
    path("violations/", api.ViolationListView.as_view(), name="registry-violation-list"),
    path("violations/<int:pk>", api.ViolationDetailView.as_view(), name="registry-violation-detail"),
    path("legal-bases/", api.LegalBasisListView.as_view(), name="registry-legal-basis-list"),
    path("benchmarks/", api.BenchmarkListView.as_view(), name="registry-benchmark-list"),
    path("benchmarks/<int:pk>", api.BenchmarkDetailView.as_view(), name="registry-benchmark-detail"),
    path("import/catalog", api.CatalogImportView.as_view(), name="registry-import-catalog"),
    path("import/staff", api.StaffImportView.as_view(), name="registry-import-staff"),
    path("export/catalog", api.CatalogExportView.as_view(), name="registry-export-catalog"),
    path("export/staff", api.StaffExportView.as_view(), name="registry-export-staff"),
    path("template/<str:kind>", api.TemplateView.as_view(), name="registry-template"),
]
