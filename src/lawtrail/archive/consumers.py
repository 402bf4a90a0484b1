"""The case file's door into the case flow: the outbox consumer of the archive step
(``cases:case:archived``) fixes the archive package's manifest; the seal follows after commit."""

from __future__ import annotations

from lawtrail.cases import outbox
from lawtrail.cases.models import CaseEvent
from lawtrail.cases.tags import EventTag

from . import services

APP = "archive"


def build_on_archive(event: CaseEvent) -> None:
    """一案一卷: an archived case's file becomes an archive package (G118-9)."""
    services.package_start(actor=event.actor, case=event.case)


def register() -> None:
    outbox.consumer(app=APP, name="package", tags=[EventTag.CASE_ARCHIVED])(build_on_archive)
