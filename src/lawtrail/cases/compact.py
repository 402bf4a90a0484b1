"""The three hot reads of the cases API — case list, case detail, 待办 — rendered without DRF's
per-field, per-object serializer machinery (issue 14: "a read API five times faster").

The response shapes are the serializers' (``serializers.CaseRowOut``, ``CaseDetailOut``,
``TodoOut``), which still document the API (OpenAPI); here the rows are read with ``values()``
(only the columns shown, no model instances) and each value is formatted by the very field
instance the serializer declares (``Field.to_representation``: dates, decimals, datetimes in the
API's time zone), so both give the same JSON — ``tests/cases/test_compact.py`` compares them.

Related rows the case has none of are not queried: the case's own query says which of its
relations have rows (``EXISTS`` on their foreign-key indexes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import ISO_8601
from rest_framework import serializers as drf
from rest_framework.settings import api_settings

from lawtrail.core.errors import NotFound
from lawtrail.core.models import User
from lawtrail.core.permissions import Perm
from lawtrail.core.precompiled import Precompiled
from lawtrail.registry.rules import age_on, id_number_mask
from lawtrail.registry.selectors import in_agencies_of

from . import extensions, selectors, serializers, workflow
from .models import (
    Approval,
    ApprovalStep,
    Case,
    CaseEvent,
    CaseViolation,
    Deadline,
    Evidence,
    Party,
    state_label,
)

Plan = list[tuple[str, str, Callable[[Any], Any]]]  # (output name, values() key, formatter)


def _plan(serializer_class: type[drf.Serializer], keys: dict[str, str] | None = None) -> Plan:
    """For each field of the serializer, in its order: the values() key it reads (its name unless
    ``keys`` says otherwise) and its formatter (the serializer field's own ``to_representation``)."""
    keys = keys or {}
    fields = serializer_class().fields
    return [(name, keys.get(name, name), _formatter(field)) for name, field in fields.items()]


def _formatter(field: drf.Field) -> Callable[[Any], Any]:
    # a related field is read here as its key (``values()``) or a name made already; a method
    # field as the value computed here
    if isinstance(field, (drf.RelatedField, drf.SerializerMethodField)):
        return _same
    # what these fields' to_representation does, without a Python call per value (a list page
    # formats ~800 values): CharField is str(value), IntegerField int(value), an ISO DateField
    # value.isoformat()
    if type(field) is drf.CharField:
        return str
    if type(field) is drf.IntegerField:
        return int
    if type(field) is drf.DateField and getattr(field, "format", api_settings.DATE_FORMAT) == ISO_8601:
        return _iso_date
    return field.to_representation


def _iso_date(value: Any) -> Any:
    return value if isinstance(value, str) else value.isoformat()


def _same(value: Any) -> Any:
    return value


def _render(plan: Plan, row: dict[str, Any]) -> dict[str, Any]:
    # as DRF: a None value is None, anything else goes through the field's to_representation
    return {name: (None if (v := row[key]) is None else fmt(v)) for name, key, fmt in plan}


def _person(display_name: str | None, username: str | None) -> str | None:
    """``str(user)`` (``User.__str__``) from two columns, None without a user."""
    if username is None:
        return None
    return display_name or username


# ----------------------------------------------------------------------------- case list


LIST_COLUMNS = (
    "id", "number", "title", "state", "procedure", "agency_id", "agency__name", "domain__code",
    "domain__name", "handler_id", "handler__display_name", "handler__username", "lead_on",
    "filed_on", "decided_on", "next_due",
)  # fmt: skip


@cache
def _list_plan() -> Plan:
    keys = {"agency": "agency_id", "domain": "domain__code", "handler": "handler_id"}
    keys |= {"agency_name": "agency__name", "domain_name": "domain__name"}
    return [p for p in _plan(serializers.CaseRowOut, keys) if p[0] not in ("state_label", "handler_name")]


class CaseListValues:
    """``selectors.case_list_for`` as the rows the list shows, for the paginator: a slice is the
    page's ``values()`` rows (then ``case_rows``), ``count()`` the number of cases in the list.

    The page's ids are chosen by the list's own filters on the cases alone, in a subquery
    (``id IN (SELECT id … ORDER BY id DESC LIMIT … OFFSET …)``), and only those cases are joined
    to their agency, domain and handler. With the joins and the filters in one query, PostgreSQL's
    generic plan for the prepared statement (chosen after five runs of it on a connection)
    estimated a filtered page at 16 rows and read, joined and sorted every match instead of
    walking the (agency, state, -id) index: 2,887 rows and ~5 ms for ``state=investigating&
    domain=market`` in the demo agency, against 0.3 ms (issue 14). On the cases alone the
    index's order is the query's, whatever the estimate.

    ``shape``: the list as ``selectors.case_list_shape`` gives it — then the count and the page
    are compiled to SQL once per thread per shape (``_shape_queries``) and run with the list's
    values; otherwise (a text search, an officer, a scope of divisions) built per request."""

    def __init__(self, qs: QuerySet[Case], shape: tuple[selectors.CaseListShape, list[Any]] | None = None):
        self._qs = qs
        self._shape = shape

    def count(self) -> int:
        if self._shape is None:
            return self._qs.count()  # on the cases alone (values() joins agency, domain, handler)
        shape, values = self._shape
        return sum(n for _agency, n in _shape_queries(shape)[0].all(*values))

    def __getitem__(self, page: slice) -> Iterable[dict[str, Any]]:
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("CaseListValues: a slice (a page) only")
        offset, stop = page.start or 0, page.stop
        if self._shape is None or stop is None:
            return _page(self._qs, page)
        shape, values = self._shape
        return _shape_queries(shape)[1].all(*values, offset, stop - offset)


def _page(qs: QuerySet[Case], page: slice) -> QuerySet:
    return Case.objects.filter(pk__in=qs.values("pk")[page]).order_by("-id").values(*LIST_COLUMNS)


#: stand-ins of a page's offset and limit while its SQL is compiled (written into it as numbers)
_OFFSET, _LIMIT = 7_310_019_771, 7_310_019_773
_SHAPES: dict[selectors.CaseListShape, tuple[Precompiled, Precompiled]] = {}


def _shape_queries(shape: selectors.CaseListShape) -> tuple[Precompiled, Precompiled]:
    """The count (per agency: summed, exact) and the page of a list shape, compiled once per
    thread. A shape is a handful of booleans and lengths: the entries are bounded."""
    queries = _SHAPES.get(shape)
    if queries is None:
        standins = shape.placeholders()
        count = Precompiled(
            lambda *v: shape.build(*v).order_by().values_list("agency_id").annotate(n=Count("*")),
            placeholders=standins,
        )
        page = Precompiled(
            lambda *v: _page(shape.build(*v[:-2]), slice(v[-2], v[-2] + v[-1])),
            placeholders=[*standins, _OFFSET, _LIMIT],
        )
        queries = _SHAPES[shape] = (count, page)
    return queries


def case_list_values(
    qs: QuerySet[Case], shape: tuple[selectors.CaseListShape, list[Any]] | None = None
) -> CaseListValues:
    """``selectors.case_list_for`` as the rows the list shows (paginate this, then ``case_rows``)."""
    return CaseListValues(qs, shape)


def case_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """What ``CaseRowOut(rows, many=True).data`` gives, from ``case_list_values`` rows."""
    plan = _list_plan()
    out = []
    for row in rows:
        d = _render(plan, row)
        # in CaseRowOut's order: state_label after state, handler_name after handler
        d = {
            **{k: d[k] for k in ("id", "number", "title", "state")},
            "state_label": state_label(row["state"]),
            **{k: d[k] for k in ("procedure", "agency", "agency_name", "domain", "domain_name", "handler")},
            "handler_name": _person(row["handler__display_name"], row["handler__username"]),
            **{k: d[k] for k in ("lead_on", "filed_on", "decided_on", "next_due")},
        }
        out.append(d)
    return out


# ----------------------------------------------------------------------------- 待办


def todo_rows(tasks: Iterable[selectors.Task]) -> list[dict[str, Any]]:
    """What ``TodoOut(tasks, many=True).data`` gives (the task's case is loaded with
    ``selectors.TASK_CASE_FIELDS`` only)."""
    out = []
    for t in tasks:
        c = t.case
        out.append(
            {
                "case": {
                    "id": c.pk,
                    "number": c.number,
                    "title": c.title,
                    "state": c.state,
                    "state_label": state_label(c.state),
                    "agency_name": c.agency.name,
                    "domain": c.domain.code,
                },
                "what": str(t.what),
                "due_on": t.due_on.isoformat() if t.due_on else None,
                "url": t.url,
            }
        )
    return out


# ----------------------------------------------------------------------------- case detail


@cache
def _detail_plans() -> dict[str, Plan]:
    return {
        "party": _plan(serializers.PartyOut),
        "evidence": _plan(serializers.EvidenceOut),
        "event": _plan(serializers.EventOut),
        "deadline": _plan(serializers.DeadlineOut),
        "approval": _plan(serializers.ApprovalOut),
        "step": _plan(serializers.ApprovalStepOut),
    }


#: CaseDetailOut's fields read from other tables or computed (the rest are the case's columns)
_DETAIL_COMPUTED = frozenset(
    {
        "state_label", "agency_name", "domain", "region", "handler_name", "officers", "parties",
        "violations", "evidence", "timeline", "deadlines", "approvals", "actions",
    }
)  # fmt: skip

#: relations queried only when the case has rows in them (an EXISTS in the case's query says so)
_MAYBE_EMPTY = {
    "violations": CaseViolation,
    "evidence": Evidence,
    "events": CaseEvent,
    "approvals": Approval,
}


@cache
def _case_plan() -> Plan:
    """The case's own columns of CaseDetailOut (the extension fields are added per request)."""
    fields = drf.ModelSerializer.get_fields(serializers.CaseDetailOut())  # without extension fields
    keys = {"agency": "agency_id", "handler": "handler_id"}
    return [
        (name, keys.get(name, name), _formatter(field))
        for name, field in fields.items()
        if name not in _DETAIL_COMPUTED
    ]


def _case_query(case_id: int) -> QuerySet[Case]:
    """The case with its agency, domain, region and handler, and whether each maybe-empty
    relation has rows (``has_<relation>``) — not yet scoped."""
    return (
        Case.objects.select_related("agency__division", "domain", "region", "handler")
        .annotate(
            **{
                f"has_{rel}": Exists(model.objects.filter(case=OuterRef("pk")))
                for rel, model in _MAYBE_EMPTY.items()
            }
        )
        .filter(pk=case_id)
    )


# The detail's queries, compiled to SQL once per thread (``core.precompiled``): compiling the
# case's (five tables, four EXISTS) and its relations' cost more CPU than PostgreSQL answering them.
_CASE = Precompiled(_case_query)
_PARTIES = Precompiled(
    lambda cid: Party.objects.filter(case_id=cid)
    .order_by("id")
    .values("id", "kind", "name", "id_number", "birth_date", "credit_code", "legal_representative",
            "phone", "address")
)  # fmt: skip
_OFFICERS = Precompiled(lambda cid: User.objects.filter(cases=cid).values_list("pk", flat=True))
_VIOLATIONS = Precompiled(
    lambda cid: (
        CaseViolation.objects.filter(case_id=cid)
        .order_by("id")
        .values_list("violation_id", "violation__code", "violation__name")
    )
)
_EVIDENCE = Precompiled(
    lambda cid: Evidence.objects.filter(case_id=cid)
    .order_by("id")
    .values("id", "kind", "title", "collected_on", "collected_by", "cross_examined",
            "collected_by__display_name", "collected_by__username")
)  # fmt: skip
_EVENTS = Precompiled(
    lambda cid: CaseEvent.objects.filter(case_id=cid)
    .order_by("id")
    .values("id", "action", "from_state", "to_state", "actor", "at", "on", "note", "data",
            "actor__display_name", "actor__username")
)  # fmt: skip
_DEADLINES = Precompiled(
    lambda cid: Deadline.objects.filter(case_id=cid)
    .order_by("-active", "due_on", "id")
    .values("id", "kind", "label", "rule", "started_on", "due_on", "pending_reason", "provisional",
            "met_on", "active")
)  # fmt: skip
_APPROVALS = Precompiled(lambda cid: Approval.objects.filter(case_id=cid).order_by("id"))
_STEPS = Precompiled(
    lambda cid: ApprovalStep.objects.filter(approval__case_id=cid)
    .order_by("approval_id", "id")
    .values("approval_id", "level", "decision", "actor", "at", "reasons",
            "actor__display_name", "actor__username")
)  # fmt: skip


def _case_for(actor: Any, case_id: int) -> Case:
    """The case (scoped like ``selectors.case_get_for``) with its agency, domain, region and
    handler, and whether each maybe-empty relation has rows (``has_<relation>``).

    When the actor's scope is a list of agencies (every grant names its agency) or everything,
    the case is read by its id with the precompiled query and its agency checked against the
    list; a division grant's scope (a subquery over the agencies) is a query of its own."""
    scope = in_agencies_of(actor, Perm.CASE_VIEW)
    case: Case | None
    if not scope.children:  # a global grant: every case
        case = _CASE.first(case_id)
    elif (
        len(scope.children) == 1
        and isinstance(scope.children[0], tuple)
        and scope.children[0][0] == "agency_id__in"
        and not scope.negated
    ):
        case = _CASE.first(case_id)
        if case is not None and case.agency_id not in scope.children[0][1]:
            case = None
    else:
        case = _case_query(case_id).filter(scope).first()
    if case is None:
        raise NotFound(_("案件不存在或您无权查看。"), code="CASE_NOT_FOUND")
    return case


def case_detail(actor: Any, case_id: int, actions: Callable[[Case], list[dict[str, Any]]]) -> dict[str, Any]:
    """What ``CaseDetailOut(case, context={"actions": actions(case)}).data`` gives, for the case
    as ``actor`` may see it (404 ``CASE_NOT_FOUND`` otherwise)."""
    case = _case_for(actor, case_id)
    plans = _detail_plans()
    cid = case.pk

    parties = []
    for row in _PARTIES.all(cid):
        row["id_number_masked"] = id_number_mask(row["id_number"] or "")
        # the age on the violation date, never the birth date beside the mask (issue 13)
        row["age"] = age_on(row["birth_date"], case.act_date or timezone.localdate())
        parties.append(_render(plans["party"], row))
    officers = _OFFICERS.all(cid)

    violations: list[dict[str, Any]] = []
    if case.has_violations:
        violations = [{"id": vid, "code": code, "name": name} for vid, code, name in _VIOLATIONS.all(cid)]

    evidence: list[dict[str, Any]] = []
    if case.has_evidence:
        rows = _EVIDENCE.all(cid)
        kinds = dict(Evidence.Kind.choices)
        for row in rows:
            row["kind_label"] = str(kinds.get(row["kind"], row["kind"]))
            row["collected_by_name"] = _person(
                row["collected_by__display_name"], row["collected_by__username"]
            )
            evidence.append(_render(plans["evidence"], row))

    timeline: list[dict[str, Any]] = []
    if case.has_events:
        rows = _EVENTS.all(cid)
        for row in rows:
            t = workflow.transition_for(row["action"])
            row["label"] = t.label if t else serializers._EVENT_LABELS.get(row["action"], row["action"])
            row["actor_name"] = _person(row["actor__display_name"], row["actor__username"])
            timeline.append(_render(plans["event"], row))

    deadlines = [_deadline(plans["deadline"], row) for row in _DEADLINES.all(cid)]

    approvals: list[dict[str, Any]] = []
    approval_rows: list[Approval] = []
    if case.has_approvals:
        approval_rows = _APPROVALS.all(cid)
        steps = _STEPS.all(cid)
        by_approval: dict[int, list[dict[str, Any]]] = {}
        for row in steps:
            row["actor_name"] = _person(row["actor__display_name"], row["actor__username"])
            by_approval.setdefault(row["approval_id"], []).append(_render(plans["step"], row))
        for a in approval_rows:
            a._step_count = len(by_approval.get(a.pk, ()))
            row = {
                "id": a.pk, "action": a.action,
                "action_label": workflow.APPROVAL_LABELS.get(a.action, a.action),
                "levels": a.levels, "level": a.level,
                "current_role": a.levels[a.level] if a.status == Approval.Status.PENDING and a.levels else "",
                "status": a.status, "submitted_by": a.submitted_by_id, "assignee": a.assignee_id,
                "submitted_at": a.submitted_at, "steps": None,
            }  # fmt: skip
            d = _render(plans["approval"], row)
            d["steps"] = by_approval.get(a.pk, [])
            approvals.append(d)
    case._pending_approvals = [a for a in approval_rows if a.status == Approval.Status.PENDING]

    out = _render(_case_plan(), case.__dict__ | {"agency_id": case.agency_id, "handler_id": case.handler_id})
    handler = case.handler
    out.update(
        state_label=state_label(case.state),
        agency_name=case.agency.name,
        domain=case.domain.code,
        region=case.region.code,
        handler_name=str(handler) if handler is not None else None,
        officers=officers,
        parties=parties,
        violations=violations,
        evidence=evidence,
        timeline=timeline,
        deadlines=deadlines,
        approvals=approvals,
        actions=actions(case),
    )
    ordered = {name: out[name] for name in serializers.CaseDetailOut.Meta.fields}
    for ext in extensions.registered_detail_fields():
        values = ext.values(case)
        for name, factory in ext.fields.items():
            v = values.get(name)
            ordered[name] = None if v is None else _ext_field(factory).to_representation(v)
    return ordered


@cache
def _ext_field(factory: Callable[[], drf.Field]) -> drf.Field:
    return factory()


def _deadline(plan: Plan, row: dict[str, Any]) -> dict[str, Any]:
    row["overdue"] = bool(row["active"] and row["due_on"] and row["due_on"] < timezone.localdate())
    return _render(plan, row)
