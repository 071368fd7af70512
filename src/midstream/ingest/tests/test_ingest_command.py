"""``midstream ingest``: arguments, messages, exit codes, --retry, --wait's progress and result.

Here nothing is processed: the queue is django-tasks' DummyBackend (it only records what was
queued), or the database queue with no worker while a fake worker moves the submission along
between two looks of ``--wait``. The pipeline itself runs in ``test_ingest_command_pipeline.py``
and ``test_crash.py``.
"""

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from midstream.accounts.choices import Role
from midstream.ingest.choices import Stage, SubmissionStatus
from midstream.ingest.management.commands import ingest as ingest_command
from midstream.ingest.models import Submission, SubmissionIssue
from midstream.ingest.submissions import read_stored_file

MIDSTREAM = Path(sys.executable).with_name("midstream")
DUMMY_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CSV = b"invoice,date,sku,qty\nI-1,2024-03-05,SKU-1,2\nI-2,2024-03-06,SKU-2,1\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = DUMMY_QUEUE


@pytest.fixture
def report(tmp_path) -> Path:
    path = tmp_path / "sales.csv"
    path.write_bytes(CSV)
    return path


def _ingest(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _refused(*args) -> CommandError:
    with pytest.raises(CommandError) as raised:
        _ingest(*args)
    return raised.value


def _queued() -> list[tuple[str, list]]:
    return [(result.task.name, result.args) for result in task_backends["default"].results]


def _submissions():
    return Submission.objects.unscoped()


# ─── submitting ──────────────────────────────────────────────────────────────────────────────


@pytest.mark.django_db(transaction=True)
def test_a_file_is_received_and_queued(dist_a, report):
    out, err = _ingest(report, "--distributor", "alpha", "--period", "2024-03", "--sheet", "S1")

    submission = _submissions().get()
    assert out.splitlines() == [
        f"submission #{submission.pk}: received sales.csv ({len(CSV)} bytes) from ALPHA, "
        "sell-through, 2024-03",
        f"submission #{submission.pk}: queued; a worker (`midstream worker`) will process it",
    ]
    assert err == ""
    assert (submission.distributor_id, submission.kind, submission.source) == (
        dist_a.pk,
        "sell_through",
        "cli",
    )
    assert (submission.period_start, submission.period_end) == (date(2024, 3, 1), date(2024, 3, 31))
    assert (submission.sheet, submission.submitted_by, submission.status) == (
        "S1",
        None,
        "received",
    )
    assert read_stored_file(submission) == CSV
    assert _queued() == [("ingest_submission", [submission.pk])]


@pytest.mark.django_db(transaction=True)
def test_inventory_for_a_user_without_a_period(dist_a, users, report):
    out, _err = _ingest(
        report, "--distributor", "ALPHA", "--type", "inventory", "--user", "da_user"
    )

    submission = _submissions().get()
    assert out.splitlines()[0] == (
        f"submission #{submission.pk}: received sales.csv ({len(CSV)} bytes) from ALPHA, "
        "inventory, period from the file"
    )
    assert submission.kind == "inventory"
    assert submission.submitted_by == users[Role.DISTRIBUTOR_USER]
    assert (submission.period_start, submission.period_end) == (None, None)


@pytest.mark.django_db(transaction=True)
def test_the_same_file_again_is_a_duplicate_and_not_queued(dist_a, report):
    _ingest(report, "--distributor", "ALPHA")
    first = _submissions().get()

    out, _err = _ingest(report, "--distributor", "ALPHA")

    second = _submissions().exclude(pk=first.pk).get()
    assert out.splitlines()[1] == (
        f"submission #{second.pk}: duplicate of #{first.pk}, which has the same content: not "
        "processed again"
    )
    assert (second.status, second.duplicate_of_id) == ("duplicate", first.pk)
    assert _queued() == [("ingest_submission", [first.pk])]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["missing.csv", "--distributor", "ALPHA"],
            "missing.csv: cannot read: No such file or directory",
        ),
        (["{dir}", "--distributor", "ALPHA"], "{dir}: cannot read: Is a directory"),
        (["{file}", "--distributor", "NOPE"], "no distributor with code 'NOPE'"),
        (["{file}", "--distributor", "ALPHA", "--user", "ghost"], "no user named 'ghost'"),
        (["--distributor", "ALPHA"], "give the report FILE (or --retry ID)"),
        (["{file}"], "--distributor CODE is required"),
        (
            ["{empty}", "--distributor", "ALPHA"],
            "{empty}: empty_file: empty.csv: the file is empty.",
        ),
        (
            ["{file}", "--distributor", "ALPHA", "--user", "analyst"],
            "{file}: permission_denied: Your role may not submit reports.",
        ),
        (
            ["{file}", "--distributor", "ALPHA", "--user", "db_user"],
            "{file}: permission_denied: You may submit reports only for your own distributor.",
        ),
        (
            ["{file}", "--distributor", "ALPHA", "--retry", "1"],
            "--retry takes no FILE, --distributor: it retries the submission's own file",
        ),
    ],
)
def test_nothing_is_submitted_on_a_usage_error(users, report, tmp_path, arguments, message):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    names = {"file": str(report), "dir": str(tmp_path), "empty": str(empty)}
    arguments = [argument.format(**names) for argument in arguments]

    error = _refused(*arguments)

    assert error.returncode == 2
    assert str(error) == message.format(**names)
    assert not _submissions().exists()
    assert _queued() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--period", "2024-13"], "argument --period: a month as YYYY-MM, e.g. 2024-03"),
        (["--period", "March"], "argument --period: a month as YYYY-MM, e.g. 2024-03"),
        (["--type", "orders"], "argument --type: sellthrough or inventory"),
        (["--wait", "--now"], "argument --now: not allowed with argument --wait"),
    ],
)
def test_bad_arguments_are_refused(dist_a, report, arguments, message):
    error = _refused(report, "--distributor", "ALPHA", *arguments)

    assert str(error) == f"Error: {message}"
    assert not _submissions().exists()


