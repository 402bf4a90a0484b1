"""What documents show on the case page and in the case API, and what they add to the case file
(``lawtrail.cases.extensions``)."""

from __future__ import annotations

from typing import Any

from lawtrail.cases import extensions
from lawtrail.cases.forms import SERVICE_METHOD_LABELS
from lawtrail.core.permissions import Perm
from lawtrail.registry.selectors import user_has_perm

from . import fill, selectors, services
from .catalogue import KINDS

APP = "documents"


def _section(request: Any, case: Any) -> dict[str, Any] | None:
    docs = selectors.documents_of(case)
    methods = {str(k): str(v) for k, v in SERVICE_METHOD_LABELS.items()}
    for d in docs:
        for s in d.services.all():  # the prefetched rows the template lists
            s.method_label = methods.get(s.method, s.method)
    user = request.user
    may = user_has_perm(user, Perm.CASE_HANDLE, case.agency)
    if not docs and not may:
        return None
    kinds = selectors.issuable_kinds(case) if may else []
    drafts = selectors.drafts_of(case)
    issued = {d.kind for d in docs}
    forms = [
        {
            "kind": k,
            "issued": k.code in issued,
            "texts": [
                {"name": n, "label": fill.TEXT_LABELS.get(n, n), "value": drafts.get(k.code, {}).get(n, "")}
                for n in fill.EDITABLE.get(k.code, ())
            ],
        }
        for k in kinds
        if fill.EDITABLE.get(k.code)
    ]
    others = [{"kind": k, "issued": k.code in issued} for k in kinds if not fill.EDITABLE.get(k.code)]
    return {
        "case": case,
        "documents": docs,
        "may_issue": may,
        "forms": forms,
        "others": others,
        "party_signs": services.PARTY_SIGNS,
    }


def _file_items(case: Any) -> list[extensions.CaseFileItem]:
    out = []
    for d in selectors.documents_of(case):
        sigs = list(d.signatures.all())
        blob = sigs[-1].blob if sigs else d.blob  # None while the PDF is being made (the archive waits)
        label = f"{d.title}（{d.number}）" if d.number else d.title
        if d.version > 1:
            label += f"（第{d.version}版）"
        out.append(
            extensions.CaseFileItem(
                kind="document",
                title=label,
                blob=blob,
                ref=f"document:{d.pk}",
                on=d.issued_on,
                filename=f"{d.title}-v{d.version}.pdf",
                meta={"number": d.number, "version": d.version, "kind": d.kind, "reason": d.reason},
            )
        )
    return out


def register() -> None:
    assert KINDS
    extensions.page_panel(
        app=APP, slot="sections", template="documents/_case_documents.html", context=_section
    )
    # the case API's detail keeps its query budget: documents are listed by
    # GET /api/v1/documents/cases/{id} (not as a detail field)
    extensions.case_file_items(app=APP, items=_file_items)
