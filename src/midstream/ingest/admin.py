"""Admin: look, never write. Mapping profiles change through the services, which number the
versions, move "current" under a lock and write the audit log; submissions, facts and rollups
are written only by the intake pipeline."""

from django.contrib import admin

from midstream.core.admin import ReadOnlyAdmin
from midstream.ingest.models import (
    ErrorPolicySetting,
    InventoryFact,
    MappingProfile,
    ReportedReseller,
    ReviewWait,
    SellThroughFact,
    SellThroughMonth,
    Submission,
    SubmissionIssue,
)


@admin.register(MappingProfile)
class MappingProfileAdmin(ReadOnlyAdmin):
    list_display = ["distributor", "kind", "format_family", "version", "is_current", "created_at"]
    list_filter = ["kind", "format_family", "is_current"]
    search_fields = ["distributor__code", "change_reason"]
    list_select_related = ["distributor"]
    ordering = ["distributor__code", "kind", "format_family", "-version"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "distributor",
        "kind",
        "period_start",
        "status",
        "version",
        "lines_read",
        "lines_accepted",
        "lines_rejected",
        "submitted_at",
    ]
    list_filter = ["kind", "status", "source"]
    search_fields = ["distributor__code", "file_name", "content_sha256"]
    list_select_related = ["distributor"]


@admin.register(SubmissionIssue)
class SubmissionIssueAdmin(ReadOnlyAdmin):
    list_display = ["submission", "line", "field", "code", "severity", "line_count"]
    list_filter = ["severity", "code"]
    search_fields = ["message", "value"]


@admin.register(ErrorPolicySetting)
class ErrorPolicySettingAdmin(ReadOnlyAdmin):
    list_display = ["distributor", "kind", "policy"]


@admin.register(ReportedReseller)
class ReportedResellerAdmin(ReadOnlyAdmin):
    list_display = [
        "distributor",
        "name",
        "account_number",
        "city",
        "country",
        "reseller",
        "method",
    ]
    search_fields = ["name", "account_number"]
    list_select_related = ["distributor", "reseller"]


@admin.register(ReviewWait)
class ReviewWaitAdmin(ReadOnlyAdmin):
    list_display = ["submission", "spelling", "line_count"]
    list_select_related = ["submission", "spelling"]


@admin.register(SellThroughFact)
class SellThroughFactAdmin(ReadOnlyAdmin):
    list_display = ["submission", "line", "invoice_number", "invoice_date", "product", "quantity"]
    search_fields = ["invoice_number"]
    list_select_related = ["submission", "product"]


@admin.register(InventoryFact)
class InventoryFactAdmin(ReadOnlyAdmin):
    list_display = ["submission", "line", "as_of_date", "location", "product", "on_hand"]
    list_select_related = ["submission", "product"]


@admin.register(SellThroughMonth)
class SellThroughMonthAdmin(ReadOnlyAdmin):
    list_display = ["submission", "month", "product", "reseller", "quantity", "amount", "active"]
    list_filter = ["active"]
    list_select_related = ["submission", "product", "reseller"]
