"""The admin names every app, model and field in Chinese (issue 9: no English in the admin),
third-party apps included: their names are translated by src/lawtrail/locale/zh_Hans (msgids as
the apps write them) and, where an app does not mark them for translation, wrapped at start-up by
lawtrail.core.third_party_i18n."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.utils import translation

from tests.web.crawl import read

CJK = re.compile("[\u4e00-\u9fff]")
#: The automatic primary key is "ID" in Chinese interfaces too.
LATIN_AS_IS = {"ID"}
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"


def test_third_party_apps_have_chinese_names():
    for label in ("axes", "otp_totp", "otp_static", "django_celery_results", "django_celery_beat"):
        name = str(apps.get_app_config(label).verbose_name)
        assert CJK.search(name), (label, name)


def _names(model) -> list[tuple[str, object]]:
    """(where, name) of the model and its own fields, as a page would print them."""
    opts = model._meta
    out = [(f"{opts.label}", opts.verbose_name), (f"{opts.label} (plural)", opts.verbose_name_plural)]
    for field in opts.get_fields(include_hidden=True):
        if hasattr(field, "verbose_name") and not (field.auto_created and not field.concrete):
            out.append((f"{opts.label}.{field.name}", field.verbose_name))
    return out


def _english(value) -> bool:
    text = str(value)
    return not CJK.search(text) and text not in LATIN_AS_IS


def test_every_model_and_field_of_the_third_party_apps_has_a_chinese_name():
    """Every model and field of every third-party app, shown in the admin or not (our own apps'
    names are checked where they reach a page, below)."""
    with translation.override("zh-hans"):
        english = [
            (where, str(name))
            for config in apps.get_app_configs()
            if not config.name.startswith("lawtrail.")
            for model in config.get_models(include_auto_created=True)
            for where, name in _names(model)
            if _english(name)
        ]
    assert not english, english


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogue_is_current(tmp_path, domain):
    """The .mo files are committed (a fresh machine runs no compile step): each must be its .po's."""
    out = tmp_path / f"{domain}.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(out), str(CATALOGUE / f"{domain}.po")], check=True)
    assert out.read_bytes() == (CATALOGUE / f"{domain}.mo").read_bytes(), (
        f"run msgfmt -o {domain}.mo {domain}.po"
    )


def test_the_admin_selector_speaks_chinese(client, django_user_model):
    """The 权限 selector of the group and account forms (Django's JavaScript catalogue)."""
    root = django_user_model.objects.create_superuser("root", "r@example.invalid", "pw-root-123")
    client.force_login(root)
    text = client.get("/admin/jsi18n/").content.decode()
    catalogue = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    assert "全选%s" in catalogue and "选中要添加的%s" in catalogue


def _english_names() -> dict[str, str]:
    """{lower-case English name: where} of every model and field of every installed app, as the
    app writes it (no language active)."""
    found: dict[str, str] = {}
    with translation.override(None):
        for config in apps.get_app_configs():
            for model in config.get_models(include_auto_created=True):
                for where, name in _names(model):
                    text = str(name).strip()
                    if re.search("[A-Za-z]{2}", text) and _english(text):
                        found.setdefault(text.lower(), where)
    return found


def _admin_urls(client) -> list[str]:
    urls = ["/admin/"]
    for model in admin.site._registry:
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        urls += [f"/admin/{opts.app_label}/", base, f"{base}add/"]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(f"{base}{obj.pk}/change/")
    return list(dict.fromkeys(urls))


def test_admin_pages_show_no_english_model_or_field_name(client, django_user_model, cast):
    """A superuser reads the admin index, each app's index, and each model's changelist, add form
    and (where a row exists — the cast's agencies, people, credentials) change form: no model or field name of any installed app appears
    there in English."""
    root = django_user_model.objects.create_superuser("root", "r@example.invalid", "pw-root-123")
    client.force_login(root)  # also gives root a TOTP device: its changelist and change form have a row
    english = _english_names()
    # a word of its own, not part of an identifier (case.number_pattern, accounts:user:auth_state)
    pattern = re.compile(
        r"(?<![\w.:])("
        + "|".join(re.escape(n) for n in sorted(english, key=len, reverse=True))
        + r")(?![\w.]|:\w)",
        re.ASCII,
    )
    seen, leaks = 0, []
    for url in _admin_urls(client):
        response = client.get(url)
        if response.status_code == 403:  # a read-only admin (axes' logs): no add form
            continue
        assert response.status_code == 200, (url, response.status_code)
        seen += 1
        text, _ = read(response.content.decode())
        for line in text.split("\n"):
            for match in pattern.finditer(line.lower()):
                leaks.append((url, line, english[match.group(1)]))
    assert seen > 60
    assert not leaks, "\n".join(f"{url}: {line!r} ({where})" for url, line, where in leaks[:60])
