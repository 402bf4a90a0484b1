"""Cases API (网上办案), mounted at /api/v1/cases/: thin views over selectors and services.

Every action of the transition table (``workflow.TABLE``) is its own endpoint
``POST /api/v1/cases/{id}/actions/{action}``; the view classes, their request serializers
and their OpenAPI documentation (summary, rule, error codes) are generated from the table,
so a row added later appears here without touching this file. Each write answers with the
updated case detail; each refusal with ``{code, message, rule, details}``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import JsonResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from lawtrail.core.errors import status_of

from . import compact, selectors, services, workflow
from .error_map import ACTION_ERRORS, ENDPOINT_ERRORS
from .models import Case
from .serializers import (
    ActionDoneOut,
    ApprovalActIn,
    ApprovalChainIn,
    ApprovalChainOut,
    CaseCreateIn,
    CaseDetailOut,
    CaseErrorOut,
    CaseListQuery,
    CaseRowOut,
    OnTheSpotIn,
    PartyIn,
    TodoPageOut,
    TodoQuery,
    TransferReceivedOut,
    action_input_serializer,
)

# --------------------------------------------------------------------------- error codes, declared

#: What the API layer itself answers (lawtrail.core.errors.api_exception_handler).
FRAMEWORK_CODES = ("NOT_AUTHENTICATED", "INVALID_INPUT")


def endpoint_codes(name: str) -> dict[str, int]:
    """The codes of one of the API's other writes (``error_map.ENDPOINT_ERRORS``)."""
    return {code: status_of(code) for code in ENDPOINT_ERRORS.get(name, ())}


def transition_error_codes(t: workflow.Transition) -> dict[str, int]:
    """The codes one action's endpoint can answer, with their statuses: the per-action list that
    ``lawtrail error_codes`` generates (``error_map.py``), statuses from the apps' declared
    catalogues (``error_codes.py``)."""
    return {code: status_of(code) for code in ACTION_ERRORS.get(t.action, ())}


def documented(
    ok: Any, codes: dict[str, int], *, status: int = 200, extra: dict[int, Any] | None = None, **kwargs: Any
) -> Any:
    """``extend_schema`` with the success body and 400/403/404/409 listing the codes of each."""
    by_status: dict[int, list[str]] = {400: ["INVALID_INPUT"], 403: ["NOT_AUTHENTICATED"], 404: [], 409: []}
    for code, st in sorted(codes.items()):
        if code not in by_status.setdefault(st, []):
            by_status[st].append(code)
    responses: dict[int, Any] = {status: ok, **(extra or {})}
    for st, cs in sorted(by_status.items()):
        text = "错误码：" + "、".join(f"`{c}`" for c in cs) if cs else "错误码见 docs/cases-api.md"
        responses[st] = OpenApiResponse(CaseErrorOut, description=text)
    return extend_schema(responses=responses, **kwargs)


# --------------------------------------------------------------------------- views


class _View(GenericAPIView):
    queryset = Case.objects.none()  # the selectors decide; this only satisfies GenericAPIView

    def detail(self, case_id: int, status: int = 200) -> Response:
        """The case as the actor sees it now, with the actions they may take (``CaseDetailOut``,
        rendered by ``compact.case_detail``)."""
        actor = self.request.user
        return Response(
            compact.case_detail(actor, case_id, lambda case: actions_out(actor, case)), status=status
        )


def actions_out(actor: Any, case: Case) -> list[dict[str, Any]]:
    """The detail's ``actions``: what the actor may try on the case now (``AvailableActionOut``)."""
    return [
        {
            "action": a.action,
            "label": str(a.label),
            "fields": list(a.fields),
            "kind": a.kind,
            "url": f"/api/v1/cases/{case.pk}/{'approval' if a.kind == 'approval' else 'actions'}/{a.action}",
            "approval_id": a.approval_id,
        }
        for a in selectors.actions_for(actor, case)
    ]


def _input(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="案件 id")
_AGENCY = OpenApiParameter("agency_id", int, OpenApiParameter.PATH, description="执法主体 id")


