"""``midstream ingest FILE --distributor CODE``: submit a distributor report from the shell.

An adapter over ``submissions.submit_report`` (source ``cli``) and ``retry_submission``: the
file is received exactly as an upload through the portal or the API would be, then either
left to a worker (the default), followed while a worker processes it (``--wait``) or
processed in this process (``--now``, ``pipeline.process_submission``).
"""

from __future__ import annotations

import calendar
import re
import time
from argparse import ArgumentTypeError, RawDescriptionHelpFormatter
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
)
from rich.text import Text

from midstream.accounts.models import User
from midstream.core.errors import DomainError
from midstream.ingest.choices import OPEN_STATUSES, ProfileKind, Stage, SubmissionStatus
from midstream.ingest.models import Submission, SubmissionIssue
from midstream.ingest.submissions import retry_submission, submit_report
from midstream.ingest.tasks import ingest_submission
from midstream.partners.models import Distributor

HELP = """\
Submit a distributor's sell-through or inventory report, as an upload through the portal or
the API would: the file is kept, a submission is recorded (source "cli") and its number is
printed. The same file received again for the same distributor and kind is recorded as a
duplicate of the first and not processed again.

Without --wait or --now the submission is queued and the command returns at once: a worker
(`midstream worker`) processes it. --wait follows the worker's progress (stage, lines
processed of the total) and waits for the result; it needs a running worker. --now processes
the file in this process instead, with the same progress, and needs no worker. Progress goes
to standard error: a live bar on a terminal, otherwise a line per stage and per tenth of the
lines. The result goes to standard output: the status, the line counts (read, accepted,
warned, rejected) and the first issues, errors before warnings, as
  FILE:LINE: FIELD: CODE: SEVERITY: MESSAGE
(LINE is the file line, the header being line 1, or the EDI segment number; "-" for the file
as a whole).

--retry ID queues a failed submission again, or one a stopped worker left open (received,
parsing or validating); with --wait or --now it is followed or processed as above. Retry only
a submission no worker is processing.

Exit status: 0 committed (or already superseded by a later version) or a duplicate, and a
submission queued without --wait or --now; 1 rejected or failed; 2 nothing was submitted
(unknown distributor or user, unreadable or empty file, bad arguments, not permitted, not
retryable)."""

KINDS = {
    "sellthrough": ProfileKind.SELL_THROUGH,
    "sell-through": ProfileKind.SELL_THROUGH,
    "sell_through": ProfileKind.SELL_THROUGH,
    "inventory": ProfileKind.INVENTORY,
}
KIND_NAMES = {ProfileKind.SELL_THROUGH: "sell-through", ProfileKind.INVENTORY: "inventory"}
PERIOD = re.compile(r"(\d{4})-(\d{2})")
# How often --wait reads the submission's progress, and how often it checks the queue.
POLL_SECONDS = 0.5
QUEUE_CHECK_SECONDS = 5.0
ISSUES_SHOWN = 10
FINAL_OK = (SubmissionStatus.COMMITTED, SubmissionStatus.SUPERSEDED, SubmissionStatus.DUPLICATE)


def report_kind(text: str) -> str:
    try:
        return KINDS[text.strip().lower()]
    except KeyError:
        raise ArgumentTypeError("sellthrough or inventory") from None


def month_period(text: str) -> tuple[date, date]:
    match = PERIOD.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ArgumentTypeError("a month as YYYY-MM, e.g. 2024-03")
    year, month = int(match[1]), int(match[2])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def sleep(seconds: float) -> None:
    """The pause between two looks at a submission (tests replace it)."""
    time.sleep(seconds)


class Elapsed(ProgressColumn):
    """Time since the start, still counting once every line is processed (while committing)."""

    def render(self, task) -> Text:
        return Text(str(timedelta(seconds=int(task.elapsed or 0))), style="progress.elapsed")


