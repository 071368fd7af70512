from django.contrib import admin

from midstream.core.admin import ReadOnlyAdmin
from midstream.matching.models import MatchDecision, MatchingSettings, UnknownPart


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(ReadOnlyAdmin):
    """Read-only: thresholds change through the settings page or API (audited)."""

    list_display = ["lower", "upper", "margin", "updated_at"]


@admin.register(MatchDecision)
class MatchDecisionAdmin(ReadOnlyAdmin):
    """Read-only: decisions are made and undone on the review page or through the API."""

    list_display = ["spelling", "distributor", "action", "reseller", "decided_at", "undone_at"]
    list_filter = ["action"]


@admin.register(UnknownPart)
class UnknownPartAdmin(ReadOnlyAdmin):
    """Read-only: references are mapped, ignored and reopened on the part number review."""

    list_display = ["reference", "distributor", "status", "product", "line_count", "last_seen_at"]
    list_filter = ["status"]
    search_fields = ["reference"]