class CaseListView(_View):
    @documented(
        CaseRowOut(many=True),
        {},
        parameters=[CaseListQuery],
        summary="案件列表",
        description="本人可见的案件（按机关范围），可按状态、领域、人员、逾期、线索登记日、文字筛选；分页 limit/offset。",
    )
    def get(self, request):
        q = _input(CaseListQuery, request.query_params)
        shape = selectors.case_list_shape(request.user, **q)
        # a common shape (scope by agency ids, state, domain, overdue, dates) is not built here:
        # its count and page are compiled once per thread (compact.CaseListValues)
        cases = Case.objects.none() if shape else selectors.case_list_for(request.user, **q)
        rows = compact.case_list_values(cases, shape)
        page = self.paginator.paginate_queryset(rows, request, view=self)
        return self.get_paginated_response(compact.case_rows(page))

    @documented(
        CaseDetailOut,
        {
            **endpoint_codes("case_create"),
            "PERMISSION_DENIED": 403,
        },
        status=201,
        request=CaseCreateIn,
        summary="线索登记",
        description="登记线索（case_create）：登记人为主办人，officer_ids 为其他承办人员。",
    )
    def post(self, request):
        data = _input(CaseCreateIn, request.data)
        agency, domain, region = selectors.case_refs_for(
            request.user,
            agency_id=data.pop("agency", None),
            domain=data.pop("domain"),
            region=data.pop("region"),
        )
        case = services.case_create(actor=request.user, agency=agency, domain=domain, region=region, **data)
        return self.detail(case.pk, status=201)


class OnTheSpotView(_View):
    @documented(
        CaseDetailOut,
        {
            **endpoint_codes("case_on_the_spot"),
            "PERMISSION_DENIED": 403,
        },
        status=201,
        request=OnTheSpotIn,
        summary="当场处罚（简易程序，APL-51/52/68/71）",
        description=(
            "当场作出并送达处罚决定（case_on_the_spot）：案件直接进入“已送达（执行中）”，"
            "之后办理 cash_handover（当场收缴的）、payment_record、execution_complete、on_the_spot_file（备案）、close。"
        ),
    )
    def post(self, request):
        data = _input(OnTheSpotIn, request.data)
        agency, domain, region = selectors.case_refs_for(
            request.user,
            agency_id=data.pop("agency", None),
            domain=data.pop("domain"),
            region=data.pop("region"),
        )
        case = services.case_on_the_spot(
            actor=request.user, agency=agency, domain=domain, region=region, **data
        )
        return self.detail(case.pk, status=201)


class CaseDetailView(_View):
    @documented(
        CaseDetailOut,
        {"CASE_NOT_FOUND": 404},
        extra={304: OpenApiResponse(description="If-None-Match 与当前 ETag 相同：内容未变，无正文。")},
        parameters=[_ID],
        summary="案件详情",
        description=(
            "当事人、违法行为、证据、大事记、期限（含待日历录入的期限及原因）、审批及其过程、本人可办理的操作。"
            "响应带 ETag（弱校验，按本人所见内容计算）；请求带 If-None-Match 且内容未变时返回 304、无正文。"
        ),
    )
    def get(self, request, pk: int):
        actor = request.user
        data = compact.case_detail(actor, pk, lambda case: actions_out(actor, case))
        tag = detail_etag(data)
        headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
        wanted = _etags(request.headers.get("If-None-Match", ""))
        if tag in wanted or "*" in wanted:
            return Response(status=304, headers=headers)  # the client's copy is current: no body
        return Response(data, headers=headers)


