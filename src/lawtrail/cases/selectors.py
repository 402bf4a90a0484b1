"""Reads of cases, each scoped to what the actor may see (Perm.CASE_VIEW over agencies)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Count,
    F,
    Func,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Window,
    prefetch_related_objects,
)
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from lawtrail.core.errors import NotFound, ValidationFailed
from lawtrail.core.permissions import Perm
from lawtrail.core.precompiled import ByIds, Precompiled
from lawtrail.registry.models import Agency, Credential, Division, Domain, Staff
from lawtrail.registry.selectors import (
    agencies_in_scope,
    agency_ids_granted,
    agency_roles,
    in_agencies_of,
    roles_at,
    user_has_perm,
)

from . import extensions, page_steps, workflow
from .models import (
    FINAL_STATES,
    Approval,
    ApprovalChain,
    Assistance,
    Case,
    CaseEvent,
    CaseText,
    Deadline,
    Measure,
    Party,
    Recusal,
    State,
    TodoCase,
    Transfer,
    state_label,
)

ACTIVE_STATES = [s for s in State if s not in FINAL_STATES and s != State.CLOSED]


def cases_in_scope(actor: Any) -> QuerySet[Case]:
    """Every case the actor may read: cases of the agencies they hold CASE_VIEW for (their
    ids, from the cached grants, when the grants name agencies: ``in_agencies_of``)."""
    return Case.objects.filter(in_agencies_of(actor, Perm.CASE_VIEW))


#: What a 待办 row shows of its case: loading only these keeps 200-row lists cheap (Case has ~50 columns).
TASK_CASE_FIELDS = (
    "id",
    "number",
    "title",
    "next_due",
    "agency__name",
    "domain__code",
    "domain__name",
    *page_steps.TASK_FIELDS,
)


def _task_cases(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("agency", "domain").only(*TASK_CASE_FIELDS)


_TASK_COLS = [f for f in TASK_CASE_FIELDS if "__" not in f]


def _task_case_values(qs: QuerySet[Case]) -> QuerySet:
    return qs.values(*_TASK_COLS, "agency_id", "domain_id", "agency__name", "domain__code", "domain__name")


#: the 待办 page's own cases by their ids (compiled once per thread and size class)
_PAGE_CASES: ByIds = ByIds(lambda ids: _task_case_values(Case.objects.filter(pk__in=ids)))


def _task_cases_from(rows: Any, db: str) -> list[Case]:
    """The cases of rows of ``_task_case_values``, loaded with the task fields (the others
    deferred, read on access as with ``only()``) and their agency and domain cached — made
    without ``Model.__init__``: a 待办 of 200 cases built 600 instances of models with up to ~60
    fields each, which cost more than its queries (issue 14)."""
    cols = _TASK_COLS
    agencies: dict[int, Agency] = {}
    domains: dict[int, Domain] = {}
    out = []
    for row in rows:
        agency = agencies.get(row["agency_id"])
        if agency is None:
            agency = agencies[row["agency_id"]] = _loaded(
                Agency, db, {"id": row["agency_id"], "name": row["agency__name"]}
            )
        domain = domains.get(row["domain_id"])
        if domain is None:
            domain = domains[row["domain_id"]] = _loaded(
                Domain,
                db,
                {"id": row["domain_id"], "code": row["domain__code"], "name": row["domain__name"]},
            )
        case = _loaded(Case, db, {k: row[k] for k in (*cols, "agency_id", "domain_id")})
        case._state.fields_cache.update(agency=agency, domain=domain)
        out.append(case)
    return out


def _loaded(model: type, db: str, values: dict[str, Any]) -> Any:
    """An instance of ``model`` as the database gave it, with just ``values`` loaded: what
    ``Model.from_db`` makes for a ``only()`` query, without the per-field ``__init__`` (the
    models read here have no ``pre_init``/``post_init`` receivers)."""
    obj = model.__new__(model)
    obj.__dict__.update(values)
    obj._state = ModelState()
    obj._state.adding = False
    obj._state.db = db
    return obj


def _task_via_case(qs: QuerySet, *extra: str) -> QuerySet:
    """A queryset of rows pointing to a case (approvals, measures …), with just the task fields."""
    return qs.select_related("case__agency", "case__domain").only(
        *extra, *(f"case__{f}" for f in TASK_CASE_FIELDS)
    )


def _with_next_due(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The case's soonest running deadline is the stored ``Case.next_due`` (kept by
    ``deadlines.refresh_next_due``): a column, not a subquery per case."""
    return qs


