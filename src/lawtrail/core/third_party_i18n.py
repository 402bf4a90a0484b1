"""Chinese for the third-party apps' names in the admin (issue 9: no English in the admin).

The translations themselves are in ``src/lawtrail/locale/zh_Hans/LC_MESSAGES/django.po``
(settings.LOCALE_PATHS, which Django consults before each app's own catalogue), with msgids
exactly as the apps define them. Some apps (django-otp, parts of django-celery-results and
django-axes) write their model, field and fieldset names as plain strings, which never pass
through gettext: :func:`mark_third_party_for_translation` wraps those plain strings in
``gettext_lazy`` at start-up, so the catalogue applies to them too.

Only what the migration state does not hold is touched: a field's ``verbose_name`` attribute
(the state keeps ``_verbose_name``, the argument as written), the model's ``_meta.verbose_name``
(the state keeps ``original_attrs``); a help text wrapped lazily still equals the original under
``makemigrations`` (which runs without a language), so no migration is written for site-packages.
"""

from __future__ import annotations

from types import FunctionType

from django.contrib import admin
from django.contrib.admin.utils import pretty_name
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Apps whose names a page may show; ours translate their own (the ``lawtrail.`` apps).
OURS = "lawtrail."


def _lazy(value):
    """A plain, non-empty string wrapped for translation; anything else unchanged."""
    if isinstance(value, str) and value and not isinstance(value, Promise):
        return gettext_lazy(value)
    return value


def _third_party_models(app_registry):
    for config in app_registry.get_app_configs():
        if config.name.startswith(OURS):
            continue
        yield from config.get_models(include_auto_created=True)


def mark_third_party_for_translation(app_registry) -> None:
    for model in _third_party_models(app_registry):
        opts = model._meta
        opts.verbose_name = _lazy(opts.verbose_name)
        if "verbose_name_plural" in opts.original_attrs:
            opts.verbose_name_plural = _lazy(opts.verbose_name_plural)
        else:  # Django's default, "<verbose_name>s", as the msgid the app would have written
            with translation.override(None):
                opts.verbose_name_plural = gettext_lazy(str(opts.verbose_name_plural))
        for field in opts.get_fields(include_hidden=True):
            if not hasattr(field, "verbose_name") or field.auto_created and not field.concrete:
                continue
            field.verbose_name = _lazy(field.verbose_name)
            if getattr(field, "help_text", None):
                field.help_text = _lazy(field.help_text)
            if getattr(field, "choices", None):
                # labels as written (celery's task states are their own labels: PENDING …)
                field.choices = [
                    (value, _lazy(label)) if not isinstance(label, list | tuple) else (value, label)
                    for value, label in field.choices
                ]
    _mark_admin()
    Permission.__str__ = _permission_str


def _search_help_text(search_fields):
    def text() -> str:
        user_opts = get_user_model()._meta
        names = [
            str(user_opts.get_field(name.removeprefix("user__")).verbose_name)
            for name in search_fields
            if name.startswith("user__")
        ]
        return _("按账号的%(fields)s搜索") % {"fields": "或".join(names)}

    return lazy(text, str)()


#: Django's default permissions, named in English in the database ("Can add access attempt").
DEFAULT_ACTIONS = {"add": "增加", "change": "修改", "delete": "删除", "view": "查看"}


def _permission_str(permission) -> str:
    """ "<app> | <model> | 增加<model>" for a default permission (its stored name is Django's
    English "Can add <model>", written when the table was migrated); a permission named by an
    app is shown as named."""
    content_type = permission.content_type
    model = content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is not None and action in DEFAULT_ACTIONS:
        opts = model._meta
        if (
            permission.codename == f"{action}_{opts.model_name}"
            and permission.name == f"Can {action} {opts.verbose_name_raw}"
        ):
            return f"{content_type} | {_(DEFAULT_ACTIONS[action])}{opts.verbose_name}"
    return f"{content_type} | {permission.name}"


def _mark_admin() -> None:
    """Fieldset titles and column names of the third-party ModelAdmins (and their inlines)."""
    for model, model_admin in admin.site._registry.items():
        if model.__module__.startswith(OURS):
            continue
        classes = [type(model_admin), *getattr(model_admin, "inlines", ())]
        for cls in classes:
            if getattr(cls, "_lawtrail_i18n", False):
                continue
            cls._lawtrail_i18n = True
            if isinstance(getattr(cls, "search_help_text", None), str) and cls.search_help_text.startswith(
                "Search by user's "
            ):  # django-otp's device admins, composed in English at import
                cls.search_help_text = _search_help_text(cls.search_fields)
            original = cls.get_fieldsets
            cls.get_fieldsets = lambda self, request, obj=None, _original=original: [
                (_lazy(name), options) for name, options in _original(self, request, obj)
            ]
            for name in dir(cls):
                attr = getattr(cls, name, None)
                if callable(attr) and isinstance(getattr(attr, "short_description", None), str):
                    attr.short_description = _lazy(attr.short_description)
            # a column or read-only field computed by a method without a description is named
            # after the method ("crontab_translation" → "Crontab translation")
            for name in [*getattr(cls, "readonly_fields", ()), *getattr(cls, "list_display", ())]:
                attr = getattr(cls, name, None) if isinstance(name, str) else None
                if isinstance(attr, FunctionType) and not hasattr(attr, "short_description"):
                    attr.short_description = gettext_lazy(pretty_name(name))
