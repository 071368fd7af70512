"""Load the demo's distributor report files through the intake pipeline (issue 3, "Demo").

``load_reports(plan)`` does what the distributors and the channel team would have done over
the 24 months, in delivery order:

1. gives each distributor a mapping profile for each report kind, matching its layout
   (``ingest.services.create_mapping_profile``), and sets the one strict error policy the
   plan has (``ingest.policies.set_error_policy``);
2. submits every planned file as a real file (``ingest.submissions.submit_report`` with
   ``source="demo"``, the report period, ``enqueue=False``) and runs the pipeline on it at
   once (``ingest.pipeline.process_submission``), so versions supersede each other in the
   order the files arrived;
3. dates each submission back to the simulated delivery: ``submitted_at`` becomes the
   moment the distributor sent the file, and ``started_at`` / ``finished_at`` /
   ``committed_at`` move by the same amount. This is a direct update of the rows, which only
   the demo does: no service may rewrite when a file arrived. The audit records keep the real
   time of the load.

Each submission commits on its own (the pipeline's transactions), so the report files load
after the master data's transaction; a failure stops the load and leaves the files loaded so
far.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from midstream.core.audit import record_audit
from midstream.core.selectors import get_vendor_settings
from midstream.demo.reportfiles import (
    FORMAT_NAMES,
    INVENTORY,
    SELL_THROUGH,
    STATUS_DUPLICATE,
    PlannedReport,
    ReportPlan,
    render,
)
from midstream.ingest.choices import SubmissionSource, SubmissionStatus
from midstream.ingest.models import Submission
from midstream.ingest.pipeline import ReferenceCache, process_submission
from midstream.ingest.policies import set_error_policy
from midstream.ingest.services import create_mapping_profile
from midstream.ingest.submissions import submit_report
from midstream.partners.models import Distributor

KINDS = (SELL_THROUGH, INVENTORY)


@dataclass(frozen=True)
class LoadedReport:
    planned: PlannedReport
    submission_id: int


@dataclass
class ReportLoadResult:
    """What the load did: submissions by final status, line counts, time, surprises."""

    loaded: list[LoadedReport] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    lines_read: int = 0
    lines_accepted: int = 0
    lines_rejected: int = 0
    seconds: float = 0.0
    mismatches: list[str] = field(default_factory=list)  # outcomes other than planned

    def counts(self) -> dict[str, int]:
        counts = {
            "report files": len(self.loaded),
            **{f"{status} submissions": n for status, n in sorted(self.statuses.items())},
            "lines read": self.lines_read,
            "lines accepted": self.lines_accepted,
            "lines rejected": self.lines_rejected,
        }
        return counts


def create_profiles(plan: ReportPlan) -> int:
    """Each distributor's mapping profiles for its layout, and the plan's error policies."""
    distributors = _distributors(plan)
    created = 0
    for code, layout in plan.layouts.items():
        for kind in KINDS:
            create_mapping_profile(
                actor=None,
                distributor=distributors[code],
                kind=kind,
                format_family=layout.family,
                spec=layout.mapping_spec(kind),
                reason=f"Demo: {code} sends {FORMAT_NAMES[layout.format]}.",
            )
            created += 1
    for code, kind, policy in plan.policies:
        set_error_policy(actor=None, distributor=distributors[code], kind=kind, policy=policy)
    return created


def load_reports(
    plan: ReportPlan, *, on_file: Callable[[int, int], None] | None = None
) -> ReportLoadResult:
    """Profiles, then every planned file through the pipeline, in delivery order.

    ``on_file(done, total)`` is called after each file (the command's progress).
    """
    started = time.perf_counter()
    result = ReportLoadResult()
    create_profiles(plan)
    distributors = _distributors(plan)
    total = len(plan.reports)
    # Nothing changes the master data while the demo loads: each distributor's reference data
    # is built once, not once per file.
    reference = ReferenceCache()
    for done, report in enumerate(plan.reports, start=1):
        layout = plan.layouts[report.distributor_code]
        submission = submit_report(
            actor=None,
            distributor=distributors[report.distributor_code],
            kind=report.kind,
            file_name=report.file_name,
            source=SubmissionSource.DEMO,
            content=render(report, layout),
            period_start=report.period_start,
            period_end=report.period_end,
            enqueue=False,
        )
        if submission.status != SubmissionStatus.DUPLICATE:
            submission = process_submission(submission.pk, reference=reference)
        _date_back(submission, report)
        result.loaded.append(LoadedReport(report, submission.pk))
        if on_file is not None:
            on_file(done, total)
    _compare(plan, result)
    result.seconds = time.perf_counter() - started
    record_audit(
        actor=None,
        action="demo.load_reports",
        obj=get_vendor_settings(),
        changes={name: [None, count] for name, count in result.counts().items()},
        reason=(
            f"Demo report files: {len(plan.layouts)} distributors, {total} files, "
            f"{plan.lines():,} lines as of {plan.as_of.isoformat()}."
        ),
    )
    return result


def _distributors(plan: ReportPlan) -> dict[str, Distributor]:
    return {
        row.code: row for row in Distributor.objects.unscoped().filter(code__in=list(plan.layouts))
    }


def _date_back(submission: Submission, report: PlannedReport) -> None:
    """Move the submission's times to the simulated delivery (the demo alone does this)."""
    shift = report.delivered_at - submission.submitted_at
    values = {"submitted_at": report.delivered_at}
    for name in ("started_at", "finished_at", "committed_at"):
        moment = getattr(submission, name)
        if moment is not None:
            values[name] = moment + shift
    Submission.objects.for_distributor(submission.distributor_id).filter(pk=submission.pk).update(
        **values
    )


def _compare(plan: ReportPlan, result: ReportLoadResult) -> None:
    """Final statuses and line counts against the plan (one query)."""
    rows = {
        row["pk"]: row
        for row in Submission.objects.unscoped()
        .filter(pk__in=[loaded.submission_id for loaded in result.loaded])
        .values("pk", "status", "lines_read", "lines_accepted", "lines_rejected")
    }
    for loaded in result.loaded:
        row = rows[loaded.submission_id]
        report = loaded.planned
        result.statuses[row["status"]] += 1
        result.lines_read += row["lines_read"]
        result.lines_accepted += row["lines_accepted"]
        result.lines_rejected += row["lines_rejected"]
        label = f"{report.file_name} ({report.distributor_code}, {report.kind})"
        if row["status"] != report.expected_status:
            result.mismatches.append(
                f"{label}: expected {report.expected_status}, got {row['status']}"
            )
        elif report.expected_status != STATUS_DUPLICATE and (
            row["lines_rejected"] != report.error_lines
        ):
            result.mismatches.append(
                f"{label}: expected {report.error_lines} rejected line(s), "
                f"got {row['lines_rejected']}"
            )