def case_list_for(
    actor: Any,
    *,
    state: str | None = None,
    domain: str | None = None,
    officer: int | None = None,
    overdue: bool | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str | None = None,
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """The case list with its filters (status, domain, officer, overdue, lead date, text)."""
    q = "".join(ch for ch in (q or "") if ch.isprintable()).strip()
    return _case_list(
        cases_in_scope(actor),
        state=state,
        domain_ids=_domain_ids(domain) if domain else None,
        officer=officer,
        date_from=date_from,
        date_to=date_to,
        text_ids=_search_ids(q, agencies_in_scope(actor, Perm.CASE_VIEW).values("pk")) if q else None,
        overdue=overdue,
        day=today or timezone.localdate(),
    )


def _case_list(
    qs: QuerySet[Case],
    *,
    state: str | None,
    domain_ids: list[int] | None,
    officer: int | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    text_ids: QuerySet | None,
    overdue: bool | None,
    day: dt.date,
    domain_code: Any = None,
) -> QuerySet[Case]:
    """``case_list_for``'s filters on the cases in scope ``qs`` (also built with placeholders by
    ``case_list_shape``: one definition of what each filter means)."""
    if state:
        qs = qs.filter(state=state)
    if domain_ids is not None:
        # the domain's id, not a join on its code: PostgreSQL then estimates the filter with the
        # column's statistics (with the join it misjudged a common domain as rare and read every
        # case of the agency's state to sort them, instead of walking the (agency, state, -id) index)
        qs = qs.filter(domain_id__in=domain_ids)
    if domain_code is not None:
        # the same as a value for a statement compiled once: ``= (SELECT id …)`` is an InitPlan, a
        # value to PostgreSQL's plan (not a join it would estimate), and costs no query of its own
        qs = qs.filter(domain_id=Subquery(Domain.objects.order_by().filter(code=domain_code).values("pk")))
    if officer:
        qs = qs.filter(Q(handler_id=officer) | Q(officers__id=officer)).distinct()
    if date_from:
        qs = qs.filter(lead_on__gte=date_from)
    if date_to:
        qs = qs.filter(lead_on__lte=date_to)
    if text_ids is not None:
        qs = qs.filter(pk__in=text_ids)
    if overdue is not None:
        # overdue: a running deadline is past — the soonest one (Case.next_due) is
        qs = (
            qs.filter(next_due__lt=day)
            if overdue
            else qs.filter(Q(next_due__isnull=True) | Q(next_due__gte=day))
        )
    return _with_next_due(qs).select_related("agency", "domain", "handler").order_by("-id")


_DOMAIN_IDS: Precompiled[Domain] = Precompiled(
    lambda code: Domain.objects.filter(code=code).values_list("pk", flat=True)
)


def _domain_ids(code: str) -> list[int]:
    return _DOMAIN_IDS.all(code)


#: stand-ins while a list shape is compiled (``case_list_shape``): dates of no real case
_DATE_STANDINS = (dt.date(1001, 2, 3), dt.date(1002, 3, 4), dt.date(1003, 4, 5))


@dataclass(frozen=True)
class CaseListShape:
    """What the SQL of a case list depends on besides its values: how many agencies the scope
    names, which filters are set. Lists of one shape differ only in
    their values, so their queries are compiled once per thread (``compact.CaseListValues``)."""

    agencies: int
    state: bool
    domain: bool
    overdue: bool | None
    date_from: bool
    date_to: bool

    def placeholders(self) -> list[Any]:
        """Stand-ins for ``build``'s values, in its order (integers, the state, dates)."""
        ints = iter(range(-7_310_019_000, -7_310_020_000, -1))
        out: list[Any] = [next(ints) for _ in range(self.agencies)]
        out += [next(ints)] if self.state else []
        out += [next(ints)] if self.domain else []
        out += [_DATE_STANDINS[0]] if self.overdue is not None else []
        out += [_DATE_STANDINS[1]] if self.date_from else []
        out += [_DATE_STANDINS[2]] if self.date_to else []
        return out

    def build(self, *values: Any) -> QuerySet[Case]:
        """``case_list_for`` for ``values`` (as ``case_list_shape`` gives them)."""
        it = iter(values)
        agencies = [next(it) for _ in range(self.agencies)]
        state = next(it) if self.state else None
        domain_code = next(it) if self.domain else None
        day = next(it) if self.overdue is not None else dt.date.min
        date_from = next(it) if self.date_from else None
        date_to = next(it) if self.date_to else None
        return _case_list(
            Case.objects.filter(agency_id__in=agencies),
            state=state,
            domain_ids=None,
            domain_code=domain_code,
            officer=None,
            date_from=date_from,
            date_to=date_to,
            text_ids=None,
            overdue=self.overdue,
            day=day,
        )


def case_list_shape(
    actor: Any,
    *,
    state: str | None = None,
    domain: str | None = None,
    officer: int | None = None,
    overdue: bool | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str | None = None,
    today: dt.date | None = None,
) -> tuple[CaseListShape, list[Any]] | None:
    """``case_list_for(actor, **filters)`` as a shape and its values — ``shape.build(*values)``
    is the same list — or None when the list is not one of these shapes (a text search, an
    officer, a scope of divisions or every agency: ``case_list_for`` then). No query."""
    q = "".join(ch for ch in (q or "") if ch.isprintable()).strip()
    agencies = agency_ids_granted(actor, Perm.CASE_VIEW)
    if q or officer or not agencies:
        return None
    shape = CaseListShape(
        agencies=len(agencies),
        state=bool(state),
        domain=bool(domain),
        overdue=overdue,
        date_from=bool(date_from),
        date_to=bool(date_to),
    )
    values: list[Any] = [*agencies, *([state] if state else []), *([domain] if domain else [])]
    values += [today or timezone.localdate()] if overdue is not None else []
    values += [date_from] if date_from else []
    values += [date_to] if date_to else []
    return shape, values


def _search_ids(q: str, agencies: QuerySet, *, grams: bool = True) -> QuerySet:
    """Ids of the cases of ``agencies`` whose number, title, facts or decision number, or one of
    whose parties' names, contains ``q`` (a substring, as LIKE '%q%').

    One UNION (cases' texts | parties), each side already narrowed to the user's agencies. The
    cases' side reads ``CaseText``, the copy of the searched texts kept by triggers (migration
    0019), where the keyword indexes are. On PostgreSQL a q of 3+ characters is a trigram GIN
    index scan (migration 0013); a q of 1–2 characters — no trigram in it — is a lookup in the
    unigram + bigram GIN indexes (migration 0014: ``grams @> ARRAY[q]`` is exactly the substring
    test for so short a q). SQLite scans within the user's agencies. (``grams=False``: the LIKE
    scan, for bench/cases_pages.py.)
    """
    text = CaseText.objects.order_by().filter(agency_id__in=agencies)
    named = Party.objects.order_by().filter(case__agency__in=agencies)
    if grams and len(q) <= 2 and connection.vendor == "postgresql":
        array = ArrayField(TextField())
        cols = (F("number"), F("title"), F("facts"), F("decision_number"))
        text = text.alias(grams=Func(*cols, function="lawtrail_case_grams", output_field=array))
        text = text.filter(grams__contains=[q])
        named = named.alias(grams=Func(F("name"), function="lawtrail_grams", output_field=array))
        named = named.filter(grams__contains=[q])
    else:
        text = text.filter(
            Q(number__contains=q)
            | Q(title__contains=q)
            | Q(facts__contains=q)
            | Q(decision_number__contains=q)
        )
        named = named.filter(name__contains=q)
    return text.values("case_id").union(named.values("case_id"))


def case_get_for(actor: Any, case_id: int) -> Case:
    case = (
        cases_in_scope(actor)
        .select_related("agency__division", "domain", "region", "handler")
        .prefetch_related(
            "parties",
            "officers",
            "violations__violation",
            "evidence__collected_by",
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor").order_by("id")),
            Prefetch("deadlines", queryset=Deadline.objects.order_by("-active", "due_on", "id")),
            Prefetch("approvals", queryset=Approval.objects.prefetch_related("steps__actor").order_by("id")),
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("案件不存在或您无权查看。"), code="CASE_NOT_FOUND")
    return case


def pending_approvals(case: Case) -> list[Approval]:
    """The case's pending approvals (its own, and extensions or measures beside it), oldest first."""
    loaded = getattr(case, "_pending_approvals", None)  # read already (compact.case_detail)
    if loaded is not None:
        return loaded
    return sorted(
        (a for a in case.approvals.all() if a.status == Approval.Status.PENDING), key=lambda a: a.pk
    )


def pending_approval(case: Case) -> Approval | None:
    return next(iter(pending_approvals(case)), None)


@dataclass
class AvailableAction:
    action: str
    label: str
    fields: tuple[str, ...]
    kind: str = "transition"  # or "approval"
    approval_id: int | None = None  # the approval an "approval" action acts on
    level: int | None = None  # its current level (sent back as expected_level)
    chain: str = ""  # the approval's action (filing … extension, measure)


def actions_for(actor: Any, case: Case) -> list[AvailableAction]:
    """What the actor may try on the case now (guards are checked when they try). While the case's
    own approval (filing, proposal, decision) runs only approval actions are offered; an extension
    or a measure approval runs beside the case and leaves its other steps open."""
    out: list[AvailableAction] = []
    pending = pending_approvals(case)
    roles = roles_at(actor, case.agency_id) if pending else set()
    for approval in pending:
        role = approval.levels[approval.level]
        side = approval.action in workflow.SIDE_APPROVALS
        what = f"（{workflow.APPROVAL_LABELS[approval.action]}）" if side else ""
        if approval.measure_id:
            what = f"（{workflow.APPROVAL_LABELS[approval.action]} #{approval.measure_id}）"

        def act(name: str, label: str, fields: tuple[str, ...], a=approval, what=what) -> AvailableAction:
            return AvailableAction(name, f"{label}{what}", fields, "approval", a.pk, a.level, a.action)

        if (
            role in roles
            and actor.pk != approval.submitted_by_id
            and approval.assignee_id in (None, actor.pk)
        ):
            out += [
                act("approve", _("批准"), ("reasons",)),
                act("send_back", _("退回"), ("reasons", "to")),
                act("reassign", _("改派"), ("assignee_id",)),
            ]
        if actor.pk == approval.submitted_by_id and not _has_steps(approval):
            out.append(act("withdraw", _("取回"), ()))
    if any(a.action in workflow.BLOCKING_APPROVALS for a in pending):
        return out
    for t in workflow.actions_from(case.state):
        if user_has_perm(actor, t.perm, case.agency):
            out.append(AvailableAction(t.action, t.label, t.fields))
    return out


def _has_steps(approval: Approval) -> bool:
    counted = getattr(approval, "_step_count", None)  # counted already (compact.case_detail)
    return approval.steps.exists() if counted is None else counted > 0


@dataclass
class Task:
    case: Case
    what: str
    due_on: dt.date | None
    url: str = ""  # where to do it, when not on the case page (a capability's task)


#: An approval waiting for the actor, named as the task ("审批立案"), not as the chain.
APPROVAL_TASKS = {
    "filing": _lazy("审批立案"),
    "proposal": _lazy("审批处理意见"),
    "decision": _lazy("审批处罚决定"),
    "extension": _lazy("审批延长办案期限"),
    "measure": _lazy("审批强制措施"),
}


def _head_tasks(actor: Any, scope: QuerySet[Case], agencies: list[int], limit: int) -> list[Task]:
    """What waits for the agency head (主要负责人) outside the approval chains: recusals to decide
    (APL-43). Measures (ACL-17/18, ACL-19) and extensions (APL-60) are approvals: they reach the
    head through ``Approval.current_role`` like every chain, at the head's level only."""

    if not agencies:
        return []
    mine = scope.filter(agency_id__in=agencies)
    out: list[Task] = []
    recusals = (
        Recusal.objects.filter(case__in=mine, status=Recusal.Status.PENDING)
        .exclude(account=actor)
        .select_related("case__agency", "case__domain")[:limit]
    )
    out += [Task(r.case, _("决定回避"), None) for r in recusals]
    return out


#: 待办 a page: the API's default page size and the HTML page's
TODO_PAGE_SIZE = 50
#: the largest page size the API takes, and how deep pages go (page × size)
TODO_MAX_PAGE_SIZE = 200
TODO_MAX_DEPTH = 10_000


@dataclass
class TodoPage:
    count: int  # every task of the person, all sources
    tasks: list[Task]  # the page's, soonest deadline first


def _counted(rows: list[Any], take: int, count: Any) -> int:
    """How many a source holds: its rows when fewer than ``take`` came (they are all of them),
    else ``count()`` (one more query, only for a person with a page's worth of them)."""
    return len(rows) if len(rows) < take else count()


_WAITING = [State.FILING, State.PROPOSING, State.DECIDING, State.REVIEWING]
#: the states in which a case's next step is its handler's (not waiting for an approver)
_WORKING = [s for s in ACTIVE_STATES if s not in _WAITING]


def _mine(scope: QuerySet[Case], handler_id: int, officer_id: int) -> QuerySet[Case]:
    co_handled = Case.officers.through.objects.filter(user_id=officer_id).values("case_id")
    return scope.filter(Q(handler_id=handler_id) | Q(pk__in=co_handled))


def _own_first(agencies: Q, user_id: int, take: int) -> QuerySet:
    """(case id, next_due, count of all) of the first ``take`` open cases ``user_id`` handles (as
    handler or co-officer) in ``agencies`` (a filter on ``agency_id``): their ``TodoCase`` rows,
    read in 待办's order from the person's own index (one index-only scan of their rows)."""
    return (
        TodoCase.objects.filter(agencies, user_id=user_id)
        .order_by(F("next_due").asc(nulls_last=True), "-case_id")
        .annotate(_total=Window(Count("case_id")))  # a column of the index: no heap read
        .values_list("case_id", "next_due", "_total")[:take]
    )


def _own_agencies(actor: Any, shape: tuple | None) -> Q:
    """``cases_in_scope(actor)``'s filter as one on a row's ``agency_id``: the agencies' ids, or
    nothing (every agency), or — ``shape`` None — a division grant's agencies as a subquery."""
    if shape is None:
        return Q(agency_id__in=agencies_in_scope(actor, Perm.CASE_VIEW).values("pk"))
    return Q(agency_id__in=list(shape[1])) if shape[0] == "ids" else Q()


def _held(scope: QuerySet[Case], u1: int, u2: int) -> QuerySet[Measure]:
    """Measures still taken on ended cases ``u1``/``u2`` handle, soonest period end first."""
    return (
        Measure.objects.filter(
            case__in=_mine(scope, u1, u2).exclude(state__in=_WORKING), status=Measure.Status.TAKEN
        )
        .exclude(case__state__in=_WAITING)
        .select_related("case__agency", "case__domain")
        .order_by("period_end", "id")
    )


def _waiting_for(approving: list[tuple[str, int]], assignee_id: int, submitter_id: int) -> QuerySet[Approval]:
    """Pending approvals at a level the person holds (``approving``: (role, agency) of their
    approver grants), unassigned or assigned to them, that they did not submit."""
    levels = Q(pk__in=[])
    for role, agency in approving:
        levels |= Q(current_role=role, case__agency_id=agency)
    return (
        Approval.objects.filter(levels, status=Approval.Status.PENDING)
        .filter(Q(assignee__isnull=True) | Q(assignee_id=assignee_id))
        .exclude(submitted_by_id=submitter_id)
    )


def _scope_shape(actor: Any) -> tuple | None:
    """What ``cases_in_scope(actor)``'s SQL depends on besides the actor: the agencies' ids, or
    everything; None for a division grant's subquery (not precompiled)."""
    q = in_agencies_of(actor, Perm.CASE_VIEW)
    if not q.children:
        return ("all",)
    if len(q.children) == 1 and isinstance(q.children[0], tuple) and q.children[0][0] == "agency_id__in":
        return ("ids", tuple(q.children[0][1]))
    return None


#: 待办's queries compiled once per thread for each shape (scope, page depth) they take
_SHAPES: dict[tuple, Precompiled] = {}


class _Plain:
    """A query run as built, each time (the shape is not one to keep: a division grant's scope)."""

    def __init__(self, build: Any) -> None:
        self._build = build

    def all(self, *values: Any) -> list[Any]:
        return list(self._build(*values))


def todo_query(actor: Any, key: tuple, build: Any) -> Precompiled | _Plain:
    """For a capability's 待办 source: ``build(handler_id, officer_id)`` (a query over
    ``cases_in_scope(actor)``, of the cases the actor handles) compiled once per thread for the
    shape of the actor's scope and ``key``; run it with ``.all(actor.pk, actor.pk)``."""
    return _shaped((key, _scope_shape(actor)), build)


def _shaped(key: tuple, build: Any) -> Precompiled | _Plain:
    if key[1] is None:
        return _Plain(build)
    found = _SHAPES.get(key)
    if found is None:
        if len(_SHAPES) >= 1024:  # many scopes × depths: start again rather than grow
            _SHAPES.clear()
        found = _SHAPES.setdefault(key, Precompiled(build))
    return found


def todo_for(actor: Any, *, today: dt.date | None = None, limit: int = 200) -> list[Task]:
    """待办's first ``limit`` tasks, soonest deadline first (``todo_page``'s first page)."""
    return todo_page(actor, page=1, size=limit, today=today).tasks


def todo_page(
    actor: Any, *, page: int = 1, size: int = TODO_PAGE_SIZE, today: dt.date | None = None
) -> TodoPage:
    """待办: the steps waiting for this person, soonest deadline first, ``size`` a page.

    - cases they handle (as handler or co-officer) that are active and not waiting for someone
      else, each named by its next task (``page_steps.task_names``: "送达催告书", not "已送达");
    - approvals waiting at a level they hold, in their agencies ("审批立案");
    - what capabilities give them (``extensions.todo_items``): legal review's rounds are the
      reviewer's queue itself (``review.selectors.review_queue_for``), so the two list the same.

    Every source gives its first ``page × size`` tasks in the same order; merged, the page is
    the last ``size`` of them — so page ``n`` costs ``n × size`` rows per source, not every task.
    The count is every source's: the own cases' counted in their query (an index-only count),
    the others' from their rows unless a page's worth came (then a ``count()``).
    """
    take = page * size
    day = today or timezone.localdate()
    # built when a source's query is (its SQL is compiled once per thread and scope shape)
    scope: Any = SimpleLazyObject(lambda: cases_in_scope(actor))
    tasks: list[Task] = []
    count = 0
    # the actor's own cases (as handler or co-officer, open, their step): the first ``take`` ids
    # with their due date and the count of all, from their ``TodoCase`` rows (kept by triggers:
    # one index-only scan of the person's rows, in order — was: every open case of their agency
    # filtered by handler and by the officers table), merged with the other sources; then only
    # the cases that land on the page are read
    shape = _scope_shape(actor)
    agencies = _own_agencies(actor, shape)
    first = _shaped(("own", shape, take), lambda u: _own_first(agencies, u, take)).all(actor.pk)
    count += first[0][2] if first else 0
    own_ids: set[int] = set()
    db = Case.objects.db
    for pk, due, _n in first:  # a stand-in case (its id), read below if on the page
        tasks.append(Task(_loaded(Case, db, {"id": pk}), "", due))
        own_ids.add(pk)
    # a case that ended with property still held (before ACL-28 was enforced at the end, or by a
    # legacy path): its handler releases it (APL-57, ACL-28)
    held = _shaped(("held", shape, take), lambda u1, u2: _held(scope, u1, u2)[:take]).all(actor.pk, actor.pk)
    count += _counted(held, take, lambda: _held(scope, actor.pk, actor.pk).count())
    tasks += [Task(m.case, _("解除强制措施（案件已终结）"), m.period_end) for m in held]
    grants = agency_roles(actor)
    approving = [
        (role, agency) for role, agency in grants if role in ("approver_1", "approver_2", "approver_3")
    ]
    if approving:  # (an officer has no approvals waiting: nothing to build)
        pending = _shaped(
            ("approvals", tuple(approving), take),
            lambda u1, u2: _task_via_case(
                _waiting_for(approving, u1, u2).select_related("measure"),
                "action",
                "measure__kind",
                "measure__approval_due_at",
            ).order_by("id")[:take],
        ).all(actor.pk, actor.pk)
        count += _counted(pending, take, _waiting_for(approving, actor.pk, actor.pk).count)
        for a in pending:
            what = str(APPROVAL_TASKS.get(a.action, workflow.APPROVAL_LABELS[a.action]))
            due = None
            if a.measure_id:  # ACL-19: an emergency measure's post-approval is due within 24 hours
                what = f"{what}：{a.measure.get_kind_display()}"
                if a.measure.approval_due_at:
                    due = timezone.localtime(a.measure.approval_due_at).date()
            tasks.append(Task(a.case, what, due))
        head = _head_tasks(actor, scope, [agency for role, agency in grants if role == "approver_3"], take)
        count += _counted(
            head,
            take,
            lambda: len(
                _head_tasks(actor, scope, [a for r, a in grants if r == "approver_3"], TODO_MAX_DEPTH)
            ),
        )
        tasks += head
    # what capabilities give this person to do about cases (extensions.todo_items)
    items = extensions.todo_from_capabilities(actor, scope, take)
    count += _counted(
        items, take, lambda: len(extensions.todo_from_capabilities(actor, scope, TODO_MAX_DEPTH))
    )
    tasks += [Task(i.case, i.what, i.due_on, i.url) for i in items]
    far = dt.date.max
    tasks.sort(key=lambda t: (t.due_on or far, -t.case.pk))
    # the first ``take`` of the merge are this page and the earlier ones
    shown = tasks[take - size : take]
    unnamed = [t for t in shown if not t.what and t.case.pk in own_ids]
    if unnamed:
        rows = _PAGE_CASES.all(sorted({t.case.pk for t in unnamed}))
        cases = {c.pk: c for c in _task_cases_from(rows, db)}
        names = page_steps.task_names(list(cases.values()), today=day)
        for t in unnamed:
            t.case = cases[t.case.pk]
            t.what = names[t.case.pk] or state_label(t.case.state)
    return TodoPage(count, shown)


# ----------------------------------------------------------------------------- pages


def case_page_for(actor: Any, case_id: int) -> Case:
    """The case page: ``case_get_for`` plus the legal basis of each violation item."""

    case = case_get_for(actor, case_id)
    prefetch_related_objects([case], "violations__violation__bases")
    return case


def pending_deadline_reasons(case_ids: list[int]) -> dict[int, str]:
    """Why a running deadline of these cases has no date yet (WD-1: a calendar year is missing).

    Callers pass ids of cases they already read through a scoped selector."""
    out: dict[int, str] = {}
    rows = Deadline.objects.filter(case_id__in=case_ids, active=True, due_on__isnull=True)
    for case_id, label, reason in rows.order_by("id").values_list("case_id", "label", "pending_reason"):
        out.setdefault(case_id, f"{label}：{reason}" if reason else label)
    return out


def handle_agencies_for(actor: Any) -> QuerySet:
    """Agencies in which the actor may register leads (Perm.CASE_HANDLE)."""
    return agencies_in_scope(actor, Perm.CASE_HANDLE).select_related("division").order_by("id")


def staff_accounts_for(actor: Any, agency_ids: list[int]) -> list[tuple[int, str]]:
    """(user id, name) of the active staff with a login account in agencies the actor may see cases of:
    the people a step may name (hearing host, attendees, assignee), by name, with their post."""

    visible = agencies_in_scope(actor, Perm.CASE_VIEW).filter(pk__in=agency_ids).values("pk")
    rows = (
        Staff.objects.filter(agency__in=visible, is_active=True, user__isnull=False)
        .order_by("name", "id")
        .values_list("user_id", "name", "posts")
    )
    return [(uid, f"{name}（{posts}）" if posts else name) for uid, name, posts in rows]


@dataclass(frozen=True)
class OfficerCandidate:
    """An officer who may be named on a case: active staff with a login account and at least one
    执法证 usable on the day (APL-42), with where each usable credential lets them act."""

    user_id: int
    name: str
    post: str
    team: bool  # same post (科室/队) as the handler: listed first
    credentials: tuple[
        tuple[int, str, str, dt.date, str], ...
    ]  # (domain id, code, region path, expires, number)

    def usable_for(self, domain_code: str, division_path: str) -> tuple[int, str, str, dt.date, str] | None:
        """The credential that covers a case in ``domain_code`` and the division ``division_path``."""
        for cred in self.credentials:
            if cred[1] == domain_code and cred[2] and division_path.startswith(cred[2]):
                return cred
        return None


def officer_candidates(
    actor: Any, agency_id: int, *, on: dt.date, handler: Any = None, exclude: tuple[int, ...] = ()
) -> list[OfficerCandidate]:
    """The officers of ``agency_id`` (one the actor may see cases of) holding a credential usable on
    ``on``: the people a picker offers as 承办/协办/实施人员. The handler's team (the same post)
    first, then by name."""
    if not agencies_in_scope(actor, Perm.CASE_VIEW).filter(pk=agency_id).exists():
        return []
    creds = (
        Credential.objects.filter(
            staff__agency_id=agency_id,
            staff__is_active=True,
            staff__user__isnull=False,
            status=Credential.Status.VALID,
            issued_on__lte=on,
            expires_on__gte=on,
        )
        .exclude(staff__user_id__in=exclude)
        .select_related("staff", "domain", "region")
        .order_by("staff__name", "staff_id", "expires_on")
    )
    handler_post = ""
    if handler is not None:
        handler_post = Staff.objects.filter(user=handler).values_list("posts", flat=True).first() or ""
    by_user: dict[int, dict[str, Any]] = {}
    for c in creds:
        row = by_user.setdefault(
            c.staff.user_id, {"name": c.staff.name, "post": c.staff.posts, "credentials": []}
        )
        row["credentials"].append((c.domain_id, c.domain.code, c.region.path, c.expires_on, c.number))
    out = [
        OfficerCandidate(
            user_id=uid,
            name=row["name"],
            post=row["post"],
            team=bool(handler_post) and row["post"] == handler_post,
            credentials=tuple(row["credentials"]),
        )
        for uid, row in by_user.items()
    ]
    return sorted(out, key=lambda o: (not o.team, o.name, o.user_id))


def officer_label(o: OfficerCandidate, cred: tuple[int, str, str, dt.date, str] | None) -> str:
    """What a picker shows of an officer: name, post and the credential that lets them act."""
    parts = [o.name]
    if o.post:
        parts.append(o.post)
    if cred is not None:
        parts.append(_("执法证有效至%(d)s") % {"d": cred[3].isoformat()})
    return " · ".join(parts)


def officer_choices_for_case(
    actor: Any, case: Case, *, on: dt.date
) -> list[tuple[str, list[tuple[int, str]]]]:
    """Grouped choices of officers whose credential is valid for ``case``'s domain and area on ``on``
    (APL-42): the handler's team, then the others."""
    team: list[tuple[int, str]] = []
    others: list[tuple[int, str]] = []
    for o in officer_candidates(actor, case.agency_id, on=on, handler=case.handler):
        cred = o.usable_for(case.domain.code, case.region.path)
        if cred is None:
            continue
        (team if o.team else others).append((o.user_id, officer_label(o, cred)))
    groups = []
    if team:
        groups.append((_("本组执法人员"), team))
    if others:
        groups.append((_("其他执法人员") if team else _("执法人员"), others))
    return groups


# ----------------------------------------------------------------------------- API look-ups


def case_refs_for(actor: Any, *, agency_id: int | None, domain: str, region: str) -> tuple[Any, Any, Any]:
    """(agency, domain, region) for a new lead. The agency is one the actor may see cases of
    (404 otherwise; whether they may register leads there is the service's check); without
    ``agency_id`` it is the agency the actor works in."""

    visible = agencies_in_scope(actor, Perm.CASE_VIEW).select_related("division")
    if agency_id is None:
        staff = Staff.objects.filter(user=actor, is_active=True).first()
        if staff is None:
            raise ValidationFailed(_("请指定办案机关。"), code="CASE_AGENCY_REQUIRED")
        agency_id = staff.agency_id
    agency = visible.filter(pk=agency_id).first()
    if agency is None:
        raise NotFound(_("执法主体不存在或您无权查看。"), code="AGENCY_NOT_FOUND")
    domain_row = Domain.objects.filter(code=domain).first()
    if domain_row is None:
        raise ValidationFailed(_("执法领域不存在。"), code="CASE_DOMAIN_UNKNOWN", details={"field": "domain"})
    region_row = Division.objects.filter(code=region).first()
    if region_row is None:
        raise ValidationFailed(_("行政区划不存在。"), code="CASE_REGION_UNKNOWN", details={"field": "region"})
    return agency, domain_row, region_row


def case_agency_for(actor: Any, agency_id: int) -> Any:
    """An agency whose cases the actor may see (404 otherwise): for its approval chains."""
    agency = agencies_in_scope(actor, Perm.CASE_VIEW).select_related("division").filter(pk=agency_id).first()
    if agency is None:
        raise NotFound(_("执法主体不存在或您无权查看。"), code="AGENCY_NOT_FOUND")
    return agency


def approval_chains_for(actor: Any, agency_id: int) -> list[dict[str, Any]]:
    """The agency's approval chain for each approval action (the default where none is set)."""

    agency = case_agency_for(actor, agency_id)
    configured = dict(ApprovalChain.objects.filter(agency=agency).values_list("action", "levels"))
    return [
        {
            "action": action,
            "label": workflow.APPROVAL_LABELS.get(action, action),
            "levels": list(configured.get(action) or default),
            "configured": action in configured,
        }
        for action, default in workflow.DEFAULT_CHAINS.items()
    ]


def assistance_for(actor: Any) -> QuerySet:
    """协查: the requests sent to the agencies the actor may see (they do not see the case itself,
    only the request: case number, title, what is asked). Reply with
    ``case_transition(action="assistance_reply", data={"assistance_id": ..., "reply": ...})``."""

    agencies = agencies_in_scope(actor, Perm.CASE_VIEW)
    return (
        Assistance.objects.filter(to_agency__in=agencies.values("pk"))
        .select_related("case__agency", "to_agency", "requested_by", "replied_by")
        .order_by("replied_on", "-id")
    )


def transfers_received_for(actor: Any) -> QuerySet:
    """移送: the cases other agencies transferred to the agencies the actor may see."""

    agencies = agencies_in_scope(actor, Perm.CASE_VIEW)
    return (
        Transfer.objects.filter(to_agency__in=agencies.values("pk"))
        .select_related("case__agency", "to_agency", "sent_by")
        .order_by("-id")
    )
