"""The public portal of disclosure (no login), mounted at /disclosure/."""

from django.urls import path

from . import portal

app_name = "disclosure_public"

urlpatterns = [
    path("", portal.search_page, name="search"),
    path("<int:pk>/", portal.detail, name="detail"),
    path("<int:pk>/proof.json", portal.record_proof_json, name="proof"),
    path("export.csv", portal.csv_export, name="csv"),
    path("feeds/agency/<int:agency_id>.atom", portal.AgencyFeed(), name="feed"),
    path("verify/", portal.verify_help, name="verify"),
    path("stats/", portal.stats, name="stats"),
    path("bodies/", portal.bodies, name="bodies"),
    path("bodies/<int:agency_id>/", portal.body, name="body"),
    path("powers/", portal.powers, name="powers"),
    path("powers/<int:power_id>/", portal.power, name="power"),
    path("inspections/", portal.powers, {"inspections": True}, name="inspections"),
    path("verify/verify_checkpoint.py", portal.verifier_script, name="verifier"),
    path("credential/", portal.credential_lookup, name="credential-lookup"),
    path("credential/<str:token>/", portal.credential_page, name="credential"),
    path("credential/<str:token>/proof.json", portal.credential_proof_json, name="credential-proof"),
]
