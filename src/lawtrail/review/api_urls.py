"""Legal review API routes, mounted at /api/v1/review/ (names: ``review-<noun>[-<verb>]``)."""

from django.urls import path

from . import api

urlpatterns = [
    path("queue", api.QueueView.as_view(), name="review-queue"),
    path("figures", api.FiguresView.as_view(), name="review-figures"),
    path("figures.csv", api.FiguresCsvView.as_view(), name="review-figures-csv"),
    path("criteria", api.CriterionCreateView.as_view(), name="review-criterion-create"),
    path("criteria/<int:pk>", api.CriterionView.as_view(), name="review-criterion"),
    path(
        "public/agencies/<int:agency_id>/criteria",
        api.PublicCriteriaView.as_view(),
        name="review-public-criteria",
    ),
    path("cases/<int:case_id>/submit", api.SubmitView.as_view(), name="review-submit"),
    path("cases/<int:case_id>/history", api.HistoryView.as_view(), name="review-history"),
    path("cases/<int:case_id>/flags", api.FlagView.as_view(), name="review-flag"),
    path("<int:pk>", api.ReviewDetailView.as_view(), name="review-detail"),
    path("<int:pk>/opinion", api.OpinionView.as_view(), name="review-opinion"),
    path("<int:pk>/assign", api.AssignView.as_view(), name="review-assign"),
    path("<int:pk>/extension", api.ExtensionView.as_view(), name="review-extension"),
    path("<int:pk>/extension/decide", api.ExtensionDecideView.as_view(), name="review-extension-decide"),
]
