"""Forms of the compliance pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt

from django import forms

from midstream.accounts.models import User
from midstream.compliance.choices import ExpectedStatus
from midstream.compliance.services import ESCALATION_ROLES
from midstream.partners.choices import Region, ReportType

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
MONTH_FORMAT = "%Y-%m"


class SettingsForm(forms.Form):
    channel_manager = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Every channel manager",
        help_text="Who overdue reports escalate to.",
    )
    reminders_enabled = forms.BooleanField(
        required=False, label="Send reminders to the distributor's contacts"
    )
    escalate_after_days = forms.IntegerField(
        min_value=2, max_value=60, help_text="Days after the due date (2-60)."
    )
    reason = forms.CharField(
        max_length=500, required=False, help_text="Why (kept in the audit log)."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel_manager"].queryset = User.objects.filter(
            role__in=list(ESCALATION_ROLES), is_active=True
        ).order_by("username")


class RecomputeForm(forms.Form):
    distributor = forms.IntegerField(required=False, min_value=1)
    as_of = forms.DateField(required=False, widget=DATE_INPUT)
    send_reminders = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=500)


def _month_choices(months: list[dt.date]) -> list[tuple[str, str]]:
    return [(month.strftime(MONTH_FORMAT), month.strftime(MONTH_FORMAT)) for month in months]


class HeatMapForm(forms.Form):
    """The heat map's filters (GET). Months are ``YYYY-MM``; empty means the default range."""

    report_type = forms.ChoiceField(
        required=False, choices=[("", "Report: all"), *ReportType.choices]
    )
    region = forms.ChoiceField(required=False, choices=[("", "Region: all"), *Region.choices])
    status = forms.ChoiceField(
        required=False, choices=[("", "Status: any"), *ExpectedStatus.choices]
    )
    start = forms.ChoiceField(required=False, label="From")
    end = forms.ChoiceField(required=False, label="To")

    def __init__(self, *args, months: list[dt.date], **kwargs):
        super().__init__(*args, **kwargs)
        choices = _month_choices(sorted(months))
        self.fields["start"].choices = [("", "From: default"), *choices]
        self.fields["end"].choices = [("", "To: default"), *choices]

    def month(self, name: str) -> dt.date | None:
        value = getattr(self, "cleaned_data", {}).get(name)
        if not value:
            return None
        return dt.datetime.strptime(value, MONTH_FORMAT).date()
