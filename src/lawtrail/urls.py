from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from lawtrail.core.accounts import views as account_views
from lawtrail.disclosure import limits as disclosure_limits
from lawtrail.review import views as review_views

admin.site.site_header = "LawTrail 系统管理"
admin.site.site_title = "LawTrail 系统管理"
admin.site.index_title = "行政执法综合管理监督平台"

# Each app owns its URLs; add an app's api/pages here, nowhere else.
api_v1 = [
    path("", include("lawtrail.core.api_urls")),
    path("calendar/", include("lawtrail.core.calendar.api_urls")),
    path("profiles/", include("lawtrail.profiles.api_urls")),
    path("journal/", include("lawtrail.core.journal.api_urls")),
    path("registry/", include("lawtrail.registry.api_urls")),
    path("cases/", include("lawtrail.cases.api_urls")),
    path("review/", include("lawtrail.review.api_urls")),
    path("public/", include("lawtrail.disclosure.api_urls")),
    path("recording/", include("lawtrail.recording.api_urls")),
    path("documents/", include("lawtrail.documents.api_urls")),
    path("archive/", include("lawtrail.archive.api_urls")),
]

urlpatterns = [
    # the admin has no login of its own: one login page (lockout, second factor) for every way in
    path("admin/login/", RedirectView.as_view(url="/login/", query_string=True)),
    path("admin/", admin.site.urls),
    path("account/", include("lawtrail.core.accounts.urls")),
    path("backoffice/security/events/", account_views.auth_events, name="auth-events"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from our own static files (drf-spectacular-sidecar): works offline, and under
    # the site's CSP (every <script> of a template gets the response's nonce).
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include(api_v1)),
    path("backoffice/calendar/", include("lawtrail.core.calendar.urls")),
    path("backoffice/profiles/", include("lawtrail.profiles.urls")),
    path("backoffice/registry/", include("lawtrail.registry.urls")),
    path("backoffice/cases/", include("lawtrail.cases.urls")),
    path("backoffice/review/", include("lawtrail.review.urls")),
    path("backoffice/disclosure/", include("lawtrail.disclosure.urls")),
    # 事前公开 of legal review: the 目录清单 at a public address (the same page as under /backoffice/review/)
    path(
        "disclosure/review-criteria/<int:agency_id>/",
        disclosure_limits.public("criteria")(review_views.public_criteria),
        name="review-public-criteria",
    ),
    path("disclosure/", include("lawtrail.disclosure.public_urls")),
    path("backoffice/recording/", include("lawtrail.recording.urls")),
    path("backoffice/documents/", include("lawtrail.documents.urls")),
    path("backoffice/live/", include("lawtrail.live.urls")),
    path("live/rtmp/", include("lawtrail.live.callback_urls")),  # nginx-rtmp's callbacks (token in the path)
    path("backoffice/archive/", include("lawtrail.archive.urls")),
    path("verify/documents/", include("lawtrail.documents.public_urls")),
    path("verify/", include("lawtrail.registry.public_urls")),
    path("", include("lawtrail.ops.urls")),  # /healthz, /readyz, /metrics
    path("", include("lawtrail.web.urls")),
]

# Chinese pages with the navigation for pages; {"code", "message"} JSON for the API, even on 500.
handler400 = "lawtrail.web.views.bad_request"
handler403 = "lawtrail.web.views.permission_denied"
handler404 = "lawtrail.web.views.page_not_found"
handler500 = "lawtrail.web.views.server_error"
