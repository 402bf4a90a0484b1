"""Page forms: shape of the input only; every rule is in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Division, Domain


class CredentialIssueForm(forms.Form):
    number = forms.CharField(label=_("执法证号"), max_length=32)
    domain = forms.ModelChoiceField(label=_("执法领域"), queryset=Domain.objects.all())
    region = forms.ModelChoiceField(label=_("执法区域"), queryset=Division.objects.all())
    issued_on = forms.DateField(label=_("发证日期"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))
    issuer = forms.CharField(label=_("发证机关"), max_length=128, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("导入内容"), choices=[("catalog", _("权力事项目录")), ("staff", _("工作人员与执法证"))]
    )
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
