"""The OpenAPI schema says every answer an operation can give (checked by the schemathesis run,
``make fuzz``). Some answers come from layers every operation passes through, so they are
documented here once, for every operation (a drf-spectacular postprocessing hook), instead of on
each view:

* 400 — ``INPUT_CONTROL_CHARACTER`` (``core.inputs.ControlCharacterMiddleware``, any request),
  ``MALFORMED_REQUEST`` / ``INVALID_INPUT`` (a body or a query the parsers refuse);
* 403 — ``NOT_AUTHENTICATED``, ``AUTHENTICATION_FAILED``, ``PERMISSION_DENIED``, the second
  factor and password gates (``OTP_REQUIRED``, ``PASSWORD_CHANGE_REQUIRED`` …);
* 404 — ``NOT_FOUND``: an id in the path or the query that does not exist or is out of the
  reader's scope, or nothing yet to show (no checkpoint signed);
* 415 — ``UNSUPPORTED_MEDIA_TYPE`` for an operation that takes a body;
* 429 — ``THROTTLED`` / ``LOGIN_LOCKED`` for the token endpoint.

An operation's own description of a status (its codes) is kept; only missing ones are added.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "稳定的错误码"},
        "message": {"type": "string", "description": "中文说明"},
        "rule": {"type": "string", "nullable": True},
        "details": {},
    },
    "required": ["code", "message"],
}

_COMMON = {
    "400": "请求有误：`INPUT_CONTROL_CHARACTER`、`MALFORMED_REQUEST`、`INVALID_INPUT`",
    "403": "未登录或无权限：`NOT_AUTHENTICATED`、`AUTHENTICATION_FAILED`、`PERMISSION_DENIED`、`OTP_REQUIRED`、`OTP_ENROLMENT_REQUIRED`、`PASSWORD_CHANGE_REQUIRED`、`SESSION_EXPIRED`",
}
_NOT_FOUND = "对象不存在或不在您的权限范围内：`NOT_FOUND`"
_MEDIA = "不支持的请求内容类型：`UNSUPPORTED_MEDIA_TYPE`"
_THROTTLED = "请求过于频繁或登录已被暂停：`THROTTLED`、`LOGIN_LOCKED`"


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}},
    }


def document_common_errors(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("ApiError", ERROR_SCHEMA)
    for path, item in result.get("paths", {}).items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = op.setdefault("responses", {})
            extra = dict(_COMMON)
            extra["404"] = _NOT_FOUND
            if "requestBody" in op:
                extra["415"] = _MEDIA
            if "/auth/" in path:
                extra["429"] = _THROTTLED
            for status, text in extra.items():
                if status not in responses:
                    responses[status] = _error(text)
                else:
                    content = responses[status].setdefault("content", {})
                    content.setdefault(
                        "application/json", {"schema": {"$ref": "#/components/schemas/ApiError"}}
                    )
    return result
