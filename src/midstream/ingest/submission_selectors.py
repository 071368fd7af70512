"""Read side of submissions: scoped querysets and plain results for pages, API and exports.

Every read goes through a scope (``scope_for(user)``), so a distributor user sees only its own
distributor's submissions and issues; another distributor's submission answers 404.
"""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from dataclasses import dataclass

from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, TruncMonth

from midstream.core.errors import DomainError
from midstream.core.scoping import Scope, get_in_scope
from midstream.ingest.choices import OPEN_STATUSES, SubmissionStatus
from midstream.ingest.errors import ErrorCode
from midstream.ingest.models import Submission, SubmissionIssue

# How many submissions of one distributor, kind and period the detail page lists.
HISTORY_LIMIT = 200
MONTH_PATTERN = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")
RETRYABLE = (SubmissionStatus.FAILED, *OPEN_STATUSES)


def submissions_for(scope: Scope) -> QuerySet[Submission]:
    """Every submission ``scope`` may see, with what the list columns show (one query)."""
    return (
        Submission.objects.for_scope(scope)
        .select_related("distributor", "submitted_by")
        .annotate(period_month=TruncMonth("period_start"))
    )


def get_submission(scope: Scope, pk) -> Submission:
    """One submission in scope with its neighbours; 404 for missing and foreign alike."""
    queryset = Submission.objects.unscoped().select_related(
        "distributor", "submitted_by", "supersedes", "duplicate_of"
    )
    return get_in_scope(queryset, scope, pk=pk)


def period_months(scope: Scope) -> list[dt.date]:
    """The months in which the periods of visible submissions start, newest first."""
    return list(
        Submission.objects.for_scope(scope)
        .exclude(period_start__isnull=True)
        .dates("period_start", "month", order="DESC")
    )


def version_history(submission: Submission) -> list[Submission]:
    """Every submission of the same distributor, kind and period, oldest first.

    Rejected, failed and duplicate uploads appear beside the numbered versions: the history
    says what was sent, not only what counted.
    """
    queryset = Submission.objects.for_distributor(submission.distributor_id).filter(
        kind=submission.kind,
        period_start=submission.period_start,
        period_end=submission.period_end,
    )
    if submission.period_start is None:
        # Without a period (not yet read) only the submission itself is known to belong.
        queryset = queryset.filter(pk=submission.pk)
    return list(
        queryset.select_related("submitted_by").order_by("submitted_at", "pk")[:HISTORY_LIMIT]
    )


def next_version(submission: Submission, history: list[Submission]) -> Submission | None:
    """The submission that superseded ``submission``, if it is in ``history``."""
    return next((item for item in history if item.supersedes_id == submission.pk), None)


def issues_of(submission: Submission) -> QuerySet[SubmissionIssue]:
    """The diagnostics of one (already scoped) submission.

    ``line_order`` sorts file-level issues (no line) first on every database (PostgreSQL and
    SQLite place NULLs differently).
    """
    return (
        SubmissionIssue.objects.for_distributor(submission.distributor_id)
        .filter(submission_id=submission.pk)
        .annotate(line_order=Coalesce("line", Value(0)))
    )


def issue_values(submission: Submission, field: str) -> list[str]:
    """The distinct non-empty values of ``field`` among the submission's issues (filters)."""
    return list(
        issues_of(submission)
        .exclude(**{field: ""})
        .order_by(field)
        .values_list(field, flat=True)
        .distinct()
    )


def is_final(submission: Submission) -> bool:
    return submission.status not in OPEN_STATUSES


def is_retryable(submission: Submission) -> bool:
    return submission.status in RETRYABLE


@dataclass(frozen=True)
class Progress:
    status: str
    status_label: str
    stage: str
    stage_label: str
    lines_processed: int
    lines_total: int | None
    counts: dict[str, int]
    final: bool

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "status_label": self.status_label,
            "stage": self.stage,
            "stage_label": self.stage_label,
            "lines_processed": self.lines_processed,
            "lines_total": self.lines_total,
            "counts": self.counts,
            "final": self.final,
        }


def counts_of(submission: Submission) -> dict[str, int]:
    return {
        "read": submission.lines_read,
        "accepted": submission.lines_accepted,
        "warned": submission.lines_warned,
        "rejected": submission.lines_rejected,
    }


def progress_of(submission: Submission) -> Progress:
    """Where the processing stands, as the pipeline last saved it (polled by the pages)."""
    return Progress(
        status=submission.status,
        status_label=submission.get_status_display(),
        stage=submission.stage,
        stage_label=submission.get_stage_display(),
        lines_processed=submission.lines_processed,
        lines_total=submission.lines_total,
        counts=counts_of(submission),
        final=is_final(submission),
    )


def period_label(submission: Submission) -> str:
    """``2025-01`` for a whole calendar month, else ``first to last``; empty when unknown."""
    start, end = submission.period_start, submission.period_end
    if start is None or end is None:
        return ""
    whole_month = (
        start.day == 1
        and (start.year, start.month) == (end.year, end.month)
        and end.day == monthrange(end.year, end.month)[1]
    )
    if whole_month:
        return f"{start:%Y-%m}"
    return f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"


def parse_month(text: str, *, field: str = "period") -> tuple[dt.date, dt.date] | None:
    """``YYYY-MM`` as its first and last day; empty text is no period; else a DomainError."""
    text = (text or "").strip()
    if not text:
        return None
    match = MONTH_PATTERN.fullmatch(text)
    if match is None:
        raise DomainError(ErrorCode.INVALID_PERIOD, "Write the month as YYYY-MM.", field=field)
    year, number = int(match["year"]), int(match["month"])
    if not 1 <= number <= 12 or year < 1900:
        raise DomainError(
            ErrorCode.INVALID_PERIOD, f"{text} is not a month (YYYY-MM).", field=field
        )
    first = dt.date(year, number, 1)
    return first, first.replace(day=monthrange(first.year, number)[1])
