from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, is_distributor_user
from midstream.core import services
from midstream.core.errors import DomainError
from midstream.core.forms import ExchangeRateForm, VendorSettingsForm
from midstream.core.listing import Column, ListSpec, render_list
from midstream.core.models import ExchangeRate
from midstream.core.selectors import audit_records, get_vendor_settings


@login_required
def home(request):
    if is_distributor_user(request.user):
        return redirect("portal:home")
    from midstream.reports.selectors import dashboard_summary

    return render(request, "core/home.html", {"summary": dashboard_summary()})


def _audit_changes(record) -> str:
    return "; ".join(
        f"{field}: {before} → {after}" for field, (before, after) in record.changes.items()
    )


AUDIT_SPEC = ListSpec(
    name="audit",
    columns=[
        Column("at", "When", sort="at"),
        Column("actor_label", "Who", sort="actor_label"),
        Column("action", "Action", sort="action"),
        Column("object_type", "Object type"),
        Column("object_repr", "Object"),
        Column("changes", "Changes", value=_audit_changes),
        Column("reason", "Reason"),
    ],
    search_fields=["object_repr", "actor_label", "action", "reason", "object_id"],
    default_sort="-at",
)


@require_perm(Perm.VIEW_AUDIT, vendor_only=True)
def audit_list(request):
    """Every audited change, searchable; ``?object_type=…&object_id=…`` narrows to one object."""
    object_type = request.GET.get("object_type") or None
    object_id = request.GET.get("object_id") or None
    records = audit_records(object_type=object_type, object_id=object_id)
    return render_list(
        request,
        records,
        AUDIT_SPEC,
        context={"title": "Audit log", "subtitle": "Who changed what, when and why."},
    )


@require_perm(Perm.MANAGE_FINANCE_SETTINGS, vendor_only=True)
def settings_view(request):
    vendor_settings = get_vendor_settings()
    settings_form = VendorSettingsForm(
        initial={
            "vendor_name": vendor_settings.vendor_name,
            "reporting_currency": vendor_settings.reporting_currency,
            "fiscal_year_start_month": vendor_settings.fiscal_year_start_month,
        }
    )
    rate_form = ExchangeRateForm()
    if request.method == "POST":
        if "add_rate" in request.POST:
            rate_form = ExchangeRateForm(request.POST)
            if rate_form.is_valid():
                try:
                    services.add_exchange_rate(actor=request.user, **rate_form.cleaned_data)
                except DomainError as error:
                    rate_form.add_error(error.field, error.message)
                else:
                    messages.success(request, "Exchange rate added.")
                    return redirect("core:settings")
        else:
            settings_form = VendorSettingsForm(request.POST)
            if settings_form.is_valid():
                try:
                    services.update_vendor_settings(
                        actor=request.user, **settings_form.cleaned_data
                    )
                except DomainError as error:
                    settings_form.add_error(error.field, error.message)
                else:
                    messages.success(request, "Settings saved.")
                    return redirect("core:settings")
    rates = ExchangeRate.objects.order_by("currency", "-valid_from")[:200]
    return render(
        request,
        "core/settings.html",
        {
            "vendor_settings": vendor_settings,
            "settings_form": settings_form,
            "rate_form": rate_form,
            "rates": rates,
        },
    )
