"""The shape docs/architecture.md describes, checked (issue 7).

* Every rule ID a row of the transition table or a hook cites has a rule function (a function of
  a ``rules.py`` whose docstring names the ID): one place per rule.
* A function-level import says which cycle it breaks (ruff PLC0415 with a noqa comment).
* The kernel imports no app above it (the import-linter contract, also run by ``make lint``).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from django.conf import settings

from lawtrail.cases import hooks, workflow

SRC = Path(settings.BASE_DIR) / "src" / "lawtrail"
RULE_ID = re.compile(r"\b(?:APL|ACL|G118|G27|WD|DISC)-[0-9][0-9/–-]*[0-9]\b")


def _rule_modules():
    import importlib

    for path in SRC.rglob("rules.py"):
        dotted = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
        yield importlib.import_module(dotted)


def _documented_ids() -> set[str]:
    """Rule IDs named in the docstrings of the functions of every rules.py, split on '/' so that
    ``APL-44/45/62`` also documents APL-44, APL-45 and APL-62."""
    found: set[str] = set()
    for module in _rule_modules():
        for _name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__:
                continue
            for rid in RULE_ID.findall(fn.__doc__ or ""):
                found |= _expand(rid)
    return found


def _expand(rid: str) -> set[str]:
    prefix, _, nums = rid.partition("-")
    parts = re.split(r"[/]", nums)
    return {rid} | {f"{prefix}-{p}" for p in parts if re.fullmatch(r"[0-9]+", p)}


def _cited() -> dict[str, set[str]]:
    cited: dict[str, set[str]] = {}
    for t in workflow.TABLE:
        for rid in RULE_ID.findall(t.rule):
            cited.setdefault(rid, set()).add(t.action)
        for h in hooks.hooks_for(t.action):
            for rid in RULE_ID.findall(h.rule):
                cited.setdefault(rid, set()).add(f"{h.app}:{t.action}")
    return cited


def test_every_rule_cited_by_a_row_or_a_hook_has_a_rule_function():
    documented = _documented_ids()
    missing = {rid: sorted(where) for rid, where in _cited().items() if not (_expand(rid) & documented)}
    assert not missing, f"rule IDs cited by rows/hooks with no rule function naming them: {missing}"


def test_function_level_imports_name_the_cycle_they_break():
    for path in SRC.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "noqa: PLC0415" in line:
                assert "cycle:" in line, f"{path}:{n}: say which cycle this import breaks"


def test_the_kernel_imports_no_app_above_it():
    pattern = re.compile(r"^\s*(?:from|import)\s+lawtrail\.(registry|profiles|cases|review|web|demo)\b", re.M)
    offenders = [
        str(p.relative_to(SRC))
        for p in (SRC / "core").rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders


JOURNAL_WRITERS = {"journal_append", "journal_append_many", "journal_state"}


def _literal_tag(node) -> bool:
    import ast

    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def test_journal_action_tags_are_enum_members_not_strings():
    """Issue 7: a journal tag is a member of its app's enum (``journal_actions.py``), never a string
    literal or an f-string typed at the call, so every tag can be listed and searched for."""
    import ast

    offenders = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            if name in JOURNAL_WRITERS:
                offenders += [where for k in node.keywords if k.arg == "action" and _literal_tag(k.value)]
            elif (
                name == "journal_append_all"
                and node.args
                and isinstance(node.args[0], ast.List | ast.ListComp)
            ):
                items = node.args[0].elts if isinstance(node.args[0], ast.List) else [node.args[0].elt]
                offenders += [
                    where
                    for t in items
                    if isinstance(t, ast.Tuple) and len(t.elts) > 1 and _literal_tag(t.elts[1])
                ]
    assert not offenders, f"journal tags written as strings (use the app's journal_actions enum): {offenders}"
