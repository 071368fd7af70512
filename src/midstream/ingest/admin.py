"""Admin: look, never write. Mapping profiles change through the services, which number the
versions, move "current" under a lock and write the audit log."""

from django.contrib import admin

from midstream.core.admin import ReadOnlyAdmin
from midstream.ingest.models import MappingProfile


@admin.register(MappingProfile)
class MappingProfileAdmin(ReadOnlyAdmin):
    list_display = ["distributor", "kind", "format_family", "version", "is_current", "created_at"]
    list_filter = ["kind", "format_family", "is_current"]
    search_fields = ["distributor__code", "change_reason"]
    list_select_related = ["distributor"]
    ordering = ["distributor__code", "kind", "format_family", "-version"]