def detail_etag(data: dict[str, Any]) -> str:
    """A weak ETag of the case detail as this actor sees it: a digest of its content (the case,
    every related row shown, the actions offered, the dates' flags), so any change visible in the
    detail changes it — and nothing else does."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return 'W/"' + hashlib.blake2b(raw, digest_size=16).hexdigest() + '"'


def _etags(header: str) -> set[str]:
    """The tags of an If-None-Match header (weak or strong alike, as RFC 9110's weak comparison)."""
    if header.strip() == "*":  # any current representation
        return {"*"}
    out = set()
    for part in header.split(","):
        part = part.strip()
        if part:
            out.add(part if part.startswith("W/") else f"W/{part}")
    return out


class CasePartyView(_View):
    @documented(
        CaseDetailOut,
        {**endpoint_codes("party_add"), "CASE_NOT_FOUND": 404},
        status=201,
        request=PartyIn,
        parameters=[_ID],
        summary="登记当事人",
    )
    def post(self, request, pk: int):
        data = _input(PartyIn, request.data)
        case = selectors.case_get_for(request.user, pk)
        services.party_add(actor=request.user, case=case, **data)
        return self.detail(pk, status=201)


class TodoView(_View):
    pagination_class = None

    @documented(
        TodoPageOut,
        {},
        parameters=[TodoQuery],
        summary="待办",
        description=(
            "本人的待办事项（所办案件的下一步、待本人审批的事项、其他功能交办的事项），期限最近的在前，"
            "分页：page（从 1 起）、page_size（默认 50，至多 200）；count 为全部待办事项数。"
        ),
    )
    def get(self, request):
        q = _input(TodoQuery, request.query_params)
        page, size = q["page"], q["page_size"]
        todo = selectors.todo_page(request.user, page=page, size=size)
        url = request.build_absolute_uri()
        return Response(
            {
                "count": todo.count,
                "next": replace_query_param(url, "page", page + 1) if page * size < todo.count else None,
                "previous": (
                    None
                    if page == 1
                    else remove_query_param(url, "page")
                    if page == 2
                    else replace_query_param(url, "page", page - 1)
                ),
                "results": compact.todo_rows(todo.tasks),
            }
        )


class TransferReceivedListView(_View):
    pagination_class = None

    @documented(
        TransferReceivedOut(many=True),
        {},
        summary="收到的移送",
        description="其他机关移送给本人所在机关的案件线索（最多 200 项），未受理的在前。",
    )
    def get(self, request):
        rows = selectors.transfers_received_for(request.user).order_by("accepted_on", "-id")[:200]
        return Response(TransferReceivedOut(rows, many=True).data)


class TransferAcceptView(_View):
    @documented(
        CaseDetailOut,
        endpoint_codes("transfer_accept"),
        status=201,
        request=None,
        parameters=[OpenApiParameter("transfer_id", int, OpenApiParameter.PATH, description="移送记录 id")],
        summary="受理移送（登记为本机关线索）",
    )
    def post(self, request, transfer_id: int):
        lead = services.transfer_accept(actor=request.user, transfer_id=transfer_id)
        return self.detail(lead.pk, status=201)


class ApprovalView(_View):
    @documented(
        CaseDetailOut,
        endpoint_codes("approval_act"),
        request=ApprovalActIn,
        parameters=[
            _ID,
            OpenApiParameter(
                "decision",
                str,
                OpenApiParameter.PATH,
                enum=["approve", "send_back", "withdraw", "reassign"],
                description="approve 批准；send_back 退回；withdraw 取回；reassign 改派",
            ),
        ],
        summary="审批：批准、退回、取回、改派",
        description=(
            "对案件当前待审批事项逐级办理。两人同时办理同一层级时，后到者得到 409（APPROVAL_STALE 或 "
            "APPROVAL_NOT_PENDING），不写入任何内容。延长办案期限、强制措施的审批与案件本身的审批可能同时"
            "待办，此时须以 `approval_id` 指明（否则 400 APPROVAL_ID_REQUIRED）。"
        ),
    )
    def post(self, request, pk: int, decision: str):
        data = _input(ApprovalActIn, request.data)
        services.approval_act(actor=request.user, case_id=pk, decision=decision, **data)
        return self.detail(pk)


class ApprovalChainListView(_View):
    pagination_class = None

    @documented(
        ApprovalChainOut(many=True),
        endpoint_codes("approval_chains_for"),
        parameters=[_AGENCY],
        summary="审批流程配置（查看）",
    )
    def get(self, request, agency_id: int):
        return Response(
            ApprovalChainOut(selectors.approval_chains_for(request.user, agency_id), many=True).data
        )


class ApprovalChainView(_View):
    pagination_class = None

    @documented(
        ApprovalChainOut,
        endpoint_codes("approval_chain_set"),
        request=ApprovalChainIn,
        parameters=[
            _AGENCY,
            OpenApiParameter(
                "action",
                str,
                OpenApiParameter.PATH,
                enum=list(workflow.DEFAULT_CHAINS),
                description="审批事项",
            ),
        ],
        summary="审批流程配置（设置）",
        description="单位管理员设置本机关某审批事项的逐级审批角色（approval_chain_set）。",
    )
    def put(self, request, agency_id: int, action: str):
        data = _input(ApprovalChainIn, request.data)
        agency = selectors.case_agency_for(request.user, agency_id)
        chain = services.approval_chain_set(
            actor=request.user, agency=agency, action=action, levels=data["levels"]
        )
        row = {
            "action": chain.action,
            "label": workflow.APPROVAL_LABELS.get(chain.action, chain.action),
            "levels": chain.levels,
            "configured": True,
        }
        return Response(ApprovalChainOut(row).data)


# --------------------------------------------------------------------------- one view per action


def _action_view(t: workflow.Transition) -> type[_View]:
    """The endpoint of one row of the transition table."""
    request_class = action_input_serializer(t)
    where = "、".join(str(s.label) for s in t.sources)
    if t.approval:
        effect = f"提交{workflow.APPROVAL_LABELS[t.approval]}，审批通过后案件进入“{t.target.label}”。"
    elif t.opens:
        effect = f"提交{workflow.APPROVAL_LABELS[t.opens]}（按本机关审批流程逐级审批），案件状态不变。"
    elif t.acts_on:
        effect = (
            f"由{workflow.APPROVAL_LABELS[t.acts_on]}当前层级的审批人办理该层级；末级（主要负责人）办理后生效，"
            "案件状态不变。"
        )
    elif t.target is not None:
        effect = f"案件进入“{t.target.label}”。"
    else:
        effect = "记录办理事项，案件状态不变。"
    summary = f"{t.label}" + (f"（{t.rule}）" if t.rule else "")
    description = f"`{t.action}`：{t.label}。可在以下状态办理：{where}。{effect}" + (
        f"\n\n依据：{t.rule}" if t.rule else ""
    )

    # a row acted on for another agency (scope "assistance": the agency asked to assist) may be
    # taken by someone who cannot read the case: they get a receipt, not the case
    on_case = getattr(t, "scope", "case") == "case"
    if not on_case:
        description += "\n\n由被请求的机关办理：办理人不一定能查看本案，成功时只返回回执。"

    @documented(
        CaseDetailOut if on_case else ActionDoneOut,
        transition_error_codes(t),
        request=request_class,
        parameters=[_ID],
        summary=summary,
        description=description,
        operation_id=f"cases_action_{t.action}",
        tags=["cases-actions"],
    )
    def post(self, request, pk: int):
        data = _input(request_class, request.data)
        case = services.case_transition(actor=request.user, case_id=pk, action=t.action, data=data)
        if on_case:
            return self.detail(pk)
        return Response(ActionDoneOut({"case": case.pk, "action": t.action, "label": t.label}).data)

    name = f"Case{request_class.__name__[4:-2]}ActionView"
    return type(
        name, (_View,), {"post": post, "__doc__": f"{t.label}（{t.action}）", "case_action": t.action}
    )


ACTION_VIEWS: dict[str, type[_View]] = {t.action: _action_view(t) for t in workflow.TABLE}


def unknown_action(request, pk: int, action: str):
    """An action that is no row of the table (``CASE_ACTION_UNKNOWN``, 404)."""
    return JsonResponse({"code": "CASE_ACTION_UNKNOWN", "message": f"未知的办案操作：{action}"}, status=404)
