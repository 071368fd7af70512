"""Filter forms of the report pages (GET): the explorer and inventory positions."""

from __future__ import annotations

import datetime as dt
import re

from django import forms

from midstream.reports.selectors import SellThroughFilters

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (what ``<input type="month">`` sends); cleans to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        match = _MONTH.match(text)
        if not match or int(match.group(1)) < 1900:
            raise forms.ValidationError("Give a month as YYYY-MM.", code="invalid_month")
        return dt.date(int(match.group(1)), int(match.group(2)), 1)


class SellThroughForm(forms.Form):
    distributor = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    month_from = MonthField(required=False, label="From")
    month_to = MonthField(required=False, label="To")
    family = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Product family"
    )
    product = forms.CharField(required=False, max_length=40, label="Product (SKU)")
    reseller = forms.CharField(
        required=False, max_length=200, label="Reseller (partner id or name)"
    )

    def __init__(self, *args, distributor_choices=None, family_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        if distributor_choices is None:
            del self.fields["distributor"]
        else:
            self.fields["distributor"].choices = [("", "All distributors"), *distributor_choices]
        self.fields["family"].choices = [("", "All families"), *family_choices]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("month_from"), cleaned.get("month_to")
        if first and last and first > last:
            self.add_error("month_to", "The last month is before the first.")
        return cleaned

    def filters(self) -> SellThroughFilters:
        """The valid filters (an invalid field is left out and shown with its error)."""
        if not self.is_bound:
            return SellThroughFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return SellThroughFilters(
            distributor_id=data.get("distributor"),
            month_from=data.get("month_from"),
            month_to=data.get("month_to"),
            family_id=data.get("family"),
            sku=(data.get("product") or "").strip(),
            reseller=(data.get("reseller") or "").strip(),
        )


class InventoryForm(forms.Form):
    distributor = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    product = forms.CharField(required=False, max_length=40, label="Product (SKU)")
    location = forms.CharField(required=False, max_length=60)
    as_of = MonthField(required=False, label="As of month")

    def __init__(self, *args, distributor_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if distributor_choices is None:
            del self.fields["distributor"]
        else:
            self.fields["distributor"].choices = [("", "All distributors"), *distributor_choices]

    def options(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "distributor_id": data.get("distributor"),
            "sku": (data.get("product") or "").strip(),
            "location": (data.get("location") or "").strip(),
            "as_of_month": data.get("as_of"),
        }
