"""Form widgets every page shares.

Dates are typed and shown as 年-月-日 (2026-09-01) whatever the browser's language: a native
``<input type=date>`` prints its value in the browser's own format (mm/dd/yyyy in an English
Chromium), so the field is a text input with a pattern, and the server parses what it gets
(Django's zh-hans input formats also take 2026/9/1 and 2026年9月1日). ``lawtrail.js`` adds a
calendar button beside each one that writes the chosen day back as 年-月-日.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: the attributes of a date text input (also written out by templates that build inputs by hand:
#: ``{% date_attrs %}``)
DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"


def date_attrs() -> dict[str, str]:
    return {
        "type": "text",
        "inputmode": "numeric",
        "pattern": DATE_PATTERN,
        "placeholder": str(_("年-月-日，如 2026-09-01")),
        "title": str(_("请按 年-月-日 填写，如 2026-09-01")),
        "maxlength": "10",
        "autocomplete": "off",
        "data-date": "",
    }


class DateInput(forms.DateInput):
    """A date typed as 年-月-日 (ISO), shown the same in every browser."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={**date_attrs(), **(attrs or {})}, format="%Y-%m-%d")


DATETIME_PATTERN = r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}"


def datetime_attrs() -> dict[str, str]:
    return {
        "type": "text",
        "pattern": DATETIME_PATTERN,
        "placeholder": str(_("年-月-日 时:分，如 2026-09-01 14:30")),
        "title": str(_("请按 年-月-日 时:分 填写，如 2026-09-01 14:30")),
        "maxlength": "16",
        "autocomplete": "off",
        "data-datetime": "",
    }


class DateTimeInput(forms.DateTimeInput):
    """A time typed as 年-月-日 时:分 (24 hours), shown the same in every browser."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={**datetime_attrs(), **(attrs or {})}, format="%Y-%m-%d %H:%M")
