"""Back-office page: a year's 法定节假日 and 调休 days, and a deadline calculator."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from lawtrail.core.errors import ValidationFailed

from . import selectors
from .forms import DeadlineForm


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
        },
    )
