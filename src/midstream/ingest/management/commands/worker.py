"""``midstream worker``: one worker process for the database task queue (issue 3).

A thin adapter over django-tasks-db's own worker (``django_tasks_db`` ``db_worker``): the
claiming of tasks, the signal handling and the bookkeeping of results are that package's, so
any number of ``midstream worker`` processes (on any number of machines) share one queue.
This command adds the names Midstream uses, ``--once``, plain progress lines, a word about
submissions left open by a stopped worker, on SQLite, riding out a database that another
process holds locked for longer than the connection's timeout, and the periodic jobs (issue 4:
the compliance job, see ``midstream.compliance.jobs``).
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from argparse import ArgumentTypeError, RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.base import TaskResultStatus
from django_tasks.utils import get_random_id
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker, valid_interval
from django_tasks_db.models import DBTaskResult

from midstream.compliance.jobs import PeriodicScheduler
from midstream.ingest.choices import OPEN_STATUSES
from midstream.ingest.models import Submission
from midstream.ingest.tasks import ingest_submission

HELP = """\
Start one worker process for the database task queue: it runs the queued report ingestions
(and any other background task) one at a time until stopped.

Run as many as the machine has cores to spare, on one machine or several sharing the
database: each task is claimed by exactly one worker. On PostgreSQL a worker claims a task
with SELECT ... FOR UPDATE SKIP LOCKED, so workers never wait for each other; on SQLite the
claim takes the database's write lock for a moment (BEGIN EXCLUSIVE), so workers take turns,
and while one worker commits a large report the others wait for the lock.

Stopping: the first SIGTERM or SIGINT (Ctrl+C) lets the current task finish, then the worker
exits (status 0); when idle it exits after its current pause (--interval). A second signal
abandons the current task: its transaction is rolled back, so a report being committed keeps
the previous version, the queue records the task as failed and the submission stays open
(received, parsing or validating), and the worker exits with status 1. A worker killed
outright (SIGKILL, power loss) leaves the same state, except that the queue still shows the
task as running.

Periodic jobs: unless --once or --no-periodic, each worker also looks every minute whether
the compliance job is due (every MIDSTREAM_COMPLIANCE_INTERVAL seconds, default 3600: the
reporting calendar, statuses and scores as of today, and the reminder e-mails due today). The
workers share one schedule in the database, so the job is queued once per interval however
many workers run, and it then runs as an ordinary task on one of them.

A submission left open that way is not picked up again by itself: requeue it with
`midstream ingest --retry ID` or the Retry button on its page, once no worker is processing
it. On start the worker lists the open submissions that have no task waiting in the queue.

