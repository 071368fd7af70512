"""Forms parse input only; the rules live in ``catalog.services``."""

from django import forms

from midstream.catalog.choices import ProductStatus, UnitOfMeasure
from midstream.catalog.models import ProductFamily
from midstream.core.money import CURRENCY_CHOICES, PRICE_DECIMAL_PLACES, PRICE_MAX_DIGITS
from midstream.partners.models import Distributor


def PriceInput(**kwargs) -> forms.DecimalField:
    """A price: Decimal, non-negative, the price column's size (NaN and 1E+30 are refused)."""
    return forms.DecimalField(
        max_digits=PRICE_MAX_DIGITS, decimal_places=PRICE_DECIMAL_PLACES, min_value=0, **kwargs
    )


class FamilyForm(forms.Form):
    code = forms.CharField(max_length=20)
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reason = forms.CharField(max_length=500, required=False)


class ProductEditForm(forms.Form):
    sku = forms.CharField(max_length=40, label="SKU")
    gtin = forms.CharField(
        max_length=20,
        required=False,
        label="GTIN / UPC / EAN",
        help_text="8, 12, 13 or 14 digits; the check digit is verified.",
    )
    description = forms.CharField(max_length=300)
    family = forms.ModelChoiceField(queryset=ProductFamily.objects.none())
    unit_of_measure = forms.ChoiceField(choices=UnitOfMeasure.choices, label="Base unit")
    status = forms.ChoiceField(choices=ProductStatus.choices)
    reason = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = ProductFamily.objects.order_by("code")


class ProductCreateForm(ProductEditForm):
    list_price = PriceInput()
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, initial="USD")


class PriceChangeForm(forms.Form):
    new_price = PriceInput(label="New list price")
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES)
    reason = forms.CharField(max_length=500, help_text="Required: why the price changes.")


class ConversionForm(forms.Form):
    unit = forms.ChoiceField(choices=UnitOfMeasure.choices)
    factor = forms.IntegerField(min_value=1, help_text="Base units in one of this unit.")


class PartNumberForm(forms.Form):
    distributor = forms.ModelChoiceField(queryset=Distributor.objects.unscoped().none())
    part_number = forms.CharField(max_length=60)
    sku = forms.CharField(max_length=40, label="Vendor SKU")
    unit = forms.ChoiceField(
        choices=[("", "the product's base unit"), *UnitOfMeasure.choices], required=False
    )
    reason = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distributor"].queryset = Distributor.objects.unscoped().order_by("code")


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False)
