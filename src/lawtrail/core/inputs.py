"""Text inputs may not carry NUL or other control characters — refused in one place.

``ControlCharacterMiddleware`` looks at everything a request brings as text before any
view or serializer parses it: the path, the query string, form fields (not uploaded file
contents) and JSON bodies at any depth. Tab, line feed and carriage return are allowed
(multi-line text); every other C0 control character, DEL, the C1 controls and unpaired
surrogates are refused with 400 ``INPUT_CONTROL_CHARACTER`` (JSON for the API, the error
page otherwise), before anything is written. Such characters break exports, PDFs and
PostgreSQL (which cannot store NUL in text) and hide text from reviewers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from lawtrail.core.errors import ValidationFailed

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MESSAGE = "输入中含有不允许的控制字符（如空字符 NUL），请删除后重新提交。"
CODE = "INPUT_CONTROL_CHARACTER"
_MAX_JSON_SCAN = 10 * 1024 * 1024  # larger JSON bodies are the parsers' to refuse


def has_control(value: Any) -> bool:
    """Whether ``value`` (str, or dict/list of them at any depth) holds a forbidden character."""
    if isinstance(value, str):
        return FORBIDDEN.search(value) is not None
    if isinstance(value, dict):
        return any(has_control(k) or has_control(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_control(v) for v in value)
    return False


def clean_text(value: str) -> str:
    """Raise ``ValidationFailed`` for a forbidden character (for code paths outside requests)."""
    if has_control(value):
        raise ValidationFailed(MESSAGE, code=CODE)
    return value


def _raw_has_control(raw: str) -> bool:
    # percent-decoded bytes: %00 and raw control bytes alike; invalid UTF-8 is also refused
    data = unquote_to_bytes(raw.replace("+", " "))
    try:
        return has_control(data.decode("utf-8"))
    except UnicodeDecodeError:
        return True


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._refuse(request):
            return self._response(request)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> bool:
        if has_control(request.path) or _raw_has_control(request.META.get("QUERY_STRING", "")):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS", "DELETE") and not request.META.get("CONTENT_LENGTH"):
            return False
        ctype = request.content_type or ""
        if ctype == "application/x-www-form-urlencoded":
            return _raw_has_control(request.body.decode("latin-1"))
        if ctype == "multipart/form-data":
            try:
                return any(has_control(k) or has_control(v) for k, vs in request.POST.lists() for v in vs)
            except Exception:  # a malformed body is the parsers' to refuse
                return False
        if ctype.endswith("json") and int(request.META.get("CONTENT_LENGTH") or 0) <= _MAX_JSON_SCAN:
            try:
                return has_control(json.loads(request.body or b"null"))
            except (ValueError, UnicodeDecodeError):
                return False  # malformed JSON: the API answers MALFORMED_REQUEST
        return False

    def _response(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"code": CODE, "message": MESSAGE}, status=400)
        return render(request, "web/error.html", {"error": ValidationFailed(MESSAGE, code=CODE)}, status=400)


# ----------------------------------------------------------------------------- plausible dates


def date_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The dates a record may carry: from ``LAWTRAIL_DATE_EARLIEST`` (1949-10-01) to
    ``LAWTRAIL_DATE_FUTURE_YEARS`` (30) years after today — a typing error (0001-01-01,
    9999-12-31) is refused instead of being stored and counted from. Narrower rules of the law
    (no act in the future, the limitation period …) are the apps' own."""
    today = today or timezone.localdate()
    years = settings.LAWTRAIL_DATE_FUTURE_YEARS
    try:
        latest = today.replace(year=today.year + years)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + years, day=28)
    return settings.LAWTRAIL_DATE_EARLIEST, latest


def date_plausible(value: dt.date | None, *, label: str, today: dt.date | None = None) -> None:
    """Refuse (400 ``DATE_IMPLAUSIBLE``) a date outside ``date_window``; None passes."""
    if value is None:
        return
    earliest, latest = date_window(today)
    if not earliest <= value <= latest:
        raise ValidationFailed(
            f"{label}“{value.isoformat()}”不在合理范围内（{earliest.isoformat()} 至 {latest.isoformat()}），请核对。",
            code=DATE_CODE,
            details={"field": str(label), "earliest": earliest.isoformat(), "latest": latest.isoformat()},
        )


DATE_CODE = "DATE_IMPLAUSIBLE"
