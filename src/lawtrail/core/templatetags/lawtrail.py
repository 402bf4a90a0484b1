"""Template filters every page may use: ``{% load lawtrail %}``.

- ``cite``: a rule ID (``APL-42``) as the article a reader knows (《行政处罚法》第四十二条);
- ``cite_text``: free text with every rule ID in it replaced by its citation;
- ``plain``: a stored value (bool, list, dict, enum value) as Chinese text; ``label``: one enum value's label;
- ``refusal_fix``: where a refusal (an ``ApplicationError``) can be fixed, if its app said so;
- ``rmb_upper``: an amount in Chinese capitals, as documents print it (壹佰元整);
- ``{% date_attrs %}``, ``{% datetime_attrs %}``: the attributes of a date (年-月-日) or time
  (年-月-日 时:分) field, the same in every browser (``core.widgets``).
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.forms.utils import flatatt

from lawtrail.core.citations import cite as _cite
from lawtrail.core.labels import RULE_ID_IN_TEXT, label_for, plain
from lawtrail.core.money import rmb_upper as _rmb_upper
from lawtrail.core.refusals import fix_for
from lawtrail.core.widgets import date_attrs as _date_attrs
from lawtrail.core.widgets import datetime_attrs as _datetime_attrs

register = template.Library()


@register.filter
def cite(rule) -> str:
    return _cite(str(rule or ""))


@register.filter
def rmb_upper(amount) -> str:
    if amount in (None, ""):
        return ""
    try:
        return _rmb_upper(Decimal(str(amount)))
    except (InvalidOperation, ValueError):
        return ""


@register.filter
def refusal_fix(error):
    return fix_for(getattr(error, "code", "") or "")


@register.filter
def cite_text(text) -> str:
    return RULE_ID_IN_TEXT.sub(lambda m: _cite(m.group(0)) or "", str(text or ""))


@register.filter(name="plain")
def plain_filter(value) -> str:
    return plain(value)


@register.filter
def label(value) -> str:
    return label_for(value)


@register.simple_tag
def date_attrs():
    """``<input name="x" {% date_attrs %}>``: a date typed and shown as 年-月-日 in every browser."""
    return flatatt(_date_attrs())


@register.simple_tag
def datetime_attrs():
    """``<input name="x" {% datetime_attrs %}>``: a time typed and shown as 年-月-日 时:分."""
    return flatatt(_datetime_attrs())
