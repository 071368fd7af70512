"""Reporting compliance (issue 4, part B): what each distributor owes, and how it delivered.

``ExpectedReport`` rows are generated from the distributors' reporting obligations (one per
obligation and period) and their status is recomputed "as of" a day from the submissions
received; ``ComplianceScore`` keeps the monthly and trailing-12-month scores; ``ReminderSent``
records every reminder e-mail, at most one per report and stage; ``JobRun`` lets any number of
workers share one schedule.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from midstream.compliance.choices import (
    EstimateMethod,
    ExpectedStatus,
    ReminderStage,
    ReminderStatus,
)
from midstream.core.scoping import DistributorOwned
from midstream.partners.choices import ReportFrequency, ReportType

DEFAULT_ESCALATE_AFTER_DAYS = 7


class DistributorCompliance(DistributorOwned):
    """Per-distributor compliance settings: who overdue reports escalate to, and whether
    reminders go out at all. Without a row the defaults apply (reminders on, escalation after
    seven days to the vendor's channel managers)."""

    distributor = models.OneToOneField(
        "partners.Distributor", on_delete=models.CASCADE, related_name="compliance_settings"
    )
    channel_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Escalations go to this person; empty: to every channel manager.",
    )
    reminders_enabled = models.BooleanField(default=True)
    escalate_after_days = models.PositiveSmallIntegerField(
        default=DEFAULT_ESCALATE_AFTER_DAYS,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
        help_text="Days after the due date at which an overdue report escalates.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["distributor_id"]
        verbose_name = "distributor compliance settings"
        verbose_name_plural = "distributor compliance settings"

    def __str__(self) -> str:
        return f"compliance settings of {self.distributor_id}"


class ExpectedReport(DistributorOwned):
    """One report a distributor owes for one period, and where it stands.

    ``days_late``: for a late or incomplete report the days between the due date and the day
    it was received; for a missing one the days overdue as of ``as_of``. ``reasons`` lists
    why a delivered report is incomplete (``[{"code", "message"}]``); ``estimate`` says how
    ``estimate_quantity`` (the likely sell-through of a missing period) was inferred.
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.CASCADE, related_name="+"
    )
    obligation = models.ForeignKey(
        "partners.ReportingObligation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    report_type = models.CharField(max_length=20, choices=ReportType.choices)
    frequency = models.CharField(max_length=10, choices=ReportFrequency.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    period_month = models.DateField(help_text="First day of the month in which the period ends.")
    due_date = models.DateField()
    status = models.CharField(
        max_length=12, choices=ExpectedStatus.choices, default=ExpectedStatus.UPCOMING
    )
    days_late = models.IntegerField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    submission = models.ForeignKey(
        "ingest.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_submission = models.ForeignKey(
        "ingest.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    processing = models.BooleanField(
        default=False, help_text="A report for this period is being processed."
    )
    reported_total = models.DecimalField(max_digits=20, decimal_places=3, null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    estimate_method = models.CharField(max_length=10, choices=EstimateMethod.choices, blank=True)
    estimate_quantity = models.DecimalField(max_digits=20, decimal_places=0, null=True, blank=True)
    estimate = models.JSONField(default=dict, blank=True)
    as_of = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["-period_end", "distributor_id", "report_type", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "obligation", "period_start", "period_end"],
                name="compliance_one_expected_report_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="compliance_expected_period_order",
            ),
        ]
        indexes = [
            models.Index(fields=["distributor", "period_month"]),
            models.Index(fields=["period_month", "status"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_report_type_display()} {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.frequency == ReportFrequency.MONTHLY:
            return f"{self.period_start:%Y-%m}"
        return f"{self.period_start:%Y-%m-%d} to {self.period_end:%Y-%m-%d}"


class ReminderSent(DistributorOwned):
    """One reminder e-mail: claimed (``sending``) in its own transaction before it is sent,
    then marked ``sent`` or ``failed``. The unique constraint on (report, stage) is what keeps
    two workers from ever sending the same stage twice."""

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.CASCADE, related_name="+"
    )
    expected_report = models.ForeignKey(
        ExpectedReport, on_delete=models.CASCADE, related_name="reminders"
    )
    stage = models.CharField(max_length=12, choices=ReminderStage.choices)
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.SENDING
    )
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=200)
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.TextField(blank=True)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta(DistributorOwned.Meta):
        ordering = ["claimed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["expected_report", "stage"], name="compliance_one_reminder_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} reminder for {self.expected_report_id}"


class ComplianceScore(DistributorOwned):
    """A distributor's compliance score for one month and for the 12 months ending with it.

    Scores are percentages (0-100, one decimal); ``None`` when no report of the month (or the
    12 months) could be scored yet. ``docs/compliance.md`` gives the rule.
    """

    distributor = models.ForeignKey(
        "partners.Distributor", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField()
    reports = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    incomplete = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    trailing_reports = models.PositiveIntegerField(default=0)
    trailing_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta(DistributorOwned.Meta):
        ordering = ["-month", "distributor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "month"], name="compliance_one_score_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.distributor_id} {self.month:%Y-%m}: {self.score}"


class JobRun(models.Model):
    """A periodic job's schedule, shared by every worker: a worker may start the job only by
    moving ``last_started_at`` forward with a conditional UPDATE that at most one of them
    wins per interval."""

    name = models.CharField(max_length=60, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_claimed_by = models.CharField(max_length=64, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
