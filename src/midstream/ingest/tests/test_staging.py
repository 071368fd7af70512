"""SQLite: facts staged in a scratch file while the file is mapped (``staging``).

Outside a caller's transaction a sell-through CSV takes the staged path; inside one (a test's,
by default) the plain one. Both must commit exactly the same facts and rollups.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction

from midstream.ingest import pipeline, staging
from midstream.ingest.models import ReportedReseller, SellThroughFact, SellThroughMonth
from midstream.ingest.tests import test_pipeline
from midstream.ingest.tests.test_pipeline import ingest, sales_csv

catalog = test_pipeline.catalog  # the pipeline tests' products, part number and reseller

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the staged path is SQLite's"),
]

# Every column of a fact, but its id and submission (and the spelling by its key, not its id).
FACT_COLUMNS = [
    field.attname
    for field in SellThroughFact._meta.concrete_fields
    if field.attname not in ("id", "submission_id", "mention_id")
] + ["mention__key"]
MONTH_COLUMNS = ["month", "product_id", "reseller_id", "currency", "quantity", "amount"]


def _rows() -> list[str]:
    """Lines of every kind the facts carry: units, returns, no reseller, an unknown product,
    a duplicate, prices with four decimals, two months, several spellings per reseller."""
    rows = []
    for n in range(240):
        sku = ("W-1", "G-2")[n % 2]
        unit = "BX" if n % 7 == 0 and sku == "W-1" else "EA"
        quantity = -(n % 4 + 1) if n % 11 == 0 else n % 9 + 1
        price = Decimal("10.1234") + n
        customer = ("Acme GmbH;C-100", "ACME GMBH;", f"Kunde {n % 13} Zeta;", ";")[n % 4]
        month = "10" if n < 150 else "11"
        rows.append(
            f"E{n // 3};{n % 3 + 1};2026-{month}-{1 + n % 28:02d};{sku};{quantity};{unit};"
            f"{price};{price * quantity};EUR;{customer}"
        )
    rows[16] = rows[16].replace("W-1", "NOPE-9")
    rows.append(rows[5])
    return rows


def _committed(submission) -> tuple[list, list]:
    facts = (
        SellThroughFact.objects.unscoped()
        .filter(submission=submission)
        .order_by("line")
        .values_list(*FACT_COLUMNS)
    )
    months = (
        SellThroughMonth.objects.unscoped()
        .filter(submission=submission)
        .order_by(*MONTH_COLUMNS)
        .values_list(*MONTH_COLUMNS, "line_count", "active")
    )
    return list(facts), list(months)


def _undo(submission) -> None:
    SellThroughFact.objects.unscoped().filter(submission=submission).delete()
    SellThroughMonth.objects.unscoped().filter(submission=submission).delete()
    submission.delete()


def test_staged_and_plain_paths_commit_the_same_facts_and_rollups(dist_a, catalog, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 2_000)  # many batches
    staged_runs = []
    real_init = staging.FactStager.__init__

    def counting_init(self, *args, **kwargs):
        staged_runs.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(staging.FactStager, "__init__", counting_init)
    text = sales_csv(_rows())

    with transaction.atomic():  # a caller's transaction: the plain path
        plain = ingest(dist_a, text, name="plain.csv")
    assert staged_runs == []
    assert plain.status == "committed"
    expected = _committed(plain)
    _undo(plain)
    ReportedReseller.objects.unscoped().delete()  # the staged run stores them again

    staged = ingest(dist_a, text, name="staged.csv")
    assert len(staged_runs) == 1
    assert staged.status == "committed"
    assert (staged.lines_read, staged.lines_accepted, staged.lines_rejected) == (
        plain.lines_read,
        plain.lines_accepted,
        plain.lines_rejected,
    )
    facts, months = _committed(staged)
    assert len(facts) == plain.lines_accepted == 239
    assert facts == expected[0]
    assert months == expected[1]
    resellers = {row[FACT_COLUMNS.index("reseller_id")] for row in facts}
    assert resellers >= {catalog["acme"].pk, None}  # resolved and not
    assert sum(row[-2] for row in months) == len(facts)


def test_the_scratch_file_is_detached_and_removed(dist_a, catalog, monkeypatch):
    seen: list[staging.FactStager] = []
    real_close = staging.FactStager.close

    def remember(self):
        seen.append(self)
        real_close(self)

    monkeypatch.setattr(staging.FactStager, "close", remember)
    submission = ingest(dist_a, sales_csv(_rows()[:30]))
    assert submission.status == "committed"
    (stager,) = seen
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        attached = [row[1] for row in cursor.fetchall()]
        cursor.execute("SELECT name FROM sqlite_temp_master")
        temporary = cursor.fetchall()
    assert stager.schema not in attached
    assert [name for name in attached if name not in ("main", "temp")] == []
    assert temporary == []
    assert not Path(stager.path).exists()
    assert not Path(stager.path).parent.exists()


def test_a_failure_in_the_stager_leaves_no_scratch_file_and_nothing_written(
    dist_a, catalog, monkeypatch
):
    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 300)
    seen: list[staging.FactStager] = []
    real_ingest = staging.FactStager._ingest

    def fail_on_the_rollup(self, table, frame):
        seen.append(self)
        if table == "rollup":
            raise OSError("no space left on device")
        real_ingest(self, table, frame)

    monkeypatch.setattr(staging.FactStager, "_ingest", fail_on_the_rollup)
    submission = ingest(dist_a, sales_csv(_rows()[:60]))
    assert (submission.status, submission.failure) == (
        "failed",
        "OSError: no space left on device",
    )
    assert len(seen) > 2
    assert not Path(seen[0].path).parent.exists()
    assert SellThroughFact.objects.unscoped().count() == 0
    assert SellThroughMonth.objects.unscoped().count() == 0
    assert ReportedReseller.objects.unscoped().count() == 0
