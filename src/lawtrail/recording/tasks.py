"""Background work of recording (thin: load by id, call a service)."""

from celery import shared_task

from . import services


@shared_task(name="recording.transcode")
def transcode_task(file_id: int) -> None:
    services.file_transcode(file_id=file_id)
