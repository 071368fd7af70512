"""Mapping profile forms: one input per setting (never a JSON textarea), a file to suggest from.

``SpecForm`` is built for one report kind: one column input per canonical field of that kind
(a select of the file's columns when the page knows them, else a text input), the date format,
separators, returns convention, and the unit map / EDI qualifiers as ``THEIRS=OURS`` lines.
``spec_data()`` turns the cleaned form into the JSON form of a ``MappingSpec``; the service
validates it and a refusal is shown on the field it names.
"""

from __future__ import annotations

from django import forms

from midstream.catalog.choices import UnitOfMeasure
from midstream.ingest.choices import FormatFamily, ProfileKind
from midstream.ingest.mapping import MappingSpec, ReturnsConvention, canonical_fields

THOUSANDS_CHOICES = [("", "None"), (",", "Comma ,"), (".", "Dot ."), (" ", "Space")]
DECIMAL_CHOICES = [(".", "Dot ."), (",", "Comma ,")]
RETURNS_CHOICES = [
    (ReturnsConvention.NEGATIVE_QUANTITY, "Negative quantity"),
    (ReturnsConvention.TRANSACTION_TYPE, "Transaction type is a return code"),
    (ReturnsConvention.SEPARATE_COLUMN, "Returned quantity in its own column"),
]
# Spec settings whose form field has the same name (the others are composed in spec_data).
_LIST_SETTINGS = ("return_codes", "invoice_qualifiers", "reseller_roles")
_LINE_SETTINGS = ("unit_map", "product_qualifiers")


def column_field_name(canonical: str) -> str:
    return f"col__{canonical}"


def _split_list(text: str) -> list[str]:
    return [part.strip().upper() for part in text.replace(";", ",").split(",") if part.strip()]


def _parse_lines(text: str, *, upper_value: bool) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        theirs, sep, ours = line.partition("=")
        theirs, ours = theirs.strip().upper(), ours.strip()
        if not sep or not theirs or not ours:
            raise forms.ValidationError(f"Line {number}: write THEIRS=OURS, e.g. PCE=EA.")
        if theirs in pairs:
            raise forms.ValidationError(f"Line {number}: {theirs} is given twice.")
        pairs[theirs] = ours.upper() if upper_value else ours.lower()
    return pairs


def _lines(mapping) -> str:
    return "\n".join(f"{key}={value}" for key, value in mapping.items())


class SpecForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this version (required when changing a profile).",
    )
    date_format = forms.CharField(
        max_length=40, help_text="strftime pattern: %Y-%m-%d, %d.%m.%Y, %m/%d/%Y, %Y%m%d…"
    )
    decimal_separator = forms.ChoiceField(choices=DECIMAL_CHOICES)
    thousands_separator = forms.ChoiceField(choices=THOUSANDS_CHOICES, required=False)
    returns_convention = forms.ChoiceField(choices=RETURNS_CHOICES)
    return_codes = forms.CharField(
        required=False, max_length=200, help_text="Transaction types that are returns: RV, RB"
    )
    unit_map = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, THEIRS=OURS (ours: " + ", ".join(UnitOfMeasure.values) + ")",
    )
    default_unit = forms.ChoiceField(choices=UnitOfMeasure.choices)
    default_currency = forms.CharField(required=False, max_length=3, help_text="e.g. EUR")
    product_qualifiers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="EDI: one per line, QUALIFIER=sku|gtin|part_number (VP=sku, UP=gtin…)",
    )
    invoice_qualifiers = forms.CharField(
        required=False, max_length=200, help_text="EDI: REF qualifiers of the invoice: IV, DI"
    )
    reseller_roles = forms.CharField(
        required=False, max_length=200, help_text="EDI: party roles of the reseller, in order"
    )
    end_customer_role = forms.CharField(required=False, max_length=10)
    required_fields = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, kind: str, columns: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.source_columns = list(columns or [])
        fields = canonical_fields(kind)
        self.fields["required_fields"].choices = [(name, name) for name in fields]
        for canonical in fields:
            label = canonical.replace("_", " ").capitalize()
            if self.source_columns:
                field = forms.ChoiceField(
                    required=False,
                    label=label,
                    choices=[("", "— not in the file —")]
                    + [(column, column) for column in self.source_columns],
                )
            else:
                field = forms.CharField(required=False, max_length=200, label=label)
            self.fields[column_field_name(canonical)] = field

    def column_fields(self):
        return [self[column_field_name(name)] for name in canonical_fields(self.kind)]

    def setting_fields(self):
        names = [name for name in self.fields if not name.startswith("col__")]
        return [self[name] for name in names if name != "reason"]

    def clean_unit_map(self):
        return _parse_lines(self.cleaned_data["unit_map"], upper_value=True)

    def clean_product_qualifiers(self):
        return _parse_lines(self.cleaned_data["product_qualifiers"], upper_value=False)

    def spec_data(self) -> dict:
        data = self.cleaned_data
        columns = {
            name: data[column_field_name(name)].strip()
            for name in canonical_fields(self.kind)
            if data.get(column_field_name(name), "").strip()
        }
        spec = {
            "columns": columns,
            "date_format": data["date_format"],
            "decimal_separator": data["decimal_separator"],
            "thousands_separator": data["thousands_separator"],
            "returns_convention": data["returns_convention"],
            "default_unit": data["default_unit"],
            "default_currency": data["default_currency"].strip().upper(),
            "end_customer_role": data["end_customer_role"].strip().upper(),
            "required_fields": list(data["required_fields"]),
        }
        for name in _LIST_SETTINGS:
            spec[name] = _split_list(data[name])
        for name in _LINE_SETTINGS:
            spec[name] = data[name]
        return spec

    @staticmethod
    def initial_from(spec: MappingSpec) -> dict:
        initial = {column_field_name(name): column for name, column in spec.columns.items()}
        initial |= {
            "date_format": spec.date_format,
            "decimal_separator": spec.decimal_separator,
            "thousands_separator": spec.thousands_separator,
            "returns_convention": str(spec.returns_convention),
            "return_codes": ", ".join(spec.return_codes),
            "unit_map": _lines(spec.unit_map),
            "default_unit": spec.default_unit,
            "default_currency": spec.default_currency,
            "product_qualifiers": _lines(spec.product_qualifiers),
            "invoice_qualifiers": ", ".join(spec.invoice_qualifiers),
            "reseller_roles": ", ".join(spec.reseller_roles),
            "end_customer_role": spec.end_customer_role,
            "required_fields": list(spec.required_fields),
        }
        return initial


class ProfileCreateForm(SpecForm):
    """A new profile: whose, which format family, plus the spec (kind comes from the page)."""

    distributor = forms.TypedChoiceField(coerce=int)
    format_family = forms.ChoiceField(choices=FormatFamily.choices)

    field_order = ["distributor", "format_family"]

    def __init__(self, *args, distributors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distributor"].choices = [(d.pk, d.code) for d in distributors]
        self.order_fields(["distributor", "format_family"])

    def setting_fields(self):
        return [f for f in super().setting_fields() if f.name not in ("distributor",)]


class SuggestForm(forms.Form):
    file = forms.FileField(help_text="A report in the distributor's format: CSV, XLSX, EDI, JSON")
    kind = forms.ChoiceField(choices=ProfileKind.choices)
