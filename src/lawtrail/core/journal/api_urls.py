from django.urls import path

from . import api

urlpatterns = [
    path("entries", api.EntryListView.as_view(), name="journal-entries"),
    path("checkpoints", api.CheckpointListView.as_view(), name="journal-checkpoints"),
    path("checkpoints/latest", api.CheckpointLatestView.as_view(), name="journal-checkpoint-latest"),
    path("proofs/inclusion", api.InclusionProofView.as_view(), name="journal-proof-inclusion"),
    path("proofs/consistency", api.ConsistencyProofView.as_view(), name="journal-proof-consistency"),
    path("public-key", api.PublicKeyView.as_view(), name="journal-public-key"),
]
