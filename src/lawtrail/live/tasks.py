"""Background work of live (thin: load by id, call a service)."""

from celery import shared_task

from . import services


@shared_task(name="live.recording_file")
def recording_file_task(session_id: int) -> None:
    services.recording_file(session_id=session_id)
