"""Forms of the partners pages. They parse input; the services decide what is allowed."""

from django import forms
from django.db.models import Q

from midstream.accounts.choices import VENDOR_ROLES
from midstream.accounts.models import User
from midstream.core.money import CURRENCY_CHOICES
from midstream.partners.choices import (
    DistributorStatus,
    ProgramTrack,
    Region,
    ReportFrequency,
    ReportType,
)
from midstream.partners.services import MAX_DUE_DAYS

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def _reason_field(required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        max_length=500,
        required=required,
        widget=forms.TextInput,
        help_text=help_text or "Why (kept in the audit log).",
    )


class DistributorEditForm(forms.Form):
    legal_name = forms.CharField(max_length=200)
    country = forms.CharField(
        max_length=2, min_length=2, help_text="Two-letter ISO 3166 code, e.g. DE."
    )
    region = forms.ChoiceField(choices=Region.choices)
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES)
    program_track = forms.ChoiceField(choices=ProgramTrack.choices)
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = _reason_field()


class DistributorCreateForm(DistributorEditForm):
    code = forms.CharField(
        max_length=32, help_text="2-32 characters: capital letters, digits, - and _."
    )
    field_order = ["code"]


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label="New status")
    reason = _reason_field(required=True, help_text="Required: why the status changes.")

    def __init__(self, *args, allowed: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (value, label) for value, label in DistributorStatus.choices if value in allowed
        ]


class TerritoryForm(forms.Form):
    region = forms.ChoiceField(choices=Region.choices)
    country = forms.CharField(
        max_length=2, required=False, help_text="Two-letter code; leave empty for the whole region."
    )
    exclusive = forms.BooleanField(required=False)
    reason = _reason_field()


class ContactForm(forms.Form):
    name = forms.CharField(max_length=150)
    title = forms.CharField(max_length=150, required=False)
    email = forms.EmailField()
    phone = forms.CharField(max_length=40, required=False)
    is_primary = forms.BooleanField(required=False, label="Primary contact")
    receives_reminders = forms.BooleanField(
        required=False, initial=True, label="Receives reporting reminders"
    )
    reason = _reason_field()


class OnboardingItemForm(forms.Form):
    item = forms.CharField(max_length=200)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    due_date = forms.DateField(required=False, widget=DATE_INPUT)
    position = forms.IntegerField(
        required=False, min_value=0, max_value=32767, help_text="Empty: at the end of the list."
    )
    reason = _reason_field()

    def __init__(self, *args, distributor, **kwargs):
        super().__init__(*args, **kwargs)
        # Vendor staff, or this distributor's own users, may own an item.
        self.fields["owner"].queryset = (
            User.objects.filter(is_active=True)
            .filter(Q(role__in=[str(role) for role in VENDOR_ROLES]) | Q(distributor=distributor))
            .order_by("username")
        )


class CompleteItemForm(forms.Form):
    done_date = forms.DateField(required=False, widget=DATE_INPUT, help_text="Empty: today.")
    reason = _reason_field()


class ObligationForm(forms.Form):
    report_type = forms.ChoiceField(choices=ReportType.choices)
    frequency = forms.ChoiceField(choices=ReportFrequency.choices)
    due_days = forms.IntegerField(
        min_value=0,
        max_value=MAX_DUE_DAYS,
        help_text="Days after the end of the period by which the report is due.",
    )
    active_from = forms.DateField(widget=DATE_INPUT)
    active_to = forms.DateField(required=False, widget=DATE_INPUT)
    reason = _reason_field()


class RemoveForm(forms.Form):
    reason = _reason_field()
