"""Back-office page: every key with its value in force for an agency, and where it comes from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from lawtrail.core.errors import PermissionDenied
from lawtrail.core.permissions import Perm
from lawtrail.registry.selectors import user_has_perm

from . import selectors
from .forms import EffectiveForm


@login_required
def effective(request):
    if not user_has_perm(request.user, Perm.PROFILE_VIEW):
        raise PermissionDenied("只有工作人员可以查看规则配置。", code="PERMISSION_DENIED")
    form = EffectiveForm(request.GET if "agency" in request.GET else None)
    agency, on = None, timezone.localdate()
    if form.is_bound and form.is_valid():
        agency = form.cleaned_data["agency"]
        on = form.cleaned_data["on"] or on
    table = selectors.profile_effective_table(agency, on)
    return render(
        request,
        "profiles/effective.html",
        {"form": form, "agency": agency, "on": on, "table": table, "profiles": selectors.profile_list()},
    )
