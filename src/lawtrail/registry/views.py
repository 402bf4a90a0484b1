"""Back-office pages of the registry and the public 亮证 page. Thin: selectors and services."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from lawtrail.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from lawtrail.core.permissions import Perm

from . import excel, selectors, services
from .forms import (
    AgencyForm,
    BenchmarkForm,
    CredentialIssueForm,
    CredentialRenewForm,
    ImportForm,
    LegalBasisForm,
    PowerForm,
    ReasonForm,
    RoleGrantForm,
    StaffAccountForm,
    StaffForm,
    ViolationForm,
    benchmark_tier_formset,
)
from .models import Credential, PowerItem

#: Refusals a page shows next to its form. PermissionDenied/NotFound are not caught: the
#: ApplicationErrorMiddleware renders them as the 403/404 error page.
FORM_REFUSALS = (ValidationFailed, Conflict)

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
    return render(
        request,
        "registry/agency_list.html",
        {
            "page": _page(request, qs),
            "q": q,
            "can_create": selectors.user_has_perm(request.user, Perm.AGENCY_MANAGE),
        },
    )


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
            "today": timezone.localdate(),
            "can_manage": selectors.user_has_perm(request.user, Perm.STAFF_MANAGE, agency),
            "can_edit": selectors.user_has_perm(request.user, Perm.AGENCY_MANAGE, agency),
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
    return render(
        request,
        "registry/staff_list.html",
        {"page": page, "rows": rows, "q": q, "today": timezone.localdate()},
    )


def _years_later(day: dt.date, years: int) -> dt.date:
    """A suggested expiry ``years`` on (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _grants_context(request, staff) -> list:
    """The staff member's role grants the actor may see, each with whether it may revoke it."""
    if not staff.user_id:
        return []
    rows = []
    for grant in selectors.role_grant_list_for(request.user, user_id=staff.user_id):
        if grant.agency_id:
            may = selectors.user_has_perm(request.user, Perm.ROLE_MANAGE, grant.agency)
        else:
            may = selectors.user_covers_division(request.user, Perm.ROLE_MANAGE, grant.division)
        rows.append((grant, may))
    return rows


def _staff_context(request, staff, **extra):
    today = timezone.localdate()
    can_manage = selectors.user_has_perm(request.user, Perm.CREDENTIAL_MANAGE, staff.agency)
    can_roles = selectors.user_has_perm(request.user, Perm.ROLE_MANAGE, staff.agency)
    return {
        "staff": staff,
        "private": selectors.can_see_private(request.user, staff),
        "can_manage": can_manage,
        "can_edit": selectors.user_has_perm(request.user, Perm.STAFF_MANAGE, staff.agency),
        "can_roles": can_roles,
        "grants": _grants_context(request, staff) if can_roles else [],
        "role_form": extra.pop("role_form", None) or RoleGrantForm(),
        "renew_form": CredentialRenewForm(),
        "today": today,
        "issue_form": extra.pop("issue_form", None)
        or CredentialIssueForm(
            initial={
                "region": staff.agency.division_id,
                "issued_on": today,
                "expires_on": _years_later(today, 5),
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
        except FORM_REFUSALS as exc:
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
    except FORM_REFUSALS as exc:
        staff = selectors.staff_get_for(request.user, cred.staff_id)
        ctx = _staff_context(
            request, staff, action_error={"credential": cred.pk, "message": exc.message, "code": exc.code}
        )
        return render(request, "registry/staff_detail.html", ctx, status=exc.status)
    messages.success(request, _("执法证状态已更新。"))
    return redirect("registry:staff-detail", pk=cred.staff_id)


@login_required
@require_POST
def credential_renew(request, pk: int):
    cred = selectors.credential_get_for(request.user, pk)
    form = CredentialRenewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_form_errors_text(form), code="INVALID_INPUT")
        services.credential_renew(actor=request.user, credential=cred, **form.cleaned_data)
    except FORM_REFUSALS as exc:
        staff = selectors.staff_get_for(request.user, cred.staff_id)
        ctx = _staff_context(
            request, staff, action_error={"credential": cred.pk, "message": exc.message, "code": exc.code}
        )
        return render(request, "registry/staff_detail.html", ctx, status=exc.status)
    messages.success(request, _("执法证有效期已延续。"))
    return redirect("registry:staff-detail", pk=cred.staff_id)


# --------------------------------------------------------------------------- page forms


def _form_errors_text(form) -> str:
    return "；".join(
        f"{form.fields[f].label if f in form.fields else ''}{'：' if f in form.fields else ''}{e}"
        for f, errs in form.errors.items()
        for e in errs
    )


def _refusal(exc: ApplicationError, *forms) -> dict:
    """Put a service refusal next to the form: on the field it names, and as the page error."""
    details = exc.details if isinstance(exc.details, list) else []
    for d in details:
        field = d.get("field") if isinstance(d, dict) else None
        for form in forms:
            if field in form.fields and field not in form.errors:
                form.add_error(field, f"{d.get('message', exc.message)}（{d.get('code', exc.code)}）")
                break
    return {"message": exc.message, "code": exc.code, "rule": exc.rule, "status": exc.status}


def _form_page(request, *, title: str, forms: list, submit: str, cancel: str, error=None, **extra):
    """One template for every registry form page (``forms`` is a list of (heading, form))."""
    if error:
        status = error["status"]
    elif request.method == "POST":
        status = 400
    else:
        status = 200
    ctx = {"title": title, "forms": forms, "submit": submit, "cancel": cancel, "error": error, **extra}
    return render(request, "registry/form.html", ctx, status=status)


def _require(request, perm: Perm, agency=None) -> None:
    """Refuse the page (403) before showing a form its user could never submit."""
    selectors.require_perm(request.user, perm, agency)


@login_required
def agency_create(request):
    _require(request, Perm.AGENCY_MANAGE)
    form = AgencyForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(actor=request.user, **form.cleaned_data)
        except FORM_REFUSALS as exc:
            error = _refusal(exc, form)
        else:
            messages.success(request, _("执法主体已创建。"))
            return redirect("registry:agency-detail", pk=agency.pk)
    return _form_page(
        request,
        title=_("新增执法主体"),
        forms=[(None, form)],
        submit=_("保存"),
        cancel=reverse("registry:agency-list"),
        error=error,
    )


@login_required
def agency_edit(request, pk: int):
    agency = selectors.agency_get_for(request.user, pk)
    _require(request, Perm.AGENCY_MANAGE, agency)
    form = AgencyForm(request.POST or None, initial=AgencyForm.initial_for(agency))
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(actor=request.user, agency=agency, **form.cleaned_data)
        except FORM_REFUSALS as exc:
            error = _refusal(exc, form)
        else:
            messages.success(request, _("执法主体信息已保存。"))
            return redirect("registry:agency-detail", pk=agency.pk)
    return _form_page(
        request,
        title=_("编辑执法主体：%(name)s") % {"name": agency.name},
        forms=[(None, form)],
        submit=_("保存"),
        cancel=reverse("registry:agency-detail", args=[agency.pk]),
        error=error,
    )


@login_required
def staff_create(request, pk: int):
    agency = selectors.agency_get_for(request.user, pk)
    _require(request, Perm.STAFF_MANAGE, agency)
    form = StaffForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            staff = services.staff_create(actor=request.user, agency=agency, **form.cleaned_data)
        except FORM_REFUSALS as exc:
            error = _refusal(exc, form)
        else:
            messages.success(request, _("工作人员已登记。"))
            return redirect("registry:staff-detail", pk=staff.pk)
    return _form_page(
        request,
        title=_("新增工作人员：%(agency)s") % {"agency": agency.name},
        forms=[(None, form)],
        submit=_("保存"),
        cancel=reverse("registry:agency-detail", args=[agency.pk]),
        error=error,
    )


@login_required
def staff_edit(request, pk: int):
    staff = selectors.staff_get_for(request.user, pk)
    _require(request, Perm.STAFF_MANAGE, staff.agency)
    form = StaffForm(
        request.POST or None, initial=StaffForm.initial_for(staff), masked_id=staff.id_number_masked
    )
    error = None
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        if not changes.get("id_number"):
            changes.pop("id_number", None)  # blank keeps the registered number
        try:
            services.staff_update(actor=request.user, staff=staff, **changes)
        except FORM_REFUSALS as exc:
            error = _refusal(exc, form)
        else:
            messages.success(request, _("工作人员信息已保存。"))
            return redirect("registry:staff-detail", pk=staff.pk)
    return _form_page(
        request,
        title=_("编辑工作人员：%(name)s") % {"name": staff.name},
        forms=[(None, form)],
        submit=_("保存"),
        cancel=reverse("registry:staff-detail", args=[staff.pk]),
        error=error,
    )


@login_required
def staff_account(request, pk: int):
    staff = selectors.staff_get_for(request.user, pk)
    _require(request, Perm.STAFF_MANAGE, staff.agency)
    form = StaffAccountForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_user_link(
                actor=request.user,
                staff=staff,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"] or None,
            )
        except FORM_REFUSALS as exc:
            error = _refusal(exc, form)
        else:
            messages.success(request, _("登录账号已关联。"))
            return redirect("registry:staff-detail", pk=staff.pk)
    return _form_page(
        request,
        title=_("关联登录账号：%(name)s") % {"name": staff.name},
        forms=[(None, form)],
        submit=_("关联"),
        cancel=reverse("registry:staff-detail", args=[staff.pk]),
        error=error,
    )


@login_required
@require_POST
def role_grant(request, pk: int):
    staff = selectors.staff_get_for(request.user, pk)
    _require(request, Perm.ROLE_MANAGE, staff.agency)
    form = RoleGrantForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_form_errors_text(form), code="INVALID_INPUT")
        if staff.user is None:
            raise ValidationFailed(_("请先为该工作人员关联登录账号。"), code="STAFF_NOT_LINKED")
        services.role_grant(
            actor=request.user, user=staff.user, role=form.cleaned_data["role"], agency=staff.agency
        )
    except FORM_REFUSALS as exc:
        ctx = _staff_context(
            request,
            staff,
            role_form=form,
            role_error={"message": exc.message, "code": exc.code, "rule": exc.rule},
        )
        return render(request, "registry/staff_detail.html", ctx, status=exc.status)
    messages.success(request, _("角色已授予。"))
    return redirect("registry:staff-detail", pk=staff.pk)


@login_required
@require_POST
def role_revoke(request, pk: int, grant_id: int):
    staff = selectors.staff_get_for(request.user, pk)
    grant = selectors.role_grant_get_for(request.user, grant_id)
    if grant.user_id != staff.user_id:
        raise NotFound(_("角色授权不存在。"), code="NOT_FOUND")
    try:
        services.role_revoke(actor=request.user, grant=grant)
    except FORM_REFUSALS as exc:
        ctx = _staff_context(request, staff, role_error={"message": exc.message, "code": exc.code})
        return render(request, "registry/staff_detail.html", ctx, status=exc.status)
    messages.success(request, _("角色已撤销。"))
    return redirect("registry:staff-detail", pk=staff.pk)


@login_required
def power_create(request):
    _require(request, Perm.CATALOG_MANAGE)
    power_form = PowerForm(request.POST or None, prefix="power")
    basis_form = LegalBasisForm(request.POST or None, prefix="basis")
    error = None
    if request.method == "POST" and power_form.is_valid() & basis_form.is_valid():
        stage = power_form
        try:
            # A power is entered with its legal basis: both or neither.
            with transaction.atomic():
                power = services.power_create(actor=request.user, **power_form.cleaned_data)
                stage = basis_form
                services.legal_basis_add(actor=request.user, power=power, **basis_form.cleaned_data)
        except FORM_REFUSALS as exc:
            error = _refusal(exc, stage)
        else:
            messages.success(request, _("权力事项已创建。"))
            return redirect("registry:power-detail", pk=power.pk)
    return _form_page(
        request,
        title=_("新增权力事项"),
        forms=[(_("事项"), power_form), (_("法律依据"), basis_form)],
        submit=_("保存"),
        cancel=reverse("registry:power-list"),
        error=error,
    )


@login_required
def violation_create(request, pk: int):
    power = selectors.power_get_for(request.user, pk)
    _require(request, Perm.CATALOG_MANAGE)
    form = ViolationForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.violation_create(actor=request.user, power=power, **form.cleaned_data)
        except FORM_REFUSALS as exc:
            error = _refusal(exc, form)
        else:
            messages.success(request, _("违法行为已创建。"))
            return redirect("registry:power-detail", pk=power.pk)
    return _form_page(
        request,
        title=_("新增违法行为：%(power)s") % {"power": power.name},
        forms=[(None, form)],
        submit=_("保存"),
        cancel=reverse("registry:power-detail", args=[power.pk]),
        error=error,
    )


@login_required
def benchmark_create(request, pk: int):
    violation = selectors.violation_get_for(request.user, pk)
    _require(request, Perm.CATALOG_MANAGE)
    form = BenchmarkForm(request.POST or None)
    tiers = benchmark_tier_formset(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid() & tiers.is_valid():
        used = [row for row in tiers if row.is_used()]
        try:
            services.benchmark_create(
                actor=request.user,
                violation=violation,
                tiers=[row.cleaned_data for row in used],
                **form.cleaned_data,
            )
        except FORM_REFUSALS as exc:
            error = _refusal(exc, form)
            for d in exc.details if isinstance(exc.details, list) else []:
                i = d.get("tier") if isinstance(d, dict) else None
                if isinstance(i, int) and 0 <= i < len(used):
                    row = used[i]
                    field = d.get("field") if d.get("field") in row.fields else None
                    row.add_error(field, f"{d.get('message')}（{d.get('code')}）")
        else:
            messages.success(request, _("裁量基准已创建。"))
            return redirect("registry:power-detail", pk=violation.power_id)
    return _form_page(
        request,
        title=_("新增裁量基准：%(v)s") % {"v": violation.name},
        forms=[(None, form)],
        tiers=tiers,
        submit=_("保存"),
        cancel=reverse("registry:power-detail", args=[violation.power_id]),
        error=error,
    )


@login_required
def power_list(request):
    q = request.GET.get("q", "").strip()
    qs = selectors.power_list_for(request.user, q=q or None, kind=request.GET.get("kind") or None)
    return render(
        request,
        "registry/power_list.html",
        {
            "page": _page(request, qs),
            "q": q,
            "kinds": PowerItem.Kind.choices,
            "can_create": selectors.user_has_perm(request.user, Perm.CATALOG_MANAGE),
        },
    )


@login_required
def power_detail(request, pk: int):
    power = selectors.power_get_for(request.user, pk)
    violations = [selectors.violation_get_for(request.user, v.pk) for v in power.violations.all()]
    return render(
        request,
        "registry/power_detail.html",
        {
            "power": power,
            "violations": violations,
            "can_manage": selectors.user_has_perm(request.user, Perm.CATALOG_MANAGE),
        },
    )


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
    """Public 亮证: enter a credential number, see whether it is valid. Nothing private.

    Rate-limited per client address (``LAWTRAIL_LOOKUP_RATE``, in the shared cache) like every
    lookup by number: walking sequential numbers must not harvest the register."""
    number = request.GET.get("number", "").strip()
    if number and is_ratelimited(
        request,
        group="registry.credential_verify",
        key="ip",
        rate=settings.LAWTRAIL_LOOKUP_RATE,
        increment=True,
    ):
        err = ApplicationError(_("访问过于频繁，请稍后再试。"), code="DISCLOSURE_RATE_LIMITED")
        return render(request, "web/error.html", {"error": err}, status=429)
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
