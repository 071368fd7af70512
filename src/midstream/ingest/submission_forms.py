"""Forms of the upload pages and the error policy page.

The upload form checks what it can before the file is stored: the size against
``settings.MAX_UPLOAD_BYTES`` (naming the file and the limit), the period as ``YYYY-MM``.
Everything else (who may submit for whom, repeats, idempotency) is the service's.
"""

from __future__ import annotations

from django import forms
from django.conf import settings

from midstream.core.errors import DomainError
from midstream.ingest.choices import ErrorPolicy, ProfileKind
from midstream.ingest.submission_selectors import parse_month


def size_limit_message(file_name: str, size: int, limit: int) -> str:
    return f"{file_name}: {size:,} bytes is over the upload limit of {limit:,} bytes."


class UploadForm(forms.Form):
    """File, report kind, optional month and sheet; vendor staff also pick the distributor."""

    distributor = forms.TypedChoiceField(coerce=int, label="Distributor")
    file = forms.FileField(label="Report file", allow_empty_file=False)
    kind = forms.ChoiceField(
        choices=ProfileKind.choices, initial=ProfileKind.SELL_THROUGH, label="Report"
    )
    period = forms.CharField(
        required=False,
        max_length=7,
        label="Period (month)",
        help_text="YYYY-MM. Leave empty to take the period from the file.",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    sheet = forms.CharField(
        required=False,
        max_length=100,
        label="Sheet",
        help_text="XLSX only: the worksheet to read (default: the first).",
    )

    def __init__(self, *args, distributors=None, **kwargs):
        """``distributors``: the choices for vendor staff; ``None`` hides the field (portal)."""
        super().__init__(*args, **kwargs)
        if distributors is None:
            del self.fields["distributor"]
        else:
            self.fields["distributor"].choices = [("", "—")] + [
                (distributor.pk, f"{distributor.code} — {distributor.legal_name}")
                for distributor in distributors
            ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(size_limit_message(upload.name, upload.size, limit))
        return upload

    def clean_period(self):
        try:
            return parse_month(self.cleaned_data.get("period", ""))
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


class ErrorPolicyForm(forms.Form):
    """One distributor's policy for each report kind."""

    sell_through = forms.ChoiceField(choices=ErrorPolicy.choices, label="Sell-through reports")
    inventory = forms.ChoiceField(choices=ErrorPolicy.choices, label="Inventory reports")