def test_a_bad_argument_exits_2_from_the_shell(tmp_path):
    environment = {**os.environ, "MIDSTREAM_VAR_DIR": str(tmp_path)}
    environment.pop("DATABASE_URL", None)

    finished = subprocess.run(  # noqa: S603 - our own console script
        [MIDSTREAM, "ingest", "x.csv", "--distributor", "ALPHA", "--period", "2024-3"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 2
    assert "argument --period: a month as YYYY-MM, e.g. 2024-03" in finished.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sellthrough", "sell_through"),
        ("Sell-Through", "sell_through"),
        ("sell_through", "sell_through"),
        ("inventory", "inventory"),
    ],
)
def test_report_kinds(text, expected):
    assert ingest_command.report_kind(text) == expected


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2024-02", (date(2024, 2, 1), date(2024, 2, 29))),
        ("2023-02", (date(2023, 2, 1), date(2023, 2, 28))),
        ("2024-12", (date(2024, 12, 1), date(2024, 12, 31))),
    ],
)
def test_a_period_is_a_whole_month(text, period):
    assert ingest_command.month_period(text) == period


# ─── retrying ────────────────────────────────────────────────────────────────────────────────


def _received(report) -> Submission:
    _ingest(report, "--distributor", "ALPHA")
    return _submissions().get()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "status", [SubmissionStatus.FAILED, SubmissionStatus.PARSING, SubmissionStatus.VALIDATING]
)
def test_retry_queues_a_failed_or_stuck_submission_again(dist_a, report, status):
    submission = _received(report)
    _submissions().filter(pk=submission.pk).update(
        status=status, stage=Stage.COMMITTING, lines_processed=5, failure="worker lost"
    )

    out, _err = _ingest("--retry", submission.pk)

    assert out.splitlines() == [
        f"submission #{submission.pk}: sales.csv from ALPHA received again for processing",
        f"submission #{submission.pk}: queued; a worker (`midstream worker`) will process it",
    ]
    submission.refresh_from_db()
    assert (submission.status, submission.stage) == ("received", "queued")
    assert (submission.lines_processed, submission.failure) == (0, "")
    assert _queued() == [("ingest_submission", [submission.pk])] * 2


@pytest.mark.django_db(transaction=True)
def test_retry_refuses_a_final_submission_and_an_unknown_one(dist_a, report):
    submission = _received(report)
    _submissions().filter(pk=submission.pk).update(status=SubmissionStatus.COMMITTED)

    error = _refused("--retry", submission.pk)

    assert error.returncode == 2
    assert str(error) == (
        f"submission #{submission.pk}: not_retryable: A committed submission cannot be retried."
    )
    assert _submissions().get().status == "committed"
    assert len(_queued()) == 1

    error = _refused("--retry", submission.pk + 1)

    assert (error.returncode, str(error)) == (2, f"no submission #{submission.pk + 1}")


