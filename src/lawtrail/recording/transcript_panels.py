"""What 笔录 show on the case page (a ``sections`` panel: the records, the form to make one) and
add to the case file (the signed PDF and each signature image)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from lawtrail.cases import extensions
from lawtrail.cases.extensions import CaseFileItem
from lawtrail.core.permissions import Perm
from lawtrail.registry.selectors import user_has_perm

from .services import SEALED
from .transcript_models import Transcript

APP = "recording"


def transcripts_of(case: Any):
    return (
        Transcript.objects.filter(case=case)
        .select_related("officer_1", "officer_2", "pdf")
        .prefetch_related("signatures")
        .order_by("started_at", "id")
    )


def officer_choices(case: Any) -> list[Any]:
    """The people who may sign as officers: the case's handler and officers first."""
    people = []
    if case.handler_id:
        people.append(case.handler)
    people += [u for u in case.officers.all() if u not in people]
    users = get_user_model().objects.filter(staff__agency=case.agency, is_active=True).order_by("pk")
    people += [u for u in users[:50] if u not in people]
    return people


def _section(request: Any, case: Any) -> dict[str, Any] | None:
    rows = list(transcripts_of(case))
    may = case.state not in SEALED and user_has_perm(request.user, Perm.CASE_HANDLE, case.agency)
    if not rows and not may:
        return None
    return {
        "case": case,
        "transcripts": rows,
        "may_make": may,
        "kinds": Transcript.Kind.choices,
        "officers": officer_choices(case) if may else [],
    }


def file_items(case: Any) -> list[CaseFileItem]:
    """Each signed 笔录 (its PDF) and its signature images, for the case file (一案一卷)."""
    out = []
    for t in transcripts_of(case).filter(status=Transcript.Status.SIGNED):
        on = t.started_at.date()
        out.append(
            CaseFileItem(
                kind="transcript",
                title=f"{t.get_kind_display()}（{t.subject_name}，{on.isoformat()}）",
                blob=t.pdf,
                ref=f"transcript:{t.pk}",
                on=on,
                filename=f"{t.get_kind_display()}-{t.pk}.pdf",
                meta={"kind": t.kind, "place": t.place, "party_refused": t.party_refused},
            )
        )
        for s in t.signatures.all():
            out.append(
                CaseFileItem(
                    kind="transcript",
                    title=f"{t.get_kind_display()}签名：{s.name}（{s.get_role_display()}）",
                    blob=s.blob,
                    ref=f"transcript:{t.pk}/signature:{s.pk}",
                    on=on,
                    filename=f"{t.get_kind_display()}-{t.pk}-签名-{s.pk}.png",
                    meta={"role": s.role, "signed_at": s.signed_at.isoformat()},
                )
            )
    return out


def register() -> None:
    extensions.page_panel(
        app=APP, slot="sections", template="recording/_case_transcripts.html", context=_section, order=110
    )
