"""Rate limits on every public endpoint of the portal (django-ratelimit, in the shared cache:
Redis in production, so every web process counts together).

Two rates, both settings read once (``LAWTRAIL_PUBLIC_RATE``, ``LAWTRAIL_LOOKUP_RATE``): reading
pages, search, the API, CSV and feeds; and looking a credential up by its number, much lower, so
walking sequential numbers cannot harvest the register. Over the limit: 429 with the code
``DISCLOSURE_RATE_LIMITED`` (JSON under /api/, a Chinese page otherwise); nothing is changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from lawtrail.core.errors import ApplicationError

MESSAGE = "访问过于频繁，请稍后再试。"


class RateLimited(ApplicationError):
    status = 429
    default_code = "DISCLOSURE_RATE_LIMITED"


def _client(group: str, request: HttpRequest) -> str:
    """The caller's address (a request without one — a WSGI call with no peer — counts as one
    anonymous caller rather than failing)."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def limited(request: HttpRequest, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=f"disclosure.{group}", key=_client, rate=rate, increment=True)


def refusal(request: HttpRequest) -> HttpResponse:
    err = RateLimited(MESSAGE)
    if request.path.startswith("/api/"):
        resp: HttpResponse = JsonResponse(err.as_dict(), status=429)
    else:
        resp = render(request, "web/error.html", {"error": err}, status=429)
    resp["Retry-After"] = "60"
    return resp


def public(group: str, *, lookup: bool = False) -> Callable:
    """Limit a public view by client address: ``group`` counts separately, ``lookup`` at the lower rate."""

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            rate = settings.LAWTRAIL_LOOKUP_RATE if lookup else settings.LAWTRAIL_PUBLIC_RATE
            if limited(request, group, rate):
                return refusal(request)
            return view(request, *args, **kwargs)

        return inner

    return wrap
