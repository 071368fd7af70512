from django.contrib import admin

from midstream.core.models import AuditRecord, ExchangeRate, VendorSettings


class ReadOnlyAdmin(admin.ModelAdmin):
    """For models whose changes must go through services (audited, rule-carrying).

    The admin may look, never write: no add, no change, no delete.
    """

    def get_queryset(self, request):
        manager = self.model._meta.default_manager
        objects = getattr(self.model, "objects", manager)
        queryset = objects.unscoped() if hasattr(objects, "unscoped") else manager.all()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """A read-only table of child rows on a read-only admin page."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ScopedAdmin(admin.ModelAdmin):
    """Editable admin for distributor-owned models without business rules."""

    def get_queryset(self, request):
        return self.model.objects.unscoped()


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_label", "reason"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    list_display = ["currency", "valid_from", "rate"]
    list_filter = ["currency"]


@admin.register(VendorSettings)
class VendorSettingsAdmin(ReadOnlyAdmin):
    list_display = ["vendor_name", "reporting_currency", "fiscal_year_start_month"]
