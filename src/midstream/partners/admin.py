"""Admin: look, never write. Distributors and their children change through the services,
which check the lifecycle and territory rules and write the audit log."""

from django.contrib import admin
from django.db import models

from midstream.core.admin import ReadOnlyAdmin
from midstream.partners.models import (
    Contact,
    Distributor,
    DistributorStatusChange,
    OnboardingItem,
    ReportingObligation,
    Territory,
)


@admin.register(Distributor)
class DistributorAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "legal_name",
        "country",
        "region",
        "currency",
        "program_track",
        "status",
    ]
    list_filter = ["status", "region", "program_track", "currency"]
    search_fields = ["code", "legal_name", "country"]
    ordering = ["code"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(DistributorStatusChange)
class DistributorStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["distributor", "from_status", "to_status", "actor", "at", "reason"]
    list_filter = ["to_status"]
    search_fields = ["distributor__code", "reason"]
    list_select_related = ["distributor", "actor"]
    ordering = ["-at", "-id"]


@admin.register(Territory)
class TerritoryAdmin(ReadOnlyAdmin):
    list_display = ["distributor", "region", "country", "exclusive"]
    list_filter = ["region", "exclusive"]
    search_fields = ["distributor__code", "country"]
    list_select_related = ["distributor"]
    ordering = ["region", "country", "id"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["distributor", "name", "email", "is_primary", "receives_reminders"]
    search_fields = ["distributor__code", "name", "email"]
    list_select_related = ["distributor"]
    ordering = ["distributor__code", "name", "id"]


@admin.register(OnboardingItem)
class OnboardingItemAdmin(ReadOnlyAdmin):
    list_display = ["distributor", "position", "item", "owner", "due_date", "done_date"]
    search_fields = ["distributor__code", "item"]
    list_select_related = ["distributor", "owner"]
    ordering = ["distributor__code", "position", "id"]


@admin.register(ReportingObligation)
class ReportingObligationAdmin(ReadOnlyAdmin):
    list_display = [
        "distributor",
        "report_type",
        "frequency",
        "due_days",
        "active_from",
        "active_to",
    ]
    list_filter = ["report_type", "frequency"]
    search_fields = ["distributor__code"]
    list_select_related = ["distributor"]
    ordering = ["distributor__code", "report_type", "id"]