Exit status: 0 stopped normally, 1 a task was abandoned by a second signal, 2 the task queue
is not the database queue (MIDSTREAM_TASKS_IMMEDIATE=1 runs tasks in the request instead)."""

# How many open submissions without a queued task the start-up notice names.
NOTICE_LIMIT = 20


def positive_int(text: str) -> int:
    number = int(text)
    if number < 1:
        raise ArgumentTypeError("must be at least 1")
    return number


class MidstreamWorker(Worker):
    """django-tasks-db's worker, telling what it does in plain lines."""

    def __init__(self, *, say, **kwargs):
        super().__init__(**kwargs)
        self.say = say
        self.abandoned = False

    def shutdown(self, signum, frame) -> None:
        """First signal: stop taking tasks; second: abandon the current one (db_worker's).

        db_worker exits at once on a first signal when no task is running, but a task claimed
        an instant before (status "running" in the queue, not started yet) would then stay
        claimed forever. Here the loop ends by itself instead: a claimed task is run, and an
        idle worker stops after its current pause (``--interval``).
        """
        name = signal.strsignal(signum) or str(signum)
        if self.running:
            self.running = False
            if self.running_task:
                self.say(
                    f"worker {self.worker_id}: {name}: finishing the current task, then "
                    "stopping (send it again to abandon the task)"
                )
            else:
                self.say(f"worker {self.worker_id}: {name}: stopping")
            return
        if not self.running_task:
            self.say(f"worker {self.worker_id}: {name} again: stopping now")
            self.reset_signals()
            sys.exit(0)
        self.abandoned = True
        self.say(f"worker {self.worker_id}: {name} again: abandoning the current task")
        super().shutdown(signum, frame)  # raises SystemExit inside the task

    def run_task(self, db_task_result: DBTaskResult) -> None:
        label = _task_label(db_task_result)
        self.running_task = True  # from here a signal finishes the task (db_worker sets it too)
        self.say(f"task {db_task_result.id} {label}: started")
        started = time.monotonic()
        super().run_task(db_task_result)
        seconds = time.monotonic() - started
        if db_task_result.status == TaskResultStatus.SUCCESSFUL:
            outcome = f"finished: {db_task_result.return_value}"
        else:
            outcome = f"failed: {_last_line(db_task_result.traceback)}"
        self.say(f"task {db_task_result.id} {label}: {outcome} ({seconds:.1f} s)")


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            default="default",
            metavar="NAME",
            help="the queue(s) to take tasks from, separated by commas, or '*' for all "
            "(default: default)",
        )
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1.0,
            metavar="SECONDS",
            help="how long to wait before looking again when the queue is empty (default: 1)",
        )
        parser.add_argument(
            "--max-tasks",
            type=positive_int,
            metavar="N",
            help="stop after running N tasks",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="run what is queued now, then exit (for tests and cron); with --max-tasks, "
            "at most N of them",
        )
        parser.add_argument(
            "--worker-id",
            metavar="ID",
            help="the name this worker records on the tasks it runs (default: random); "
            "must be unique among the running workers, at most 64 characters",
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="do not queue the periodic jobs (the compliance statuses and reminders); "
            "--once never does",
        )

    def handle(self, *args, queue, interval, max_tasks, once, worker_id, no_periodic, **options):
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                f"the task queue is {type(backend).__name__}, not the database queue: there is "
                "nothing for a worker to take (unset MIDSTREAM_TASKS_IMMEDIATE)",
                returncode=2,
            )
        if options["verbosity"] < 2:
            # This command says in its own words what db_worker's logger would warn about.
            logging.getLogger("django_tasks_db").setLevel(logging.ERROR)
        worker_id = worker_id or get_random_id()
        if len(worker_id) > 64:
            raise CommandError("--worker-id: at most 64 characters", returncode=2)
        queues = [name.strip() for name in queue.split(",") if name.strip()]
        if not queues:
            raise CommandError("--queue: name at least one queue", returncode=2)
        worker = MidstreamWorker(
            say=self._say,
            queue_names=queues,
            interval=interval,
            batch=once,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not once,
            max_tasks=max_tasks,
            worker_id=worker_id,
        )
        mode = "until the queue is empty" if once else "until stopped"
        scheduler = None
        if not once and not no_periodic:
            scheduler = PeriodicScheduler(
                worker_id=worker_id,
                queue_name="default" if "*" in queues else queues[0],
                say=self._say,
            )
        try:
            if scheduler is not None:
                # Before the signal handlers: a signal's SystemExit must not cut a thread's
                # start short (its stop would then find it neither started nor not).
                scheduler.start()
            worker.configure_signals()
            self._say(
                f"worker {worker_id}: started on the {connection.vendor} database, queue "
                f"{', '.join(queues)}, {mode}"
            )
            self._notice_open_submissions()
            self._run(worker)
        except SystemExit:
            # A second signal outside a task (inside one, db_worker records the task failed).
            self._say(f"worker {worker_id}: stopped after {_tasks(worker._run_tasks)}")
            raise
        finally:
            worker.reset_signals()
            if scheduler is not None:
                scheduler.stop()
        self._say(f"worker {worker_id}: stopped after {_tasks(worker._run_tasks)}")
        if worker.abandoned:
            raise CommandError("a task was abandoned", returncode=1)

    def _run(self, worker: MidstreamWorker) -> None:
        while True:
            try:
                worker.run()
                return
            except OperationalError as error:
                # SQLite: another process held the write lock longer than the connection's
                # timeout (a large commit); db_worker tolerates this only inside its claim.
                if "locked" not in str(error):
                    raise
                self._say(f"worker {worker.worker_id}: the database is busy, trying again")
                close_old_connections()
                if not worker.running:
                    return
                time.sleep(worker.interval)

    def _notice_open_submissions(self) -> None:
        """Name the open submissions no queued task will process (a stopped worker's)."""
        queued = set()
        pending = DBTaskResult.objects.filter(
            task_path=ingest_submission.module_path, status=TaskResultStatus.READY
        ).values_list("args_kwargs", flat=True)
        for args_kwargs in pending.iterator():
            arguments = args_kwargs.get("args") or []
            if arguments:
                queued.add(arguments[0])
            elif "submission_id" in (args_kwargs.get("kwargs") or {}):
                queued.add(args_kwargs["kwargs"]["submission_id"])
        open_submissions = (
            Submission.objects.unscoped()
            .filter(status__in=OPEN_STATUSES)
            .order_by("id")
            .values_list("id", "status", "stage")
        )
        stranded = [row for row in open_submissions.iterator() if row[0] not in queued]
        if not stranded:
            return
        shown = ", ".join(
            f"#{pk} ({status}, {stage})" for pk, status, stage in stranded[:NOTICE_LIMIT]
        )
        more = f" and {len(stranded) - NOTICE_LIMIT} more" if len(stranded) > NOTICE_LIMIT else ""
        self._say(
            f"open submissions with no task waiting in the queue: {shown}{more}. Another worker "
            "may be processing them; if none is, a worker stopped while holding them: "
            "`midstream ingest --retry ID` requeues one."
        )

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()


def _task_label(db_task_result: DBTaskResult) -> str:
    arguments = db_task_result.args_kwargs or {}
    parts = [repr(value) for value in arguments.get("args") or []]
    parts += [f"{key}={value!r}" for key, value in (arguments.get("kwargs") or {}).items()]
    return f"{db_task_result.task_name}({', '.join(parts)})"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _tasks(count: int) -> str:
    return f"{count} task" if count == 1 else f"{count} tasks"
