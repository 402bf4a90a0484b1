"""docs/cases-api.md stays whole: every error code raised in ``lawtrail/cases/*.py`` is in its
table with its HTTP status, and every action of the transition table is listed.

Regenerate the two tables (between the ``generated`` markers) with
``.venv/bin/python -m tests.cases.test_api_docs``.
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "cases-api.md"


def cases_error_codes() -> dict[str, tuple[tuple[int, ...], str]]:
    """The codes the cases API answers: the cases catalogue, the review codes its hooks raise on
    case steps, and what the API layer answers itself (FRAMEWORK_CODES)."""
    from lawtrail.cases.api import FRAMEWORK_CODES
    from lawtrail.cases.error_map import ACTION_ERRORS, ENDPOINT_ERRORS
    from lawtrail.core.errors import catalogues

    cats = catalogues()
    declared = {c.code: c for cat in cats.values() for c in cat.codes.values()}
    wanted = set(cats["cases"].codes) | set(FRAMEWORK_CODES)
    wanted |= {c for codes in (*ACTION_ERRORS.values(), *ENDPOINT_ERRORS.values()) for c in codes}
    return {code: (declared[code].statuses, declared[code].message) for code in sorted(wanted)}


def errors_table() -> str:
    lines = ["| 错误码 | HTTP | 说明 |", "| --- | --- | --- |"]
    for code, (statuses, message) in cases_error_codes().items():
        text = " ".join(message.split()).replace("|", "\\|")
        lines.append(f"| `{code}` | {'/'.join(map(str, statuses))} | {text} |")
    return "\n".join(lines)


def actions_table() -> str:
    from lawtrail.cases import workflow

    lines = [
        "| 操作 | 名称 | 可办理的状态 → 结果 | 权限 | 依据 | 请求字段 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for t in workflow.TABLE:
        if t.approval:
            result = f"{t.via.value}（{t.approval} 审批）→ {t.target.value}"
        elif t.opens:
            result = f"（状态不变，提交 {t.opens} 审批）"
        elif t.acts_on:
            result = f"（状态不变，{t.acts_on} 审批当前层级办理）"
        else:
            result = t.target.value if t.target is not None else "（状态不变）"
        sources = ", ".join(s.value for s in t.sources) if len(t.sources) < 6 else "任一办理中状态"
        fields = ", ".join(f"`{f}`" for f in t.fields) or "—"
        lines.append(
            f"| `{t.action}` | {t.label} | {sources} → {result} | `{t.perm.value}` | {t.rule or '—'} | {fields} |"
        )
    return "\n".join(lines)


def _replace(text: str, name: str, body: str) -> str:
    pattern = re.compile(
        rf"(<!-- BEGIN generated:{name} -->\n)(?:.*?\n)?(<!-- END generated:{name} -->)", re.S
    )
    assert pattern.search(text), f"markers for {name} missing in {DOC}"
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def regenerate() -> None:
    text = DOC.read_text(encoding="utf-8")
    text = _replace(text, "actions", actions_table())
    text = _replace(text, "errors", errors_table())
    DOC.write_text(text, encoding="utf-8")


def test_doc_lists_every_error_code_with_its_status():
    text = DOC.read_text(encoding="utf-8")
    missing = [
        code
        for code, (statuses, _m) in cases_error_codes().items()
        if f"| `{code}` | {'/'.join(map(str, statuses))} |" not in text
    ]
    assert not missing, (
        f"docs/cases-api.md lacks (or has the wrong status for) {missing}; run python -m tests.cases.test_api_docs"
    )


def test_doc_lists_every_action():
    from lawtrail.cases import workflow

    text = DOC.read_text(encoding="utf-8")
    missing = [t.action for t in workflow.TABLE if f"| `{t.action}` | {t.label} |" not in text]
    assert not missing, f"docs/cases-api.md lacks actions {missing}; run python -m tests.cases.test_api_docs"


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")
    django.setup()
    regenerate()
