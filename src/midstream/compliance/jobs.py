"""The compliance job and its schedule, shared by every ``midstream worker``.

``run_cycle`` is one pass: the calendar, statuses and scores as of a day, then (optionally)
the reminders due that day. ``midstream compliance``, the API's recompute and the periodic
task all call it.

The schedule: each worker runs a ``PeriodicScheduler`` thread that looks every minute (the
first time a minute after the worker started) whether the job is due. The job's ``JobRun``
row says when it last started; a worker starts it only by moving that time forward with one
conditional UPDATE (``… SET last_started_at = now WHERE last_started_at <= now -
interval``), which at most one worker can win per interval (on PostgreSQL a concurrent UPDATE
waits for the first to commit and then no longer matches; on SQLite writes take turns). The
winner does not run the job in its thread: it queues the ``compliance_job`` task in the same
transaction, so the job runs like any other task, once, on whichever worker takes it, never
beside a task in one worker. A schedule seen for the first time (a new database) first runs
``FIRST_RUN_DELAY_SECONDS`` after that, not at once: a worker started for a moment does not
set off the whole job.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from midstream.compliance.models import JobRun
from midstream.compliance.reminders import ReminderSummary, send_reminders
from midstream.compliance.services import RecomputeSummary, recompute

JOB_NAME = "compliance"
DEFAULT_INTERVAL_SECONDS = 3600
TICK_SECONDS = 60
FIRST_RUN_DELAY_SECONDS = 300


def job_interval() -> int:
    """Seconds between two runs of the compliance job (MIDSTREAM_COMPLIANCE_INTERVAL)."""
    return max(1, int(getattr(settings, "MIDSTREAM_COMPLIANCE_INTERVAL", DEFAULT_INTERVAL_SECONDS)))


def run_cycle(
    *,
    actor,
    as_of: dt.date,
    distributor_ids=None,
    send: bool = False,
    months: int | None = None,
) -> tuple[RecomputeSummary, ReminderSummary | None]:
    summary = recompute(actor=actor, as_of=as_of, distributor_ids=distributor_ids, months=months)
    reminders = None
    if send:
        reminders = send_reminders(actor=actor, as_of=as_of, distributor_ids=distributor_ids)
    return summary, reminders


def describe(summary: RecomputeSummary, reminders: ReminderSummary | None) -> str:
    """One line: what a run did (the task's return value, the job's last result)."""
    statuses = ", ".join(f"{count} {name}" for name, count in summary.statuses.items() if count)
    text = (
        f"as of {summary.as_of.isoformat()}: {_count(len(summary.distributors), 'distributor')}, "
        f"{summary.total('created')} reports added, {summary.total('changed')} changed status"
        f" ({statuses or 'no reports'})"
    )
    if reminders is not None:
        text += (
            f"; reminders: {reminders.sent} sent, {reminders.failed} failed, "
            f"{reminders.no_recipients} without recipients"
        )
    return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def claim_job(
    name: str,
    *,
    interval_seconds: int,
    worker_id: str,
    now: dt.datetime,
    first_run_delay_seconds: int = 0,
) -> bool:
    """Start ``name`` if its interval has passed since it last started; True for the winner.

    A schedule without a row yet is created so that it is first due
    ``first_run_delay_seconds`` from ``now``. Call inside a transaction with whatever the
    winner must do (queue the task), so that a failure after the claim leaves the job
    unclaimed.
    """
    first_due = now + dt.timedelta(seconds=first_run_delay_seconds - interval_seconds)
    JobRun.objects.get_or_create(
        name=name, defaults={"last_started_at": first_due if first_run_delay_seconds else None}
    )
    due = Q(last_started_at__isnull=True) | Q(
        last_started_at__lte=now - dt.timedelta(seconds=interval_seconds)
    )
    claimed = (
        JobRun.objects.filter(name=name)
        .filter(due)
        .update(last_started_at=now, last_claimed_by=worker_id[:64], runs=F("runs") + 1)
    )
    return claimed == 1


def record_finished(name: str, result: str) -> None:
    JobRun.objects.filter(name=name).update(last_finished_at=timezone.now(), last_result=result)


def job_waiting(task_path: str) -> bool:
    """Whether a task of ``task_path`` is queued or running already."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=task_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists()


class PeriodicScheduler:
    """Queues the compliance job when it is due; one per worker process, in a thread."""

    def __init__(
        self,
        *,
        worker_id: str,
        queue_name: str,
        say: Callable[[str], None],
        interval_seconds: int | None = None,
        tick_seconds: float | None = None,
        first_run_delay_seconds: int | None = None,
    ):
        self.worker_id = worker_id
        self.queue_name = queue_name
        self.say = say
        self.interval_seconds = interval_seconds or job_interval()
        self.tick_seconds = TICK_SECONDS if tick_seconds is None else tick_seconds
        self.first_run_delay_seconds = (
            FIRST_RUN_DELAY_SECONDS if first_run_delay_seconds is None else first_run_delay_seconds
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self, now: dt.datetime | None = None) -> str | None:
        """Queue the job if it is due and no run of it is waiting; returns the task id."""
        from midstream.compliance.tasks import compliance_job

        with transaction.atomic():
            if job_waiting(compliance_job.module_path):
                return None
            if not claim_job(
                JOB_NAME,
                interval_seconds=self.interval_seconds,
                worker_id=self.worker_id,
                now=now or timezone.now(),
                first_run_delay_seconds=self.first_run_delay_seconds,
            ):
                return None
            result = compliance_job.using(queue_name=self.queue_name).enqueue()
        self.say(f"worker {self.worker_id}: periodic job {JOB_NAME} queued as task {result.id}")
        return result.id

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._loop, name=f"periodic-{self.worker_id}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.tick_seconds):
            try:
                self.tick()
            except DatabaseError as error:
                # SQLite busy with a large commit, a lost connection: try at the next tick.
                self.say(f"worker {self.worker_id}: periodic jobs: {error}; trying again later")
            finally:
                connections.close_all()  # this thread's connections only
