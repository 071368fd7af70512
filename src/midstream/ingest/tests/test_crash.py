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
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Sum
from django.db.utils import load_backend
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from midstream.catalog.models import ProductFamily
from midstream.catalog.tests.factories import make_product
from midstream.ingest.choices import OPEN_STATUSES, Stage, SubmissionStatus
from midstream.ingest.models import (
    SellThroughFact,
    SellThroughMonth,
    Submission,
    SubmissionIssue,
)
from midstream.ingest.pipeline import process_submission
from midstream.ingest.submissions import retry_submission, submit_report
from midstream.network.tests.factories import make_reseller, make_supply
from midstream.partners.models import Distributor
from midstream.sales.tests.factories import make_line

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


def test_a_second_signal_while_idle_stops_at_once_with_status_0(start):
    # A long pause: the first signal alone would end the worker only when the pause ends.
    worker = start("worker", "--worker-id", "idle", "--interval", "300")
    worker.wait_for_line("worker idle: started")
    worker.popen.send_signal(signal.SIGTERM)
    worker.wait_for_line("worker idle: Terminated: stopping")

    worker.popen.send_signal(signal.SIGTERM)

    assert worker.finish() == 0, "\n".join(worker.lines)
    assert worker.lines[-2:] == [
        "worker idle: Terminated again: stopping now",
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


# ─── killing a worker mid-ingest ─────────────────────────────────────────────────────────


@pytest.fixture
def alpha(shared_database):
    """ALPHA with a catalog and a reseller, written where the worker processes see them."""
    distributor = Distributor.objects.unscoped().create(
        code="ALPHA",
        legal_name="Alpha Distribution Inc",
        country="US",
        region="AMER",
        currency="USD",
        program_track="broadline",
        status="active",
    )
    for number in range(PRODUCTS):
        product = make_product(sku=f"SKU-{number:03d}", currency="EUR")
        make_line(distributor, product, invoice_number=f"S-{number}", invoice_date=date(2026, 9, 1))
    acme = make_reseller(name="Acme GmbH", country="DE", city="Berlin")
    make_supply(acme, distributor, account_number="C-100")
    return distributor


def _report(path: Path, prefix: str, lines: int, quantity: int) -> Path:
    """``lines`` sales of ``quantity`` units in October 2026, across the catalog's products."""
    with path.open("w") as out:
        out.write(HEADER)
        for number in range(lines):
            out.write(
                f"{prefix}-{number};1;2026-10-{1 + number % 28:02d};SKU-{number % PRODUCTS:03d};"
                f"{quantity};EA;10.00;{quantity * 10}.00;EUR;Acme GmbH;C-100\n"
            )
    return path


def _submit(distributor, path: Path, *, enqueue: bool) -> Submission:
    return submit_report(
        actor=None,
        distributor=distributor,
        kind="sell_through",
        file_name=path.name,
        source="cli",
        path=path,
        period_start=OCTOBER[0],
        period_end=OCTOBER[1],
        enqueue=enqueue,
    )


def _version_1(distributor, tmp_path) -> Submission:
    submission = _submit(distributor, _report(tmp_path / "v1.csv", "V1", 100, 1), enqueue=False)
    submission = process_submission(submission.pk)
    assert (submission.status, submission.version) == (SubmissionStatus.COMMITTED, 1)
    return submission


def _state(submission: Submission) -> tuple:
    return Submission.objects.unscoped().values_list("status", "stage").get(pk=submission.pk)


def _written(distributor, submission: Submission) -> dict[str, int]:
    """What the pipeline wrote for ``submission``: facts, rollup rows, issues."""
    return {
        model.__name__: model.objects.for_distributor(distributor.pk)
        .filter(submission=submission)
        .count()
        for model in (SellThroughFact, SellThroughMonth, SubmissionIssue)
    }


def _writer_holds_a_transaction() -> bool:
    """Whether another connection is inside a write transaction on the test's database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
            return cursor.fetchone()[0] > 0
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" in str(error):
            return True
        raise
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


class UncommittedRows:
    """Whether another connection has written rows of the result tables, not yet committed.

    PostgreSQL: a connection with a transaction id whose statement writes facts, rollup rows
    or issues (COPY on PostgreSQL). SQLite: while a writer holds its transaction, the
    write-ahead log grows past its size when the commit stage began, by more than a megabyte:
    pages of an open transaction are never checkpointed, so only its own rows grow it.
    """

    GROWTH = 1024 * 1024

    def __init__(self):
        self.wal_at_start: int | None = None

    def __call__(self) -> bool:
        if connection.vendor == "postgresql":
            tables = [model._meta.db_table for model in (SellThroughFact, SellThroughMonth)]
            tables.append(SubmissionIssue._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
                    "AND (query LIKE %s OR query LIKE %s OR query LIKE %s)",
                    [f"%{table}%" for table in tables],
                )
                return cursor.fetchone()[0] > 0
        wal = Path(connection.settings_dict["NAME"] + "-wal")
        size = wal.stat().st_size if wal.exists() else 0
        if self.wal_at_start is None:
            self.wal_at_start = size
        return size > self.wal_at_start + self.GROWTH and _writer_holds_a_transaction()


def _kill_when(worker: Process, submission: Submission, condition, what: str) -> None:
    """SIGKILL the worker as soon as ``condition()`` holds; fail if the file finished first."""

    def ready() -> bool:
        status, _stage = _state(submission)
        if status not in OPEN_STATUSES:
            pytest.fail(
                f"submission {status} before {what}: the test file is too small for this "
                "machine (on SQLite, or for its page cache: an open transaction's pages reach "
                f"the write-ahead log only once the cache is full)\n{worker.output}"
            )
        return condition()

    _wait_until(ready, what, process=worker, timeout=RUN_SECONDS)
    worker.kill()


def _retry_and_work(start, submission: Submission) -> Submission:
    retry_submission(actor=None, submission=submission)
    worker = start("worker", "--once", "--worker-id", "after")
    assert worker.finish() == 0, worker.output
    return Submission.objects.unscoped().get(pk=submission.pk)


def _assert_version_2_committed_exactly(distributor, version_1, version_2) -> None:
    version_1.refresh_from_db()
    assert (version_1.status, version_2.status) == ("superseded", "committed")
    assert (version_2.version, version_2.supersedes_id) == (2, version_1.pk)
    assert (version_2.lines_read, version_2.lines_accepted) == (LARGE, LARGE)
    assert (version_2.lines_warned, version_2.lines_rejected) == (0, 0)
    facts = SellThroughFact.objects.for_distributor(distributor.pk)
    assert facts.filter(submission=version_2).count() == LARGE
    assert facts.filter(submission=version_1).count() == 100  # facts are never edited
    months = SellThroughMonth.objects.for_distributor(distributor.pk)
    assert sorted(months.values_list("submission_id", "active").order_by().distinct()) == sorted(
        [(version_1.pk, False), (version_2.pk, True)]
    )
    active = months.filter(active=True)
    assert active.count() == PRODUCTS
    assert active.aggregate(units=Sum("quantity"), lines=Sum("line_count")) == {
        "units": Decimal(2 * LARGE),
        "lines": LARGE,
    }


def test_a_worker_killed_while_committing_leaves_the_old_version(start, alpha, tmp_path):
    version_1 = _version_1(alpha, tmp_path)
    version_2 = _submit(alpha, _report(tmp_path / "v2.csv", "V2", LARGE, 2), enqueue=True)
    worker = start("worker", "--worker-id", "doomed", "--interval", "0.1")

    # Killed inside the commit's transaction, while it writes version 2's rows. On PostgreSQL
    # that transaction opens with the first batch: the facts are copied while the rest of the
    # file is mapped (stage "mapping"), the rollups and issues at the end ("committing").
    writing = UncommittedRows()
    stages = (
        (Stage.MAPPING, Stage.COMMITTING)
        if connection.vendor == "postgresql"
        else (Stage.COMMITTING,)
    )
    seen = []

    def writing_rows() -> bool:
        stage = _state(version_2)[1]
        if stage in stages and writing():
            seen.append(stage)
            return True
        return False

    _kill_when(worker, version_2, writing_rows, "rows written in the commit's transaction")

    version_1.refresh_from_db()
    assert (version_1.status, version_1.version) == ("committed", 1)
    assert _state(version_2) == ("validating", seen[-1])
    assert _written(alpha, version_2) == {
        "SellThroughFact": 0,
        "SellThroughMonth": 0,
        "SubmissionIssue": 0,
    }
    assert list(
        SellThroughMonth.objects.for_distributor(alpha.pk)
        .values_list("submission_id", "active")
        .order_by()
        .distinct()
    ) == [(version_1.pk, True)]

    version_2 = _retry_and_work(start, version_2)

    _assert_version_2_committed_exactly(alpha, version_1, version_2)


def test_a_worker_killed_while_mapping_has_written_nothing(start, alpha, tmp_path):
    version_1 = _version_1(alpha, tmp_path)
    version_2 = _submit(alpha, _report(tmp_path / "v2.csv", "V2", LARGE, 2), enqueue=True)
    worker = start("worker", "--worker-id", "doomed", "--interval", "0.1")

    _kill_when(
        worker,
        version_2,
        lambda: _state(version_2) == ("validating", "mapping"),
        "the mapping stage",
    )

    version_1.refresh_from_db()
    assert (version_1.status, version_1.version) == ("committed", 1)
    # The worker was killed before it reached the commit: nothing but progress was written.
    assert _state(version_2) == ("validating", "mapping")
    assert _written(alpha, version_2) == {
        "SellThroughFact": 0,
        "SellThroughMonth": 0,
        "SubmissionIssue": 0,
    }

    version_2 = _retry_and_work(start, version_2)

    _assert_version_2_committed_exactly(alpha, version_1, version_2)
