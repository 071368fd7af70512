import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from midstream.compliance.choices import ExpectedStatus
from midstream.partners.choices import ReportFrequency, ReportType


class ReasonOut(Schema):
    code: str
    message: str


class ExpectedReportOut(Schema):
    id: int
    distributor_id: int
    distributor_code: str = Field(alias="distributor.code")
    report_type: str
    frequency: str
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    status: str
    days_late: int | None
    received_at: dt.datetime | None
    submission_id: int | None
    rejected_submission_id: int | None
    processing: bool
    reported_total: Decimal | None
    reasons: list[ReasonOut]
    score: Decimal | None
    estimate_method: str = Field(
        description="How the sell-through of a missing period was estimated: inventory, "
        "ratio, none, or empty when no estimate applies."
    )
    estimate_quantity: Decimal | None = Field(
        description="An ESTIMATE of the missing period's sell-through in units, never a "
        "reported figure."
    )
    as_of: dt.date | None


class ReminderOut(Schema):
    stage: str
    status: str
    recipients: list[str]
    subject: str
    attempts: int
    claimed_at: dt.datetime
    sent_at: dt.datetime | None


class ExpectedReportDetailOut(ExpectedReportOut):
    estimate: dict
    reminders: list[ReminderOut] = Field(alias="reminders_shown")


class ExpectedReportFilter(Schema):
    distributor_id: int | None = None
    distributor: str | None = Field(default=None, max_length=32, description="code")
    report_type: ReportType | None = None
    frequency: ReportFrequency | None = None
    status: ExpectedStatus | None = None
    period_from: dt.date | None = Field(default=None, description="period ends on or after")
    period_to: dt.date | None = Field(default=None, description="period ends on or before")


class ScoreOut(Schema):
    distributor_id: int
    distributor_code: str = Field(alias="distributor.code")
    month: dt.date
    reports: int
    on_time: int
    late: int
    incomplete: int
    missing: int
    score: Decimal | None
    trailing_reports: int
    trailing_score: Decimal | None


class ScoreFilter(Schema):
    distributor_id: int | None = None
    month_from: dt.date | None = None
    month_to: dt.date | None = None


class RecomputeIn(Schema):
    as_of: dt.date | None = None
    distributor_id: int | None = None
    send_reminders: bool = False
    months: int | None = Field(default=None, ge=1, le=120)


class RemindersOut(Schema):
    sent: int
    failed: int
    already_claimed: int
    no_recipients: int
    by_stage: dict[str, int]


class RecomputeOut(Schema):
    as_of: dt.date
    window_start: dt.date
    window_end: dt.date
    distributors: int
    created: int
    withdrawn: int
    deleted: int
    changed: int
    statuses: dict[str, int]
    reminders: RemindersOut | None = None


class SettingsOut(Schema):
    distributor_id: int
    channel_manager_id: int | None
    reminders_enabled: bool
    escalate_after_days: int


class SettingsIn(Schema):
    channel_manager_id: int | None = None
    reminders_enabled: bool = True
    escalate_after_days: int = Field(default=7, ge=2, le=60)
    reason: str = Field(default="", max_length=500)
