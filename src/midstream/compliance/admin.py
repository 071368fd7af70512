from django.contrib import admin

from midstream.compliance.models import (
    ComplianceScore,
    DistributorCompliance,
    ExpectedReport,
    JobRun,
    ReminderSent,
)
from midstream.core.admin import ReadOnlyAdmin


@admin.register(ExpectedReport)
class ExpectedReportAdmin(ReadOnlyAdmin):
    list_display = ["distributor", "report_type", "period_start", "due_date", "status", "days_late"]
    list_filter = ["status", "report_type", "frequency"]
    search_fields = ["distributor__code"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["expected_report", "stage", "status", "claimed_at", "sent_at"]
    list_filter = ["stage", "status"]


@admin.register(ComplianceScore)
class ComplianceScoreAdmin(ReadOnlyAdmin):
    list_display = ["distributor", "month", "score", "trailing_score"]


@admin.register(DistributorCompliance)
class DistributorComplianceAdmin(ReadOnlyAdmin):
    list_display = ["distributor", "channel_manager", "reminders_enabled", "escalate_after_days"]


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_started_at", "last_finished_at", "runs"]
