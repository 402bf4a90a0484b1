"""Recording API routes, mounted at /api/v1/recording/ (names: ``recording-<noun>[-<verb>]``)."""

from django.urls import path

from . import api, transcript_api, tus

urlpatterns = [
    path("cases/<int:case_id>/files", api.CaseFilesView.as_view(), name="recording-case-files"),
    path("files/<int:pk>", api.FileView.as_view(), name="recording-file"),
    path("files/<int:pk>/late-reason", api.LateReasonView.as_view(), name="recording-file-late-reason"),
    path("files/<int:pk>/link", api.LinkView.as_view(), name="recording-file-link"),
    path("files/<int:pk>/record-review", api.RecordReviewView.as_view(), name="recording-file-record-review"),
    path("files/<int:pk>/disposals", api.FileDisposalsView.as_view(), name="recording-file-disposals"),
    path(
        "disposals/<int:pk>/decision", api.DisposalDecisionView.as_view(), name="recording-disposal-decision"
    ),
    path(
        "cases/<int:case_id>/transcripts",
        transcript_api.CaseTranscriptsView.as_view(),
        name="recording-case-transcripts",
    ),
    path("transcripts/<int:pk>", transcript_api.TranscriptView.as_view(), name="recording-transcript"),
    path(
        "transcripts/<int:pk>/signatures",
        transcript_api.TranscriptSignaturesView.as_view(),
        name="recording-transcript-signatures",
    ),
    path(
        "transcripts/<int:pk>/refusal",
        transcript_api.TranscriptRefusalView.as_view(),
        name="recording-transcript-refusal",
    ),
    path("uploads", tus.UploadsView.as_view(), name="recording-uploads"),
    path("uploads/<str:uid>", tus.UploadView.as_view(), name="recording-upload"),
    path("devices", api.DevicesView.as_view(), name="recording-devices"),
    path("devices/<int:pk>", api.DeviceView.as_view(), name="recording-device"),
    path("devices/<int:pk>/review", api.DeviceReviewView.as_view(), name="recording-device-review"),
    path("devices/<int:pk>/stream-key", api.DeviceKeyView.as_view(), name="recording-device-stream-key"),
]
