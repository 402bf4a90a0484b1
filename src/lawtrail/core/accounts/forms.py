from django import forms
from django.utils.translation import gettext_lazy as _


class OtpForm(forms.Form):
    token = forms.CharField(label=_("动态码或恢复码"), max_length=20)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput, max_length=128)
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, max_length=128)
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput, max_length=128)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password2"):
            raise forms.ValidationError(_("两次输入的新密码不一致。"), code="PASSWORD_MISMATCH")
        return data
