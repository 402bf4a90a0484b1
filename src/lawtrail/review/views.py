"""Back-office pages of legal review (法制审核) and the public 目录清单 page.

Thin: reads through ``selectors``, writes through ``services``. A refusal the user can fix
(400/409) is shown on the page with its code and article; 403/404 go to the error page.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lawtrail.cases.forms import PENALTY_KIND_LABELS
from lawtrail.cases.models import Measure
from lawtrail.cases.rules import PenaltyKind
from lawtrail.core.errors import Conflict, ValidationFailed
from lawtrail.core.permissions import Perm
from lawtrail.registry.selectors import agencies_in_scope

from . import api, rules, selectors, services
from .models import ReviewFlag

FIXABLE = (ValidationFailed, Conflict)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationFailed(_("日期格式应为 YYYY-MM-DD。"), code="REVIEW_DATE_INVALID") from None


@login_required
def queue(request):
    mine = request.GET.get("all") != "1"
    rows = selectors.review_queue_for(request.user, mine=mine)
    return render(request, "review/queue.html", {"rows": rows, "mine": mine})


def _checklist_from(post) -> dict[str, dict]:
    return {
        k: {"ok": post.get(f"ok_{k}") == "1", "finding": post.get(f"finding_{k}", "").strip()}
        for k in rules.POINT_KEYS
        if post.get(f"ok_{k}") in ("0", "1")
    }


@login_required
@require_http_methods(["GET", "POST"])
def review_page(request, pk: int):
    review = selectors.review_get_for(request.user, pk)
    error = None
    if request.method == "POST":
        what = request.POST.get("what")
        if what in ("opinion", "extension"):
            selectors.refuse_if_grant_lost(request.user, review)  # 403 with why, nothing recorded
        try:
            if what == "opinion":
                services.review_opinion(
                    actor=request.user,
                    review_id=pk,
                    opinion=request.POST.get("opinion", ""),
                    checklist=_checklist_from(request.POST),
                    categories=request.POST.getlist("categories"),
                    text=request.POST.get("text", ""),
                )
                messages.success(request, _("审核意见已提交。"))
            elif what == "assign":
                services.review_assign(
                    actor=request.user,
                    review_id=pk,
                    reviewer_id=int(request.POST.get("reviewer_id") or 0),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("已改派审核人员。"))
            elif what == "extension":
                services.review_extension_request(
                    actor=request.user, review_id=pk, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("延期申请已提交。"))
            elif what in ("extension_approve", "extension_reject"):
                services.review_extension_decide(
                    actor=request.user, review_id=pk, approve=what == "extension_approve"
                )
                messages.success(request, _("已处理延期申请。"))
            return redirect("review:detail", pk=pk)
        except FIXABLE as exc:
            error = exc
    history = selectors.review_history_for(request.user, review.case_id)
    # her round, but the grant was withdrawn since (she may still see the case as an officer)
    grant_lost = review.reviewer_id == request.user.pk and not selectors.holds_reviewer_grant(
        request.user, review
    )
    points = [
        {
            "key": k,
            "label": label,
            "item": (review.checklist or {}).get(k),
            "posted": request.POST.get(f"ok_{k}"),
        }
        for k, label in rules.POINTS
    ]
    return render(
        request,
        "review/review.html",
        {
            "review": review,
            "snap": review.snapshot or {},
            "history": history,
            "points": points,
            "findings": rules.FINDINGS,
            "finding_labels": dict(rules.FINDINGS),
            "error": error,
            "posted": request.POST,
            "can_assign": services.is_head(request.user, review.case.agency),
            "reviewers": selectors.reviewers_for_case(request.user, review)
            if review.status == "open"
            else [],
            "is_reviewer": review.reviewer_id == request.user.pk and not grant_lost,
            "grant_lost": grant_lost and review.status == "open",
            "grant_lost_message": selectors.grant_lost_message() if grant_lost else "",
        },
    )


@login_required
def figures(request):
    f = selectors.figures_for(
        request.user,
        agency_id=int(request.GET["agency"]) if request.GET.get("agency", "").isdigit() else None,
        division_code=request.GET.get("division") or None,
        date_from=_date(request.GET.get("date_from")),
        date_to=_date(request.GET.get("date_to")),
    )
    labels = dict(rules.FINDINGS)
    chart = {
        "categories": [str(labels[k]) for k in rules.FINDING_KEYS],
        "values": [f["findings_by_category"][k] for k in rules.FINDING_KEYS],
    }
    return render(
        request,
        "review/figures.html",
        {
            "f": f,
            "chart_json": json.dumps(chart, ensure_ascii=False),
            "agencies": agencies_in_scope(request.user, Perm.CASE_VIEW).order_by("name")[:200],
            "rows": [(labels[k], f["findings_by_category"][k]) for k in rules.FINDING_KEYS],
            "query": request.GET.urlencode(),
        },
    )


@login_required
def figures_csv(request):
    f = selectors.figures_for(
        request.user,
        agency_id=int(request.GET["agency"]) if request.GET.get("agency", "").isdigit() else None,
        division_code=request.GET.get("division") or None,
        date_from=_date(request.GET.get("date_from")),
        date_to=_date(request.GET.get("date_to")),
    )
    resp = HttpResponse(api.figures_csv(f), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="review-figures.csv"'
    return resp


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request, agency_id: int):
    page = selectors.criteria_page_for(request.user, agency_id)
    error = None
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "create":
                services.criterion_create(
                    actor=request.user,
                    agency_id=agency_id,
                    category=request.POST.get("category", ""),
                    title=request.POST.get("title", ""),
                    basis=request.POST.get("basis", ""),
                    penalty_kinds=request.POST.getlist("penalty_kinds"),
                    measure_kinds=request.POST.getlist("measure_kinds"),
                    amount_person=request.POST.get("amount_person") or None,
                    amount_organisation=request.POST.get("amount_organisation") or None,
                )
            elif what == "opt_out":
                services.criterion_opt_out(
                    actor=request.user,
                    agency_id=agency_id,
                    criterion_id=int(request.POST.get("criterion_id") or 0),
                    reason=request.POST.get("reason", ""),
                )
            elif what == "opt_in":
                services.criterion_opt_in(
                    actor=request.user,
                    agency_id=agency_id,
                    criterion_id=int(request.POST.get("criterion_id") or 0),
                )
            elif what == "toggle":
                cid = int(request.POST.get("criterion_id") or 0)
                services.criterion_update(
                    actor=request.user, criterion_id=cid, active=request.POST.get("active") == "1"
                )
            messages.success(request, _("目录清单已更新。"))
            return redirect("review:criteria", agency_id=agency_id)
        except FIXABLE as exc:
            error = exc

    return render(
        request,
        "review/criteria.html",
        {
            **page,
            "error": error,
            "categories": rules.Category.CHOICES,
            "penalty_kinds": [k.value for k in PenaltyKind],
            "measure_kinds": Measure.Kind.choices,
            "in_force": selectors.criteria_in_force(page["agency"]),
        },
    )


@login_required
@require_http_methods(["POST"])
def flag(request, case_id: int):
    try:
        services.review_flag(
            actor=request.user,
            case_id=case_id,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("已标记须法制审核的情形：处理意见批准后，本案将送法制审核。"))
    except FIXABLE as exc:
        messages.error(request, f"{exc.message}（{exc.code}）")
    return redirect("cases:detail", pk=case_id)


def public_criteria(request, agency_id: int):
    """事前公开: the agency's 重大执法决定法制审核目录清单 (no login)."""
    agency, rows = selectors.public_criteria(agency_id)
    # the public reads the kinds in Chinese (吊销许可证件、扣押), never their codes
    measures = dict(Measure.Kind.choices)
    for c in rows:
        c.kinds_text = "、".join(
            [str(PENALTY_KIND_LABELS.get(k, k)) for k in c.penalty_kinds or []]
            + [str(measures.get(k, k)) for k in c.measure_kinds or []]
        )
    return render(
        request, "review/public.html", {"agency": agency, "rows": rows, "flag_kinds": ReviewFlag.Kind.choices}
    )
