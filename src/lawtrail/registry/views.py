"""Back-office pages of the registry and the public 亮证 page. Thin: selectors and services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lawtrail.core.errors import ApplicationError, NotFound
from lawtrail.core.permissions import Perm

from . import excel, selectors, services
from .forms import CredentialIssueForm, ImportForm, ReasonForm
from .models import Credential, PowerItem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 50


def _page(request, qs):
    return Paginator(qs, PAGE).get_page(request.GET.get("page"))


@login_required
def agency_list(request):
    q = request.GET.get("q", "").strip()
    qs = selectors.agency_list_for(
        request.user, q=q or None, division_code=request.GET.get("division") or None
    )
    return render(request, "registry/agency_list.html", {"page": _page(request, qs), "q": q})


@login_required
def agency_detail(request, pk: int):
    agency = selectors.agency_get_for(request.user, pk)
    staff = selectors.staff_list_for(request.user, agency_id=agency.pk)
    return render(
        request,
        "registry/agency_detail.html",
        {
            "agency": agency,
            "page": _page(request, staff),
            "can_manage": selectors.user_has_perm(request.user, Perm.STAFF_MANAGE, agency),
        },
    )


@login_required
def staff_list(request):
    q = request.GET.get("q", "").strip()
    agency_id = request.GET.get("agency") or None
    qs = selectors.staff_list_for(
        request.user, q=q or None, agency_id=int(agency_id) if agency_id and agency_id.isdigit() else None
    )
    private_ids = selectors.private_agency_ids(request.user)
    page = _page(request, qs)
    rows = [(s, selectors.can_see_private(request.user, s, private_ids=private_ids)) for s in page]
    return render(request, "registry/staff_list.html", {"page": page, "rows": rows, "q": q})


def _staff_context(request, staff, **extra):
    today = timezone.localdate()
    can_manage = selectors.user_has_perm(request.user, Perm.CREDENTIAL_MANAGE, staff.agency)
    return {
        "staff": staff,
        "private": selectors.can_see_private(request.user, staff),
        "can_manage": can_manage,
        "today": today,
        "issue_form": extra.pop("issue_form", None)
        or CredentialIssueForm(
            initial={
                "region": staff.agency.division_id,
                "issued_on": today,
                "expires_on": today.replace(year=today.year + 5),
            }
        ),
        "reason_form": ReasonForm(),
        **extra,
    }


@login_required
def staff_detail(request, pk: int):
    staff = selectors.staff_get_for(request.user, pk)
    return render(request, "registry/staff_detail.html", _staff_context(request, staff))


@login_required
def credential_issue(request, pk: int):
    staff = selectors.staff_get_for(request.user, pk)
    form = CredentialIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_issue(actor=request.user, staff=staff, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, f"{exc.message}（{exc.code}）")
        else:
            messages.success(request, _("执法证已发放。"))
            return redirect("registry:staff-detail", pk=staff.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "registry/staff_detail.html", _staff_context(request, staff, issue_form=form), status=status
    )


@login_required
@require_POST
def credential_action(request, pk: int, action: str):
    if action not in {"suspend", "reinstate", "revoke"}:
        raise NotFound(_("不支持的操作。"), code="NOT_FOUND")
    cred = selectors.credential_get_for(request.user, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        fn = getattr(services, f"credential_{action}")
        fn(actor=request.user, credential=cred, reason=form.cleaned_data.get("reason", ""))
    except ApplicationError as exc:
        staff = selectors.staff_get_for(request.user, cred.staff_id)
        ctx = _staff_context(
            request, staff, action_error={"credential": cred.pk, "message": exc.message, "code": exc.code}
        )
        return render(request, "registry/staff_detail.html", ctx, status=exc.status)
    messages.success(request, _("执法证状态已更新。"))
    return redirect("registry:staff-detail", pk=cred.staff_id)


@login_required
def power_list(request):
    q = request.GET.get("q", "").strip()
    qs = selectors.power_list_for(request.user, q=q or None, kind=request.GET.get("kind") or None)
    return render(
        request,
        "registry/power_list.html",
        {"page": _page(request, qs), "q": q, "kinds": PowerItem.Kind.choices},
    )


@login_required
def power_detail(request, pk: int):
    power = selectors.power_get_for(request.user, pk)
    violations = [selectors.violation_get_for(request.user, v.pk) for v in power.violations.all()]
    return render(request, "registry/power_detail.html", {"power": power, "violations": violations})


@login_required
def import_export(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = None
    counts = None
    status = 200
    if request.method == "POST" and form.is_valid():
        service = services.catalog_import if form.cleaned_data["kind"] == "catalog" else services.staff_import
        try:
            counts = service(actor=request.user, fileobj=form.cleaned_data["file"])
        except ApplicationError as exc:
            errors = {
                "message": exc.message,
                "code": exc.code,
                "rows": exc.details if isinstance(exc.details, list) else [],
            }
            status = exc.status
    return render(
        request,
        "registry/import_export.html",
        {
            "form": form,
            "errors": errors,
            "counts": counts,
            "can_import_catalog": selectors.user_has_perm(request.user, Perm.CATALOG_MANAGE),
            "can_staff": selectors.user_has_perm(request.user, Perm.STAFF_MANAGE),
        },
        status=status,
    )


@login_required
def download(request, what: str):
    makers = {
        "catalog-template": lambda: excel.catalog_template(),
        "staff-template": lambda: excel.staff_template(),
        "catalog": lambda: excel.export_catalog(actor=request.user),
        "staff": lambda: excel.export_staff(actor=request.user),
    }
    if what not in makers or not selectors.is_staff_user(request.user):
        raise NotFound(_("没有这个下载。"), code="NOT_FOUND")
    response = HttpResponse(makers[what](), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{what}-{dt.date.today():%Y%m%d}.xlsx"'
    return response


def credential_verify(request):
    """Public 亮证: enter a credential number, see whether it is valid. Nothing private."""
    number = request.GET.get("number", "").strip()
    cred: Credential | None = selectors.credential_verify(number=number) if number else None
    status = 404 if number and cred is None else 200
    return render(
        request,
        "registry/credential_verify.html",
        {
            "number": number,
            "cred": cred,
            "today": timezone.localdate(),
            "usable": cred.is_usable_on(timezone.localdate()) if cred else False,
        },
        status=status,
    )
