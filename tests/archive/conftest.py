"""The case file's fixtures: a real case taken from lead to archive — a decision issued and
served (lawtrail.documents), two evidence files uploaded and a 现场笔录 signed (lawtrail.recording) — whose archive
step's outbox consumer builds the package, sealed after commit."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lawtrail.archive.models import ArchivePackage
from lawtrail.recording import services as recording
from lawtrail.recording import transcript_services as transcripts
from tests.core.vault.conftest import local_vault  # noqa: F401 — shared fixture
from tests.documents.conftest import decided_case, frozen_today, step, world  # noqa: F401 — shared fixtures
from tests.recording.conftest import jpeg
from tests.recording.test_transcripts import signature


def archived_case(world, tmp_path, capture, *, deliver: bool = True):  # noqa: F811
    c = world.cast
    case = decided_case(world)
    for n, (name, color) in enumerate([("现场照片一.jpg", (200, 30, 30)), ("现场照片二.jpg", (30, 200, 30))]):
        p = tmp_path / f"photo{n}.jpg"
        p.write_bytes(jpeg(color, when="2026:09:01 09:30:00"))
        recording.evidence_file_add(actor=c.alice, case=case, path=p, name=name, place="长安区某店")
    t = transcripts.transcript_create(
        actor=c.alice,
        case=case,
        kind="onsite",
        started_at=timezone.now(),
        place="长安区某店",
        officer_ids=[c.alice.pk, world.andy.pk],
        subject_name="张三",
        content="现场检查发现，当事人在经营场所从事餐饮服务，未能出示食品经营许可证。",
        credentials_shown=True,
    )
    for role, uid in (("officer", c.alice.pk), ("officer", world.andy.pk), ("party", None)):
        transcripts.transcript_sign(actor=c.alice, transcript=t, role=role, user_id=uid, png=signature(3))
    step(c.alice, case, "decision_serve", served_on="2026-09-01", method="direct")
    step(c.alice, case, "payment_record", amount="70000", paid_on="2026-09-01")
    step(c.alice, case, "execution_complete")
    step(c.carol, case, "close")
    if not deliver:  # as if archived before the case file existed: no consumer ran
        return step(c.alice, case, "archive")
    with capture(execute=True):  # the outbox delivers after commit (tests run in a transaction)
        case = step(c.alice, case, "archive")
    return case


@pytest.fixture
def archived(world, tmp_path, local_vault, django_capture_on_commit_callbacks):  # noqa: F811
    case = archived_case(world, tmp_path, django_capture_on_commit_callbacks)
    return ArchivePackage.objects.get(case=case)
