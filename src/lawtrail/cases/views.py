"""Back-office pages of case handling (网上办案): 待办, the case list, the case page, a form per action.

Thin: reads through ``selectors`` (scoped to the user), writes through ``services``. A refusal
the handler can fix (400/409) is shown next to its form with its code and article; 403/404
escape to ``ApplicationErrorMiddleware``'s error page. With htmx a form swaps in place (the
page does not reload); without it the same URLs work as plain POST + redirect.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from lawtrail.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lawtrail.core.permissions import Perm, Role
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.models import Violation
from lawtrail.registry.selectors import agency_list_for, user_has_perm

from . import (
    approval_sheet,
    extensions,
    hooks,
    inputs,
    ledger,
    outbox,
    page_steps,
    selectors,
    services,
    workflow,
)
from .forms import ActionForm, CaseCreateForm, LeadEditForm, PartyForm
from .models import Approval, State

#: Refusals shown next to the form. PermissionDenied/NotFound go to the middleware's error page.
FORM_REFUSALS = (ValidationFailed, Conflict)
PAGE = 50
HOME_TASKS = 5

DECISION_LABELS = {"approve": _("批准"), "send_back": _("退回"), "withdraw": _("取回"), "reassign": _("改派")}
EVENT_LABELS = {
    "register": _("线索登记"),
    "approval_approve": _("审批通过"),
    "approval_send_back": _("审批退回"),
    "approval_withdraw": _("取回审批"),
    "approval_reassign": _("改派审批人"),
    "on_the_spot": _("当场作出行政处罚决定"),
    "transfer_accepted": _("受理移送"),
    "review_route": _("须法制审核"),
    "review_extension_approve": _("批准延长法制审核期限"),
    "review_extension_reject": _("不批准延长法制审核期限"),
}


def _need_view(user) -> None:
    if not user_has_perm(user, Perm.CASE_VIEW):
        raise PermissionDenied(_("您没有查看案件的权限。"), code="PERMISSION_DENIED")


def _state_label(value: str) -> str:
    return State(value).label if value in State.values else value


def _event_label(action: str) -> str:
    if action in EVENT_LABELS:
        return EVENT_LABELS[action]
    t = workflow.transition_for(action)
    return t.label if t else _("办案记录")


# ----------------------------------------------------------------------------- 待办


def _task_rows(tasks, today) -> list[dict[str, Any]]:
    reasons = selectors.pending_deadline_reasons([t.case.pk for t in tasks if t.due_on is None])
    return [
        {
            "case": t.case,
            "what": t.what,
            "url": t.url,
            "due_on": t.due_on,
            "overdue": t.due_on is not None and t.due_on < today,
            "pending": reasons.get(t.case.pk, "") if t.due_on is None else "",
        }
        for t in tasks
    ]


TODO_PAGE_SIZE = selectors.TODO_PAGE_SIZE


@login_required
def todo(request):
    _need_view(request.user)
    today = timezone.localdate()
    # soonest first across every source, 50 a page (a page of 200 rows renders slowly on a tablet);
    # only the page's tasks are read (selectors.todo_page), the pager counts them all
    raw = request.GET.get("page", "")
    deepest = selectors.TODO_MAX_DEPTH // TODO_PAGE_SIZE
    number = min(int(raw), deepest) if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1
    todo = selectors.todo_page(request.user, page=number, size=TODO_PAGE_SIZE, today=today)
    last = max(1, min(deepest, -(-todo.count // TODO_PAGE_SIZE)))
    if number > last:  # past the last page: the last one, as Paginator.get_page
        number = last
        todo = selectors.todo_page(request.user, page=number, size=TODO_PAGE_SIZE, today=today)
    page = Paginator(range(min(todo.count, selectors.TODO_MAX_DEPTH)), TODO_PAGE_SIZE).page(number)
    return render(
        request,
        "cases/todo.html",
        {"rows": _task_rows(todo.tasks, today), "page": page, "total": todo.count, "today": today},
    )


@login_required
def todo_summary(request):
    """The 待办 box of the back-office home (loaded by htmx): the count and the first few tasks."""
    if not user_has_perm(request.user, Perm.CASE_VIEW):
        return render(request, "cases/_todo_summary.html", {"hidden": True})
    today = timezone.localdate()
    todo = selectors.todo_page(request.user, size=HOME_TASKS, today=today)
    return render(
        request,
        "cases/_todo_summary.html",
        {"count": todo.count, "rows": _task_rows(todo.tasks, today), "today": today},
    )


# ----------------------------------------------------------------------------- list


@login_required
def case_list(request):
    _need_view(request.user)
    user = request.user
    today = timezone.localdate()
    form, filters = ledger.filter_form(user, request.GET)
    qs = selectors.case_list_for(user, today=today, **filters)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    reasons = selectors.pending_deadline_reasons([c.pk for c in cases if c.next_due is None])
    tasks = page_steps.task_names(cases, today=today)
    rows = [
        {
            "case": c,
            "task": tasks.get(c.pk, ""),
            "overdue": c.next_due is not None and c.next_due < today,
            "pending": reasons.get(c.pk, ""),
        }
        for c in cases
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_create": user_has_perm(user, Perm.CASE_HANDLE),
            "ledger_query": query.urlencode(),
        },
    )


# ----------------------------------------------------------------------------- 台账


@login_required
def ledger_start(request):
    """导出台账 (POST the list's query): refuse a ledger too large, else queue the job and show
    its progress page."""
    _need_view(request.user)
    if request.method != "POST":
        return redirect("cases:list")
    query = request.POST.get("query", "")
    _form, filters = ledger.filter_form(request.user, QueryDict(query))
    total = selectors.case_list_for(request.user, today=timezone.localdate(), **filters).count()
    if total > ledger.MAX_ROWS:
        raise ValidationFailed(
            _("台账超过 %(max)s 件，请缩小查询条件后再导出。") % {"max": ledger.MAX_ROWS},
            code="CASE_LEDGER_TOO_LARGE",
        )
    job_id = ledger.start(request.user, query, total)
    return redirect("cases:ledger", job_id=job_id)


def _ledger_state(request, job_id: str) -> dict[str, Any]:
    state = ledger.job_state(job_id, request.user)
    if state is None:
        raise NotFound(_("台账不存在或已过期，请重新导出。"), code="CASE_LEDGER_NOT_FOUND")
    total = state["total"] or 0
    percent = 100 if state["status"] == "done" else (state["done"] * 100 // total if total else 0)
    return {**state, "job_id": job_id, "percent": percent}


@login_required
def ledger_progress(request, job_id: str):
    """The job's progress: the page, or (htmx, polled every second) its progress box alone."""
    _need_view(request.user)
    ctx = {"job": _ledger_state(request, job_id)}
    if request.htmx:
        return render(request, "cases/_ledger_progress.html", ctx)
    return render(request, "cases/ledger.html", ctx)


@login_required
def ledger_file(request, job_id: str):
    _need_view(request.user)
    found = ledger.job_file(job_id, request.user)
    if found is None:
        raise NotFound(_("台账不存在或已过期，请重新导出。"), code="CASE_LEDGER_NOT_FOUND")
    filename, data = found
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ----------------------------------------------------------------------------- lead and party


@login_required
def case_create(request):
    user = request.user
    agencies = list(selectors.handle_agencies_for(user))
    if not agencies:
        raise PermissionDenied(_("您没有登记案件线索的权限。"), code="PERMISSION_DENIED")
    wanted = request.POST.get("agency") or request.GET.get("agency")
    agency = next((a for a in agencies if str(a.pk) == wanted), agencies[0])
    today = timezone.localdate()
    candidates = selectors.officer_candidates(user, agency.pk, on=today, handler=user, exclude=(user.pk,))
    officers = [(o.user_id, selectors.officer_label(o, None)) for o in candidates]
    form = CaseCreateForm(request.POST or None, agency=agency, officers=officers, today=today)
    # the picker offers only officers whose credential covers the chosen domain and area (web/lawtrail.js)
    picker_scope = json.dumps(
        {
            "officers": {str(o.user_id): [[c[0], c[2]] for c in o.credentials] for o in candidates},
            "regions": dict(form.fields["region"].queryset.values_list("pk", "path")),
        }
    )
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_create(
                actor=user,
                agency=agency,
                domain=d["domain"],
                region=d["region"],
                title=d["title"],
                lead_on=d["lead_on"],
                source=d["source"],
                facts=d["facts"],
                officer_ids=d["officer_ids"],
                act_date=d["act_date"],
                act_end_date=d["act_end_date"],
                discovered_on=d["discovered_on"],
                complex_case=d["complex_case"],
                life_or_finance=d["life_or_finance"],
                violation_ids=[v.pk for v in d["violation_ids"]],
            )
        except FORM_REFUSALS as exc:
            error = exc
        else:
            messages.success(request, _("线索已登记。"))
            return redirect("cases:detail", pk=case.pk)
    status = (error.status if error else 400) if request.method == "POST" else 200
    return render(
        request,
        "cases/create.html",
        {"form": form, "error": error, "agency": agency, "agencies": agencies, "picker_scope": picker_scope},
        status=status,
    )


@login_required
def party_add(request, pk: int):
    case = selectors.case_page_for(request.user, pk)
    form = PartyForm(request.POST or None, initial={"kind": "organisation"})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.party_add(actor=request.user, case=case, **form.cleaned_data)
        except FORM_REFUSALS as exc:
            error = exc
        else:
            return _success(request, case.pk, _("当事人已登记。"))
    status = (error.status if error else 400) if request.method == "POST" else 200
    ctx = {"case": case, "form": form, "error": error, "form_id": "party"}
    if request.htmx:
        return render(request, "cases/_party_form.html", ctx, status=status)
    return render(request, "cases/party.html", ctx, status=status)


def _lead_form(request, case, data=None) -> LeadEditForm:
    """修改线索 of ``case``: its current officers stay listed even if their credential lapsed."""
    officers = selectors.officer_choices_for_case(request.user, case, on=timezone.localdate())
    offered = {uid for _g, rows in officers for uid, _l in rows}
    current = [(o.pk, str(o)) for o in case.officers.all() if o.pk not in offered and o.pk != case.handler_id]
    if current:
        officers = [*officers, (_("已在本案（执法证不适用于本案）"), current)]
    violations = list(
        Violation.objects.filter(power__domain=case.domain_id).order_by("code").values_list("pk", "name")
    )
    initial = {
        "title": case.title,
        "facts": case.facts,
        "officer_ids": [o.pk for o in case.officers.all() if o.pk != case.handler_id],
        "violation_ids": [cv.violation_id for cv in case.violations.all()],
        "act_date": case.act_date,
        "act_end_date": case.act_end_date,
        "discovered_on": case.discovered_on,
    }
    return LeadEditForm(data, initial=initial, officers=officers, violations=violations, auto_id="id_lead_%s")


@login_required
def lead_edit(request, pk: int):
    """修改线索: officers, violations, facts while the case is a lead."""
    case = selectors.case_page_for(request.user, pk)
    form = _lead_form(request, case, request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.lead_update(
                actor=request.user,
                case_id=case.pk,
                title=d["title"],
                facts=d["facts"],
                officer_ids=d["officer_ids"],
                violation_ids=d["violation_ids"],
                act_date=d["act_date"],
                act_end_date=d["act_end_date"],
                discovered_on=d["discovered_on"],
            )
        except FORM_REFUSALS as exc:
            error = exc
        else:
            return _success(request, case.pk, _("线索已修改。"))
    status = (error.status if error else 400) if request.method == "POST" else 200
    ctx = {"case": case, "form": form, "error": error}
    if request.htmx:
        return render(request, "cases/_lead_form.html", ctx, status=status)
    return render(request, "cases/lead_edit.html", ctx, status=status)


@login_required
def party_edit(request, pk: int, party_id: int):
    """修改当事人 while the case is a lead."""
    case = selectors.case_page_for(request.user, pk)
    party = case.parties.filter(pk=party_id).first()
    if party is None:
        raise NotFound(_("当事人不存在或您无权查看。"), code="PARTY_NOT_FOUND")
    initial = {name: getattr(party, name) for name in PartyForm.base_fields}
    form = PartyForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.party_update(actor=request.user, case_id=case.pk, party_id=party.pk, **form.cleaned_data)
        except FORM_REFUSALS as exc:
            error = exc
        else:
            messages.success(request, _("当事人已修改。"))
            return redirect("cases:detail", pk=case.pk)
    status = (error.status if error else 400) if request.method == "POST" else 200
    return render(
        request,
        "cases/party_edit.html",
        {"case": case, "party": party, "form": form, "error": error},
        status=status,
    )


@login_required
def party_remove(request, pk: int, party_id: int):
    """删除当事人 (POST) while the case is a lead."""
    case = selectors.case_page_for(request.user, pk)
    if request.method != "POST":
        return redirect("cases:detail", pk=case.pk)
    try:
        services.party_remove(actor=request.user, case_id=case.pk, party_id=party_id)
    except FORM_REFUSALS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("当事人已删除。"))
    return redirect("cases:detail", pk=case.pk)


# ----------------------------------------------------------------------------- case page and actions


def _approval_rows(case) -> list[dict[str, Any]]:
    rows = []
    for a in case.approvals.all():
        steps = []
        for s in a.steps.all():
            role = a.levels[s.level] if s.level < len(a.levels) else ""  # the level the step acted at
            steps.append(
                {
                    "step": s,
                    "role": Role(role).label if role in Role.values else role,
                    "decision": DECISION_LABELS.get(s.decision, s.decision),
                }
            )
        current = a.levels[a.level] if a.status == Approval.Status.PENDING else ""
        rows.append(
            {
                "approval": a,
                "label": workflow.APPROVAL_LABELS.get(a.action, a.action),
                "levels": [Role(r).label if r in Role.values else r for r in a.levels],
                "current": Role(current).label if current in Role.values else "",
                "steps": steps,
            }
        )
    return rows


def _form_ctx(case, user) -> dict[str, Any]:
    return {
        "today": timezone.localdate(),
        "staff": selectors.staff_accounts_for(user, [case.agency_id]),
        "officers": selectors.officer_choices_for_case(user, case, on=timezone.localdate()),
        "evidence": [(e.pk, f"{e.get_kind_display()}：{e.title}") for e in case.evidence.all()],
        "measures": [
            (m.pk, f"{m.get_kind_display()} #{m.pk}（{m.get_status_display()}）") for m in case.measures.all()
        ],
        "recusals": [
            (r.pk, f"{r.account}（{r.get_role_display()}）：{r.reason[:30]}")
            for r in case.recusals.filter(status="pending").select_related("account")
        ],
        "assistances": [
            (a.pk, f"{a.to_agency}：{a.request[:30]}")
            for a in case.assistance_requests.filter(replied_on__isnull=True).select_related("to_agency")
        ],
        "agencies": list(agency_list_for(user).exclude(pk=case.agency_id).values_list("pk", "name")),
        "exclusion_kinds": [
            (k, k)
            for k in profile_value(case.agency, "decision.limit_excluded_periods", on=timezone.localdate())
            or ()
        ],
    }


def _input_types(action: str, kind: str) -> list[type]:
    if kind == "approval":
        return [inputs.APPROVAL_INPUTS[action]]
    t = workflow.transition_for(action)
    return [t.input, *(tp for _app, tp in hooks.extra_input_types(action))]


def _action_form(action: str, kind: str, case, user, ctx, data=None, initial=None) -> ActionForm:
    return ActionForm(
        data,
        action=action,
        input_types=_input_types(action, kind),
        ctx=ctx,
        auto_id=f"id_{action}_%s",
        initial=initial or {},
    )


def _aids(action: str, case, ctx, approval_id: int | None) -> dict[str, Any]:
    """What a form carries beside its fields: the 审批表 of the approval an approver approves,
    the 裁量基准 beside the 拟处理意见, and the form's starting values (approval_sheet)."""
    out: dict[str, Any] = {"sheet": None, "benchmark": None}
    if action == "approve":
        pending = selectors.pending_approvals(case)
        approval = next((a for a in pending if a.pk == approval_id), None) or (
            pending[0] if len(pending) == 1 else None
        )
        if approval is not None:
            out["sheet"] = approval_sheet.sheet(case, approval, ctx)
    if action == "proposal_submit":
        out["benchmark"] = approval_sheet.benchmark(case, on=ctx["today"])
    out["initial"] = approval_sheet.initial(action, case, benchmark_table=out["benchmark"])
    return out


def _pending_level(case, approval_id: int | None = None) -> int | None:
    pending = selectors.pending_approvals(case)
    approval = next((a for a in pending if a.pk == approval_id), None) if approval_id else None
    approval = approval or (pending[0] if len(pending) == 1 else None)
    return approval.level if approval else None


def _dom_id(action: str, side_approval_id: int | None) -> str:
    """The form's element id: a side approval's forms carry its id (several may be pending)."""
    return f"act-{action}-{side_approval_id}" if side_approval_id else f"act-{action}"


def _is_side(case, approval_id: int | None) -> bool:
    return any(
        a.pk == approval_id and a.action in workflow.SIDE_APPROVALS for a in selectors.pending_approvals(case)
    )


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _action_entries(case, user) -> list[dict[str, Any]]:
    ctx = _form_ctx(case, user)
    out = []
    skip = page_steps.inapplicable(case, user)
    for a in selectors.actions_for(user, case):
        if a.action in skip:
            continue
        t = workflow.transition_for(a.action) if a.kind == "transition" else None
        aids = _aids(a.action, case, ctx, a.approval_id)
        out.append(
            {
                "action": a.action,
                "label": a.label,
                "kind": a.kind,
                "rule": t.rule if t else "",
                "form": _action_form(a.action, a.kind, case, user, ctx, initial=aids["initial"]),
                "sheet": aids["sheet"],
                "benchmark": aids["benchmark"],
                "expected_level": a.level,
                "approval_id": a.approval_id,
                "dom_id": _dom_id(a.action, a.approval_id if a.chain in workflow.SIDE_APPROVALS else None),
                "confirm": page_steps.IRREVERSIBLE.get(a.action, ""),
            }
        )
    return out


def _body_ctx(request, case) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    events = [
        {
            "event": e,
            "label": _event_label(e.action),
            "from": _state_label(e.from_state) if e.from_state else "",
            "to": _state_label(e.to_state) if e.to_state else "",
        }
        for e in case.events.all()
    ]
    deadlines = [
        {
            "d": d,
            "overdue": d.active and d.due_on is not None and d.due_on < today,
            # a met deadline shows no warning, even if it was counted provisionally
            "provisional": d.pending_reason if d.active and d.provisional else "",
        }
        for d in case.deadlines.all()
    ]
    can_handle = user_has_perm(user, Perm.CASE_HANDLE, case.agency)
    state = case.state
    if state == State.INVESTIGATING and case.evidence.exists():
        state = "investigating_with_evidence"
    primary, others = page_steps.split(_action_entries(case, user), state)
    return {
        "case": case,
        "state_label": _state_label(case.state),
        "events": events,
        "deadlines": deadlines,
        "approvals": _approval_rows(case),
        "actions": others,
        "primary": primary,
        "stepbar": page_steps.stepbar(case, today=today),
        "measures": list(case.measures.all()),
        "can_add_party": can_handle and case.state not in workflow.TERMINAL_FOR_PARTIES,
        "can_edit_lead": can_handle and case.state == State.LEAD,
        "lead_form": _lead_form(request, case) if can_handle and case.state == State.LEAD else None,
        "party_form": PartyForm(initial={"kind": "organisation"}, auto_id="id_party_%s"),
        "today": today,
        "failing": outbox.failing_for(case.pk),
        # what capabilities (legal review …) show on the case: cases.extensions
        "panels": extensions.panels_for(request, case),
    }


@login_required
def case_detail(request, pk: int):
    case = selectors.case_page_for(request.user, pk)
    return render(request, "cases/detail.html", _body_ctx(request, case))


def _success(request, case_id: int, message: str):
    """After a write: with htmx on the case page, swap the whole case body in place; else (no
    JavaScript, or the form's own page — 登记当事人, 修改线索, an action's page — which has no case
    body to swap) go to the case page, the message shown there."""
    if _on_case_page(request, case_id):
        case = selectors.case_page_for(request.user, case_id)
        ctx = _body_ctx(request, case) | {"flash": message}
        response = render(request, "cases/_body.html", ctx)
        response["HX-Retarget"] = "#case-body"
        response["HX-Reswap"] = "outerHTML"
        return response
    messages.success(request, message)
    if request.htmx:  # htmx follows a redirect inside the request: have the browser go there
        return HttpResponseClientRedirect(reverse("cases:detail", args=[case_id]))
    return redirect("cases:detail", pk=case_id)


def _fix_page(request, case_id: int, action: str) -> str:
    """Where a refusal's fix link (``core.refusals``: an anchor of the case page) leads from this
    action's form: "" on the case page itself (the anchor is there); from the action's own page
    (no JavaScript, or a bookmarked address) the case page, naming the refused step (``step``:
    the upload form of G118-8 chooses it)."""
    if _on_case_page(request, case_id):
        return ""
    return f"{reverse('cases:detail', args=[case_id])}?{urlencode({'step': action})}"


def _on_case_page(request, case_id: int) -> bool:
    """Whether the request is htmx's from the case page itself (htmx names the page it is on:
    HX-Current-URL; without it, the case page, as before)."""
    detail = reverse("cases:detail", args=[case_id])
    return bool(request.htmx) and urlsplit(request.htmx.current_url or detail).path == detail


@login_required
def case_act(request, pk: int, action: str):
    """One action on a case: GET shows its form alone, POST calls the service."""
    user = request.user
    case = selectors.case_page_for(user, pk)
    if action in inputs.APPROVAL_INPUTS:
        kind, label = "approval", DECISION_LABELS[action]
    else:
        t = workflow.transition_for(action)
        if t is None:
            raise NotFound(_("没有这项办案操作。"), code="CASE_ACTION_UNKNOWN")
        kind, label = "transition", t.label
    available = {a.action for a in selectors.actions_for(user, case)}
    if request.method != "POST" and action not in available:
        raise PermissionDenied(_("您当前不能对该案件办理此项操作。"), code="CASE_ACTION_UNAVAILABLE")
    # an approval action names its approval when the case has several pending (extension, measure)
    approval_id = _int_or_none(request.POST.get("approval_id") or request.GET.get("approval_id"))
    ctx = _form_ctx(case, user)
    aids = _aids(action, case, ctx, approval_id)
    form = _action_form(
        action, kind, case, user, ctx, request.POST if request.method == "POST" else None, aids["initial"]
    )
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        try:
            if kind == "approval":
                services.approval_act(
                    actor=user,
                    case_id=case.pk,
                    decision=action,
                    reasons=data.get("reasons", ""),
                    to=data.get("to", "handler"),
                    assignee_id=data.get("assignee_id"),
                    expected_level=_int_or_none(request.POST.get("expected_level")),
                    approval_id=approval_id,
                )
            else:
                services.case_transition(actor=user, case_id=case.pk, action=action, data=data)
        except FORM_REFUSALS as exc:
            error = exc
        else:
            return _success(request, case.pk, _("已办理：%(label)s") % {"label": label})
    status = (error.status if error else 400) if request.method == "POST" else 200
    t = workflow.transition_for(action) if kind == "transition" else None
    entry = {
        "action": action,
        "label": label,
        "kind": kind,
        "rule": t.rule if t else "",
        "form": form,
        "expected_level": request.POST.get("expected_level") or _pending_level(case, approval_id),
        "approval_id": approval_id,
        "dom_id": _dom_id(action, approval_id if _is_side(case, approval_id) else None),
        "error": error,
        "open": True,
        "sheet": aids["sheet"],
        "benchmark": aids["benchmark"],
        "confirm": page_steps.IRREVERSIBLE.get(action, ""),
        "fix_page": _fix_page(request, case.pk, action),
    }
    if request.htmx:
        return render(request, "cases/_action.html", {"case": case, "a": entry}, status=status)
    return render(
        request,
        "cases/action.html",
        {"case": case, "a": entry, "state_label": _state_label(case.state)},
        status=status,
    )


# ----------------------------------------------------------------------------- 移送受理


@login_required
def transfers_received(request):
    """Matters other agencies transferred to the user's agencies; an officer accepts one as a lead."""
    _need_view(request.user)
    error = None
    if request.method == "POST":
        try:
            lead = services.transfer_accept(
                actor=request.user, transfer_id=int(request.POST.get("transfer_id", 0))
            )
        except (ValidationFailed, Conflict) as exc:
            error = exc
        else:
            messages.success(request, _("已受理移送，登记为本机关线索。"))
            return redirect("cases:detail", pk=lead.pk)
    rows = selectors.transfers_received_for(request.user).order_by("accepted_on", "-id")[:200]
    return render(
        request,
        "cases/transfers.html",
        {"rows": rows, "error": error, "can_handle": user_has_perm(request.user, Perm.CASE_HANDLE)},
        status=error.status if error else 200,
    )