@pytest.mark.django_db(transaction=True)
def test_retry_as_a_user_of_another_distributor_is_refused(dist_a, users, report):
    submission = _received(report)
    _submissions().filter(pk=submission.pk).update(status=SubmissionStatus.FAILED)

    error = _refused("--retry", submission.pk, "--user", "db_admin")

    assert error.returncode == 2
    assert str(error) == (
        f"submission #{submission.pk}: permission_denied: You may submit reports only for your "
        "own distributor."
    )
    assert _submissions().get().status == "failed"


# ─── --wait: a fake worker moves the submission along between two looks ─────────────────────


def _fake_worker(monkeypatch, steps: list) -> list[float]:
    """At each pause of --wait, apply the next step to the newest submission.

    A step is a dict of field values, or a function of the submission.
    """
    pending = list(steps)
    pauses = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if not pending:
            return
        step = pending.pop(0)
        newest = _submissions().order_by("-id").first()
        if callable(step):
            step(newest)
        else:
            _submissions().filter(pk=newest.pk).update(**step)

    monkeypatch.setattr(ingest_command, "sleep", pause)
    return pauses


def _issue(submission, line, code, severity="error", field="quantity", line_count=1):
    return SubmissionIssue.objects.unscoped().create(
        distributor_id=submission.distributor_id,
        submission=submission,
        line=line,
        field=field,
        code=code,
        severity=severity,
        message=f"{code} here",
        line_count=line_count,
    )


READING = {"status": "parsing", "stage": "reading"}
MAPPING = {"status": "validating", "stage": "mapping", "lines_total": 200}
COUNTS = {"lines_read": 200, "lines_accepted": 199, "lines_warned": 40, "lines_rejected": 1}


def _issues(submission) -> None:
    _issue(submission, 3, "invalid_number")
    _issue(submission, None, "unknown_reseller", severity="warning", field="", line_count=40)


@pytest.mark.django_db(transaction=True)
def test_wait_follows_the_stages_and_prints_the_result(dist_a, report, monkeypatch, settings):
    settings.TASKS = DATABASE_QUEUE
    pauses = _fake_worker(
        monkeypatch,
        [
            READING,
            {**MAPPING, "lines_processed": 0},
            {**MAPPING, "lines_processed": 90},
            {**MAPPING, "lines_processed": 99},
            {**MAPPING, "lines_processed": 200},
            {"stage": "committing"},
            _issues,
            {"status": "committed", "stage": "done", "version": 2, **COUNTS},
        ],
    )

    out, err = _ingest(report, "--distributor", "ALPHA", "--period", "2024-03", "--wait")

    submission = _submissions().get()
    assert err.splitlines() == [
        "Queued, waiting for a worker",
        "Reading",
        "Mapping and validating: 0 of 200 lines (0%)",
        "Mapping and validating: 90 of 200 lines (45%)",
        "Mapping and validating: 200 of 200 lines (100%)",
        "Committing: 200 of 200 lines (100%)",
        "Done: 200 of 200 lines (100%)",
    ]
    assert out.splitlines()[1:] == [
        f"submission #{submission.pk}: committed, version 2 of ALPHA sell-through 2024-03",
        "lines: 200 read, 199 accepted, 40 warned, 1 rejected",
        "issues: 2",
        "  sales.csv:3: quantity: invalid_number: error: invalid_number here",
        "  sales.csv:-: -: unknown_reseller: warning: unknown_reseller here",
    ]
    assert pauses == [ingest_command.POLL_SECONDS] * 8


@pytest.mark.django_db(transaction=True)
def test_wait_on_a_rejected_file_exits_1_after_the_result(dist_a, report, monkeypatch, settings):
    settings.TASKS = DATABASE_QUEUE
    first_issues = [(line, "invalid_date") for line in range(2, 16)]

    def reject(submission):
        for line, code in first_issues:
            _issue(submission, line, code, field="invoice_date")
        _submissions().filter(pk=submission.pk).update(
            status="rejected", stage="done", lines_read=14, lines_rejected=14
        )

    _fake_worker(monkeypatch, [READING, reject])
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(
            "ingest", str(report), "--distributor", "ALPHA", "--wait", stdout=out, stderr=err
        )

    submission = _submissions().get()
    assert raised.value.returncode == 1
    assert str(raised.value) == f"submission #{submission.pk} rejected"
    assert out.getvalue().splitlines()[1:] == [
        f"submission #{submission.pk}: rejected",
        "lines: 14 read, 0 accepted, 0 warned, 14 rejected",
        "issues: 14 (the first 10)",
        *[
            f"  sales.csv:{line}: invoice_date: invalid_date: error: invalid_date here"
            for line in range(2, 12)
        ],
    ]


