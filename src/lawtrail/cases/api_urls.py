"""Cases API routes, mounted at /api/v1/cases/ (names: ``cases-<noun>[-<verb>]``).

One route per row of the transition table (``cases-action-<action>``), generated, so an
action added to ``workflow.TABLE`` is served and documented without editing this file.
"""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.CaseListView.as_view(), name="cases-list"),
    path("todo", api.TodoView.as_view(), name="cases-todo"),
    path("on-the-spot", api.OnTheSpotView.as_view(), name="cases-on-the-spot"),
    path("transfers/received", api.TransferReceivedListView.as_view(), name="cases-transfers-received"),
    path(
        "transfers/<int:transfer_id>/accept",
        api.TransferAcceptView.as_view(),
        name="cases-transfer-accept",
    ),
    path(
        "agencies/<int:agency_id>/approval-chains",
        api.ApprovalChainListView.as_view(),
        name="cases-approval-chain-list",
    ),
    path(
        "agencies/<int:agency_id>/approval-chains/<str:action>",
        api.ApprovalChainView.as_view(),
        name="cases-approval-chain",
    ),
    path("<int:pk>", api.CaseDetailView.as_view(), name="cases-detail"),
    path("<int:pk>/parties", api.CasePartyView.as_view(), name="cases-party-add"),
    path(
        "<int:pk>/approval/<str:decision>",
        api.ApprovalView.as_view(),
        name="cases-approval",
    ),
    *(
        path(f"<int:pk>/actions/{action}", view.as_view(), name=f"cases-action-{action}")
        for action, view in api.ACTION_VIEWS.items()
    ),
    # any other action: a JSON 404 with its code, not a page
    path("<int:pk>/actions/<str:action>", api.unknown_action, name="cases-action-unknown"),
]
