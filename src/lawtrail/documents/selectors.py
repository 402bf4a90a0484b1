"""Reads of legal documents."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from lawtrail.cases.selectors import case_get_for
from lawtrail.core.errors import NotFound

from .catalogue import KINDS, DocKind
from .models import Document, Draft, Service, Signature

#: The kinds an officer may make from the case page, by the states in which they apply.
_AFTER_DECISION = ("decided", "served", "executed", "closed", "archived")


def documents_of(case: Any) -> list[Document]:
    if not isinstance(getattr(case, "pk", None), int):
        return []  # not a stored case (the door's own tests pass a bare object)
    return list(
        Document.objects.filter(case=case)
        .select_related("blob", "issued_by")
        .prefetch_related(
            Prefetch("signatures", queryset=Signature.objects.select_related("blob").order_by("id")),
            Prefetch("services", queryset=Service.objects.select_related("receipt").order_by("id")),
        )
        .order_by("issued_at", "id")
    )


def drafts_of(case: Any) -> dict[str, dict]:
    return {d.kind: d.texts for d in Draft.objects.filter(case=case)}


def issuable_kinds(case: Any) -> list[DocKind]:
    """Kinds with a template that the case's stage allows (decisions once decided)."""
    out = []
    decided = case.state in _AFTER_DECISION
    outcome = case.outcome or case.proposed_outcome
    for k in KINDS.values():
        if k.code == "penalty_decision" and not (decided and outcome == "penalty"):
            continue
        if k.code == "no_penalty_decision" and not (decided and outcome in ("no_penalty", "dismissed")):
            continue
        if k.code == "on_the_spot_decision" and case.procedure != "on_the_spot":
            continue
        out.append(k)
    return out


def document_get_for(actor: Any, pk: int) -> Document:
    doc = Document.objects.select_related("case", "blob").filter(pk=pk).first()
    if doc is None:
        raise NotFound(_("文书不存在或您无权查看。"), code="DOC_NOT_FOUND")
    try:
        case_get_for(actor, doc.case_id)
    except NotFound:
        raise NotFound(_("文书不存在或您无权查看。"), code="DOC_NOT_FOUND") from None
    return doc


def service_get_for(actor: Any, pk: int) -> Service:
    """A service record of a case the actor sees (404 otherwise, as for its document)."""
    row = Service.objects.select_related("document__case", "receipt").filter(pk=pk).first()
    if row is None:
        raise NotFound(_("文书不存在或您无权查看。"), code="DOC_NOT_FOUND")
    document_get_for(actor, row.document_id)
    return row


def document_by_token(token: Any) -> Document:
    doc = Document.objects.select_related("case__agency", "blob").filter(token=token).first()
    if doc is None:
        raise NotFound(_("查无此文书。"), code="DOC_VERIFY_UNKNOWN")
    return doc
