"""审批流程 page: the unit administrator lists and edits the agency's approval chains (who
approves filing, the proposal, the decision, extensions and measures, level by level). One form
per approval over ``services.approval_chain_set`` — the same rules and refusals as
``PUT /api/v1/cases/agencies/{id}/approval-chains/{action}`` (APL-60, ACL-17/18, APL-56: the
chains of extensions and measures end with the head)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.core.permissions import Perm, Role
from lawtrail.registry.selectors import agencies_in_scope

from . import selectors, services, workflow
from .approvals import APPROVER_ROLES

#: How many levels the page offers (the roles are three and a chain repeats none).
MAX_LEVELS = len(APPROVER_ROLES)
LEVEL_NAMES = (L("第一级"), L("第二级"), L("第三级"))
#: The law behind the head-last rule, said on the page before the refusal would.
NOTES = {
    "extension": L("最后一级须为主要负责人（《行政处罚法》第六十条）。"),
    "measure": L("最后一级须为主要负责人（《行政强制法》第十八条、《行政处罚法》第五十六条）。"),
}


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _rows(user, agency_id: int, posted: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    out = []
    for chain in selectors.approval_chains_for(user, agency_id):
        levels = chain["levels"]
        if posted and posted.get("action") == chain["action"]:
            levels = posted["levels"]
        out.append(
            {
                **chain,
                "labels": [_role_label(r) for r in chain["levels"]],
                "slots": [
                    {
                        "name": f"level_{i}",
                        "label": LEVEL_NAMES[i],
                        "value": levels[i] if i < len(levels) else "",
                    }
                    for i in range(MAX_LEVELS)
                ],
                "note": NOTES.get(chain["action"], ""),
                "error": posted.get("error") if posted and posted.get("action") == chain["action"] else None,
            }
        )
    return out


@login_required
def approval_chains(request):
    user = request.user
    agencies = list(agencies_in_scope(user, Perm.CASE_CONFIGURE).order_by("name")[:500])
    if not agencies:
        raise PermissionDenied(_("您没有配置审批流程的权限。"), code="PERMISSION_DENIED")
    wanted = request.POST.get("agency") or request.GET.get("agency")
    agency = next((a for a in agencies if str(a.pk) == wanted), agencies[0])
    posted = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        levels = [v for i in range(MAX_LEVELS) if (v := request.POST.get(f"level_{i}", "").strip())]
        try:
            services.approval_chain_set(actor=user, agency=agency, action=action, levels=levels)
        except (ValidationFailed, Conflict) as exc:
            posted = {"action": action, "levels": levels, "error": exc}
            status = exc.status
        else:
            label = workflow.APPROVAL_LABELS.get(action, "")
            messages.success(request, _("已保存：%(label)s") % {"label": label})
            return redirect(f"{reverse('cases:approval-chains')}?agency={agency.pk}#chain-{action}")
    return render(
        request,
        "cases/chains.html",
        {
            "agency": agency,
            "agencies": agencies,
            "rows": _rows(user, agency.pk, posted),
            "roles": [(r.value, r.label) for r in APPROVER_ROLES],
            # a refusal not about one of the listed chains (an unknown approval) is shown on top
            "error": posted["error"] if posted and posted["action"] not in workflow.DEFAULT_CHAINS else None,
        },
        status=status,
    )
