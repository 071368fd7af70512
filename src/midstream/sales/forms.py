from django import forms

from midstream.sales.calc import GRAINS


class SellInImportForm(forms.Form):
    file = forms.FileField(
        label="Sell-in CSV",
        help_text="The invoice/shipment export, UTF-8. See the column list below.",
    )
    dry_run = forms.BooleanField(
        required=False, label="Check only (dry run): report what would be imported, write nothing"
    )


class SellInReportForm(forms.Form):
    grain = forms.ChoiceField(
        choices=[(grain, f"fiscal {grain}" if grain != "month" else "month") for grain in GRAINS],
        required=False,
        initial="month",
    )
    distributor = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, distributor_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if distributor_choices is None:
            del self.fields["distributor"]
        else:
            self.fields["distributor"].choices = [("", "All distributors"), *distributor_choices]
