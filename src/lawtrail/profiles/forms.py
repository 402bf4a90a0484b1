"""Forms of the profile pages and admin (input parsing only)."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy

from lawtrail.core.errors import ValidationFailed
from lawtrail.core.widgets import DateInput
from lawtrail.registry.models import Agency

from . import rules
from .keys import KEYS
from .models import ProfileValue


class EffectiveForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("执法主体"), queryset=Agency.objects.order_by("division__code", "name")
    )
    on = forms.DateField(label=gettext_lazy("日期"), required=False, widget=DateInput())


class ProfileValueForm(forms.ModelForm):
    """Admin form: the value is typed as JSON (5, true, "文本", ["a", "b"], {...})."""

    key = forms.ChoiceField(label=gettext_lazy("配置项"), choices=[])
    value_json = forms.CharField(
        label=gettext_lazy("值（JSON）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy('如 5、true、"文本"、["甲", "乙"]'),
    )
    allow_backdate = forms.BooleanField(label=gettext_lazy("追溯录入（生效日期早于今天）"), required=False)

    class Meta:
        model = ProfileValue
        fields = ["profile", "key", "effective_from", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [
            (k.name, f"{k.label}（{k.name}，{k.unit or k.type}）")
            for k in sorted(KEYS.values(), key=lambda k: k.name)
        ]
        if self.instance.pk:
            self.initial["value_json"] = json.dumps(self.instance.value, ensure_ascii=False)

    def clean(self):
        data = super().clean()
        raw = data.get("value_json")
        if raw is None or not data.get("key"):
            return data
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise forms.ValidationError({"value_json": gettext_lazy("不是有效的 JSON。")}) from None
        try:
            data["value"] = rules.validate_value(rules.key_get(data["key"]), parsed)
        except ValidationFailed as exc:
            raise forms.ValidationError({"value_json": exc.message}) from None
        return data

    def validate_unique(self):
        pass  # the service decides (a future value may be replaced; one in force may not)
