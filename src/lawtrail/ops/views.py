"""``/healthz`` (liveness) and ``/readyz`` (readiness) for load balancers, systemd and nginx.

- ``/healthz``: the process answers; touches nothing else (a restart would not fix a
  database outage, so liveness must not depend on one).
- ``/readyz``: django-health-check's database, cache and storage checks plus ours (broker,
  journal signer, personal-data keys); 200 when all pass, 503 otherwise. JSON with ``?format=json`` or
  ``Accept: application/json``, plain text otherwise. Failures name the check, never a
  credential.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache

READY_CHECKS = (
    "health_check.checks.Database",
    "health_check.checks.Cache",
    "health_check.checks.Storage",
    "lawtrail.ops.checks.Broker",
    "lawtrail.ops.checks.JournalSigner",
    "lawtrail.ops.checks.FieldKeys",
)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def run_checks(names=READY_CHECKS) -> list[tuple[str, str | None]]:
    """Run the checks concurrently; returns (check, error or None) in order.

    The library's checks are coroutines; they run on a fresh event loop in a thread of their
    own, so the view stays a plain WSGI view whatever the calling thread is doing.
    """
    checks = [import_string(name)() for name in names]

    async def gather():
        return await asyncio.gather(*(check.get_result() for check in checks))

    with ThreadPoolExecutor(1) as pool:
        results = pool.submit(asyncio.run, gather()).result()
    return [(repr(r.check), str(r.error) if r.error else None) for r in results]


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    results = run_checks()
    status = 503 if any(error for _name, error in results) else 200
    accept = request.headers.get("Accept", "")
    if request.GET.get("format") == "json" or "application/json" in accept:
        return JsonResponse({name: error or "OK" for name, error in results}, status=status)
    text = "".join(f"{name}: {error or 'OK'}\n" for name, error in results)
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
