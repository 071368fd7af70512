"""Reads of the compliance app: scoped querysets and plain bundles for pages, API, portal.

Every read goes through a scope (``scope_for(user)``): a distributor user sees only its own
distributor's expected reports and scores; another distributor's answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.urls import reverse

from midstream.compliance import calc
from midstream.compliance.choices import SEVERITY, ExpectedStatus, ReminderStage
from midstream.compliance.models import (
    ComplianceScore,
    DistributorCompliance,
    ExpectedReport,
    JobRun,
    ReminderSent,
)
from midstream.core.scoping import Scope, get_in_scope
from midstream.ingest.models import Submission, SubmissionIssue
from midstream.partners.models import Distributor

# How many issues of a rejected submission the portal calendar names.
ISSUE_SUMMARY_LIMIT = 3
HEAT_MAP_MONTHS = 12
HEAT_MAP_PER_PAGE = 25
PORTAL_MONTHS = 12


def expected_reports(scope: Scope) -> QuerySet[ExpectedReport]:
    """Every expected report ``scope`` may see, with what list columns show (one query)."""
    return ExpectedReport.objects.for_scope(scope).select_related("distributor")


def get_expected_report(scope: Scope, pk) -> ExpectedReport:
    queryset = ExpectedReport.objects.unscoped().select_related(
        "distributor", "obligation", "submission", "rejected_submission"
    )
    return get_in_scope(queryset, scope, pk=pk)


def reminders_of(report: ExpectedReport, *, include_escalations: bool) -> QuerySet[ReminderSent]:
    """The reminders sent for one report; escalations are internal to the vendor."""
    reminders = ReminderSent.objects.for_distributor(report.distributor_id).filter(
        expected_report=report
    )
    if not include_escalations:
        reminders = reminders.exclude(stage=ReminderStage.ESCALATED)
    return reminders.order_by("claimed_at", "pk")


def scores(scope: Scope) -> QuerySet[ComplianceScore]:
    return ComplianceScore.objects.for_scope(scope).select_related("distributor")


def report_months(scope: Scope) -> list[dt.date]:
    """The months (of period ends) that hold expected reports, newest first."""
    return list(
        ExpectedReport.objects.for_scope(scope)
        .order_by("-period_month")
        .values_list("period_month", flat=True)
        .distinct()
    )


def settings_rows(scope: Scope) -> QuerySet[Distributor]:
    """Distributors with their compliance settings and how many contacts get reminders."""
    return (
        Distributor.objects.for_scope(scope)
        .select_related("compliance_settings__channel_manager")
        .annotate(reminded_contacts=Count("contacts", filter=Q(contacts__receives_reminders=True)))
    )


def job_runs() -> list[JobRun]:
    return list(JobRun.objects.order_by("name"))


# ─── the detail page's timeline ───────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Event:
    at: dt.datetime | dt.date
    label: str
    url: str | None = None
    detail: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.at, dt.datetime)


def period_submissions(report: ExpectedReport) -> list[Submission]:
    """Every submission of the report's kind whose period overlaps the expected period."""
    return list(
        Submission.objects.for_distributor(report.distributor_id)
        .filter(
            kind=report.report_type,
            period_start__lte=report.period_end,
            period_end__gte=report.period_start,
        )
        .order_by("submitted_at", "pk")
    )


def timeline(
    report: ExpectedReport, submissions: list[Submission], reminders: list[ReminderSent]
) -> list[Event]:
    """What happened to one expected report, in order: period end, submissions received,
    reminders sent, the due date."""
    events = [
        Event(report.period_end, "Period ended"),
        Event(report.due_date, f"Due date ({(report.due_date - report.period_end).days} days)"),
    ]
    for submission in submissions:
        events.append(
            Event(
                submission.submitted_at,
                f"Submission #{submission.pk} received: {submission.get_status_display()}",
                reverse("ingest:submission_detail", args=[submission.pk]),
                f"{submission.file_name} · {submission.lines_accepted} accepted, "
                f"{submission.lines_rejected} rejected",
            )
        )
    for reminder in reminders:
        events.append(
            Event(
                reminder.sent_at or reminder.claimed_at,
                f"Reminder {reminder.get_stage_display().lower()}: "
                f"{reminder.get_status_display().lower()}",
                None,
                ", ".join(reminder.recipients),
            )
        )

    def moment(event: Event) -> tuple:
        at = event.at
        if isinstance(at, dt.datetime):
            return (at.date(), 1, at.time())
        return (at, 0, dt.time())

    return sorted(events, key=moment)


# ─── heat map ─────────────────────────────────────────────────────────────────────────────


@dataclass
class HeatCell:
    month: dt.date
    status: str = ""
    reports: list[ExpectedReport] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ExpectedStatus(self.status).label if self.status else ""

    @property
    def title(self) -> str:
        parts = []
        for report in self.reports:
            text = f"{report.get_report_type_display()} {report.period_label}: "
            text += report.get_status_display().lower()
            if report.days_late:
                text += f" ({report.days_late} d)"
            parts.append(text)
        return "\n".join(parts) or "nothing expected"

    @property
    def url(self) -> str | None:
        if not self.reports:
            return None
        if len(self.reports) == 1:
            report = self.reports[0]
            if report.submission_id:
                return reverse("ingest:submission_detail", args=[report.submission_id])
            return reverse("compliance:expected_detail", args=[report.pk])
        first = self.reports[0]
        return (
            reverse("compliance:expected_list")
            + f"?distributor={first.distributor_id}&month={self.month.isoformat()}"
        )


