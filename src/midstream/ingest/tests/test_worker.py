"""``midstream worker`` in this process: the database queue, --once, --max-tasks, --queue.

The worker claims tasks in its own transactions (on SQLite a BEGIN EXCLUSIVE), which cannot
run inside a test's transaction: these tests use ``transaction=True``. Signals and several
processes are in ``test_crash.py``, with real worker processes.
"""

import io
import re
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from midstream.ingest.choices import Stage, SubmissionStatus
from midstream.ingest.models import Submission
from midstream.ingest.tasks import ingest_submission

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TWO_QUEUES = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "other"]}
}


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def explode() -> None:
    raise ValueError("the task broke")


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def _worker(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("worker", "--worker-id", "w1", *args, stdout=out)
    # The duration of a task is the one thing that varies from run to run.
    return [re.sub(r"\(\d+\.\d s\)$", "(N s)", line) for line in out.getvalue().splitlines()]


def _statuses() -> list[tuple[str, object]]:
    return sorted(DBTaskResult.objects.values_list("status", "return_value"), key=str)


def test_once_runs_every_queued_task_then_exits():
    first = add.enqueue(1, 2)
    second = add.enqueue(3, 4)

    lines = _worker("--once")

    assert lines[0].startswith("worker w1: started on the ")
    assert lines[0].endswith(" database, queue default, until the queue is empty")
    assert sorted(lines[1:5]) == sorted(
        [
            f"task {first.id} add(1, 2): started",
            f"task {first.id} add(1, 2): finished: 3 (N s)",
            f"task {second.id} add(3, 4): started",
            f"task {second.id} add(3, 4): finished: 7 (N s)",
        ]
    )
    assert lines[5:] == ["worker w1: stopped after 2 tasks"]
    assert _statuses() == [("SUCCESSFUL", 3), ("SUCCESSFUL", 7)]
    assert list(DBTaskResult.objects.values_list("worker_ids", flat=True)) == [["w1"], ["w1"]]


def test_a_failing_task_is_recorded_as_failed_and_the_worker_carries_on():
    broken = explode.enqueue()
    fine = add.enqueue(2, 2)

    lines = _worker("--once")

    assert f"task {broken.id} explode(): failed: ValueError: the task broke (N s)" in lines
    assert f"task {fine.id} add(2, 2): finished: 4 (N s)" in lines
    assert lines[-1] == "worker w1: stopped after 2 tasks"
    assert DBTaskResult.objects.get(id=broken.id).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(id=fine.id).return_value == 4


def test_max_tasks_stops_after_that_many():
    add.enqueue(1, 1)
    add.enqueue(2, 2)
    add.enqueue(3, 3)

    lines = _worker("--once", "--max-tasks", "2")

    assert lines[-1] == "worker w1: stopped after 2 tasks"
    statuses = list(DBTaskResult.objects.values_list("status", flat=True))
    assert sorted(statuses) == ["READY", "SUCCESSFUL", "SUCCESSFUL"]


def test_a_worker_takes_only_its_queues(settings):
    settings.TASKS = TWO_QUEUES
    mine = add.using(queue_name="other").enqueue(5, 5)
    theirs = add.enqueue(6, 6)

    lines = _worker("--once", "--queue", "other")

    assert lines[0].endswith("queue other, until the queue is empty")
    assert lines[-1] == "worker w1: stopped after 1 task"
    assert DBTaskResult.objects.get(id=mine.id).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(id=theirs.id).status == TaskResultStatus.READY

    lines = _worker("--once", "--queue", "*")

    assert lines[0].endswith("queue *, until the queue is empty")
    assert DBTaskResult.objects.get(id=theirs.id).status == TaskResultStatus.SUCCESSFUL


def test_an_empty_queue_stops_at_once():
    assert _worker("--once")[1:] == ["worker w1: stopped after 0 tasks"]


def test_open_submissions_without_a_queued_task_are_named_on_start(dist_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()

    def submission(status, stage):
        return Submission.objects.unscoped().create(
            distributor=dist_a,
            kind="sell_through",
            source="cli",
            file_name="s.csv",
            content_sha256="0" * 64,
            stored_path="00/0",
            submitted_at=now,
            status=status,
            stage=stage,
        )

    stranded = submission(SubmissionStatus.VALIDATING, Stage.COMMITTING)
    abandoned = submission(SubmissionStatus.PARSING, Stage.READING)
    waiting = submission(SubmissionStatus.RECEIVED, Stage.QUEUED)
    submission(SubmissionStatus.FAILED, Stage.DONE)
    # A worker stopped by a second signal records the task as failed.
    gone = ingest_submission.enqueue(abandoned.pk)
    DBTaskResult.objects.filter(id=gone.id).update(status=TaskResultStatus.FAILED)
    # A task waiting in any queue counts; this one is in a queue this worker does not take.
    queued = ingest_submission.enqueue(waiting.pk)
    DBTaskResult.objects.filter(id=queued.id).update(queue_name="elsewhere")

    lines = _worker("--once")

    assert lines[1] == (
        f"open submissions with no task waiting in the queue: #{stranded.pk} (validating, "
        f"committing), #{abandoned.pk} (parsing, reading). Another worker may be processing "
        "them; if none is, a worker stopped while holding them: `midstream ingest --retry ID` "
        "requeues one."
    )
    assert lines[2:] == ["worker w1: stopped after 0 tasks"]


def test_the_immediate_backend_has_no_queue_to_work(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    with pytest.raises(CommandError) as raised:
        _worker("--once")

    assert raised.value.returncode == 2
    assert str(raised.value) == (
        "the task queue is ImmediateBackend, not the database queue: there is nothing for a "
        "worker to take (unset MIDSTREAM_TASKS_IMMEDIATE)"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--max-tasks", "0"], "argument --max-tasks: must be at least 1"),
        (["--interval", "-1"], "argument --interval: Must be greater than zero"),
        (["--interval", "nan"], "argument --interval: Must be a finite floating point value"),
    ],
)
def test_bad_arguments_are_refused(arguments, message):
    add.enqueue(1, 1)

    with pytest.raises(CommandError, match=re.escape(message)):
        _worker(*arguments)

    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]


def test_a_worker_id_longer_than_64_characters_is_refused():
    with pytest.raises(CommandError) as raised:
        call_command("worker", "--once", "--worker-id", "w" * 65, stdout=io.StringIO())

    assert raised.value.returncode == 2
    assert str(raised.value) == "--worker-id: at most 64 characters"


def test_a_database_locked_beyond_its_timeout_is_waited_out(monkeypatch):
    """SQLite: BEGIN EXCLUSIVE gives up after the connection's timeout while another process
    commits a large report; db_worker would stop, this worker tries again."""
    from django_tasks_db.management.commands import db_worker

    real = db_worker.exclusive_transaction
    attempts = []

    @contextmanager
    def busy_once(using=None):
        attempts.append(using)
        if len(attempts) == 1:
            raise OperationalError("database is locked")
        with real(using):
            yield

    monkeypatch.setattr(db_worker, "exclusive_transaction", busy_once)
    result = add.enqueue(20, 22)

    lines = _worker("--once", "--interval", "0")

    assert lines[1:] == [
        "worker w1: the database is busy, trying again",
        f"task {result.id} add(20, 22): started",
        f"task {result.id} add(20, 22): finished: 42 (N s)",
        "worker w1: stopped after 1 task",
    ]
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL


def test_other_database_errors_stop_the_worker(monkeypatch):
    from django_tasks_db.management.commands import db_worker

    @contextmanager
    def broken(using=None):
        raise OperationalError("disk I/O error")
        yield

    monkeypatch.setattr(db_worker, "exclusive_transaction", broken)
    add.enqueue(1, 1)

    with pytest.raises(OperationalError, match="disk I/O error"):
        _worker("--once")

    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]
