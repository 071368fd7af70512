from decimal import Decimal

from django import forms


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