@dataclass
class HeatRow:
    distributor: Distributor
    cells: list[HeatCell]
    trailing_score: Decimal | None = None


def worst(statuses) -> str:
    order = {status: index for index, status in enumerate(SEVERITY)}
    return min(statuses, key=lambda status: order[status]) if statuses else ""


def heat_map_distributors(
    scope: Scope,
    *,
    first: dt.date,
    last: dt.date,
    region: str = "",
    status: str = "",
    report_type: str = "",
) -> QuerySet[Distributor]:
    """The distributors shown as heat-map rows: those in scope with reports in the range
    (of the type, with the status, when asked)."""
    reports = ExpectedReport.objects.unscoped().filter(
        distributor_id=OuterRef("pk"), period_month__gte=first, period_month__lte=last
    )
    if report_type:
        reports = reports.filter(report_type=report_type)
    if status:
        reports = reports.filter(status=status)
    distributors = Distributor.objects.for_scope(scope).filter(Exists(reports))
    if region:
        distributors = distributors.filter(region=region)
    return distributors.order_by("code", "pk")


def heat_map(
    distributors: list[Distributor], months: list[dt.date], *, report_type: str = ""
) -> list[HeatRow]:
    """One row per distributor, one cell per month: the worst status of the month's
    reports (two queries whatever the size)."""
    ids = [distributor.pk for distributor in distributors]
    if not ids or not months:
        return [HeatRow(d, [HeatCell(month) for month in months]) for d in distributors]
    reports = ExpectedReport.objects.unscoped().filter(
        distributor_id__in=ids, period_month__gte=months[0], period_month__lte=months[-1]
    )
    if report_type:
        reports = reports.filter(report_type=report_type)
    grid: dict[tuple[int, dt.date], list[ExpectedReport]] = defaultdict(list)
    for report in reports.order_by("period_start", "report_type", "pk"):
        grid[(report.distributor_id, report.period_month)].append(report)
    latest_scores = dict(
        ComplianceScore.objects.unscoped()
        .filter(distributor_id__in=ids, month=months[-1])
        .values_list("distributor_id", "trailing_score")
    )
    rows = []
    for distributor in distributors:
        cells = []
        for month in months:
            shown = grid.get((distributor.pk, month), [])
            cells.append(HeatCell(month, worst([r.status for r in shown]), shown))
        rows.append(HeatRow(distributor, cells, latest_scores.get(distributor.pk)))
    return rows


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    current = calc.month_start(first)
    while current <= last:
        months.append(current)
        current = calc.add_months(current, 1)
    return months


def status_counts(scope: Scope, first: dt.date, last: dt.date) -> dict[str, int]:
    counts = dict(
        ExpectedReport.objects.for_scope(scope)
        .filter(period_month__gte=first, period_month__lte=last)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {status.value: counts.get(status.value, 0) for status in ExpectedStatus}


# ─── the distributor's own calendar (portal) ──────────────────────────────────────────────


@dataclass(frozen=True)
class IssueSummary:
    code: str
    message: str
    lines: int


def issue_summaries(distributor_id: int, submission_ids) -> dict[int, list[IssueSummary]]:
    """The most frequent error codes of each submission, with one message each (one query)."""
    ids = sorted({pk for pk in submission_ids if pk})
    if not ids:
        return {}
    rows = (
        SubmissionIssue.objects.for_distributor(distributor_id)
        .filter(submission_id__in=ids, severity="error")
        .values_list("submission_id", "code")
        .annotate(lines=Sum("line_count"), message=Min("message"))
        .order_by()
    )
    summaries: dict[int, list[IssueSummary]] = defaultdict(list)
    for submission_id, code, lines, message in rows:
        summaries[submission_id].append(IssueSummary(code, message, lines))
    return {
        submission_id: sorted(items, key=lambda item: (-item.lines, item.code))[
            :ISSUE_SUMMARY_LIMIT
        ]
        for submission_id, items in summaries.items()
    }


@dataclass
class CalendarEntry:
    report: ExpectedReport
    rejected_reasons: list[IssueSummary]
    rejected_failure: str


def portal_calendar(distributor: Distributor, as_of: dt.date) -> list[CalendarEntry]:
    """The distributor's expected reports of the last 12 months and those coming up,
    newest due date first, with why a rejected upload was rejected (three queries)."""
    first = calc.add_months(as_of, -PORTAL_MONTHS)
    reports = list(
        ExpectedReport.objects.for_distributor(distributor.pk)
        .exclude(status=ExpectedStatus.WITHDRAWN)
        .filter(period_end__gte=first)
        .select_related("submission", "rejected_submission")
        .order_by("-due_date", "report_type", "pk")
    )
    summaries = issue_summaries(distributor.pk, [r.rejected_submission_id for r in reports])
    return [
        CalendarEntry(
            report,
            summaries.get(report.rejected_submission_id, []),
            (report.rejected_submission.failure if report.rejected_submission else "")[:300],
        )
        for report in reports
    ]


def latest_score(distributor_id: int) -> ComplianceScore | None:
    return (
        ComplianceScore.objects.for_distributor(distributor_id)
        .exclude(trailing_score=None)
        .order_by("-month")
        .first()
    )


def settings_of(distributor: Distributor) -> DistributorCompliance:
    row = (
        DistributorCompliance.objects.for_distributor(distributor.pk)
        .select_related("channel_manager")
        .first()
    )
    return row or DistributorCompliance(distributor=distributor)
