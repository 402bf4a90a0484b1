"""当场处罚 (简易程序) page: phone-first, for an officer in the street — party, violation, amount
within the APL-51 limit, payment on the spot with the receipt number, signature, done. One form
over ``services.case_on_the_spot`` (every rule stays there); the limits of the rule profile are
shown beside the amount so the officer sees them before the refusal would."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lawtrail.core.errors import Conflict, PermissionDenied, ValidationFailed
from lawtrail.profiles.selectors import profile_value
from lawtrail.registry.models import Division, Domain, Violation

from . import selectors, services
from .forms import VIOLATION_PICKER, DateInput, PickerSelectMultiple
from .models import Party
from .rules import PenaltyKind

L = gettext_lazy


class OnTheSpotForm(forms.Form):
    # 1 当事人
    party_kind = forms.ChoiceField(
        label=L("当事人类别"), choices=Party.Kind.choices, widget=forms.RadioSelect, initial="person"
    )
    party_name = forms.CharField(label=L("姓名/名称"), max_length=200, required=False)
    party_id_number = forms.CharField(label=L("公民身份号码（自然人）"), max_length=18, required=False)
    party_credit_code = forms.CharField(label=L("统一社会信用代码（组织）"), max_length=18, required=False)
    party_phone = forms.CharField(
        label=L("联系电话"), max_length=32, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    party_address = forms.CharField(label=L("住所/地址"), max_length=200, required=False)
    # 2 违法行为
    violation_ids = forms.TypedMultipleChoiceField(
        label=L("违法行为"),
        required=False,
        coerce=int,
        widget=PickerSelectMultiple(attrs=VIOLATION_PICKER),
    )
    domain = forms.ModelChoiceField(label=L("执法领域"), queryset=Domain.objects.none())
    region = forms.ModelChoiceField(label=L("违法行为发生地"), queryset=Division.objects.none())
    act_date = forms.DateField(label=L("违法行为发生日"), required=False, widget=DateInput())
    facts = forms.CharField(
        label=L("违法事实"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    basis = forms.CharField(label=L("法定依据"), required=False, max_length=300)
    # 3 处罚
    kinds = forms.MultipleChoiceField(
        label=L("处罚种类"),
        required=False,
        choices=[(PenaltyKind.WARNING.value, L("警告")), (PenaltyKind.FINE.value, L("罚款"))],
        widget=forms.CheckboxSelectMultiple,
        initial=[PenaltyKind.FINE.value],
    )
    amount = forms.DecimalField(
        label=L("罚款金额（元）"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    # 4 执法人员与决定书
    officer_ids = forms.TypedMultipleChoiceField(
        label=L("同行执法人员（须持证）"), required=False, coerce=int, widget=PickerSelectMultiple
    )
    credentials_shown = forms.BooleanField(label=L("已向当事人出示执法证件"), required=False, initial=True)
    form_serial = forms.CharField(label=L("当场处罚决定书编号（预编号）"), max_length=64, required=False)
    # 5 当场缴款
    collected = forms.BooleanField(label=L("当场收缴罚款"), required=False)
    receipt_number = forms.CharField(label=L("罚款收据编号"), max_length=64, required=False)
    hard_to_collect_later = forms.BooleanField(label=L("不当场收缴事后难以执行"), required=False)
    remote_area = forms.BooleanField(
        label=L("边远、水上、交通不便地区，当事人到银行缴款确有困难"), required=False
    )
    # 6 签名
    party_signed = forms.BooleanField(label=L("当事人已在决定书上签名"), required=False, initial=True)
    refusal_noted = forms.BooleanField(label=L("当事人拒绝签名，已在决定书上注明"), required=False)

    def __init__(self, *args, agency, officers, **kwargs):
        super().__init__(*args, **kwargs)
        domains = agency.domains.all()
        self.fields["domain"].queryset = domains if domains.exists() else Domain.objects.all()
        if domains.count() == 1:
            self.fields["domain"].initial = domains.first().pk
        self.fields["region"].queryset = Division.objects.filter(
            path__startswith=agency.division.path
        ).order_by("path")
        self.fields["region"].initial = agency.division_id
        self.fields["act_date"].initial = timezone.localdate()
        self.fields["officer_ids"].choices = officers
        self.fields["violation_ids"].choices = list(
            Violation.objects.filter(power__domain__in=self.fields["domain"].queryset)
            .order_by("code")
            .values_list("pk", "name")
        )


#: The form's sections (phone-first: one column, in the order the officer works).
SECTIONS = (
    (
        L("当事人"),
        ("party_kind", "party_name", "party_id_number", "party_credit_code", "party_phone", "party_address"),
    ),
    (L("违法行为"), ("violation_ids", "domain", "region", "act_date", "facts", "basis")),
    (L("处罚"), ("kinds", "amount")),
    (L("执法人员与决定书"), ("officer_ids", "credentials_shown", "form_serial")),
    (L("缴款"), ("collected", "receipt_number", "hard_to_collect_later", "remote_area")),
    (L("签名"), ("party_signed", "refusal_noted")),
)


def _limits(agency) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "person": profile_value(agency, "on_the_spot.fine_max.person", on=today),
        "organisation": profile_value(agency, "on_the_spot.fine_max.organisation", on=today),
        "collection": profile_value(agency, "on_the_spot.collection_max", on=today),
    }


@login_required
def on_the_spot(request):
    user = request.user
    agencies = list(selectors.handle_agencies_for(user))
    if not agencies:
        raise PermissionDenied(_("您没有作出当场处罚的权限。"), code="PERMISSION_DENIED")
    wanted = request.POST.get("agency") or request.GET.get("agency")
    agency = next((a for a in agencies if str(a.pk) == wanted), agencies[0])
    today = timezone.localdate()
    candidates = selectors.officer_candidates(user, agency.pk, on=today, handler=user, exclude=(user.pk,))
    officers = [(o.user_id, selectors.officer_label(o, None)) for o in candidates]
    form = OnTheSpotForm(request.POST or None, agency=agency, officers=officers)
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_on_the_spot(
                actor=user,
                agency=agency,
                domain=d["domain"],
                region=d["region"],
                party_kind=d["party_kind"],
                party_name=d["party_name"],
                party_id_number=d["party_id_number"],
                party_credit_code=d["party_credit_code"],
                party_phone=d["party_phone"],
                party_address=d["party_address"],
                officer_ids=d["officer_ids"],
                kinds=d["kinds"],
                amount=d["amount"],
                act_date=d["act_date"] or today,
                facts=d["facts"],
                basis=d["basis"],
                violation_ids=d["violation_ids"],
                form_serial=d["form_serial"],
                credentials_shown=d["credentials_shown"],
                party_signed=d["party_signed"],
                refusal_noted=d["refusal_noted"],
                collected=d["collected"],
                receipt_number=d["receipt_number"],
                hard_to_collect_later=d["hard_to_collect_later"],
                remote_area=d["remote_area"],
            )
        except (ValidationFailed, Conflict) as exc:
            error = exc
        else:
            messages.success(request, _("当场处罚已完成：决定书 %(n)s 已交付当事人。") % {"n": case.number})
            return redirect("cases:detail", pk=case.pk)
    sections = [(title, [form[name] for name in names]) for title, names in SECTIONS]
    status = (error.status if error else 400) if request.method == "POST" else 200
    return render(
        request,
        "cases/on_the_spot.html",
        {"form": form, "sections": sections, "error": error, "agency": agency, "limits": _limits(agency)},
        status=status,
    )
