"""Back-office pages of legal review, mounted at /backoffice/review/ (the 目录清单 page is public)."""

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.review_page, name="detail"),
    path("figures/", views.figures, name="figures"),
    path("figures.csv", views.figures_csv, name="figures-csv"),
    path("criteria/<int:agency_id>/", views.criteria, name="criteria"),
    path("cases/<int:case_id>/flag/", views.flag, name="flag"),
    path("public/<int:agency_id>/", views.public_criteria, name="public"),
]
