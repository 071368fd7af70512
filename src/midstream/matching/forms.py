from decimal import Decimal

from django import forms

from midstream.matching.choices import DecisionAction


def _score_field(label: str, help_text: str, maximum: int = 100) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=4,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(maximum),
        help_text=help_text,
    )


class MatchingSettingsForm(forms.Form):
    upper = _score_field("Accept automatically from", "Score 0 to 100.")
    lower = _score_field("Send to review from", "Below it: a new-reseller candidate.")
    margin = _score_field(
        "Ambiguity margin", "A runner-up this close sends the line to review.", maximum=50
    )
    reason = forms.CharField(max_length=500, required=False, widget=forms.TextInput)


class DecisionForm(forms.Form):
    """One form for the four actions; the view passes the fields the action needs on."""

    action = forms.ChoiceField(choices=DecisionAction.choices)
    reseller = forms.IntegerField(required=False, widget=forms.HiddenInput)
    partner_id = forms.CharField(
        max_length=20, required=False, help_text="Pick another: the reseller's partner id."
    )
    reason = forms.CharField(max_length=500, required=False, widget=forms.TextInput)


class NewResellerForm(forms.Form):
    """Create a new reseller, prefilled from the spelling."""

    new_partner_id = forms.CharField(label="Partner id", max_length=20)
    name = forms.CharField(max_length=200)
    country = forms.CharField(max_length=2)
    city = forms.CharField(max_length=100, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    address_line = forms.CharField(max_length=200, required=False)
    tax_id = forms.CharField(max_length=40, required=False)


class UndoForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False, widget=forms.TextInput)
