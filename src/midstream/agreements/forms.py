"""Forms for agreement pages. They parse input; the services hold the rules."""

from __future__ import annotations

from django import forms

from midstream.agreements.choices import CommitmentPeriod, CommitmentUnit, PaymentTerms
from midstream.catalog.models import ProductFamily
from midstream.core.money import CURRENCY_CHOICES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TermsForm(forms.Form):
    """The terms every version carries."""

    effective_from = forms.DateField(widget=DATE_WIDGET)
    effective_to = forms.DateField(
        widget=DATE_WIDGET, required=False, help_text="Leave empty for an open-ended agreement."
    )
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES)
    payment_terms = forms.ChoiceField(choices=PaymentTerms.choices)
    commitment_period = forms.ChoiceField(
        choices=CommitmentPeriod.choices, label="Commitment period"
    )
    commitment_unit = forms.ChoiceField(choices=CommitmentUnit.choices, label="Commitment in")
    commitment_value = forms.DecimalField(
        max_digits=18,
        decimal_places=2,
        min_value=0,
        label="Minimum volume commitment",
        help_text="Per period, in the agreement currency or in units.",
    )

    def terms(self) -> dict:
        return {name: self.cleaned_data[name] for name in TermsForm.base_fields}


class AgreementCreateForm(TermsForm):
    distributor = forms.ChoiceField()
    number = forms.CharField(max_length=40, label="Agreement number")
    title = forms.CharField(max_length=200)
    reason = forms.CharField(
        max_length=500, required=False, label="Note for the audit log", widget=forms.TextInput
    )

    field_order = ["distributor", "number", "title"]

    def __init__(self, *args, distributor_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distributor"].choices = [("", "—"), *distributor_choices]


class AmendForm(TermsForm):
    reason = forms.CharField(
        max_length=2000, label="Amendment reason", widget=forms.Textarea(attrs={"rows": 2})
    )


class EndForm(forms.Form):
    end_date = forms.DateField(widget=DATE_WIDGET, label="Last day in force")
    reason = forms.CharField(
        max_length=2000, label="Why the agreement ends", widget=forms.Textarea(attrs={"rows": 2})
    )


class DiscountLevelForm(forms.Form):
    family = forms.ChoiceField(required=False, label="Product family")
    discount_percent = forms.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        label="Discount %",
    )

    def __init__(self, *args, family_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", "—"), *family_choices]

    def clean(self):
        cleaned = super().clean()
        family, percent = cleaned.get("family"), cleaned.get("discount_percent")
        if family and percent is None and "discount_percent" not in self.errors:
            self.add_error("discount_percent", "Give the discount for this family.")
        if percent is not None and not family:
            self.add_error("family", "Choose the family this discount is for.")
        return cleaned


class BaseDiscountFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            family = form.cleaned_data.get("family")
            if not family:
                continue
            if family in seen:
                raise forms.ValidationError(f"Family {family} has more than one discount level.")
            seen.add(family)

    def discounts(self) -> list[tuple[str, object]]:
        """``(family code, percent)`` for every filled row."""
        return [
            (form.cleaned_data["family"], form.cleaned_data["discount_percent"])
            for form in self.forms
            if form.cleaned_data.get("family")
        ]


DiscountFormSet = forms.formset_factory(
    DiscountLevelForm, formset=BaseDiscountFormSet, extra=3, max_num=200, validate_max=True
)


def family_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{code} — {name}")
        for code, name in ProductFamily.objects.values_list("code", "name")
    ]


def discount_formset(data=None, *, initial=None) -> BaseDiscountFormSet:
    return DiscountFormSet(
        data, initial=initial, prefix="discounts", form_kwargs={"family_choices": family_choices()}
    )
