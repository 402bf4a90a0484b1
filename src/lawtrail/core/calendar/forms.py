"""Forms of the calendar pages and admin. Input parsing only; the rules are in services."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lawtrail.core.widgets import DateInput

from .models import CalendarYear
from .selectors import calendar_special_days

_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*[~～至]\s*(\d{4}-\d{2}-\d{2}))?\s*(.*)$")


def parse_day_lines(text: str) -> list[tuple[dt.date, str]]:
    """Lines like ``2027-01-01 元旦`` or ``2027-02-06~2027-02-14 春节`` → [(date, name), ...]."""
    out: list[tuple[dt.date, str]] = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        m = _LINE.match(line)
        try:
            if not m:
                raise ValueError(line)
            first = dt.date.fromisoformat(m.group(1))
            last = dt.date.fromisoformat(m.group(2)) if m.group(2) else first
        except ValueError:
            raise forms.ValidationError(
                _("第%(n)s行格式错误：应为“YYYY-MM-DD 名称”或“YYYY-MM-DD~YYYY-MM-DD 名称”。") % {"n": n}
            ) from None
        if last < first or (last - first).days > 31:
            raise forms.ValidationError(_("第%(n)s行的日期范围无效（最多 32 天）。") % {"n": n})
        name = m.group(3).strip()[:64]
        out.extend((first + dt.timedelta(days=i), name) for i in range((last - first).days + 1))
    return out


class DeadlineForm(forms.Form):
    KIND_CHOICES = [("working_days", gettext_lazy("工作日")), ("days", gettext_lazy("自然日"))]

    start = forms.DateField(label=gettext_lazy("起算日"), widget=DateInput())
    count = forms.IntegerField(label=gettext_lazy("期限天数"), min_value=0, max_value=3650)
    kind = forms.ChoiceField(label=gettext_lazy("计算方式"), choices=KIND_CHOICES)


class CalendarYearDefineForm(forms.ModelForm):
    """Admin form: define (or, when editing, redefine) a whole year."""

    holidays = forms.CharField(
        label=gettext_lazy("法定节假日（放假日）"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=gettext_lazy("每行一项：“2027-01-01 元旦”或“2027-02-06~2027-02-14 春节”。周末无需列出。"),
    )
    makeup_workdays = forms.CharField(
        label=gettext_lazy("调休上班日"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy("每行一项：“2027-02-20 春节”（须为周六或周日）。"),
    )

    class Meta:
        model = CalendarYear
        fields = ["year", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # editing: start from the year's current special days
            days = calendar_special_days(self.instance.year)
            self.initial["holidays"] = "\n".join(
                f"{d.date} {d.holiday_name}".strip() for d in days if d.kind == "holiday"
            )
            self.initial["makeup_workdays"] = "\n".join(
                f"{d.date} {d.holiday_name}".strip() for d in days if d.kind == "makeup"
            )

    def clean_holidays(self):
        return parse_day_lines(self.cleaned_data.get("holidays", ""))

    def clean_makeup_workdays(self):
        return parse_day_lines(self.cleaned_data.get("makeup_workdays", ""))

    def validate_unique(self):
        # Redefining an existing year is the service's decision (replace=True when editing).
        pass


class YearNoticeForm(forms.Form):
    """The State Council's notice of a year's holiday schedule, as the page takes it."""

    holidays = forms.CharField(
        label=gettext_lazy("法定节假日（放假日）"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=gettext_lazy("每行一项：“2027-01-01 元旦”或“2027-02-06~2027-02-14 春节”。周末无需列出。"),
    )
    makeup_workdays = forms.CharField(
        label=gettext_lazy("调休上班日"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy("每行一项：“2027-02-20 春节”（须为周六或周日）。"),
    )
    note = forms.CharField(
        label=gettext_lazy("依据"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）"),
    )

    def clean_holidays(self):
        return parse_day_lines(self.cleaned_data.get("holidays", ""))

    def clean_makeup_workdays(self):
        return parse_day_lines(self.cleaned_data.get("makeup_workdays", ""))
