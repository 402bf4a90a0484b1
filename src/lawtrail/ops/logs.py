"""One structured access line per request (logger ``lawtrail.access``, JSON by default).

The request id comes from django-log-request-id (nginx's ``X-Request-ID`` or a new one) and
is on every log line of the request and in the response's ``X-Request-ID`` header, so a
user's error report, the access line and any traceback can be matched.
"""

from __future__ import annotations

import logging
import time

from django.http import HttpRequest, HttpResponse

log = logging.getLogger("lawtrail.access")


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if log.isEnabledFor(logging.INFO):
            match = getattr(request, "resolver_match", None)
            user = getattr(request, "user", None)
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "route": match.route if match else None,
                    "view": match.view_name if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "remote_addr": request.META.get("REMOTE_ADDR"),
                },
            )
        return response
