"""Back-office pages of legal documents, mounted at /backoffice/documents/."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("cases/<int:case_id>/issue/", views.issue, name="issue"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/docx/", views.docx, name="docx"),
    path("<int:pk>/sign/", views.countersign, name="sign"),
    path("<int:pk>/party-sign/", views.party_sign, name="party-sign"),
    path("services/<int:pk>/receipt/", views.receipt, name="receipt"),
]
