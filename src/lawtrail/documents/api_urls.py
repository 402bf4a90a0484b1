"""Legal documents API routes, mounted at /api/v1/documents/ (names: ``documents-<noun>[-<verb>]``)."""

from django.urls import path

from . import api

urlpatterns = [
    path("cases/<int:case_id>", api.CaseDocumentsView.as_view(), name="documents-case"),
    path("cases/<int:case_id>/preview", api.PreviewView.as_view(), name="documents-preview"),
    path("cases/<int:case_id>/issue", api.IssueView.as_view(), name="documents-issue"),
    path("cases/<int:case_id>/drafts/<slug:kind>", api.DraftView.as_view(), name="documents-draft"),
    path("<int:pk>", api.DocumentView.as_view(), name="documents-detail"),
    path("<int:pk>/pdf", api.DocumentPdfView.as_view(), name="documents-pdf"),
    path("<int:pk>/docx", api.DocumentDocxView.as_view(), name="documents-docx"),
    path("<int:pk>/services", api.ServiceView.as_view(), name="documents-service"),
    path("<int:pk>/signatures", api.CountersignView.as_view(), name="documents-countersign"),
    path("<int:pk>/party-signatures", api.PartySignView.as_view(), name="documents-party-sign"),
    path("services/<int:pk>/receipt", api.ServiceReceiptView.as_view(), name="documents-service-receipt"),
    path("verify", api.VerifyView.as_view(), name="documents-verify"),
    path("verify/<uuid:token>", api.VerifyTokenView.as_view(), name="documents-verify-token"),
]
