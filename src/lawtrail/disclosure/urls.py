"""Back-office pages of public disclosure, mounted at /backoffice/disclosure/."""

from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("<int:pk>/", views.record_page, name="record"),
    path("credentials/<int:credential_id>/card/", views.credential_card, name="credential-card"),
]
