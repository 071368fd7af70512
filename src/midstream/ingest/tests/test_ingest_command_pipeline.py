"""``midstream ingest`` with the real pipeline: --now, a new version, a rejected file, --retry.

A worker process processing a queued file, and a worker killed mid-commit, are in
``test_crash.py``.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from midstream.catalog.tests.factories import make_product
from midstream.ingest.choices import Stage, SubmissionStatus
from midstream.ingest.models import SellThroughFact, SellThroughMonth, Submission
from midstream.network.tests.factories import make_reseller, make_supply
from midstream.sales.tests.factories import make_line

HEADER = "Invoice No;Line;Invoice Date;SKU;Qty;Unit;Unit Price;Amount;Currency;Customer;Account\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def catalog(dist_a):
    products = [make_product(sku=f"SKU-{n}", currency="EUR") for n in range(2)]
    for product in products:
        # Bought in from the vendor, so the sell-through lines carry no warning.
        make_line(dist_a, product, invoice_number=f"S-{product.sku}", invoice_date=date(2026, 9, 1))
    acme = make_reseller(name="Acme GmbH", country="DE", city="Berlin")
    make_supply(acme, dist_a, account_number="C-100")
    return {"products": products, "acme": acme}


def _report(tmp_path, name: str, rows: list[tuple[str, str, str, int]]):
    """Rows of (invoice, date, sku, quantity) at 10.00 EUR each, sold to Acme (C-100)."""
    path = tmp_path / name
    path.write_text(
        HEADER
        + "".join(
            f"{invoice};1;{day};{sku};{quantity};EA;10.00;{quantity * 10}.00;EUR;Acme GmbH;C-100\n"
            for invoice, day, sku, quantity in rows
        )
    )
    return path


def _ingest(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _stages(err: str) -> list[str]:
    """The stages the plain progress lines went through, in order, each once."""
    stages = [line.split(":")[0] for line in err.splitlines()]
    return [stage for index, stage in enumerate(stages) if index == 0 or stages[index - 1] != stage]


def _facts(submission):
    return sorted(
        SellThroughFact.objects.for_distributor(submission.distributor_id)
        .filter(submission=submission)
        .values_list("invoice_number", "quantity")
    )


@pytest.mark.django_db
def test_now_processes_the_file_here_and_commits_it(dist_a, catalog, tmp_path):
    path = _report(
        tmp_path,
        "october.csv",
        [("A-1", "2026-10-01", "SKU-0", 5), ("A-2", "2026-10-02", "SKU-1", 3)],
    )

    out, err = _ingest(path, "--distributor", "ALPHA", "--now")

    submission = Submission.objects.unscoped().get()
    assert out.splitlines() == [
        f"submission #{submission.pk}: received october.csv ({path.stat().st_size} bytes) from "
        "ALPHA, sell-through, period from the file",
        f"submission #{submission.pk}: committed, version 1 of ALPHA sell-through 2026-10",
        "lines: 2 read, 2 accepted, 0 warned, 0 rejected",
    ]
    assert _stages(err) == ["Reading", "Mapping and validating", "Committing", "Done"]
    assert err.splitlines()[-1] == "Done: 2 of 2 lines (100%)"
    assert (submission.status, submission.stage, submission.source) == ("committed", "done", "cli")
    assert _facts(submission) == [("A-1", Decimal("5.000")), ("A-2", Decimal("3.000"))]


@pytest.mark.django_db
def test_a_new_version_of_the_period_supersedes_the_committed_one(dist_a, catalog, tmp_path):
    first = _report(tmp_path, "v1.csv", [("A-1", "2026-10-01", "SKU-0", 5)])
    second = _report(
        tmp_path, "v2.csv", [("A-1", "2026-10-01", "SKU-0", 4), ("A-3", "2026-10-09", "SKU-1", 1)]
    )
    _ingest(first, "--distributor", "ALPHA", "--period", "2026-10", "--now")
    version_1 = Submission.objects.unscoped().get()

    out, _err = _ingest(second, "--distributor", "ALPHA", "--period", "2026-10", "--now")

    version_2 = Submission.objects.unscoped().exclude(pk=version_1.pk).get()
    assert out.splitlines()[1:] == [
        f"submission #{version_2.pk}: committed, version 2 of ALPHA sell-through 2026-10 "
        f"(supersedes #{version_1.pk})",
        "lines: 2 read, 2 accepted, 0 warned, 0 rejected",
    ]
    version_1.refresh_from_db()
    assert version_1.status == SubmissionStatus.SUPERSEDED
    active = SellThroughMonth.objects.for_distributor(dist_a.pk).filter(active=True)
    assert sorted(active.values_list("submission_id", "quantity")) == [
        (version_2.pk, Decimal("1.000")),
        (version_2.pk, Decimal("4.000")),
    ]


@pytest.mark.django_db
def test_a_file_with_no_acceptable_line_is_rejected_with_exit_1(dist_a, catalog, tmp_path):
    path = _report(
        tmp_path, "bad.csv", [("B-1", "2026-10-41", "SKU-0", 1), ("B-2", "2026-10-02", "NOPE", 1)]
    )
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(
            "ingest", str(path), "--distributor", "ALPHA", "--now", stdout=out, stderr=io.StringIO()
        )

    submission = Submission.objects.unscoped().get()
    assert raised.value.returncode == 1
    assert str(raised.value) == f"submission #{submission.pk} rejected"
    lines = out.getvalue().splitlines()
    assert lines[1:3] == [
        f"submission #{submission.pk}: rejected",
        "lines: 2 read, 0 accepted, 0 warned, 2 rejected",
    ]
    # The file-level reason first, then the lines' errors in line order.
    assert lines[4].startswith("  bad.csv:-: -: no_lines: error: ")
    assert [line.split(":")[1] for line in lines[5:]] == ["2", "3"]
    assert _facts(submission) == []


@pytest.mark.django_db
def test_retry_now_processes_a_failed_submission_here(dist_a, catalog, tmp_path):
    path = _report(tmp_path, "october.csv", [("A-1", "2026-10-01", "SKU-0", 5)])
    _ingest(path, "--distributor", "ALPHA")
    submission = Submission.objects.unscoped().get()
    Submission.objects.unscoped().filter(pk=submission.pk).update(
        status=SubmissionStatus.VALIDATING, stage=Stage.COMMITTING
    )

    out, _err = _ingest("--retry", submission.pk, "--now")

    assert out.splitlines() == [
        f"submission #{submission.pk}: october.csv from ALPHA received again for processing",
        f"submission #{submission.pk}: committed, version 1 of ALPHA sell-through 2026-10",
        "lines: 1 read, 1 accepted, 0 warned, 0 rejected",
    ]
    assert _facts(submission) == [("A-1", Decimal("5.000"))]


@pytest.mark.django_db(transaction=True)
def test_with_the_immediate_backend_the_file_is_processed_on_submit(
    dist_a, catalog, tmp_path, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    path = _report(tmp_path, "october.csv", [("A-1", "2026-10-01", "SKU-0", 5)])

    out, _err = _ingest(path, "--distributor", "ALPHA")

    submission = Submission.objects.unscoped().get()
    assert out.splitlines()[1:] == [
        f"submission #{submission.pk}: committed, version 1 of ALPHA sell-through 2026-10",
        "lines: 1 read, 1 accepted, 0 warned, 0 rejected",
    ]
