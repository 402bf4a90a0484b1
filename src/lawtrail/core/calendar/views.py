"""Back-office pages: a year's 法定节假日 and 调休 days, a deadline calculator, and entering a year
from the State Council's notice with a preview of the running deadlines it moves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lawtrail.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from lawtrail.core.permissions import EVERYWHERE, Perm, has_perm

from . import selectors, services
from .forms import DeadlineForm, YearNoticeForm


@login_required
def overview(request):
    years = selectors.calendar_years()
    covered = [y.year for y in years]
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    days, year_error = [], None
    try:
        days = selectors.calendar_special_days(year)
    except ValidationFailed as exc:
        year_error = exc

    form = DeadlineForm(request.GET if "start" in request.GET else None)
    result, calc_error = None, None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        kwargs = {data["kind"]: data["count"]}
        try:
            result = selectors.deadline(data["start"], **kwargs)
        except ValidationFailed as exc:
            calc_error = exc
    template = "workcalendar/_result.html" if request.htmx and form.is_bound else "workcalendar/overview.html"
    manager = has_perm(request.user, Perm.CALENDAR_MANAGE, EVERYWHERE)
    return render(
        request,
        template,
        {
            "year": year,
            "covered": covered,
            "days": days,
            "year_error": year_error,
            "form": form,
            "result": result,
            "calc_error": calc_error,
            "manager": manager,
            "missing_next": selectors.next_year_missing(timezone.localdate()) if manager else None,
        },
    )


@login_required
def define(request, year: int):
    """录入年度日历: the State Council's notice (holidays, make-up working days); "预览" shows the
    running deadlines it would move (the definition run and rolled back), "保存" defines it."""
    if not has_perm(request.user, Perm.CALENDAR_MANAGE, EVERYWHERE):
        raise PermissionDenied(_("只有系统管理员可以维护工作日历。"), code="PERMISSION_DENIED")
    covered = selectors.year_covered(year)
    initial = {}
    if covered:
        days = selectors.calendar_special_days(year)
        initial = {
            "holidays": "\n".join(f"{d.date} {d.holiday_name}".strip() for d in days if d.kind == "holiday"),
            "makeup_workdays": "\n".join(
                f"{d.date} {d.holiday_name}".strip() for d in days if d.kind == "makeup"
            ),
        }
    form = YearNoticeForm(request.POST or None, initial=initial)
    preview, error = None, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kwargs = dict(
            actor=request.user,
            year=year,
            holidays=data["holidays"],
            makeup_workdays=data["makeup_workdays"],
            note=data["note"],
            replace=covered,
        )
        try:
            if "save" in request.POST:
                cal_year = services.calendar_year_define(**kwargs)
                messages.success(
                    request,
                    _("已录入%(year)s年工作日历；%(n)s个办案期限随之重新计算。")
                    % {"year": year, "n": len(cal_year.deadlines_moved)},
                )
                return redirect(f"{reverse('workcalendar:overview')}?year={year}")
            with transaction.atomic():
                preview = services.calendar_year_define(**kwargs).deadlines_moved
                transaction.set_rollback(True)  # a preview: nothing of it is kept
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "workcalendar/define.html",
        {"year": year, "form": form, "preview": preview, "error": error, "covered": covered},
        status=error.status if error else 200,
    )
