"""Back-office pages of recording, mounted at /backoffice/recording/."""

from django.urls import path

from . import transcript_views, views

app_name = "recording"

urlpatterns = [
    path("files/<int:pk>/", views.file_page, name="file"),
    path("files/<int:pk>/content", views.file_content, name="file-content"),
    path("files/<int:pk>/playable", views.file_playable, name="file-playable"),
    path("files/<int:pk>/thumb", views.file_thumb, name="file-thumb"),
    path("files/<int:pk>/late-reason", views.file_late_reason, name="file-late-reason"),
    path("files/<int:pk>/link", views.file_link, name="file-link"),
    path("files/<int:pk>/dispose", views.file_disposal_request, name="file-dispose"),
    path("disposals/<int:pk>/decide", views.disposal_decide, name="disposal-decide"),
    path("cases/<int:case_id>/upload", views.case_upload, name="case-upload"),
    path(
        "cases/<int:case_id>/transcripts", transcript_views.case_transcript_create, name="transcript-create"
    ),
    path("transcripts/<int:pk>/", transcript_views.transcript_page, name="transcript"),
    path("transcripts/<int:pk>/sign", transcript_views.transcript_sign, name="transcript-sign"),
    path("transcripts/<int:pk>/refusal", transcript_views.transcript_refusal, name="transcript-refusal"),
    path("transcripts/<int:pk>/pdf", transcript_views.transcript_pdf, name="transcript-pdf"),
    path(
        "transcripts/<int:pk>/signatures/<int:sid>.png",
        transcript_views.signature_image,
        name="transcript-signature",
    ),
    path("devices/", views.devices, name="devices"),
    path("devices/<int:pk>/", views.device_page, name="device"),
    path("public/devices/", views.public_devices, name="public-devices"),
]
