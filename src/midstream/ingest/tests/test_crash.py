"""Real ``midstream worker`` processes on the test's own database: crashes, signals, sharing.

Issue 3: "Commit is one transaction: a crash at any point (test it by killing the worker
process mid-ingest) leaves the old state or the new state, never a mix, and the submission can
be retried." Here a worker is killed with SIGKILL while it commits version 2 of a period (and,
in a second test, while it is still mapping the lines); version 1 must still be the committed
one, nothing of version 2 written, and a retry must then commit version 2 exactly.

The worker processes reach the database through ``DATABASE_URL``: on PostgreSQL it is the test
database itself (``transaction=True``, so what the test writes is committed and visible to
them); on SQLite the in-memory test database is copied to a file in ``tmp_path`` and this
process's default connection is pointed at that file for the duration of the test.
"""

from __future__ import annotations

import copy
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.utils import load_backend
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from midstream.catalog.models import ProductFamily

pytestmark = pytest.mark.django_db(transaction=True)

MIDSTREAM = Path(sys.executable).with_name("midstream")
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Generous limits for a slow machine; reaching one fails the test with what the worker said.
START_SECONDS = 120
RUN_SECONDS = 600
HEADER = "Invoice No;Line;Invoice Date;SKU;Qty;Unit;Unit Price;Amount;Currency;Customer;Account\n"
PRODUCTS = 20
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
# Large enough that mapping and committing take a while on any machine.
LARGE = 200_000


# ─── tasks the worker processes import from this module ──────────────────────────────────


@task()
def wait_for_file(path: str) -> str:
    """Run until ``path`` exists: the test decides when the task ends."""
    deadline = time.monotonic() + RUN_SECONDS
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError(path)
        time.sleep(0.02)
    return "released"


@task()
def write_then_wait_for_file(code: str, path: str) -> str:
    """Write a row inside a transaction, then wait: abandoning the task must roll it back."""
    with transaction.atomic():
        ProductFamily.objects.create(code=code, name="written by an abandoned task")
        open(path + ".written", "w").close()
        wait_for_file.call(path)
    return "committed"


@task()
def note(number: int) -> int:
    return number


# ─── the database the worker processes share with the test ───────────────────────────────


