"""Where error codes are raised, found by reading the source — a developer's tool.

Used by the tests (every code raised is declared in its app's catalogue and documented) and by
``lawtrail error_codes`` (which writes ``docs/error-codes.md`` and the per-action list of the
cases API). Never imported while serving: the running application reads the declared
catalogues (``<app>/errors.py``), not its own source.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

_ERROR_STATUS = {"ValidationFailed": 400, "PermissionDenied": 403, "NotFound": 404, "Conflict": 409}
_FACTORY_STATUS = {"_refuse": 400, "_conflict": 409}  # rules.py builds refusals through these
#: Checks that collect findings before refusing with the first one (documents' APL-44/45/59 checks:
#: ``need(ok, "DOC_APL59_PARTY", element, …)``, then ``ValidationFailed(…, code=first.code)``): the
#: finding's code is what the refusal answers.
_FINDING_STATUS = {"need": 400}


def _first_str(node: ast.AST) -> str:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub.value.strip():
            return sub.value
    return ""


def raised(call: ast.Call) -> tuple[str, int, str] | None:
    """(code, status, message) when ``call`` builds an application error with a literal code."""
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    if name in _ERROR_STATUS:
        code = next((k.value for k in call.keywords if k.arg == "code"), None)
        if isinstance(code, ast.Constant) and isinstance(code.value, str):
            return code.value, _ERROR_STATUS[name], _first_str(call.args[0]) if call.args else ""
    elif name in _FACTORY_STATUS and len(call.args) >= 2:
        if isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
            return call.args[0].value, _FACTORY_STATUS[name], _first_str(call.args[1])
    elif name in _FINDING_STATUS and len(call.args) >= 3:
        code = call.args[1]
        if isinstance(code, ast.Constant) and isinstance(code.value, str) and code.value.isupper():
            return code.value, _FINDING_STATUS[name], _first_str(call.args[2])
    return None


def codes_in_files(paths: Iterable[Path]) -> dict[str, tuple[set[int], str, set[str]]]:
    """code → (statuses, first message, files) of every literal error raised in ``paths``."""
    found: dict[str, tuple[set[int], str, set[str]]] = {}
    for path in sorted(paths):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (hit := raised(node)):
                statuses, _message, files = found.setdefault(hit[0], (set(), hit[2], set()))
                statuses.add(hit[1])
                files.add(str(path))
    return found


def app_files(package_dir: Path, *, exclude: tuple[str, ...] = ("migrations", "tests")) -> list[Path]:
    return [p for p in package_dir.rglob("*.py") if not set(p.relative_to(package_dir).parts) & set(exclude)]


@functools.cache
def _tree(fn: Callable) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None


def codes_of(fn: Callable, *, within: str = "lawtrail", _seen: set | None = None) -> dict[str, int]:
    """Every error code ``fn`` can raise with its status: the literal codes it raises and those
    of the functions it calls, followed through the call graph of modules under ``within``."""
    seen = _seen if _seen is not None else set()
    if fn in seen:
        return {}
    seen.add(fn)
    tree = _tree(fn)
    if tree is None:
        return {}
    module = inspect.getmodule(fn)
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        hit = raised(node)
        if hit:
            found.setdefault(hit[0], hit[1])
            continue
        target: Any = None
        if isinstance(node.func, ast.Name):
            target = getattr(module, node.func.id, None)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            owner = getattr(module, node.func.value.id, None)
            if inspect.ismodule(owner):
                target = getattr(owner, node.func.attr, None)
        if inspect.isfunction(target) and target.__module__.startswith(within):
            for code, status in codes_of(target, within=within, _seen=seen).items():
                found.setdefault(code, status)
    return found
