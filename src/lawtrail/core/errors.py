"""One error family for every refusal the application makes.

Services and rules raise an ``ApplicationError`` subclass with a stable ``code`` and a
Chinese ``message``. The mapping to HTTP status lives here and only here:
``ValidationFailed`` → 400, ``PermissionDenied`` → 403, ``NotFound`` → 404,
``Conflict`` → 409. The API handler and the page middleware both use it, so a refusal
never becomes a 500 and always carries its code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.module_loading import module_has_submodule
from rest_framework import exceptions as drf_exc
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_default_handler


@dataclass(frozen=True)
class ErrorCode:
    code: str
    statuses: tuple[int, ...]  # the HTTP statuses it is answered with (usually one)
    message: str  # a Chinese summary (the refusal itself may say more)

    @property
    def status(self) -> int:
        return self.statuses[0]


class Catalogue:
    """The error codes one app answers with, declared (``<app>/error_codes.py``), so the API schema
    and ``docs/error-codes.md`` list them without reading the source. A test checks that every
    code an app raises is declared here (or in the kernel's catalogue) with the same status."""

    def __init__(self, app: str, title: str, entries: dict[str, tuple[int | tuple[int, ...], str]]) -> None:
        self.app = app
        self.title = title
        self.codes: dict[str, ErrorCode] = {}
        for code, (statuses, message) in entries.items():
            st = statuses if isinstance(statuses, tuple) else (statuses,)
            self.codes[code] = ErrorCode(code, st, message)
        CATALOGUES[app] = self

    def __contains__(self, code: str) -> bool:
        return code in self.codes

    def status(self, code: str) -> int:
        return self.codes[code].status


CATALOGUES: dict[str, Catalogue] = {}


def catalogues() -> dict[str, Catalogue]:
    """Every app's catalogue (importing each app's ``errors`` module)."""

    for config in apps.get_app_configs():
        if config.name.startswith("lawtrail") and module_has_submodule(config.module, "error_codes"):
            importlib.import_module(f"{config.name}.error_codes")
    return dict(sorted(CATALOGUES.items()))


def status_of(code: str, default: int = 400) -> int:
    """The declared HTTP status of ``code`` (any app's catalogue)."""
    for cat in catalogues().values():
        if code in cat:
            return cat.status(code)
    return default


class ApplicationError(Exception):
    status = 400
    default_code = "INVALID"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        rule: str | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.rule = rule  # RULES.md ID, e.g. "APL-42", when a rule of law refused
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.rule:
            body["rule"] = self.rule
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(ApplicationError):
    status = 400
    default_code = "INVALID"


class PermissionDenied(ApplicationError):
    status = 403
    default_code = "PERMISSION_DENIED"


class NotFound(ApplicationError):
    status = 404
    default_code = "NOT_FOUND"


class Conflict(ApplicationError):
    status = 409
    default_code = "CONFLICT"


_DRF_CODES = {
    drf_exc.NotAuthenticated: ("NOT_AUTHENTICATED", "请先登录。"),
    drf_exc.AuthenticationFailed: ("AUTHENTICATION_FAILED", "身份验证失败，请检查令牌或重新登录。"),
    drf_exc.PermissionDenied: ("PERMISSION_DENIED", "您没有执行此操作的权限。"),
    drf_exc.NotFound: ("NOT_FOUND", "请求的对象不存在或您无权查看。"),
    drf_exc.MethodNotAllowed: ("METHOD_NOT_ALLOWED", "不支持该请求方法。"),
    drf_exc.ParseError: ("MALFORMED_REQUEST", "请求格式错误，无法解析。"),
    drf_exc.UnsupportedMediaType: ("UNSUPPORTED_MEDIA_TYPE", "不支持的请求内容类型。"),
    drf_exc.Throttled: ("THROTTLED", "请求过于频繁，请稍后再试。"),
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: every error body is ``{"code", "message", ...}``."""
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, drf_exc.ValidationError):
        return Response(
            {"code": "INVALID_INPUT", "message": "提交的数据有误，请检查各字段。", "details": exc.detail},
            status=400,
        )
    response = drf_default_handler(exc, context)
    if response is None:
        return None
    for klass, (code, message) in _DRF_CODES.items():
        if isinstance(exc, klass):
            response.data = {"code": code, "message": message}
            break
    else:
        response.data = {"code": "ERROR", "message": str(getattr(exc, "detail", exc))}
    return response


class ApplicationErrorMiddleware:
    """Turns an ApplicationError escaping a page view into a Chinese error page (or JSON)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, ApplicationError):
            return None
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            return JsonResponse(exc.as_dict(), status=exc.status)
        return render(request, "web/error.html", {"error": exc}, status=exc.status)
