"""Forms parse input only; the rules live in ``network.services``."""

from django import forms

from midstream.network.choices import OnboardingStage, ResellerStatus, ResellerTier
from midstream.partners.models import Distributor


def _distributors():
    return Distributor.objects.unscoped().order_by("code")


class ResellerForm(forms.Form):
    partner_id = forms.CharField(max_length=20, help_text="The vendor's partner id, e.g. R0001234.")
    name = forms.CharField(max_length=200)
    tax_id = forms.CharField(max_length=40, required=False, label="Tax / registration id")
    address_line = forms.CharField(max_length=200, required=False, label="Address")
    city = forms.CharField(max_length=100, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    country = forms.CharField(
        max_length=2, min_length=2, help_text="Two-letter ISO 3166 code, e.g. DE."
    )
    tier = forms.ChoiceField(choices=ResellerTier.choices, initial=ResellerTier.REGISTERED)
    status = forms.ChoiceField(choices=ResellerStatus.choices, initial=ResellerStatus.PROSPECT)
    recruited_by = forms.ModelChoiceField(
        queryset=Distributor.objects.unscoped().none(),
        required=False,
        label="Recruiting distributor",
    )
    reason = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recruited_by"].queryset = _distributors()


class ResellerCreateForm(ResellerForm):
    onboarding_stage = forms.ChoiceField(
        choices=OnboardingStage.choices, initial=OnboardingStage.IDENTIFIED
    )


class AliasForm(forms.Form):
    alias = forms.CharField(max_length=200)
    distributor = forms.ModelChoiceField(
        queryset=Distributor.objects.unscoped().none(),
        required=False,
        help_text="The distributor that uses this spelling; empty = vendor-wide.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distributor"].queryset = _distributors()


class SupplyForm(forms.Form):
    distributor = forms.ModelChoiceField(queryset=Distributor.objects.unscoped().none())
    since = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    account_number = forms.CharField(max_length=40, required=False)
    reason = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distributor"].queryset = _distributors()


class EndSupplyForm(forms.Form):
    until = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="Last day of supply"
    )
    reason = forms.CharField(max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False)


class StageForm(forms.Form):
    onboarding_stage = forms.ChoiceField(choices=OnboardingStage.choices, label="Move to stage")
    reason = forms.CharField(max_length=500, required=False)