@pytest.mark.django_db(transaction=True)
def test_wait_on_a_failed_submission_shows_the_failure(dist_a, report, monkeypatch, settings):
    settings.TASKS = DATABASE_QUEUE
    failure = {"status": "failed", "stage": "done", "failure": "OSError: disk full"}
    _fake_worker(monkeypatch, [READING, failure])
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(
            "ingest",
            str(report),
            "--distributor",
            "ALPHA",
            "--wait",
            stdout=out,
            stderr=io.StringIO(),
        )

    submission = _submissions().get()
    assert (raised.value.returncode, str(raised.value)) == (
        1,
        f"submission #{submission.pk} failed",
    )
    assert out.getvalue().splitlines()[1:] == [
        f"submission #{submission.pk}: failed",
        "lines: 0 read, 0 accepted, 0 warned, 0 rejected",
        "failure: OSError: disk full",
    ]


@pytest.mark.django_db(transaction=True)
def test_wait_stops_when_no_task_will_process_the_submission(dist_a, report, monkeypatch, settings):
    settings.TASKS = DATABASE_QUEUE

    def abandon(submission):
        # A worker stopped by a second signal: the queue says failed, the submission is open.
        DBTaskResult.objects.update(status=TaskResultStatus.FAILED)

    pauses = _fake_worker(monkeypatch, [READING, abandon])

    error = _refused(report, "--distributor", "ALPHA", "--wait")

    submission = _submissions().get()
    assert error.returncode == 1
    assert str(error) == (
        f"submission #{submission.pk}: no task in the queue will process it any more (its "
        f"worker stopped while it was parsing): `midstream ingest --retry {submission.pk}`"
    )
    assert submission.status == "parsing"
    # The queue is looked at every QUEUE_CHECK_SECONDS, not at every look at the submission.
    assert len(pauses) == ingest_command.QUEUE_CHECK_SECONDS / ingest_command.POLL_SECONDS


@pytest.mark.django_db(transaction=True)
def test_retry_and_wait(dist_a, report, monkeypatch, settings):
    settings.TASKS = DATABASE_QUEUE
    submission = _received(report)
    _submissions().filter(pk=submission.pk).update(status="failed", stage="done")
    _fake_worker(monkeypatch, [READING, {"status": "committed", "stage": "done", **COUNTS}])

    out, err = _ingest("--retry", submission.pk, "--wait")

    assert out.splitlines() == [
        f"submission #{submission.pk}: sales.csv from ALPHA received again for processing",
        f"submission #{submission.pk}: committed",
        "lines: 200 read, 199 accepted, 40 warned, 1 rejected",
    ]
    assert err.splitlines() == ["Queued, waiting for a worker", "Reading", "Done"]


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_stops_waiting_and_leaves_the_submission_to_the_worker(
    dist_a, report, monkeypatch, settings
):
    settings.TASKS = DATABASE_QUEUE

    def interrupt(submission):
        raise KeyboardInterrupt

    _fake_worker(monkeypatch, [READING, interrupt])

    error = _refused(report, "--distributor", "ALPHA", "--wait")

    submission = _submissions().get()
    assert error.returncode == 130
    assert str(error) == (
        f"stopped waiting: submission #{submission.pk} is parsing; `midstream ingest --retry "
        f"{submission.pk}` if no worker takes it"
    )
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY


# ─── the progress view on a terminal ─────────────────────────────────────────────────────────


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_progress_is_a_live_bar():
    terminal = Terminal()

    with ingest_command.ProgressView(terminal) as view:
        view.show("mapping", 50, 200)
        view.show("committing", 200, 200)

    assert view.live
    text = terminal.getvalue()
    assert "Committing" in text
    assert "200/200" in text
    assert "lines" in text


def test_off_a_terminal_progress_is_plain_lines_per_stage_and_tenth():
    stream = io.StringIO()

    with ingest_command.ProgressView(stream) as view:
        for processed in range(0, 1001, 50):
            view.show("mapping", processed, 1000)
        view.show("committing", 1000, 1000)

    assert not view.live
    assert stream.getvalue().splitlines() == [
        *[
            f"Mapping and validating: {n:,} of 1,000 lines ({n // 10}%)"
            for n in range(0, 1001, 100)
        ],
        "Committing: 1,000 of 1,000 lines (100%)",
    ]
