from django import forms

from midstream.core.money import CURRENCY_CHOICES

MONTH_CHOICES = [
    (1, "January"),
    (2, "February"),
    (3, "March"),
    (4, "April"),
    (5, "May"),
    (6, "June"),
    (7, "July"),
    (8, "August"),
    (9, "September"),
    (10, "October"),
    (11, "November"),
    (12, "December"),
]


class VendorSettingsForm(forms.Form):
    vendor_name = forms.CharField(max_length=200)
    reporting_currency = forms.ChoiceField(choices=CURRENCY_CHOICES)
    fiscal_year_start_month = forms.TypedChoiceField(choices=MONTH_CHOICES, coerce=int)
    reason = forms.CharField(max_length=500, required=False, widget=forms.TextInput)


class ExchangeRateForm(forms.Form):
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES)
    valid_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    rate = forms.DecimalField(max_digits=20, decimal_places=10, min_value=0)
