from django.contrib import admin

from midstream.core.admin import ReadOnlyAdmin
from midstream.matching.models import MatchingSettings


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(ReadOnlyAdmin):
    """Read-only: thresholds change through the settings page or API (audited)."""

    list_display = ["lower", "upper", "margin", "updated_at"]
