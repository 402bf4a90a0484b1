"""Chinese words for stored values, so a page never shows ``seize`` or ``{'range': …}``.

``label_for(value)``: the label of a stored choice value of any model of the project (read from
the models' ``choices`` through Django's app registry — the kernel imports no app), or of a word an
app registered (``register_labels``: keys of structured settings such as ``range``).
``plain(value)``: any setting value (bool, number, list, dict) as Chinese text."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps

_EXTRA: dict[str, Any] = {}
_FROM_MODELS: dict[str, str] | None = None

#: A rule ID as it appears in free text (RULES.md)
RULE_ID_IN_TEXT = re.compile(r"\b(?:APL|ACL|G118|G27|WD|DISC)-[0-9A-Z][0-9A-Za-z/–-]*")


def register_labels(labels: dict[str, Any]) -> None:
    _EXTRA.update(labels)


def _model_labels() -> dict[str, str]:
    global _FROM_MODELS
    if _FROM_MODELS is None:
        out: dict[str, str] = {}
        for model in apps.get_models():
            if not model.__module__.startswith("lawtrail."):
                continue
            for f in model._meta.get_fields():
                for value, label in getattr(f, "flatchoices", None) or ():
                    if isinstance(value, str) and value and value not in out:
                        out[value] = str(label)
        _FROM_MODELS = out
    return _FROM_MODELS


def label_for(value: Any) -> str:
    text = str(value)
    if text in _EXTRA:
        return str(_EXTRA[text])
    return _model_labels().get(text, text)


def plain(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) for v in value)
    ):
        return f"{value[0]}～{value[1]}"
    if isinstance(value, (list, tuple)):
        return "、".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{label_for(k)}：{plain(v)}" for k, v in value.items())
    if isinstance(value, str):
        return label_for(value)
    return str(value)
