"""The periodic compliance job: one schedule shared by every worker, at most once per interval."""

import datetime as dt
import io
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from midstream.compliance import jobs
from midstream.compliance.models import ExpectedReport, JobRun
from midstream.compliance.tasks import compliance_job
from midstream.partners.tests.factories import make_obligation

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOW = dt.datetime(2025, 4, 15, 12, 0, tzinfo=dt.UTC)
HOUR = 3600


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def claim(now, worker="w1", **options):
    with transaction.atomic():
        return jobs.claim_job(
            "compliance", interval_seconds=HOUR, worker_id=worker, now=now, **options
        )


def queued_jobs():
    return list(
        DBTaskResult.objects.filter(task_path=compliance_job.module_path).values_list(
            "status", flat=True
        )
    )


@pytest.mark.django_db
def test_a_job_is_claimed_once_per_interval():
    assert claim(NOW) is True
    assert claim(NOW + dt.timedelta(minutes=59), worker="w2") is False
    assert claim(NOW + dt.timedelta(hours=1), worker="w2") is True
    run = JobRun.objects.get(name="compliance")
    assert (run.runs, run.last_claimed_by, run.last_started_at) == (
        2,
        "w2",
        NOW + dt.timedelta(hours=1),
    )


@pytest.mark.django_db
def test_a_new_schedule_first_runs_after_its_delay():
    assert claim(NOW, first_run_delay_seconds=300) is False
    assert claim(NOW + dt.timedelta(seconds=299), first_run_delay_seconds=300) is False
    assert claim(NOW + dt.timedelta(seconds=300), first_run_delay_seconds=300) is True


@pytest.mark.django_db
def test_the_scheduler_queues_the_job_once_while_it_waits(database_queue):
    said = []
    first = jobs.PeriodicScheduler(
        worker_id="w1", queue_name="default", say=said.append, first_run_delay_seconds=0
    )
    second = jobs.PeriodicScheduler(
        worker_id="w2", queue_name="default", say=said.append, first_run_delay_seconds=0
    )

    task_id = first.tick(now=NOW)

    assert said == [f"worker w1: periodic job compliance queued as task {task_id}"]
    # Another worker, an interval later: the job is still waiting in the queue.
    assert second.tick(now=NOW + dt.timedelta(hours=2)) is None
    assert queued_jobs() == [TaskResultStatus.READY]
    DBTaskResult.objects.filter(id=task_id).update(status=TaskResultStatus.SUCCESSFUL)
    assert second.tick(now=NOW + dt.timedelta(minutes=30)) is None  # not due yet
    assert second.tick(now=NOW + dt.timedelta(hours=1)) is not None
    assert sorted(queued_jobs()) == [TaskResultStatus.READY, TaskResultStatus.SUCCESSFUL]


@pytest.mark.django_db
def test_the_job_recomputes_as_of_today_and_records_its_result(dist_a):
    make_obligation(dist_a, active_from=timezone.localdate() - dt.timedelta(days=70))
    claim(NOW)  # what the scheduler does before it queues the job

    result = compliance_job.call()

    assert result.startswith(f"as of {timezone.localdate().isoformat()}: 1 distributor, ")
    # ALPHA has no contacts: nothing can be sent, whatever the day.
    assert "; reminders: 0 sent, 0 failed, " in result
    assert ExpectedReport.objects.for_distributor(dist_a.pk).exists()
    run = JobRun.objects.get(name="compliance")
    assert run.last_result == result
    assert run.last_finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_queues_and_runs_the_job(database_queue, dist_a, monkeypatch):
    monkeypatch.setattr(jobs, "TICK_SECONDS", 0.05)
    monkeypatch.setattr(jobs, "FIRST_RUN_DELAY_SECONDS", 0)
    make_obligation(dist_a, active_from=timezone.localdate() - dt.timedelta(days=40))
    out = io.StringIO()

    call_command(
        "worker", "--worker-id", "w1", "--interval", "0.05", "--max-tasks", "1", stdout=out
    )

    lines = [re.sub(r"\(\d+\.\d s\)$", "(N s)", line) for line in out.getvalue().splitlines()]
    [task_id] = DBTaskResult.objects.filter(task_path=compliance_job.module_path).values_list(
        "id", flat=True
    )
    assert f"worker w1: periodic job compliance queued as task {task_id}" in lines
    assert f"task {task_id} compliance_job(): started" in lines
    assert any(
        line.startswith(f"task {task_id} compliance_job(): finished: as of ") for line in lines
    )
    assert lines[-1] == "worker w1: stopped after 1 task"
    assert ExpectedReport.objects.for_distributor(dist_a.pk).exists()


class RecordingScheduler:
    made: list = []

    def __init__(self, **options):
        self.made.append(options["queue_name"])

    def start(self):
        pass

    def stop(self):
        pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("arguments", "made"),
    [
        (["--once"], []),
        (["--no-periodic", "--max-tasks", "1"], []),
        (["--max-tasks", "1"], ["default"]),
        (["--max-tasks", "1", "--queue", "*"], ["default"]),
    ],
)
def test_once_and_no_periodic_start_no_scheduler(database_queue, monkeypatch, arguments, made):
    from midstream.ingest.management.commands import worker

    monkeypatch.setattr(worker, "PeriodicScheduler", RecordingScheduler)
    RecordingScheduler.made = []
    if "--once" not in arguments:
        compliance_job.enqueue()  # something to run, so that --max-tasks 1 ends the worker

    call_command(
        "worker", "--worker-id", "w1", "--interval", "0.01", *arguments, stdout=io.StringIO()
    )

    assert RecordingScheduler.made == made


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads need separate PostgreSQL connections"
)
def test_workers_claiming_at_the_same_moment_start_the_job_once():
    JobRun.objects.create(name="compliance", last_started_at=NOW - dt.timedelta(hours=2))
    runs = 6
    barrier = threading.Barrier(runs)
    results, errors = [], []

    def work(number):
        try:
            barrier.wait()
            results.append(claim(NOW, worker=f"w{number}"))
        except Exception as error:  # a failure must fail the test, not vanish in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == [False] * (runs - 1) + [True]
    assert JobRun.objects.get(name="compliance").runs == 1


def test_stopping_a_scheduler_whose_start_was_cut_short_is_quiet(monkeypatch):
    """A worker's second signal can land while the scheduler's thread is being started: the
    stop in the worker's ``finally`` must not fail on a thread that never ran (it did, with
    "cannot join thread before it is started", and the worker exited with status 1)."""
    scheduler = jobs.PeriodicScheduler(worker_id="w", queue_name="default", say=print)

    def interrupted(thread):
        raise SystemExit(0)

    monkeypatch.setattr(threading.Thread, "start", interrupted)
    with pytest.raises(SystemExit):
        scheduler.start()
    scheduler.stop()  # no RuntimeError
    jobs.PeriodicScheduler(worker_id="w", queue_name="default", say=print).stop()  # never started