class ProgressView:
    """Stage and lines processed: a rich bar on a terminal, plain lines elsewhere."""

    def __init__(self, stream):
        self.stream = stream
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.progress: Progress | None = None
        self.task_id = None
        self.last: tuple[str, int] | None = None

    def __enter__(self) -> ProgressView:
        if self.live:
            self.progress = Progress(
                TextColumn("{task.description:<24}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("lines"),
                Elapsed(),
                console=Console(file=self.stream),
            )
            self.progress.start()
            self.task_id = self.progress.add_task("", total=None)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.progress is not None:
            self.progress.stop()

    def show(self, stage: str, processed: int, total: int | None, *, waiting: bool = False):
        label = Stage(stage).label if stage in Stage.values else stage
        if waiting and stage == Stage.QUEUED:
            label = "Queued, waiting for a worker"
        if self.progress is not None:
            self.progress.update(
                self.task_id, description=label, completed=processed, total=total or None
            )
            return
        tenth = processed * 10 // total if total else 0
        if self.last == (label, tenth):
            return
        self.last = (label, tenth)
        if total:
            line = f"{label}: {processed:,} of {total:,} lines ({processed * 100 // total}%)"
        elif processed:
            line = f"{label}: {processed:,} lines"
        else:
            line = label
        self.stream.write(line + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the report file (any supported format)")
        parser.add_argument(
            "--distributor", metavar="CODE", help="the code of the distributor it comes from"
        )
        parser.add_argument(
            "--type",
            dest="kind",
            type=report_kind,
            metavar="sellthrough|inventory",
            help="the kind of report (default: sellthrough)",
        )
        parser.add_argument(
            "--period",
            type=month_period,
            metavar="YYYY-MM",
            help="the month the report covers (default: taken from the file)",
        )
        parser.add_argument("--sheet", metavar="NAME", help="XLSX: the sheet to read")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="record the submission as made by this user (needs the submit_reports "
            "permission; a distributor's user submits only for its own); default: the system",
        )
        follow = parser.add_mutually_exclusive_group()
        follow.add_argument(
            "--wait",
            action="store_true",
            help="follow the worker's progress and wait for the result (needs a worker)",
        )
        follow.add_argument(
            "--now",
            action="store_true",
            help="process the file in this process, with progress (no worker needed)",
        )
        parser.add_argument(
            "--retry",
            type=int,
            metavar="ID",
            help="queue failed or stuck submission ID again instead of submitting a file",
        )

    def handle(self, *args, file, distributor, kind, period, sheet, user, wait, now, retry, **_):
        actor = self._actor(user)
        if retry is not None:
            given = [
                name
                for name, value in (
                    ("FILE", file),
                    ("--distributor", distributor),
                    ("--type", kind),
                    ("--period", period),
                    ("--sheet", sheet),
                )
                if value
            ]
            if given:
                raise CommandError(
                    f"--retry takes no {', '.join(given)}: it retries the submission's own file",
                    returncode=2,
                )
            submission = self._retry(retry, actor, enqueue=not now)
        else:
            submission = self._submit(
                file, distributor, kind, period, sheet, actor, enqueue=not now
            )
        # With the immediate backend (MIDSTREAM_TASKS_IMMEDIATE=1) it is processed already.
        submission.refresh_from_db()
        if submission.status == SubmissionStatus.DUPLICATE:
            self.stdout.write(
                f"submission #{submission.pk}: duplicate of #{submission.duplicate_of_id}, "
                "which has the same content: not processed again"
            )
            return
        if now:
            self._process_here(submission)
        elif wait:
            self._wait(submission)
        else:
            if submission.status in OPEN_STATUSES:
                self.stdout.write(
                    f"submission #{submission.pk}: queued; a worker (`midstream worker`) "
                    "will process it"
                )
                return
        self._result(submission)

    # ─── receiving ───────────────────────────────────────────────────────────────────────

    def _actor(self, username: str | None):
        if not username:
            return None
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"no user named {username!r}", returncode=2)
        return actor

    def _submit(self, file, code, kind, period, sheet, actor, *, enqueue) -> Submission:
        if not file:
            raise CommandError("give the report FILE (or --retry ID)", returncode=2)
        if not code:
            raise CommandError("--distributor CODE is required", returncode=2)
        path = Path(file)
        try:
            with path.open("rb"):
                pass
            if not path.is_file():
                raise IsADirectoryError(21, "Is a directory")
        except OSError as error:
            raise CommandError(f"{file}: cannot read: {error.strerror}", returncode=2) from None
        distributor = Distributor.objects.unscoped().filter(code__iexact=code).first()
        if distributor is None:
            raise CommandError(f"no distributor with code {code!r}", returncode=2)
        period_start, period_end = period or (None, None)
        kind = kind or ProfileKind.SELL_THROUGH
        try:
            submission = submit_report(
                actor=actor,
                distributor=distributor,
                kind=kind,
                file_name=path.name,
                source="cli",
                path=path,
                period_start=period_start,
                period_end=period_end,
                sheet=sheet or "",
                enqueue=enqueue,
            )
        except DomainError as error:
            raise CommandError(f"{file}: {error.code}: {error.message}", returncode=2) from None
        self.stdout.write(
            f"submission #{submission.pk}: received {submission.file_name} "
            f"({submission.file_size:,} bytes) from {distributor.code}, "
            f"{KIND_NAMES[kind]}, {_period_text(submission)}"
        )
        return submission

    def _retry(self, pk: int, actor, *, enqueue) -> Submission:
        submission = Submission.objects.unscoped().select_related("distributor").filter(pk=pk)
        submission = submission.first()
        if submission is None:
            raise CommandError(f"no submission #{pk}", returncode=2)
        try:
            submission = retry_submission(actor=actor, submission=submission, enqueue=enqueue)
        except DomainError as error:
            raise CommandError(
                f"submission #{pk}: {error.code}: {error.message}", returncode=2
            ) from None
        self.stdout.write(
            f"submission #{submission.pk}: {submission.file_name} from "
            f"{submission.distributor.code} received again for processing"
        )
        return submission

    # ─── processing ──────────────────────────────────────────────────────────────────────

    def _process_here(self, submission: Submission) -> None:
        from midstream.ingest.pipeline import process_submission

        with ProgressView(self.stderr._out) as view:

            def on_progress(current) -> None:
                view.show(current.stage, current.lines_processed, current.lines_total)

            try:
                process_submission(submission.pk, on_progress=on_progress)
            except KeyboardInterrupt:
                raise self._interrupted(submission, "processing interrupted") from None

    def _wait(self, submission: Submission) -> None:
        check_queue = isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
        rows = Submission.objects.unscoped().filter(pk=submission.pk)
        fields = ("status", "stage", "lines_processed", "lines_total")
        since_check = 0.0
        with ProgressView(self.stderr._out) as view:
            try:
                while True:
                    status, stage, processed, total = rows.values_list(*fields).get()
                    if status not in OPEN_STATUSES:
                        view.show(stage, processed, total)
                        return
                    view.show(stage, processed, total, waiting=True)
                    if check_queue and since_check >= QUEUE_CHECK_SECONDS:
                        since_check = 0.0
                        if (
                            not _task_pending(submission.pk)
                            and rows.filter(status__in=OPEN_STATUSES).exists()
                        ):
                            raise CommandError(
                                f"submission #{submission.pk}: no task in the queue will "
                                f"process it any more (its worker stopped while it was "
                                f"{status}): `midstream ingest --retry {submission.pk}`",
                                returncode=1,
                            )
                    sleep(POLL_SECONDS)
                    since_check += POLL_SECONDS
            except KeyboardInterrupt:
                raise self._interrupted(submission, "stopped waiting") from None

    def _interrupted(self, submission: Submission, what: str) -> CommandError:
        status = Submission.objects.unscoped().filter(pk=submission.pk).values_list("status")
        status = status.get()[0]
        return CommandError(
            f"{what}: submission #{submission.pk} is {status}"
            + (
                f"; `midstream ingest --retry {submission.pk}` if no worker takes it"
                if status in OPEN_STATUSES
                else ""
            ),
            returncode=130,
        )

    # ─── the result ──────────────────────────────────────────────────────────────────────

    def _result(self, submission: Submission) -> None:
        submission = (
            Submission.objects.unscoped().select_related("distributor").get(pk=submission.pk)
        )
        say = self.stdout.write
        status = SubmissionStatus(submission.status)
        headline = f"submission #{submission.pk}: {status.label.lower()}"
        if submission.version:
            headline += (
                f", version {submission.version} of {submission.distributor.code} "
                f"{KIND_NAMES.get(submission.kind, submission.kind)} {_period_text(submission)}"
            )
        if submission.supersedes_id:
            headline += f" (supersedes #{submission.supersedes_id})"
        say(headline)
        say(
            f"lines: {submission.lines_read:,} read, {submission.lines_accepted:,} accepted, "
            f"{submission.lines_warned:,} warned, {submission.lines_rejected:,} rejected"
        )
        if submission.failure:
            say(f"failure: {submission.failure}")
        issues = SubmissionIssue.objects.for_distributor(submission.distributor_id).filter(
            submission_id=submission.pk
        )
        count = issues.count()
        if count:
            shown = min(count, ISSUES_SHOWN)
            say(f"issues: {count:,}" + (f" (the first {shown})" if count > shown else ""))
            # Errors before warnings ("error" sorts first), the file as a whole first.
            order = ("severity", F("line").asc(nulls_first=True), "id")
            first = issues.order_by(*order)[:ISSUES_SHOWN]
            for issue in first:
                say("  " + _issue_line(submission.file_name, issue))
        if status not in FINAL_OK:
            raise CommandError(f"submission #{submission.pk} {status.label.lower()}", returncode=1)


def _task_pending(pk: int) -> bool:
    """Whether a queued or running task will process submission ``pk``."""
    tasks = DBTaskResult.objects.filter(
        task_path=ingest_submission.module_path,
        status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
    )
    return tasks.filter(args_kwargs__args__0=pk).exists()


def _period_text(submission: Submission) -> str:
    start, end = submission.period_start, submission.period_end
    if start is None or end is None:
        return "period from the file"
    if start.day == 1 and end == date(
        start.year, start.month, calendar.monthrange(start.year, start.month)[1]
    ):
        return f"{start:%Y-%m}"
    return f"{start.isoformat()} to {end.isoformat()}"


def _issue_line(file_name: str, issue: SubmissionIssue) -> str:
    line = issue.line if issue.line is not None else "-"
    text = (
        f"{file_name}:{line}: {issue.field or '-'}: {issue.code}: {issue.severity}: {issue.message}"
    )
    return text