def _postgres_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(settings_dict.get("HOST") or "localhost", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


@pytest.fixture
def shared_database(transactional_db, tmp_path, settings) -> dict[str, str]:
    """The environment for ``midstream`` subprocesses that reach this test's database."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = DATABASE_QUEUE
    environment = {
        **os.environ,
        "MIDSTREAM_VAR_DIR": str(tmp_path),
        "MIDSTREAM_ENV": "development",
        "MIDSTREAM_DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("MIDSTREAM_TASKS_IMMEDIATE", None)
    if connection.vendor == "postgresql":
        environment["DATABASE_URL"] = _postgres_url(connection.settings_dict)
        yield environment
        return
    assert connection.vendor == "sqlite"
    memory = connections[DEFAULT_DB_ALIAS]
    memory.ensure_connection()
    path = tmp_path / "midstream.sqlite3"
    target = sqlite3.connect(path)
    try:
        memory.connection.backup(target)  # the migrated schema, as Django's parallel runner does
    finally:
        target.close()
    settings_dict = copy.deepcopy(memory.settings_dict)
    settings_dict["NAME"] = str(path)
    on_file = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = on_file
    environment["DATABASE_URL"] = f"sqlite:///{path}"
    try:
        yield environment
    finally:
        on_file.close()
        connections[DEFAULT_DB_ALIAS] = memory


class Process:
    """A ``midstream`` subprocess whose output is collected line by line as it comes."""

    def __init__(self, environment: dict[str, str], *arguments: str):
        self.popen = subprocess.Popen(  # noqa: S603 - our own console script
            [str(MIDSTREAM), *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, text: str) -> None:
        _wait_until(lambda: any(text in line for line in self.lines), f"'{text}'", process=self)

    def finish(self, timeout: float = RUN_SECONDS) -> int:
        code = self.popen.wait(timeout=timeout)
        self.reader.join(timeout=10)
        return code

    def kill(self) -> None:
        self.popen.kill()  # SIGKILL: no handler, no cleanup, like a power cut
        self.finish()


@pytest.fixture
def start(shared_database):
    """Start ``midstream worker`` processes (or other commands); all are killed at the end."""
    started: list[Process] = []

    def start_process(*arguments: str) -> Process:
        process = Process(shared_database, *arguments)
        started.append(process)
        return process

    yield start_process
    for process in started:
        if process.popen.poll() is None:
            process.kill()


def _wait_until(condition, what: str, *, process: Process | None = None, timeout=START_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.popen.poll() is not None:
            process.finish()
            pytest.fail(
                f"the process exited ({process.popen.returncode}) before {what}:\n" + process.output
            )
        time.sleep(0.005)
    pytest.fail(f"no {what} within {timeout} s" + (f":\n{process.output}" if process else ""))


def _task_status(task_id) -> str:
    return DBTaskResult.objects.get(id=task_id).status


# ─── signals and several workers ─────────────────────────────────────────────────────────


def test_sigterm_stops_an_idle_worker_at_once(start):
    worker = start("worker", "--worker-id", "idle", "--interval", "0.1")
    worker.wait_for_line("worker idle: started")

    worker.popen.send_signal(signal.SIGTERM)

    assert worker.finish() == 0
    assert worker.lines[-2:] == [
        "worker idle: Terminated: stopping",
        "worker idle: stopped after 0 tasks",
    ]


def test_sigterm_lets_the_current_task_finish(start, tmp_path):
    release = tmp_path / "release"
    running = wait_for_file.enqueue(str(release))
    waiting = note.enqueue(7)
    worker = start("worker", "--worker-id", "busy", "--interval", "0.1")
    worker.wait_for_line("wait_for_file(")

    worker.popen.send_signal(signal.SIGTERM)
    worker.wait_for_line("finishing the current task")
    release.touch()

    assert worker.finish() == 0
    assert _task_status(running.id) == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(id=running.id).return_value == "released"
    # The worker stopped after that task: the next one waits for another worker.
    assert _task_status(waiting.id) == TaskResultStatus.READY
    assert worker.lines[-1] == "worker busy: stopped after 1 task"


def test_a_second_signal_abandons_the_task_and_rolls_its_transaction_back(start, tmp_path):
    release = tmp_path / "release"
    abandoned = write_then_wait_for_file.enqueue("ABANDON", str(release))
    worker = start("worker", "--worker-id", "twice", "--interval", "0.1")
    _wait_until(
        lambda: Path(str(release) + ".written").exists(), "the task's write", process=worker
    )

    worker.popen.send_signal(signal.SIGTERM)
    worker.wait_for_line("finishing the current task")
    worker.popen.send_signal(signal.SIGINT)

    assert worker.finish() == 1
    assert "worker twice: Interrupt again: abandoning the current task" in worker.lines
    assert _task_status(abandoned.id) == TaskResultStatus.FAILED
    assert not ProductFamily.objects.filter(code="ABANDON").exists()
    assert worker.lines[-1] == "CommandError: a task was abandoned"


def test_several_workers_share_the_queue_and_run_each_task_once(start):
    results = [note.enqueue(number) for number in range(12)]

    workers = [start("worker", "--once", "--worker-id", f"w{n}") for n in range(2)]

    assert [worker.finish() for worker in workers] == [0, 0]
    rows = DBTaskResult.objects.filter(id__in=[result.id for result in results])
    assert sorted(rows.values_list("return_value", flat=True)) == list(range(12))
    assert set(rows.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert sorted(len(ids) for ids in rows.values_list("worker_ids", flat=True)) == [1] * 12
    ran = sum(int(worker.lines[-1].split(" after ")[1].split()[0]) for worker in workers)
    assert ran == 12
