"""Error codes are declared, one catalogue per app (``<app>/error_codes.py``), not found by reading
the source at run time: every code an app raises is declared (in its own catalogue or the
kernel's) with the status it is raised with, and docs/error-codes.md lists them all."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from lawtrail.core.error_scan import codes_in_files
from lawtrail.core.errors import catalogues

SRC = Path(settings.BASE_DIR) / "src"


def _app_dirs() -> dict[str, Path]:
    out = {}
    for config in apps.get_app_configs():
        if config.name.startswith("lawtrail."):
            out[config.label] = Path(config.path)
    return out


def test_every_code_raised_is_declared_with_its_status():
    cats = catalogues()
    dirs = _app_dirs()
    problems = []
    for label, path in dirs.items():
        nested = [p for other, p in dirs.items() if other != label and p != path and path in p.parents]
        files = [
            f
            for f in path.rglob("*.py")
            if "migrations" not in f.parts
            and f.name not in ("error_codes.py", "error_scan.py")
            and not any(n in f.parents for n in nested)
        ]
        for code, (statuses, _message, where) in codes_in_files(files).items():
            declared = (cats.get(label) and cats[label].codes.get(code)) or cats["core"].codes.get(code)
            if declared is None:
                problems.append(f"{code} raised in {sorted(where)} is not declared in {label}/error_codes.py")
            elif not statuses <= set(declared.statuses):
                problems.append(f"{code}: raised with {sorted(statuses)}, declared {declared.statuses}")
    assert not problems, "\n".join(problems)


def test_no_code_is_declared_twice_with_different_statuses():
    seen: dict[str, tuple[str, tuple[int, ...]]] = {}
    for app, cat in catalogues().items():
        for code, e in cat.codes.items():
            if code in seen:
                assert seen[code][1] == e.statuses, (code, seen[code], app, e.statuses)
            seen[code] = (app, e.statuses)


def test_the_api_does_not_read_its_source_to_document_errors():
    """Importing the cases API parses nothing (issue 7: it cost ~0.5 s of every process start)."""
    text = (SRC / "lawtrail" / "cases" / "api.py").read_text(encoding="utf-8")
    assert "import ast" not in text and "inspect.getsource" not in text


def test_error_codes_doc_is_current(tmp_path):
    out = tmp_path / "errors.md"
    call_command("error_codes", output=str(out))
    committed = (Path(settings.BASE_DIR) / "docs" / "error-codes.md").read_text(encoding="utf-8")
    assert committed == out.read_text(encoding="utf-8"), "run: lawtrail error_codes"


def test_every_code_the_schema_documents_is_declared():
    """A code named in the OpenAPI schema (each endpoint's 400/403/404/409) is declared, so its
    documented status is the one it is answered with."""
    import re

    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    declared = {c for cat in catalogues().values() for c in cat.codes}
    named: set[str] = set()
    for ops in schema["paths"].values():
        for op in ops.values():
            for response in (op.get("responses") or {}).values():
                text = response.get("description", "")
                if "错误码" in text:
                    named |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", text))
    assert named, "the schema documents no error code"
    assert not named - declared, sorted(named - declared)
