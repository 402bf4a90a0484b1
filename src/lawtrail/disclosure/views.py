"""Back-office pages of public disclosure (事后公开), mounted at /backoffice/disclosure/.

Thin: reads through ``selectors``, writes through ``services``. A refusal the user can fix
(400/409) is shown on the page with its code; 403/404 go to the error page.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from lawtrail.core.errors import Conflict, ValidationFailed
from lawtrail.registry.selectors import credential_get_for

from . import credentials, rules, selectors, services
from .models import FIELDS, Status

FIXABLE = (ValidationFailed, Conflict)


def _date(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        raise ValidationFailed("日期无效。", code="DISCLOSURE_DATE_INVALID") from None


@login_required
def record_list(request):
    status = request.GET.get("status", "")
    qs = selectors.records_for(request.user).select_related("agency", "domain").order_by("-id")
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "r": r,
            "overdue": rules.overdue(r.due_on, today, r.status != Status.DRAFT)
            or rules.overdue(r.withdrawal_due_on, today, bool(r.withdrawn_on or r.annotated)),
        }
        for r in page.object_list
    ]
    return render(
        request,
        "disclosure/list.html",
        {"rows": rows, "page": page, "status": status, "statuses": Status.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_page(request, pk: int):
    record = selectors.record_get_for(request.user, pk)
    error = None
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "edit":
                services.record_edit(
                    actor=request.user,
                    record_id=record.pk,
                    field=request.POST.get("field", ""),
                    text=request.POST.get("text", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "已保存修改。")
            elif what == "publish":
                services.record_publish(actor=request.user, record_id=record.pk)
                messages.success(request, "已公示。")
            elif what == "change":
                services.record_change(
                    actor=request.user,
                    record_id=record.pk,
                    change_kind=request.POST.get("change_kind", ""),
                    changed_on=_date(request.POST.get("changed_on")),
                )
                messages.success(request, "已登记决定变动，请在期限内撤回或更正公示。")
            elif what in ("withdraw", "annotate"):
                services.record_withdraw(
                    actor=request.user,
                    record_id=record.pk,
                    explanation=request.POST.get("explanation", ""),
                    annotate=what == "annotate",
                )
                messages.success(request, "已撤回公示。" if what == "withdraw" else "已附公开说明。")
            else:
                raise ValidationFailed("未知的公示字段。", code="DISCLOSURE_FIELD_UNKNOWN")
            return redirect("disclosure:record", pk=record.pk)
        except FIXABLE as exc:
            error = exc
            record = selectors.record_get_for(request.user, pk)
    today = timezone.localdate()
    fields = [
        {"key": k, "label": label, "original": record.original.get(k, ""), "shown": record.content.get(k, "")}
        for k, label in FIELDS.items()
    ]
    return render(
        request,
        "disclosure/record.html",
        {
            "record": record,
            "fields": fields,
            "error": error,
            "overdue": rules.overdue(record.due_on, today, record.status != Status.DRAFT),
            "withdrawal_overdue": rules.overdue(
                record.withdrawal_due_on, today, bool(record.withdrawn_on or record.annotated)
            ),
            "change_kinds": rules.CHANGE_KINDS.items(),
            "today": today,
        },
        status=error.status if error else 200,
    )


@login_required
def credential_card(request, credential_id: int):
    """The officer's card (执法证) with its QR code: printed, and shown on the officer's phone."""
    cred = credential_get_for(request.user, credential_id)
    url = request.build_absolute_uri(credentials.url_for(cred))
    return render(
        request,
        "disclosure/credential_card.html",
        {"cred": cred, "url": url, "qr": mark_safe(credentials.qr_svg(url))},  # noqa: S308 — segno's SVG, no user input
    )
